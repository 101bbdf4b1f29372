"""Who did what, and when: content changes (create, edit, publish, retire, import) and people changes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, utcnow


class AuditEvent(Base):
    """One recorded action; rows are only ever added."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_at", "at"), Index("ix_audit_event_action", "action"))

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    # None for actions of the command line (`flask content sync`) or of an account since deleted.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), default=None)
    action: Mapped[str] = mapped_column(String(30))
    # What was acted on, in words that survive the thing itself ("quiz final-assessment").
    subject: Mapped[str] = mapped_column(String(200))
    quiz_id: Mapped[int | None] = mapped_column(ForeignKey("quiz.id", ondelete="SET NULL"), default=None,
                                                index=True)
    version_number: Mapped[int | None] = mapped_column(default=None)
    # The person acted on (an account created, deactivated, enrolled, given a reset link), for filtering.
    target_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), default=None,
                                                       index=True)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
