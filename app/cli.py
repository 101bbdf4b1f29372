"""`flask` commands: content check/sync, user management, demo accounts."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from app.content.bundle import read_content
from app.content.problems import ContentInvalid
from app.extensions import db
from app.models import ROLES
from app.passwords import password_problem
from app.secret_key import SecretKeyError, ensure_secret_key_file
from app.services.accounts import EmailTaken, create_user, find_by_email, generate_password
from app.services.content_sync import sync_content

content_cli = AppGroup("content", help="Validate and load course/ and quizzes/.")
users_cli = AppGroup("users", help="Manage accounts.")

DEMO_ACCOUNTS = (
    ("student@example.org", "Demo Student", "student"),
    ("instructor@example.org", "Demo Instructor", "instructor"),
    ("admin@example.org", "Demo Admin", "admin"),
)


def _read_content_or_exit():
    course_dir = Path(current_app.config["COURSE_DIR"])
    quizzes_dir = Path(current_app.config["QUIZZES_DIR"])
    try:
        return read_content(course_dir, quizzes_dir, display_root=course_dir.parent)
    except ContentInvalid as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        click.echo(f"{len(exc.problems)} problem(s); nothing was loaded.", err=True)
        raise SystemExit(1) from None


@content_cli.command("check")
def content_check() -> None:
    """Validate the content files without writing anything."""
    bundle = _read_content_or_exit()
    course = bundle.course
    questions = sum(len(quiz.questions) for quiz in bundle.quizzes)
    click.echo(f"OK: course {course.key!r} with {len(course.lessons)} lessons"
               f"{', an About page' if course.about else ''} and {len(bundle.quizzes)} quizzes "
               f"({questions} questions).")


@content_cli.command("sync")
@click.option("--prefer-files", is_flag=True,
              help="Let the files win over quizzes changed in the browser (their drafts are discarded).")
def content_sync(prefer_files: bool) -> None:
    """Load the content files into the database in one transaction (idempotent)."""
    bundle = _read_content_or_exit()
    try:
        report = sync_content(db.session, bundle, prefer_files=prefer_files)
        db.session.commit()
    except ContentInvalid as exc:
        db.session.rollback()
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        click.echo(f"{len(exc.problems)} problem(s); nothing was loaded.", err=True)
        raise SystemExit(1) from None
    except Exception:
        db.session.rollback()
        raise
    for label, items in (("added", report.added), ("changed", report.changed), ("retired", report.retired)):
        for item in items:
            click.echo(f"{label}: {item}")
    click.echo(f"{len(report.added)} added, {len(report.changed)} changed, "
               f"{len(report.unchanged)} unchanged, {len(report.retired)} retired.")


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", type=click.Choice(ROLES), default="student", show_default=True)
@click.option("--password", help="Omit to be prompted, or use --generate-password.")
@click.option("--generate-password", "generate", is_flag=True, help="Generate a random password, print it once.")
def users_create(email: str, name: str, role: str, password: str | None, generate: bool) -> None:
    """Create an account with the given role."""
    if password is None:
        password = generate_password() if generate else click.prompt("Password", hide_input=True,
                                                                    confirmation_prompt=True)
    problem = password_problem(password, email=email, name=name)
    if problem:
        raise click.BadParameter(problem, param_hint="--password")
    try:
        create_user(db.session, email=email, name=name, password=password, role=role)
        db.session.commit()
    except EmailTaken:
        db.session.rollback()
        raise click.ClickException(f"an account with email {email} already exists") from None
    click.echo(f"Created {role} {email}" + (f" with password: {password}" if generate else "."))


@users_cli.command("demo")
def users_demo() -> None:
    """Create a demo student, instructor and admin; print their passwords once."""
    created = []
    for email, name, role in DEMO_ACCOUNTS:
        if find_by_email(db.session, email) is not None:
            click.echo(f"exists: {role:<10} {email} (password shown when it was created)")
            continue
        password = generate_password()
        create_user(db.session, email=email, name=name, password=password, role=role)
        created.append((role, email, password))
    db.session.commit()
    for role, email, password in created:
        click.echo(f"created: {role:<10} {email}  password: {password}")
    if created:
        click.echo("These passwords are shown only now; keep them.")


@click.command("secret-key")
@with_appcontext
def secret_key_command() -> None:
    """Write a random signing key to instance/secret_key (mode 600) unless one is there; never print it."""
    try:
        path, created = ensure_secret_key_file(current_app.instance_path)
    except SecretKeyError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{'created' if created else 'kept'}: {path}")


def register_commands(app: Flask) -> None:
    """Attach Parley's command groups to the app's CLI."""
    app.cli.add_command(content_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(secret_key_command)
