"""Lesson completion over time: how many lessons the students a viewer may see completed each day."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import CohortMember, Lesson, LessonProgress, User
from app.services.item_statistics import student_scope


def completions_per_day(session: Session, viewer: User | None, *, cohort_id: int | None = None,
                        course_id: int | None = None) -> list[tuple[date, int]]:
    """Lessons completed per UTC day, in date order, counted in SQL (one query whatever the cohort's size)."""
    completed = LessonProgress.completed_at
    if session.get_bind().dialect.name == "postgresql":
        # date() of a timestamptz follows the session's time zone: take the day in UTC.
        day = func.date(func.timezone("UTC", completed))
    else:
        day = func.date(completed)
    query = (select(day.label("day"), func.count()).where(
        completed.is_not(None), LessonProgress.user_id.in_(student_scope(viewer)))
        .group_by(day).order_by(day))
    if cohort_id is not None:
        query = query.where(LessonProgress.user_id.in_(
            select(CohortMember.user_id).where(CohortMember.cohort_id == cohort_id)))
    if course_id is not None:
        query = query.where(LessonProgress.lesson_id.in_(select(Lesson.id).where(Lesson.course_id == course_id)))
    # SQLite answers the day as text, PostgreSQL as a date.
    return [(value if isinstance(value, date) else date.fromisoformat(value), count)
            for value, count in session.execute(query)]
