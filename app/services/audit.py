"""The audit log: every change to the course's content and to people is recorded, by whom and when."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from app.models import AuditEvent, Quiz, User, utcnow

CONTENT_ACTIONS = ("create", "edit", "publish", "retire", "restore", "import", "sync")
# Changes to people: accounts, roles, reset links, cohorts and who is in them.
PEOPLE_ACTIONS = ("account-create", "account-edit", "role-change", "deactivate", "reactivate", "reset-issue",
                  "reset-use", "cohort-create", "cohort-edit", "cohort-add", "cohort-remove", "enrol")
ACTIONS = CONTENT_ACTIONS + PEOPLE_ACTIONS


def record(session: Session, action: str, subject: str, *, actor_id: int | None = None, quiz: Quiz | None = None,
           version_number: int | None = None, target: User | None = None, **details: Any) -> AuditEvent:
    """Add one audit row (the caller's transaction commits it with the change it records)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    event = AuditEvent(at=utcnow(), actor_id=actor_id, action=action, subject=subject,
                       quiz_id=quiz.id if quiz is not None else None, version_number=version_number,
                       target_user_id=target.id if target is not None else None, details=details)
    session.add(event)
    return event
