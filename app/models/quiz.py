"""Quizzes, their immutable versions, attempts and the responses in them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Float, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, utcnow
from app.models.course import Course


class Quiz(Base):
    """A quiz's stable identity; what it asks lives in its versions."""

    __tablename__ = "quiz"
    __table_args__ = (
        UniqueConstraint("course_id", "key"),
        CheckConstraint("kind IN ('lesson', 'final')", name="kind_known"),
        CheckConstraint("origin IN ('file', 'browser')", name="origin_known"),
        CheckConstraint("edit_count >= 0", name="edit_count_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(10), default="lesson")
    lesson_id: Mapped[int | None] = mapped_column(ForeignKey("lesson.id", ondelete="SET NULL"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    # Set when the file disappears or an author retires it: no new attempts, history kept.
    retired_at: Mapped[datetime | None] = mapped_column(default=None)
    # Who retired it in the browser (None: sync, because its file was gone, so the file's return restores it).
    retired_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), default=None)
    # Not a foreign key: versions point at their quiz, and a cycle would complicate deletes.
    current_version_id: Mapped[int | None] = mapped_column(default=None)
    # Where the current version came from: a file under quizzes/ or the browser editor.
    origin: Mapped[str] = mapped_column(String(10), default="file")
    # Unpublished changes made in the browser, as a document in the file format (None: nothing pending).
    draft: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    # Bumped by every saved change: an editor whose form was read at another count is refused, never overwrites.
    edit_count: Mapped[int] = mapped_column(default=0)
    changed_at: Mapped[datetime | None] = mapped_column(default=None)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), default=None)

    versions: Mapped[list[QuizVersion]] = relationship(back_populates="quiz", order_by="QuizVersion.number")
    # The version whose dates and review options govern every attempt, whichever version it was taken on.
    current_version: Mapped[QuizVersion | None] = relationship(
        primaryjoin="foreign(Quiz.current_version_id) == QuizVersion.id", viewonly=True)
    course: Mapped[Course] = relationship()


class QuizVersion(Base):
    """One immutable snapshot of a quiz's settings and questions; attempts point at it."""

    __tablename__ = "quiz_version"
    __table_args__ = (UniqueConstraint("quiz_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quiz.id", ondelete="CASCADE"))
    number: Mapped[int]
    content_hash: Mapped[str] = mapped_column(String(64))
    description_html: Mapped[str] = mapped_column(Text, default="")
    settings: Mapped[dict[str, Any]] = mapped_column(JSON)
    # Each question: id, type, points, prompt_html, general_feedback_html, source, definition,
    # and html (author text -> rendered HTML) so nothing is rendered per request.
    questions: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    origin: Mapped[str] = mapped_column(String(10), default="file")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), default=None)
    # The quiz as its author wrote it (file format): what `flask content export` writes and the editor starts from.
    document: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    # What this version changed from the one before, in words ("question q3 added", "setting pass_mark changed").
    changes: Mapped[list[str]] = mapped_column(JSON, default=list)

    quiz: Mapped[Quiz] = relationship(back_populates="versions")


class Attempt(Base):
    """One student's attempt at one quiz version, with the draw and order fixed at its start."""

    __tablename__ = "attempt"
    __table_args__ = (
        # Two tabs starting at once both compute the same number: the constraint lets one win.
        UniqueConstraint("user_id", "quiz_id", "number"),
        CheckConstraint("state IN ('in_progress', 'submitted')", name="state_known"),
        CheckConstraint("number >= 1", name="number_positive"),
        Index("ix_attempt_quiz_state", "quiz_id", "state"),
        # At most one open attempt per student and quiz, whatever the isolation level: on PostgreSQL two
        # concurrent starts can both see none open and go on to take different numbers.
        Index("uq_attempt_one_open", "user_id", "quiz_id", unique=True,
              sqlite_where=text("state = 'in_progress'"), postgresql_where=text("state = 'in_progress'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quiz.id", ondelete="CASCADE"))
    quiz_version_id: Mapped[int] = mapped_column(ForeignKey("quiz_version.id", ondelete="RESTRICT"), index=True)
    number: Mapped[int]
    seed: Mapped[int]
    question_ids: Mapped[list[str]] = mapped_column(JSON)
    # Per question id, the presentation order the engine drew for it (None: author order).
    orders: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    state: Mapped[str] = mapped_column(String(12), default="in_progress")
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When the attempt's own time limit runs out (None: no limit). The quiz's current close date may end
    # it sooner: see quiz_rules.effective_deadline.
    deadline: Mapped[datetime | None] = mapped_column(default=None)
    submitted_at: Mapped[datetime | None] = mapped_column(default=None)
    closed_by: Mapped[str | None] = mapped_column(String(12), default=None)
    score: Mapped[float | None] = mapped_column(Float, default=None)
    max_score: Mapped[float | None] = mapped_column(Float, default=None)
    percent: Mapped[float | None] = mapped_column(Float, default=None)

    version: Mapped[QuizVersion] = relationship()
    quiz: Mapped[Quiz] = relationship()


class Response(Base):
    """A student's answer to one question of an attempt, saved as they go and graded at submit."""

    __tablename__ = "response"
    __table_args__ = (
        UniqueConstraint("attempt_id", "question_id"),
        CheckConstraint("tries >= 0", name="tries_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempt.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(String(80))
    # The posted fields for this question, as lists of strings: what the student typed or picked.
    raw: Mapped[dict[str, list[str]]] = mapped_column(JSON, default=dict)
    saved_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Immediate feedback: how many checks so far, and the checked (penalised) fraction.
    tries: Mapped[int] = mapped_column(default=0)
    checked_fraction: Mapped[float | None] = mapped_column(Float, default=None)
    # The answer as it was last checked: feedback is shown only while the saved answer still equals it,
    # so saving a changed answer never grades it for free.
    checked_raw: Mapped[dict[str, list[str]] | None] = mapped_column(JSON, default=None)
    locked: Mapped[bool] = mapped_column(default=False)
    fraction: Mapped[float | None] = mapped_column(Float, default=None)
    marks: Mapped[float | None] = mapped_column(Float, default=None)


class ResponseTry(Base):
    """One Check of an immediate-feedback question: what was checked, how it scored, and when (Kolibri's attempt log).

    The response keeps only the latest answer; these rows keep how the student got there.
    """

    __tablename__ = "response_try"
    __table_args__ = (
        UniqueConstraint("response_id", "number"),
        CheckConstraint("number >= 1", name="number_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("response.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    raw: Mapped[dict[str, list[str]]] = mapped_column(JSON, default=dict)
    # The grade of this answer on its own, and what it was worth after the penalty for earlier tries.
    fraction: Mapped[float] = mapped_column(Float)
    penalised_fraction: Mapped[float] = mapped_column(Float)
    checked_at: Mapped[datetime] = mapped_column(default=utcnow)
