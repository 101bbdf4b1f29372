"""Learner progress, split as Kolibri does: a log of visits and a summary per lesson."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, utcnow


class LessonVisit(Base):
    """One opening of a lesson page; heartbeats extend it while the page stays open."""

    __tablename__ = "lesson_visit"
    __table_args__ = (
        Index("ix_lesson_visit_user_lesson", "user_id", "lesson_id"),
        # The learner's latest heartbeat across all visits, so open tabs cannot add up to more than the clock.
        Index("ix_lesson_visit_user_seen", "user_id", "last_seen_at"),
        CheckConstraint("seconds >= 0", name="seconds_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lesson.id", ondelete="CASCADE"), index=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    seconds: Mapped[int] = mapped_column(default=0)


class LessonProgress(Base):
    """A learner's summary for one lesson: first and last opened, time spent, completion."""

    __tablename__ = "lesson_progress"
    __table_args__ = (
        UniqueConstraint("user_id", "lesson_id"),
        CheckConstraint("seconds_spent >= 0", name="seconds_not_negative"),
        CheckConstraint("visits >= 0", name="visits_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lesson.id", ondelete="CASCADE"), index=True)
    first_opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    visits: Mapped[int] = mapped_column(default=0)
    seconds_spent: Mapped[int] = mapped_column(default=0)
    completed_at: Mapped[datetime | None] = mapped_column(default=None)
