"""`flask users import FILE`: the browser's enrolment from CSV, on the command line (attached to `flask users`)."""

from __future__ import annotations

from typing import BinaryIO

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.exc import IntegrityError

from app.auth.reset_links import reset_link
from app.extensions import db
from app.services.enrolment import (
    MAX_BYTES,
    EnrolmentPlan,
    EnrolmentSummary,
    apply_enrolment,
    plan_enrolment,
    read_enrolment_csv,
)


@click.command("import")
@click.argument("file", type=click.File("rb"))
@click.option("--dry-run", is_flag=True, help="Only check the file and show what enrolling it would do.")
@with_appcontext
def users_import(file: BinaryIO, dry_run: bool) -> None:
    """Enrol the people of a CSV file (header name,email,role,cohort; FILE may be - for standard input).

    Every row is checked first: with any bad row, each is printed as "line N: reason" and nothing is
    enrolled (exit status 1). Otherwise the accounts are created and added to their cohorts in one
    transaction, and each new account's one-time set-password link is printed, once: a full address when
    SERVER_NAME is configured, otherwise a path to put after the site's address.
    """
    # One byte past the limit is enough to tell the file is too large.
    plan = plan_enrolment(db.session, read_enrolment_csv(file.read(MAX_BYTES + 1)))
    _print_plan(plan)
    if not plan.ready:
        db.session.rollback()
        for problem in plan.problems:
            click.echo(str(problem), err=True)
        count = len(plan.problems)
        click.echo(f"{count} problem{'s' if count != 1 else ''}: nothing was enrolled. Fix the file and run again.",
                   err=True)
        raise SystemExit(1)
    if dry_run:
        db.session.rollback()
        click.echo("Dry run: nothing was enrolled.")
        return
    try:
        summary = apply_enrolment(db.session, plan, None)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise click.ClickException("another enrolment added some of these people at the same moment: nothing was "
                                   "enrolled by this run. Run it again to see what is left to do.") from None
    _print_summary(summary)


def _print_plan(plan: EnrolmentPlan) -> None:
    """One line per good row: what enrolling it does (bad rows are printed to stderr by the caller)."""
    for planned in plan.rows:
        if not planned.problems:
            row = planned.row
            click.echo(f"line {row.line}: {row.email} ({row.name}, {row.role}): {planned.outcome}")


def _print_summary(summary: EnrolmentSummary) -> None:
    """Who was created (with their links), who existed, who joined which cohort."""
    for created in summary.created:
        user = created.user
        click.echo(f"created: {user.role:<10} {user.email} ({user.name})  set-password link: "
                   f"{reset_link(created.reset.token)}")
    for user in summary.existing:
        click.echo(f"exists:  {user.role:<10} {user.email} ({user.name})")
    for user, cohort in summary.added:
        click.echo(f"added:   {user.email} to cohort {cohort.name}")
    for user, cohort in summary.already_in:
        click.echo(f"already: {user.email} in cohort {cohort.name}")
    counts = summary.counts()
    click.echo(f"{counts['created']} created, {counts['existing']} already existed, {counts['added']} added to a "
               f"cohort, {counts['already_in']} already in it.")
    if summary.created:
        expires = summary.created[0].reset.expires_at.strftime("%Y-%m-%d %H:%M")
        prefix = "" if current_app.config.get("SERVER_NAME") else (
            "put the site's address in front of each (SERVER_NAME is not configured, so Parley does not know it), ")
        click.echo(f"The links are shown only now: {prefix}pass each to its owner. "
                   f"Each works once, until {expires} UTC.")
