"""An instructor's preview of a quiz as a student takes it: a snapshot and its answers, apart from real attempts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Float, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, utcnow
from app.models.quiz import Quiz


class QuizPreview(Base):
    """One running (or just graded) preview per instructor and quiz; a new preview replaces it.

    It lives in its own table, never in `attempt` or `response`, so no grade, statistic, progress rule or
    attempt limit can ever count it.
    """

    __tablename__ = "quiz_preview"
    __table_args__ = (
        UniqueConstraint("user_id", "quiz_id"),
        CheckConstraint("state IN ('in_progress', 'submitted')", name="state_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quiz.id", ondelete="CASCADE"), index=True)
    # A snapshot of what is previewed (as a QuizVersion stores it), so editing the draft meanwhile
    # cannot change the questions under a running preview.
    content_hash: Mapped[str] = mapped_column(String(64))
    settings: Mapped[dict[str, Any]] = mapped_column(JSON)
    questions: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    # The draw and orders, made from the seed exactly as a student's attempt makes them.
    seed: Mapped[int]
    question_ids: Mapped[list[str]] = mapped_column(JSON)
    orders: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Per question id: raw fields, tries, checked_raw, checked_fraction, locked (what a Response row holds).
    answers: Mapped[dict[str, dict[str, Any]]] = mapped_column(JSON, default=dict)
    state: Mapped[str] = mapped_column(String(12), default="in_progress")
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(default=None)
    # Once graded: per question id its fraction and marks, and the totals.
    marks: Mapped[dict[str, dict[str, float]]] = mapped_column(JSON, default=dict)
    score: Mapped[float | None] = mapped_column(Float, default=None)
    max_score: Mapped[float | None] = mapped_column(Float, default=None)
    percent: Mapped[float | None] = mapped_column(Float, default=None)

    quiz: Mapped[Quiz] = relationship()
