"""Who may see and do what: plain functions, and one helper that loads, checks and answers 404/403."""

from __future__ import annotations

from typing import TypeVar

from flask import abort

from app.extensions import db
from app.models import Attempt, Lesson, LessonVisit, Quiz, User

T = TypeVar("T")

STAFF_ROLES = frozenset({"instructor", "admin"})


def is_staff(user: User) -> bool:
    """Instructors and administrators see content and reports beyond their own."""
    return user.is_authenticated and user.role in STAFF_ROLES


def can_view_lesson(user: User, lesson: Lesson) -> bool:
    """Any signed-in user may read a live lesson; retired ones only staff."""
    return user.is_authenticated and (lesson.retired_at is None or is_staff(user))


def can_log_visit(user: User, visit: LessonVisit) -> bool:
    """Only the learner who made a visit may extend it."""
    return user.is_authenticated and visit.user_id == user.id


def load_or_404(model: type[T], ident: int) -> T:
    """Load a row by primary key or answer 404."""
    obj = db.session.get(model, ident)
    if obj is None:
        abort(404)
    return obj


def require(allowed: bool) -> None:
    """Answer 403 unless the check passed."""
    if not allowed:
        abort(403)


def require_visible(allowed: bool) -> None:
    """Answer 404 unless the check passed: for a learner's own records, whose existence is itself private."""
    if not allowed:
        abort(404)


def can_view_quiz(user: User, quiz: Quiz) -> bool:
    """Any signed-in user may open a published live quiz; retired ones only staff; drafts live in authoring only."""
    return user.is_authenticated and quiz.current_version_id is not None and (quiz.retired_at is None
                                                                             or is_staff(user))


def can_take_attempt(user: User, attempt: Attempt) -> bool:
    """Only the student who started an attempt may answer or submit it."""
    return user.is_authenticated and attempt.user_id == user.id


def can_review_attempt(user: User, attempt: Attempt) -> bool:
    """The student who made an attempt may review it, and so may staff."""
    return user.is_authenticated and (attempt.user_id == user.id or is_staff(user))
