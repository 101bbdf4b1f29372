"""Course content as loaded by `flask content sync`: rendered once, served as stored."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, utcnow


class Course(Base):
    """A course: its metadata, its About page and its ordered lessons."""

    __tablename__ = "course"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    summary_html: Mapped[str] = mapped_column(Text, default="")
    about_title: Mapped[str] = mapped_column(String(200), default="")
    about_html: Mapped[str] = mapped_column(Text, default="")
    source_title: Mapped[str] = mapped_column(String(200), default="")
    source_dated: Mapped[str] = mapped_column(String(80), default="")
    content_hash: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    lessons: Mapped[list[Lesson]] = relationship(back_populates="course", order_by="Lesson.position")


class Lesson(Base):
    """One lesson; `key` is the stable id from its file, so progress survives edits and renames."""

    __tablename__ = "lesson"
    __table_args__ = (
        UniqueConstraint("course_id", "key"),
        CheckConstraint("minutes > 0", name="minutes_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(200))
    position: Mapped[int]
    minutes: Mapped[int]
    objectives: Mapped[list[str]] = mapped_column(JSON, default=list)
    source_sections: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Headings of the body ({id, level, text}), so quiz feedback can link to a section.
    headings: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # Loaded only by the lesson page (undefer): lists of lessons never need the bodies.
    body_html: Mapped[str] = mapped_column(Text, deferred=True)
    # The quiz that checks this lesson (quizzes/<quiz_key>.yaml); mastery follows from passing it.
    quiz_key: Mapped[str | None] = mapped_column(String(80), default=None)
    source_path: Mapped[str] = mapped_column(String(255))
    content_hash: Mapped[str] = mapped_column(String(64))
    # Set when the file disappears: the lesson is hidden but learners' history is kept.
    retired_at: Mapped[datetime | None] = mapped_column(default=None)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    course: Mapped[Course] = relationship(back_populates="lessons")
