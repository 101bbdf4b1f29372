"""Managing accounts as an administrator: create, edit, change a role, deactivate and reactivate.

Every change is written to the audit log with the administrator who made it (None for the command
line). The one rule beyond the form's: Parley always keeps at least one active administrator, or
nobody could manage accounts in the browser again.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.models import ROLES, User
from app.services import audit
from app.services.accounts import EmailTaken, create_user, find_by_email, normalize_email, set_active
from app.services.password_resets import IssuedReset, issue_reset

LAST_ADMIN = ("{email} is the last active administrator: make another account an active administrator first, "
              "or nobody could manage accounts any more.")


class LastAdmin(ValueError):
    """The change would leave Parley without an active administrator."""

    def __init__(self, user: User):
        super().__init__(LAST_ADMIN.format(email=user.email))


@dataclass(frozen=True)
class NewAccount:
    """An account just created and the one-time link its owner uses to choose a password."""

    user: User
    reset: IssuedReset


def active_admin_count(session: Session) -> int:
    """How many accounts are active administrators."""
    return session.scalar(select(func.count()).select_from(User).where(User.role == "admin", User.active.is_(True)))


def _refuse_if_last_admin(session: Session, user: User) -> None:
    """Raise LastAdmin if this account is the only active administrator.

    The active administrators' rows are locked (FOR UPDATE on PostgreSQL; SQLite's write transactions
    are serial anyway), so two administrators removing each other at the same moment cannot both pass.
    """
    if user.role != "admin" or not user.active:
        return
    admins = session.scalars(select(User.id).where(User.role == "admin", User.active.is_(True))
                             .order_by(User.id).with_for_update()).all()
    if admins == [user.id]:
        raise LastAdmin(user)


def _subject(user: User) -> str:
    return f"account {user.email}"


def create_account(session: Session, *, name: str, email: str, role: str, actor: User | None,
                   now: datetime | None = None) -> NewAccount:
    """Create an account nobody knows the password of, and a one-time link for its owner to choose one."""
    # A random password shown to no one: the account cannot be signed into until the link is used.
    user = create_user(session, email=email, name=name, password=secrets.token_urlsafe(32), role=role)
    session.flush()
    actor_id = actor.id if actor is not None else None
    audit.record(session, "account-create", _subject(user), actor_id=actor_id, target=user, role=role)
    reset = issue_reset(session, user, issued_by=actor, now=now)
    return NewAccount(user, reset)


def change_role(session: Session, user: User, role: str, *, actor: User | None) -> bool:
    """Give the account another role; False if it already had it; LastAdmin if it is the last active admin."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}: use one of {', '.join(ROLES)}")
    if role == user.role:
        return False
    if role != "admin":
        _refuse_if_last_admin(session, user)
    old_role = user.role
    user.role = role
    audit.record(session, "role-change", _subject(user), actor_id=actor.id if actor else None, target=user,
                 old_role=old_role, new_role=role)
    session.flush()
    return True


def update_account(session: Session, user: User, *, name: str, email: str, role: str,
                   actor: User | None) -> list[str]:
    """Change an account's name, email and role; return what changed, in words.

    Nothing changes when the email belongs to another account (EmailTaken) or when the role change would
    remove the last active administrator (LastAdmin): both are checked before anything is written.
    """
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}: use one of {', '.join(ROLES)}")
    name = name.strip()
    email = normalize_email(email)
    if role != user.role and role != "admin":
        _refuse_if_last_admin(session, user)
    if email != user.email:
        other = find_by_email(session, email)
        if other is not None and other.id != user.id:
            raise EmailTaken(email)
    changed: dict[str, str] = {}
    said: list[str] = []
    if name != user.name:
        changed.update(old_name=user.name, new_name=name)
        said.append(f"name “{user.name}” → “{name}”")
        user.name = name
    if email != user.email:
        changed.update(old_email=user.email, new_email=email)
        said.append(f"email {user.email} → {email}")
        user.email = email
    if changed:
        try:
            with session.begin_nested():
                session.flush()
        except IntegrityError:
            # Another account took the email between the check and the write: the unique constraint decides.
            raise EmailTaken(email) from None
        audit.record(session, "account-edit", _subject(user), actor_id=actor.id if actor else None, target=user,
                     **changed)
    if change_role(session, user, role, actor=actor):
        said.append(f"role → {role}")
    session.flush()
    return said


def deactivate(session: Session, user: User, *, actor: User | None) -> bool:
    """Stop the account signing in and sign it out everywhere; False if it already was; LastAdmin if last admin."""
    if not user.active:
        return False
    _refuse_if_last_admin(session, user)
    set_active(user, False)
    audit.record(session, "deactivate", _subject(user), actor_id=actor.id if actor else None, target=user)
    session.flush()
    return True


def reactivate(session: Session, user: User, *, actor: User | None) -> bool:
    """Let a deactivated account sign in again; False if it already could."""
    if not set_active(user, True):
        return False
    audit.record(session, "reactivate", _subject(user), actor_id=actor.id if actor else None, target=user)
    session.flush()
    return True
