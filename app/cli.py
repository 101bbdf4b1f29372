"""`flask` commands: content check/sync/export, user management, demo accounts."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
import yaml
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select

from app.auth.reset_links import reset_link
from app.content.bundle import read_content
from app.content.problems import ContentInvalid
from app.content.quiz_export import dump_quiz
from app.content.quiz_quality import content_warnings
from app.database import write_intent
from app.extensions import db
from app.models import ROLES, Course, Quiz, QuizVersion, User
from app.passwords import password_problem
from app.secret_key import SecretKeyError, ensure_secret_key_file
from app.services import people
from app.services.accounts import EmailTaken, create_user, find_by_email, generate_password
from app.services.content_sync import sync_content
from app.services.password_resets import issue_reset

content_cli = AppGroup("content", help="Validate and load course/ and quizzes/, and export quizzes back to files.")
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
    """Validate the content files, and how their quizzes are written, without writing anything."""
    bundle = _read_content_or_exit()
    course = bundle.course
    questions = sum(len(quiz.questions) for quiz in bundle.quizzes)
    warnings = content_warnings(bundle.quizzes, {lesson.key: lesson.objectives for lesson in course.lessons})
    if warnings:
        for warning in warnings:
            click.echo(f"{warning} [warning]", err=True)
        click.echo(f"{len(warnings)} warning(s) about how the quizzes are written: the files are valid and would "
                   "load, but the check fails until they are fixed.", err=True)
        raise SystemExit(1)
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


@content_cli.command("export")
@click.argument("quiz_key", metavar="[QUIZ]", required=False)
@click.option("--all", "export_all", is_flag=True, help="Export every published quiz of the course, one file each.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="With QUIZ: write the file here instead of printing it.")
@click.option("--dir", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="With --all: the folder to write to (default: the quizzes folder, QUIZZES_DIR).")
@click.option("--course", "course_key", help="The course's id, if the database holds more than one.")
def content_export(quiz_key: str | None, export_all: bool, out: Path | None, out_dir: Path | None,
                   course_key: str | None) -> None:
    """Write quizzes back in the quizzes/ file format, from their current published version.

    `export QUIZ` prints one quiz (or writes it to --out FILE); `export --all` writes DIR/<quiz id>.yaml
    for every published quiz that is not retired (a quiz already in DIR under another file name keeps that
    file). What is written is the current version: a draft not yet published in the browser is NOT
    exported. The same version always gives the same bytes, so a commit shows only real changes.
    """
    if bool(quiz_key) == export_all:
        raise click.UsageError("name one QUIZ, or give --all")
    if out is not None and export_all:
        raise click.UsageError("--out writes one quiz: with --all, use --dir")
    if out_dir is not None and not export_all:
        raise click.UsageError("--dir goes with --all: for one quiz, use --out FILE")
    # Export only reads: on SQLite its transaction must not take the write lock a sync or a save needs.
    token = write_intent.set(False)
    try:
        course = course_or_exit(course_key)
        if export_all:
            _export_all(course, out_dir or Path(current_app.config["QUIZZES_DIR"]))
        else:
            _export_one(course, quiz_key, out)
    finally:
        db.session.rollback()
        write_intent.reset(token)


def course_or_exit(course_key: str | None) -> Course:
    """The course named, or the only one; a clear error if there is none or the choice is ambiguous."""
    courses = db.session.scalars(select(Course).order_by(Course.key)).all()
    keys = ", ".join(course.key for course in courses)
    if course_key is not None:
        found = next((course for course in courses if course.key == course_key), None)
        if found is None:
            raise click.ClickException(f"no course {course_key!r} in the database (courses: {keys or 'none'})")
        return found
    if not courses:
        raise click.ClickException("the database holds no course yet: run `flask content sync` first")
    if len(courses) > 1:
        raise click.ClickException(f"the database holds several courses ({keys}): choose one with --course")
    return courses[0]


def _document_or_exit(quiz: Quiz, version: QuizVersion | None) -> dict:
    """The current version's document; a clear error if there is no published version or no stored document."""
    if version is None:
        raise click.ClickException(f"quiz {quiz.key!r} has never been published (it is a browser draft): "
                                   "export writes published versions only; publish it first")
    if version.document is None:
        # Every sync stores it (publish fills it in when the file is unchanged), so only a database last
        # synced before documents were kept can get here.
        raise click.ClickException(f"quiz {quiz.key!r}: its current version ({version.number}) has no stored "
                                   "document (versions made before Parley kept documents have none); "
                                   "run `flask content sync` with its file, then export again")
    return version.document


def _export_one(course: Course, quiz_key: str, out: Path | None) -> None:
    """Print one quiz's current version as a file, or write it to `out`."""
    quiz = db.session.scalars(select(Quiz).where(Quiz.course_id == course.id, Quiz.key == quiz_key)).one_or_none()
    if quiz is None:
        known = db.session.scalars(select(Quiz.key).where(Quiz.course_id == course.id).order_by(Quiz.key)).all()
        raise click.ClickException(f"no quiz {quiz_key!r} in course {course.key!r}; "
                                   f"the quizzes are: {', '.join(known) or 'none'}")
    version = db.session.get(QuizVersion, quiz.current_version_id) if quiz.current_version_id else None
    data = dump_quiz(_document_or_exit(quiz, version)).encode("utf-8")
    if out is None:
        # Bytes, not text: the file's bytes whatever the terminal's encoding or the platform's newline.
        binary = getattr(sys.stdout, "buffer", None)
        if binary is None:
            click.echo(data.decode("utf-8"), nl=False)
        else:
            sys.stdout.flush()
            binary.write(data)
            binary.flush()
        return
    _write_file(out, data)
    click.echo(f"wrote: {out} (quiz {quiz.key}, version {version.number})", err=True)


def _export_all(course: Course, folder: Path) -> None:
    """Write a file in `folder` for every published quiz of the course that is not retired."""
    rows = db.session.execute(
        select(Quiz, QuizVersion).outerjoin(QuizVersion, QuizVersion.id == Quiz.current_version_id)
        .where(Quiz.course_id == course.id).order_by(Quiz.key)
    ).all()
    skipped = [f"quiz {quiz.key} ({'never published' if version is None else 'retired'})"
               for quiz, version in rows if version is None or quiz.retired_at is not None]
    # A retired quiz's file was removed on purpose: writing it back would bring the quiz back.
    chosen = [(quiz, version) for quiz, version in rows if version is not None and quiz.retired_at is None]
    # Every document is checked before any file is written: one that cannot be exported stops them all.
    documents = [(quiz, version, _document_or_exit(quiz, version)) for quiz, version in chosen]
    folder.mkdir(parents=True, exist_ok=True)
    files = _files_by_quiz_id(folder)
    for quiz, version, document in documents:
        path = files.get(quiz.key, folder / f"{quiz.key}.yaml")
        _write_file(path, dump_quiz(document).encode("utf-8"))
        click.echo(f"wrote: {path} (quiz {quiz.key}, version {version.number})")
    for item in skipped:
        click.echo(f"skipped: {item}")
    click.echo(f"{len(documents)} quiz file(s) written to {folder}.")


def _files_by_quiz_id(folder: Path) -> dict[str, Path]:
    """Quiz files already in `folder` under a name other than `<id>.yaml`, by the id they hold."""
    found: dict[str, Path] = {}
    for path in sorted(folder.glob("*.y*ml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            continue  # not ours to judge here: `flask content check` reports it
        key = data.get("id") if isinstance(data, dict) else None
        if isinstance(key, str) and path.name != f"{key}.yaml":
            # Writing `<id>.yaml` beside it would give the course two files with one quiz id.
            found.setdefault(key, path)
    return {key: path for key, path in found.items() if not (folder / f"{key}.yaml").exists()}


def _write_file(path: Path, data: bytes) -> None:
    """Replace `path` in one step, so a sync reading the folder never sees half a file."""
    partial = path.with_name(f".{path.name}.partial")
    try:
        partial.write_bytes(data)
        os.replace(partial, path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise click.ClickException(f"cannot write {path}: {exc.strerror or exc}") from None


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


@users_cli.command("list")
@click.option("--role", type=click.Choice(ROLES), help="Only accounts with this role.")
def users_list(role: str | None) -> None:
    """List accounts: email, role, name, and whether each is active."""
    query = select(User).order_by(User.role, User.email)
    if role:
        query = query.where(User.role == role)
    users = db.session.scalars(query).all()
    for user in users:
        click.echo(f"{user.email:<40} {user.role:<10} {'active' if user.active else 'deactivated':<11} {user.name}")
    click.echo(f"{len(users)} account{'s' if len(users) != 1 else ''}.")


def _account_or_exit(email: str) -> User:
    """The account with this email, or a clear error."""
    user = find_by_email(db.session, email)
    if user is None:
        raise click.ClickException(f"no account has the email {email}")
    return user


@users_cli.command("deactivate")
@click.argument("email")
def users_deactivate(email: str) -> None:
    """Stop an account from signing in; its sessions and remember-me cookies stop working at once.

    The last active administrator cannot be deactivated: nobody could manage accounts in the browser then.
    """
    user = _account_or_exit(email)
    try:
        changed = people.deactivate(db.session, user, actor=None)
    except people.LastAdmin as refused:
        db.session.rollback()
        raise click.ClickException(f"{refused} Nothing was changed.") from None
    db.session.commit()
    click.echo(f"{user.email} is deactivated, and signed out everywhere." if changed
               else f"{user.email} already was deactivated.")


@users_cli.command("reactivate")
@click.argument("email")
def users_reactivate(email: str) -> None:
    """Let a deactivated account sign in again."""
    user = _account_or_exit(email)
    changed = people.reactivate(db.session, user, actor=None)
    db.session.commit()
    click.echo(f"{user.email} is active." if changed else f"{user.email} already was active.")


@users_cli.command("reset-password")
@click.argument("email")
def users_reset_password(email: str) -> None:
    """Print a one-time link with which the account's owner chooses a new password (it works once, for a day).

    Any earlier link for the account stops working. The current password keeps working until the link is used.
    The link is a full address when SERVER_NAME is configured; otherwise it is a path to put after the site's address.
    """
    user = _account_or_exit(email)
    issued = issue_reset(db.session, user, issued_by=None)
    db.session.commit()
    click.echo(reset_link(issued.token))
    if not current_app.config.get("SERVER_NAME"):
        click.echo("Put the site's address in front of this path (e.g. https://parley.example.org/auth/reset/...): "
                   "SERVER_NAME is not configured, so Parley does not know it.", err=True)
    click.echo(f"For {user.email}; it works once, until {issued.expires_at.strftime('%Y-%m-%d %H:%M')} UTC. "
               "It is shown only now.", err=True)


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
    from app.cohorts.commands import users_import
    from app.reports.commands import reports_cli
    from app.statistics.commands import stats

    users_cli.add_command(users_import)
    reports_cli.add_command(stats)

    app.cli.add_command(content_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(reports_cli)
    app.cli.add_command(secret_key_command)
