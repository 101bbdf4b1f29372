"""Who may see and do what: plain functions, and one helper that loads, checks and answers 404/403."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import abort
from flask_login import current_user
from sqlalchemy import Select, exists, false, select, union_all

from app.extensions import db
from app.models import Attempt, CohortMember, Lesson, LessonVisit, Quiz, User

T = TypeVar("T")

STAFF_ROLES = frozenset({"instructor", "admin"})


def is_staff(user: User) -> bool:
    """Instructors and administrators see content and reports beyond their own."""
    return user.is_authenticated and user.role in STAFF_ROLES


def is_admin(user: User) -> bool:
    """Administrators manage people and cohorts and see every report."""
    return user.is_authenticated and user.role == "admin"


def taught_cohort_ids(user: User) -> Select:
    """A select of the ids of the cohorts this user is a member of (for an instructor: the cohorts they teach)."""
    return select(CohortMember.cohort_id).where(CohortMember.user_id == user.id)


def visible_students(viewer: User) -> Select:
    """A select of the ids of the students whose progress this viewer may see.

    Admins see every student; an instructor sees the students of the cohorts they teach, or every
    student while they teach no cohort yet (a new program has no cohorts, and its instructors must
    still see their learners); a student sees only themselves; anyone else, nobody.
    """
    students = select(User.id).where(User.role == "student")
    if is_admin(viewer):
        return students
    if is_staff(viewer):
        taught = taught_cohort_ids(viewer)
        # A union, not "teaches none OR in my cohorts": PostgreSQL misjudges the OR's cost by ten times and
        # spends seconds compiling the plan (JIT) on a large program (bench/reports.py).
        in_my_cohorts = select(CohortMember.user_id).where(CohortMember.cohort_id.in_(taught))
        while_teaching_none = select(User.id).where(~exists(taught))
        return students.where(User.id.in_(union_all(in_my_cohorts, while_teaching_none)))
    if viewer.is_authenticated and viewer.role == "student":
        return students.where(User.id == viewer.id)
    return students.where(false())


def can_view_student(viewer: User, student: User) -> bool:
    """Whether this viewer may see this learner's progress, attempts and answers (one query for instructors)."""
    if not viewer.is_authenticated:
        return False
    if viewer.id == student.id:
        return True
    if student.role != "student" or not is_staff(viewer):
        return False
    return is_admin(viewer) or db.session.scalar(
        select(exists(visible_students(viewer).where(User.id == student.id)))) is True


def can_view_lesson(user: User, lesson: Lesson) -> bool:
    """Any signed-in user may read a live lesson; retired ones only staff."""
    return user.is_authenticated and (lesson.retired_at is None or is_staff(user))


def can_log_visit(user: User, visit: LessonVisit) -> bool:
    """Only the learner who made a visit may extend it."""
    return user.is_authenticated and visit.user_id == user.id


def refuse_unless(allowed: Callable[[User], bool]) -> Callable[[], object]:
    """A blueprint's before-request hook: anonymous visitors are sent to sign in, users failing the check get 403."""

    def guard():
        from app.extensions import login_manager

        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not allowed(current_user):
            abort(403)
        return None

    return guard


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
    """The student who made an attempt may review it, and so may staff who may see that student."""
    if not user.is_authenticated:
        return False
    if attempt.user_id == user.id:
        return True
    return is_staff(user) and can_view_student(user, db.session.get(User, attempt.user_id))
