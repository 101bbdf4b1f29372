"""Routes of the statistics blueprint: the quizzes, one quiz's item statistics and charts, its export,
and lesson completion over time. Staff only (see the blueprint's guard); every figure counts only the
students `permissions.visible_students` lets the viewer see."""

from __future__ import annotations

from flask import Response, abort, render_template, request
from flask_login import current_user
from sqlalchemy import exists, or_, select

from app.charts import ItemPoint, cumulative_completion, facility_discrimination, score_distribution
from app.csv_export import csv_rows
from app.extensions import db
from app.models import Cohort, Quiz
from app.permissions import is_admin, load_or_404, taught_cohort_ids
from app.security import no_store
from app.services.completion_history import completions_per_day
from app.services.item_statistics import WHICH_LABELS, ItemReport, quiz_attempt_counts, quiz_item_report
from app.statistics import bp
from app.statistics.export import TABLE_ROWS
from app.statistics.forms import CohortFilterForm, ExportForm, QuizStatisticsForm


def _visible_cohorts() -> list[Cohort]:
    """The cohorts the viewer may filter by: all for admins and for instructors teaching none, else their own."""
    query = select(Cohort).order_by(Cohort.starts_on.desc(), Cohort.name)
    if not is_admin(current_user):
        taught = taught_cohort_ids(current_user)
        query = query.where(or_(~exists(taught), Cohort.id.in_(taught)))
    return list(db.session.scalars(query))


@bp.route("/")
@no_store
def index():
    """The published quizzes with their finished attempts (among the students the viewer may see)."""
    return render_template("statistics/index.html", quizzes=quiz_attempt_counts(db.session, current_user))


def _charts(report: ItemReport):
    """The score distribution and the facility/discrimination scatter of a report."""
    points = [ItemPoint(item.id, None if item.stats.facility is None else 100 * item.stats.facility,
                        item.stats.discrimination_index, tuple(flag.text for flag in item.problems))
              for item in report.questions]
    return (score_distribution("score-distribution", report.distribution,
                               f"Score distribution: {report.quiz.title}"),
            facility_discrimination("facility-discrimination", points,
                                    f"Facility against discrimination: {report.quiz.title}"))


@bp.route("/quizzes/<int:quiz_id>")
@no_store
def quiz(quiz_id: int):
    """One quiz's Moodle statistics over the chosen attempts and cohort, with its charts and answer tallies."""
    quiz = load_or_404(Quiz, quiz_id)
    form = QuizStatisticsForm(formdata=request.args)
    form.set_cohorts(_visible_cohorts())
    if not form.validate():
        return render_template("statistics/quiz.html", quiz=quiz, form=form, report=None, charts=()), 400
    report = quiz_item_report(db.session, quiz, current_user, which=form.attempts.data, cohort_id=form.cohort_id)
    return render_template("statistics/quiz.html", quiz=quiz, form=form, report=report,
                           charts=_charts(report) if report else (), which_label=WHICH_LABELS[form.attempts.data])


@bp.route("/quizzes/<int:quiz_id>/stats.csv")
@no_store
def quiz_csv(quiz_id: int):
    """The statistics as CSV (per question, answer frequencies or quiz figures), with the page's filters, streamed."""
    quiz = load_or_404(Quiz, quiz_id)
    form = ExportForm(formdata=request.args)
    form.set_cohorts(_visible_cohorts())
    if not form.validate():
        abort(400)
    report = quiz_item_report(db.session, quiz, current_user, which=form.attempts.data, cohort_id=form.cohort_id)
    if report is None:
        abort(404)
    table = form.table.data
    filename = f"{quiz.key}-{table}-{form.attempts.data}.csv"
    # The figures are computed before the first line goes out, so the lines need no request or database.
    return Response(csv_rows(TABLE_ROWS[table](report)), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.route("/completion")
@no_store
def completion():
    """A cohort's lesson completion over time: cumulative completed lessons per day, with its data table."""
    form = CohortFilterForm(formdata=request.args)
    cohorts = _visible_cohorts()
    form.set_cohorts(cohorts)
    if not form.validate():
        return render_template("statistics/completion.html", form=form, chart=None, cohort=None), 400
    cohort = next((c for c in cohorts if c.id == form.cohort_id), None)
    who = cohort.name if cohort else "every student you may see"
    chart = cumulative_completion("completion", completions_per_day(db.session, current_user,
                                                                   cohort_id=form.cohort_id),
                                  f"Lessons completed over time: {who}")
    return render_template("statistics/completion.html", form=form, chart=chart, cohort=cohort)
