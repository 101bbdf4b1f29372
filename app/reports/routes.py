"""Routes of the reports blueprint: the progress matrix, who needs help, one student, and the exports.

Cohort-wide pages and exports are for staff (403 for students). A student's page and JSON are for the
student themselves and for staff who may see that student; anyone else gets 404, as for a student who
does not exist, since whether someone studies here is itself private.
"""

from __future__ import annotations

import contextvars
import json
import re
from collections.abc import Iterator

from flask import Response, abort, render_template, request, stream_with_context
from flask_login import current_user
from sqlalchemy import select

from app.csv_export import csv_lines
from app.extensions import db
from app.models import Course, Quiz, User, utcnow
from app.permissions import can_view_student, is_staff, load_or_404, require, require_visible
from app.reports import bp
from app.reports.exports import matrix_json, student_json
from app.reports.forms import ExportFilterForm, HelpFilterForm, MatrixFilterForm
from app.security import no_store
from app.services import progress_matrix as matrix_service
from app.services import report_exports as export_service
from app.services import student_records as record_service


@bp.route("/")
@no_store
def index():
    """The course's progress matrix: each student's lesson states and quiz scores, filtered and sorted."""
    require(is_staff(current_user))
    course = _course_or_404()
    form = _matrix_form()
    matrix = None
    if form.validate():
        matrix = matrix_service.progress_matrix(
            db.session, current_user, course, **form.matrix_options(), page=request.args.get("page", 1, type=int),
            per_page=matrix_service.PER_PAGE)
    filters = {"course": course.key, **form.filters()}
    return render_template("reports/index.html", course=course, form=form, matrix=matrix, filters=filters)


@bp.route("/help", endpoint="help")
@no_store
def needing_help():
    """Students who may need help (inactive, stuck on a quiz, behind their cohort), each with the reasons."""
    require(is_staff(current_user))
    course = _course_or_404()
    form = HelpFilterForm(formdata=request.args).offer(matrix_service.visible_cohorts(db.session, current_user))
    entries, page, pages = None, 1, 1
    inactive_days = form.inactive_days.default
    failed_attempts = form.failed_attempts.default
    if form.validate():
        inactive_days = form.inactive_days.data or inactive_days
        failed_attempts = form.failed_attempts.data or failed_attempts
        entries = matrix_service.students_needing_help(
            db.session, current_user, course, now=utcnow(), inactive_days=inactive_days,
            failed_attempts=failed_attempts, cohort_id=form.cohort.data)
        pages = max(1, -(-len(entries) // matrix_service.PER_PAGE))
        page = min(max(request.args.get("page", 1, type=int), 1), pages)
    filters = {"course": course.key, **form.filters()}
    return render_template("reports/help.html", course=course, form=form, entries=entries, page=page, pages=pages,
                           per_page=matrix_service.PER_PAGE, filters=filters, inactive_days=inactive_days,
                           failed_attempts=failed_attempts)


@bp.route("/students/<int:user_id>")
@no_store
def student(user_id: int):
    """One student's lessons, grades and attempts with every answer, its marks and the checked tries."""
    student = load_or_404(User, user_id)
    require_visible(can_view_student(current_user, student))
    course = _course_or_404()
    record = record_service.student_record(db.session, current_user, student, course, now=utcnow())
    return render_template("reports/student.html", course=course, record=record)


@bp.route("/students/<int:user_id>/progress.json")
@no_store
def student_progress_json(user_id: int):
    """One student's record as JSON."""
    student = load_or_404(User, user_id)
    require_visible(can_view_student(current_user, student))
    course = _course_or_404()
    record = record_service.student_record(db.session, current_user, student, course, now=utcnow())
    return _json_download(student_json(record), f"progress-{student.id}.json")


@bp.route("/export/progress.csv")
@no_store
def export_progress_csv():
    """The whole progress matrix (all pages) as CSV, streamed."""
    require(is_staff(current_user))
    course = _course_or_404()
    form = _valid_or_400(_matrix_form())
    _, export = export_service.progress_export(db.session, current_user, course, **form.matrix_options())
    return _csv_download(export, f"progress-{course.key}.csv")


@bp.route("/export/progress.json")
@no_store
def export_progress_json():
    """The whole progress matrix as one JSON document, streamed a student at a time."""
    require(is_staff(current_user))
    course = _course_or_404()
    form = _valid_or_400(_matrix_form())
    options = form.matrix_options()
    query, _ = export_service.progress_export(db.session, current_user, course, **options)
    filters = {"cohort" if name == "cohort_id" else name: value for name, value in options.items()}
    body = matrix_json(query.layout, query.stream(db.session), filters)
    return _download(body, f"progress-{course.key}.json", "application/json")


@bp.route("/export/attempts.csv")
@no_store
def export_attempts_csv():
    """Every attempt (student, quiz, number, version, state, times, score) as CSV, streamed."""
    require(is_staff(current_user))
    course = _course_or_404()
    form, quiz = _export_form(course)
    export = export_service.attempts_export(db.session, current_user, course, quiz=quiz, cohort_id=form.cohort.data)
    return _csv_download(export, f"attempts-{quiz.key if quiz else course.key}.csv")


@bp.route("/export/responses.csv")
@no_store
def export_responses_csv():
    """Every answer of every attempt with its marks, maximum and fraction (?quiz=id for one quiz), streamed."""
    require(is_staff(current_user))
    course = _course_or_404()
    form, quiz = _export_form(course)
    export = export_service.responses_export(db.session, current_user, course, quiz=quiz,
                                             cohort_id=form.cohort.data)
    return _csv_download(export, f"responses-{quiz.key if quiz else course.key}.csv")


@bp.route("/export/users.csv")
@no_store
def export_users_csv():
    """The accounts this viewer may see (every account for admins, their students for instructors), streamed."""
    require(is_staff(current_user))
    return _csv_download(export_service.users_export(db.session, current_user), "users.csv")


def _course_or_404() -> Course:
    """The course named by ?course=, else the first one (Parley normally holds one)."""
    statement = select(Course).order_by(Course.id).limit(1)
    key = request.args.get("course")
    if key:
        statement = statement.where(Course.key == key)
    course = db.session.scalars(statement).first()
    if course is None:
        abort(404)
    return course


def _matrix_form() -> MatrixFilterForm:
    form = MatrixFilterForm(formdata=request.args)
    form.offer(matrix_service.visible_cohorts(db.session, current_user))
    return form


def _valid_or_400(form):
    """An export's filters, or 400 saying what is wrong with them."""
    if not form.validate():
        problems = "; ".join(f"{form[name].label.text}: {' '.join(errors)}" for name, errors in form.errors.items())
        abort(400, description=f"The export's filters are not valid ({problems}).")
    return form


def _export_form(course: Course) -> tuple[ExportFilterForm, Quiz | None]:
    quizzes = {quiz.key: quiz for quiz in db.session.scalars(select(Quiz).where(Quiz.course_id == course.id))}
    form = ExportFilterForm(formdata=request.args)
    form.offer(matrix_service.visible_cohorts(db.session, current_user)).offer_quizzes(sorted(quizzes))
    _valid_or_400(form)
    return form, quizzes.get(form.quiz.data) if form.quiz.data else None


def _csv_download(export: export_service.Export, filename: str) -> Response:
    return _download(csv_lines(export.header, export.rows()), filename, "text/csv; charset=utf-8")


def _download(chunks: Iterator[str], filename: str, mimetype: str) -> Response:
    """A streamed attachment: the rows are read from the database while the response is sent."""
    response = Response(_in_one_context(stream_with_context(chunks)), mimetype=mimetype)
    response.headers["Content-Disposition"] = _attachment(filename)
    return response


def _attachment(filename: str) -> str:
    """A Content-Disposition header for a download; the name is made of ids, kept to safe characters anyway."""
    return f'attachment; filename="{re.sub(r"[^A-Za-z0-9._-]", "-", filename)}"'


def _in_one_context(body: Iterator[str]) -> Iterator[str]:
    """Run every step of a streamed body in one copy of the view's context.

    stream_with_context pushes the request's contexts when the body starts and pops them when it ends, and
    a context variable can only be reset in the context that set it; the server (the test client does) may
    read the first chunk in one context and the rest, or close the body, in another.
    """
    context = contextvars.copy_context()
    try:
        while True:
            try:
                chunk = context.run(next, body)
            except StopIteration:
                return
            yield chunk
    finally:
        context.run(body.close)


def _json_download(data: dict, filename: str) -> Response:
    response = Response(json.dumps(data, ensure_ascii=False, indent=1), mimetype="application/json")
    response.headers["Content-Disposition"] = _attachment(filename)
    return response

