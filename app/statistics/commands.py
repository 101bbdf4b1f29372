"""`flask reports stats`: one quiz's item statistics from the command line, as CSV or JSON.

Attached to the `flask reports` group by app.cli.register_commands. The command line acts for whoever
runs the server, so it counts every student (the browser counts those the viewer may see).
"""

from __future__ import annotations

import json

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from app.csv_export import csv_rows
from app.database import write_intent
from app.extensions import db
from app.models import Cohort, Course, Quiz
from app.services.item_statistics import WHICH, quiz_item_report
from app.statistics.export import TABLE_ROWS, report_document


def _quiz_or_fail(quiz_key: str, course_key: str | None) -> Quiz:
    """The quiz with this key (in the course named, if any); a clear error when none or several match."""
    query = select(Quiz).join(Course, Course.id == Quiz.course_id).where(Quiz.key == quiz_key)
    if course_key is not None:
        query = query.where(Course.key == course_key)
    found = db.session.scalars(query).all()
    if not found:
        where = f" in course {course_key!r}" if course_key else ""
        raise click.ClickException(f"no quiz has the key {quiz_key!r}{where}")
    if len(found) > 1:
        raise click.ClickException(f"several courses have a quiz {quiz_key!r}: name one with --course")
    return found[0]


def _output(out: str | None):
    """The file to write to (newline="": CSV lines carry their own line ends), or the screen, kept open."""
    if out:
        return open(out, "w", encoding="utf-8", newline="")
    return click.open_file("-", "w")


@click.command("stats")
@click.option("--quiz", "quiz_key", required=True, help="The quiz's key (its file name without .yaml).")
@click.option("--course", "course_key", help="The course's key, when several courses have a quiz with that key.")
@click.option("--cohort", "cohort_name", help="Count only this cohort's students (by name).")
@click.option("--attempts", "which", type=click.Choice(WHICH), default="all", show_default=True,
              help="Which attempts of each student to count.")
@click.option("--format", "output_format", type=click.Choice(["csv", "json"]), default="csv", show_default=True)
@click.option("--table", type=click.Choice(sorted(TABLE_ROWS)), default="questions", show_default=True,
              help="For CSV: the per-question figures, the answer frequencies or the quiz-level figures.")
@click.option("--out", type=click.Path(dir_okay=False, writable=True), help="Write here instead of to the screen.")
@with_appcontext
def stats(quiz_key: str, course_key: str | None, cohort_name: str | None, which: str, output_format: str,
          table: str, out: str | None) -> None:
    """Export a quiz's item statistics (Moodle's figures per question and for the quiz) as CSV or JSON."""
    # Only reads: on SQLite its transaction must not take the write lock a save needs.
    token = write_intent.set(False)
    try:
        quiz = _quiz_or_fail(quiz_key, course_key)
        cohort_id = None
        if cohort_name is not None:
            cohort_id = db.session.scalar(select(Cohort.id).where(Cohort.name == cohort_name))
            if cohort_id is None:
                raise click.ClickException(f"no cohort is named {cohort_name!r}")
        report = quiz_item_report(db.session, quiz, None, which=which, cohort_id=cohort_id)
        if report is None:
            raise click.ClickException(f"quiz {quiz_key!r} has never been published: no statistics")
        with _output(out) as handle:
            if output_format == "json":
                json.dump(report_document(report), handle, indent=2, ensure_ascii=False)
                handle.write("\n")
            else:
                handle.writelines(csv_rows(TABLE_ROWS[table](report)))
        if out:
            click.echo(f"Wrote the statistics of {quiz.key!r} ({report.statistics.overall.attempts} attempts) "
                       f"to {out}.", err=True)
    finally:
        db.session.rollback()
        write_intent.reset(token)
