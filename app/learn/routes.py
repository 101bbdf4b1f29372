"""Course overview, lesson pages, completion and time-on-page heartbeats."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from app.database import writes
from app.extensions import db
from app.learn import bp
from app.learn.forms import CompleteLessonForm
from app.models import Course, Lesson, LessonVisit
from app.permissions import can_log_visit, can_view_lesson, load_or_404, require, require_visible
from app.services import progress
from app.services.grades import quiz_passed


@bp.route("/")
def home():
    """The landing page, or the course for a signed-in learner."""
    courses = db.session.scalars(select(Course).order_by(Course.id)).all()
    if current_user.is_authenticated and len(courses) == 1:
        return redirect(url_for("learn.course", course_key=courses[0].key))
    return render_template("learn/home.html", courses=courses)


@bp.route("/courses/<course_key>")
@login_required
def course(course_key: str):
    """Every lesson with its state, overall progress and where to continue."""
    course = _course_or_404(course_key)
    overview = progress.course_overview(db.session, course, current_user.id)
    return render_template("learn/course.html", overview=overview)


@bp.route("/courses/<course_key>/about")
def about(course_key: str):
    """The course's About page."""
    course = _course_or_404(course_key)
    return render_template("learn/about.html", course=course)


@bp.route("/courses/<course_key>/continue")
@login_required
def resume(course_key: str):
    """Go to the lesson to continue with."""
    course = _course_or_404(course_key)
    overview = progress.course_overview(db.session, course, current_user.id)
    if overview.resume is None:
        flash("You have completed every lesson in this course.", "success")
        return redirect(url_for("learn.course", course_key=course.key))
    return redirect(url_for("learn.lesson", course_key=course.key, lesson_key=overview.resume.lesson.key))


@bp.route("/courses/<course_key>/lessons/<lesson_key>")
@login_required
@writes
def lesson(course_key: str, lesson_key: str):
    """Show a lesson and log the visit."""
    lesson = _lesson_or_404(course_key, lesson_key)
    require(can_view_lesson(current_user, lesson))
    siblings = db.session.execute(
        progress.live_lessons(lesson.course_id).with_only_columns(Lesson.key, Lesson.title, Lesson.position)
    ).all()
    keys = [row.key for row in siblings]
    index = keys.index(lesson.key) if lesson.key in keys else None
    previous = siblings[index - 1] if index else None
    following = siblings[index + 1] if index is not None and index + 1 < len(siblings) else None
    visit, summary = progress.record_visit(db.session, current_user.id, lesson.id)
    db.session.commit()
    return render_template(
        "learn/lesson.html", lesson=lesson, course=lesson.course, visit=visit, summary=summary,
        previous=previous, following=following, position=(index + 1 if index is not None else None),
        total=len(siblings), form=CompleteLessonForm(),
    )


@bp.route("/courses/<course_key>/lessons/<lesson_key>/complete", methods=["POST"])
@login_required
def complete(course_key: str, lesson_key: str):
    """Mark a lesson complete, then go on to the next one."""
    lesson = _lesson_or_404(course_key, lesson_key)
    require(can_view_lesson(current_user, lesson))
    form = CompleteLessonForm()
    if not form.validate_on_submit():
        flash("That request expired. Please try again.", "error")
        return redirect(url_for("learn.lesson", course_key=course_key, lesson_key=lesson_key))
    newly = progress.mark_complete(db.session, current_user.id, lesson.id)
    db.session.commit()
    if newly:
        flash(f"“{lesson.title}” is marked complete.", "success")
    if lesson.quiz_key and not quiz_passed(db.session, lesson, current_user.id):
        # Reading is half of mastering a lesson: the quiz is the natural next step.
        return redirect(url_for("quiz.quiz", course_key=course_key, quiz_key=lesson.quiz_key))
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


def _course_or_404(course_key: str) -> Course:
    course = db.session.scalars(select(Course).where(Course.key == course_key)).one_or_none()
    if course is None:
        abort(404)
    return course


def _lesson_or_404(course_key: str, lesson_key: str) -> Lesson:
    lesson = db.session.scalars(
        select(Lesson).join(Lesson.course).options(contains_eager(Lesson.course))
        .where(Course.key == course_key, Lesson.key == lesson_key)
    ).one_or_none()
    if lesson is None:
        abort(404)
    return lesson
