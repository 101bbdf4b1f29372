"""`flask reports ...`: the report exports from the command line.

The command line runs with the server's own rights: it reports on every student, as an administrator sees
them. Rows stream from the database to the output, so a large cohort never sits in memory; with --out a
progress bar counts them (one COUNT query first).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from app.cli import course_or_exit
from app.csv_export import csv_lines
from app.database import write_intent
from app.extensions import db
from app.models import Cohort, Course, Quiz
from app.reports.exports import matrix_json
from app.services import report_exports as export_service

reports_cli = click.Group("reports", help="Export progress, attempts, responses and item statistics.")

FORMATS = ("csv", "json")


def _common_options(command):
    """--course, --cohort, --format and --out, which every export takes."""
    command = click.option("--out", type=click.Path(dir_okay=False, writable=True, path_type=Path),
                           help="Write to this file (with a progress bar) instead of printing.")(command)
    command = click.option("--format", "output_format", type=click.Choice(FORMATS), default="csv", show_default=True,
                           help="CSV for every export; JSON for progress only.")(command)
    command = click.option("--cohort", "cohort_name", help="Only the students of this cohort (its name).")(command)
    return click.option("--course", "course_key", help="The course's id, if the database holds more than one.")(command)


@reports_cli.command("progress")
@_common_options
@with_appcontext
def progress_command(course_key: str | None, cohort_name: str | None, output_format: str, out: Path | None) -> None:
    """The progress matrix: every student's lesson states and quiz standings, one row (or object) each."""
    with _read_only():
        course = course_or_exit(course_key)
        cohort_id = _cohort_id_or_exit(cohort_name)
        query, export = export_service.progress_export(db.session, None, course, cohort_id=cohort_id)
        if output_format == "json":
            rows = _with_progress(query.stream(db.session), export.count, out, "students")
            chunks = matrix_json(query.layout, rows, {"cohort": cohort_name})
        else:
            chunks = csv_lines(export.header, _with_progress(export.rows(), export.count, out, "students"))
        _write(chunks, out)


@reports_cli.command("attempts")
@_common_options
@click.option("--quiz", "quiz_key", help="Only this quiz (its id).")
@with_appcontext
def attempts_command(course_key: str | None, cohort_name: str | None, output_format: str, out: Path | None,
                     quiz_key: str | None) -> None:
    """Every attempt: student, quiz, attempt number, version, state, start, submission and score."""
    _csv_only(output_format, "attempts")
    with _read_only():
        course = course_or_exit(course_key)
        export = export_service.attempts_export(db.session, None, course, quiz=_quiz_or_exit(course, quiz_key),
                                                cohort_id=_cohort_id_or_exit(cohort_name))
        _write(csv_lines(export.header, _with_progress(export.rows(), export.count, out, "attempts")), out)


@reports_cli.command("responses")
@_common_options
@click.option("--quiz", "quiz_key", help="Only this quiz (its id).")
@with_appcontext
def responses_command(course_key: str | None, cohort_name: str | None, output_format: str, out: Path | None,
                      quiz_key: str | None) -> None:
    """Every answer of every attempt, one row per attempt and question: marks, maximum, fraction, answer text."""
    _csv_only(output_format, "responses")
    with _read_only():
        course = course_or_exit(course_key)
        export = export_service.responses_export(db.session, None, course, quiz=_quiz_or_exit(course, quiz_key),
                                                 cohort_id=_cohort_id_or_exit(cohort_name))
        _write(csv_lines(export.header, _with_progress(export.rows(), export.count, out, "answers")), out)


def _csv_only(output_format: str, what: str) -> None:
    if output_format != "csv":
        raise click.UsageError(f"the {what} export is CSV only (JSON is for `flask reports progress`)")


@contextmanager
def _read_only():
    """Run an export as the read it is: on SQLite its transaction must not take the write lock others need."""
    token = write_intent.set(False)
    try:
        yield
    finally:
        db.session.rollback()
        write_intent.reset(token)


def _cohort_id_or_exit(name: str | None) -> int | None:
    if name is None:
        return None
    cohort_id = db.session.scalar(select(Cohort.id).where(Cohort.name == name))
    if cohort_id is None:
        names = ", ".join(db.session.scalars(select(Cohort.name).order_by(Cohort.name)))
        raise click.ClickException(f"no cohort named {name!r} (cohorts: {names or 'none'})")
    return cohort_id


def _quiz_or_exit(course: Course, key: str | None) -> Quiz | None:
    if key is None:
        return None
    quiz = db.session.scalar(select(Quiz).where(Quiz.course_id == course.id, Quiz.key == key))
    if quiz is None:
        keys = ", ".join(db.session.scalars(select(Quiz.key).where(Quiz.course_id == course.id).order_by(Quiz.key)))
        raise click.ClickException(f"no quiz {key!r} in course {course.key!r} (quizzes: {keys or 'none'})")
    return quiz


def _with_progress(rows: Iterable, count, out: Path | None, noun: str) -> Iterator:
    """The rows, ticking a progress bar on the terminal when the output goes to a file."""
    if out is None:
        yield from rows
        return
    with click.progressbar(rows, length=count(), label=f"Writing {noun} to {out}", file=sys.stderr) as bar:
        yield from bar


def _write(chunks: Iterable[str], out: Path | None) -> None:
    """Write the text to the file (UTF-8, newlines as the CSV module wrote them) or to standard output."""
    if out is None:
        for chunk in chunks:
            click.echo(chunk, nl=False)
        return
    try:
        with out.open("w", encoding="utf-8", newline="") as stream:
            for chunk in chunks:
                stream.write(chunk)
    except OSError as exc:
        raise click.ClickException(f"cannot write {out}: {exc.strerror or exc}") from None
    click.echo(f"wrote: {out}", err=True)
