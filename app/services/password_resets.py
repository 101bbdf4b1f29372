"""One-time password reset links: an administrator issues one and passes it on; it works once, for a day."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.models import PasswordReset, User, utcnow
from app.services import audit

RESET_LIFETIME = timedelta(days=1)
USED = "This reset link has already been used or replaced. Ask an administrator for a new one."


class ResetRefused(ValueError):
    """The link is unknown, expired, already used or replaced by a newer one; the message says which.

    `reason` is "unknown" (no such link), "used" (used or replaced) or "expired", so a page can answer
    404 for a link that never existed and 410 for one that did.
    """

    def __init__(self, message: str, reason: str = "unknown"):
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class IssuedReset:
    """A freshly issued link's token (shown once, never stored) and when it stops working."""

    token: str
    expires_at: datetime


def _digest(token: str) -> str:
    """Only the digest is stored, so a copy of the database holds no usable link."""
    return hashlib.sha256(token.encode()).hexdigest()


def issue_reset(session: Session, user: User, *, issued_by: User | None, now: datetime | None = None) -> IssuedReset:
    """Create a reset token for this account; any earlier unused token for it stops working."""
    return issue_resets(session, [user], issued_by=issued_by, now=now)[0]


def issue_resets(session: Session, users: Sequence[User], *, issued_by: User | None,
                 now: datetime | None = None) -> list[IssuedReset]:
    """A reset token for each account, in order (one UPDATE, batched INSERTs); earlier unused ones stop working."""
    now = now or utcnow()
    if not users:
        return []
    # "fetch", not the default "evaluate": evaluating scans every object in the session once per call,
    # which made enrolling 5000 new accounts (a call each) quadratic: 40 s and more.
    session.execute(update(PasswordReset)
                    .where(PasswordReset.user_id.in_([user.id for user in users]), PasswordReset.used_at.is_(None))
                    .values(used_at=now).execution_options(synchronize_session="fetch"))
    tokens = [secrets.token_urlsafe(32) for _ in users]
    issued_by_id = issued_by.id if issued_by is not None else None
    session.add_all([PasswordReset(user_id=user.id, token_digest=_digest(token), created_at=now,
                                   expires_at=now + RESET_LIFETIME, created_by_id=issued_by_id)
                     for user, token in zip(users, tokens, strict=True)])
    for user in users:
        audit.record(session, "reset-issue", f"account {user.email}", actor_id=issued_by_id, target=user)
    session.flush()
    return [IssuedReset(token, now + RESET_LIFETIME) for token in tokens]


def pending_reset(session: Session, token: str, now: datetime | None = None) -> PasswordReset:
    """The unused, unexpired reset this token names, or ResetRefused saying why not."""
    now = now or utcnow()
    reset = session.scalars(select(PasswordReset).where(PasswordReset.token_digest == _digest(token))).one_or_none()
    if reset is None:
        raise ResetRefused("This reset link is not valid. Ask an administrator for a new one.")
    if reset.used_at is not None:
        raise ResetRefused(USED, "used")
    if reset.expires_at <= now:
        raise ResetRefused("This reset link has expired (links work for one day). Ask an administrator for a new one.",
                           "expired")
    return reset


def use_reset(session: Session, token: str, new_password: str, now: datetime | None = None) -> User:
    """Set the account's password from a reset token, once: a second use, even a concurrent one, is refused."""
    now = now or utcnow()
    reset = pending_reset(session, token, now)
    # Conditional update: of two tabs posting the same link at once, only one changes the password.
    claimed = session.execute(update(PasswordReset)
                              .where(PasswordReset.id == reset.id, PasswordReset.used_at.is_(None))
                              .values(used_at=now))
    if claimed.rowcount != 1:
        raise ResetRefused(USED, "used")
    user = session.get(User, reset.user_id)
    user.set_password(new_password)
    user.revoke_sessions()
    audit.record(session, "reset-use", f"account {user.email}", actor_id=user.id, target=user)
    session.flush()
    return user
