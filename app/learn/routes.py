"""Course overview, lesson pages, marking read, the Review page and time-on-page heartbeats."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from app.extensions import db
from app.learn import bp
from app.learn.forms import MarkReadForm
from app.models import Course, Lesson, LessonVisit, utcnow
from app.permissions import can_log_visit, can_view_lesson, load_or_404, require, require_visible
from app.services import progress
from app.services.grades import lesson_quiz_grade
from app.services.review_sections import course_review


@bp.route("/")
def home():
    """The landing page, or the course for a signed-in learner."""
    courses = progress.all_courses(db.session)
    if current_user.is_authenticated and len(courses) == 1:
        return redirect(url_for("learn.course", course_key=courses[0].key))
    return render_template("learn/home.html", courses=courses)


@bp.route("/courses/<course_key>")
@login_required
def course(course_key: str):
    """Every lesson with its state, what the progress counts, and the one next step."""
    course = _course_or_404(course_key)
    overview = progress.course_overview(db.session, course, current_user.id)
    return render_template("learn/course.html", overview=overview, step_url=_step_url(overview))


@bp.route("/courses/<course_key>/about")
def about(course_key: str):
    """The course's About page."""
    course = _course_or_404(course_key)
    return render_template("learn/about.html", course=course)


@bp.route("/courses/<course_key>/continue")
@login_required
def resume(course_key: str):
    """Go to the next step: a quiz to retake, a lesson to finish or start, a quiz or the final to take."""
    course = _course_or_404(course_key)
    overview = progress.course_overview(db.session, course, current_user.id)
    url = _step_url(overview)
    if url is None:
        if overview.course_complete:
            flash("You have mastered every lesson and completed this course.", "success")
        return redirect(url_for("learn.course", course_key=course.key))
    return redirect(url)


@bp.route("/review")
@login_required
def review_home():
    """The Review page of the first course (Parley normally holds one), for the header's link."""
    courses = progress.all_courses(db.session)
    course = courses[0] if courses else None
    if course is None:
        abort(404)
    return redirect(url_for("learn.review", course_key=course.key))


@bp.route("/courses/<course_key>/review")
@login_required
def review(course_key: str):
    """The lesson sections to re-read: those behind the questions wrong in the learner's latest attempts."""
    course = _course_or_404(course_key)
    sections = course_review(db.session, course, current_user.id, utcnow())
    return render_template("learn/review.html", review=sections, course=course)


@bp.route("/courses/<course_key>/lessons/<lesson_key>")
@login_required
def lesson(course_key: str, lesson_key: str):
    """Show a lesson and log the visit: everything is read first, so only the visit's short write takes a lock."""
    lesson = _lesson_or_404(course_key, lesson_key)
    require(can_view_lesson(current_user, lesson))
    neighbours = progress.lesson_neighbours(db.session, lesson)
    grade = lesson_quiz_grade(db.session, lesson.id, current_user.id)
    visit_id, summary = progress.record_visit(db.session, current_user.id, lesson.id)
    db.session.commit()
    return render_template(
        "learn/lesson.html", lesson=lesson, course=lesson.course, visit_id=visit_id, summary=summary,
        row=progress.lesson_row(lesson, summary, grade), neighbours=neighbours, form=MarkReadForm(),
    )


@bp.route("/courses/<course_key>/lessons/<lesson_key>/complete", methods=["POST"])
@login_required
def complete(course_key: str, lesson_key: str):
    """Mark a lesson read, then go on to its quiz if it is not passed yet, else to the next step."""
    lesson = _lesson_or_404(course_key, lesson_key)
    require(can_view_lesson(current_user, lesson))
    form = MarkReadForm()
    if not form.validate_on_submit():
        flash("That request expired. Please try again.", "error")
        return redirect(url_for("learn.lesson", course_key=course_key, lesson_key=lesson_key))
    newly = progress.mark_complete(db.session, current_user.id, lesson.id)
    db.session.commit()
    row = progress.lesson_standing(db.session, lesson, progress.progress_for(db.session, current_user.id, lesson.id),
                                   current_user.id)
    if newly:
        mastered = " and mastered" if row.state == "mastered" else ""
        flash(f"“{lesson.title}” is marked read{mastered}.", "success")
    if row.state == "read" and row.quiz is not None:
        # Reading is half of mastering a lesson: the quiz is the natural next step.
        return redirect(url_for("quiz.quiz", course_key=course_key, quiz_key=row.quiz.quiz.key))
    return redirect(url_for("learn.resume", course_key=course_key))


@bp.route("/visits/<int:visit_id>/heartbeat", methods=["POST"])
@login_required
def heartbeat(visit_id: int):
    """Credit reading time to an open lesson page."""
    visit = load_or_404(LessonVisit, visit_id)
    require_visible(can_log_visit(current_user, visit))
    progress.credit_time(db.session, visit)
    db.session.commit()
    return "", 204


def _step_url(overview: progress.CourseOverview) -> str | None:
    """Where the next step's button goes (None: no step to take, or the course is complete)."""
    step, course_key = overview.next_step, overview.course.key
    row = overview.step_row
    if step.kind in ("retake_quiz", "take_quiz") and row is not None and row.quiz is not None:
        return url_for("quiz.quiz", course_key=course_key, quiz_key=row.quiz.quiz.key)
    if step.kind in ("finish_reading", "read_next") and row is not None:
        return url_for("learn.lesson", course_key=course_key, lesson_key=row.lesson.key)
    if step.kind in ("take_final", "retake_final") and overview.final is not None:
        return url_for("quiz.quiz", course_key=course_key, quiz_key=overview.final.quiz.key)
    return None


def _course_or_404(course_key: str) -> Course:
    course = progress.course_by_key(db.session, course_key)
    if course is None:
        abort(404)
    return course


def _lesson_or_404(course_key: str, lesson_key: str) -> Lesson:
    lesson = progress.lesson_by_key(db.session, course_key, lesson_key)
    if lesson is None:
        abort(404)
    return lesson
