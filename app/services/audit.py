"""The audit log: every change to the course's content is recorded, by whom and when."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from app.models import AuditEvent, Quiz, utcnow

ACTIONS = ("create", "edit", "publish", "retire", "restore", "import", "sync")


def record(session: Session, action: str, subject: str, *, actor_id: int | None = None, quiz: Quiz | None = None,
           version_number: int | None = None, **details: Any) -> AuditEvent:
    """Add one audit row (the caller's transaction commits it with the change it records)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    event = AuditEvent(at=utcnow(), actor_id=actor_id, action=action, subject=subject,
                       quiz_id=quiz.id if quiz is not None else None, version_number=version_number,
                       details=details)
    session.add(event)
    return event
