"""Creating and finding accounts."""

from __future__ import annotations

import secrets

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.models import ROLES, User
from app.services import audit


class EmailTaken(ValueError):
    """An account with this email already exists."""


def normalize_email(email: str) -> str:
    """Emails compare case-insensitively and without surrounding spaces."""
    return email.strip().lower()


def find_by_email(session: Session, email: str) -> User | None:
    """The account with this email, if any."""
    return session.scalars(select(User).where(func.lower(User.email) == normalize_email(email))).one_or_none()


def create_user(session: Session, *, email: str, name: str, password: str, role: str = "student") -> User:
    """Create an account with a hashed password; raise EmailTaken or ValueError on bad input."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}: use one of {', '.join(ROLES)}")
    user = User(email=normalize_email(email), name=name.strip(), role=role)
    # Hash before looking the email up, so a taken email answers no faster than a free one.
    user.set_password(password)
    if find_by_email(session, email) is not None:
        raise EmailTaken(email)
    try:
        with session.begin_nested():
            session.add(user)
    except IntegrityError:
        # Two registrations with one email at the same moment: the unique constraint decides.
        raise EmailTaken(email) from None
    return user


def change_password(user: User, current: str, new: str) -> bool:
    """Set a new password if the current one is right; every other session of the account ends."""
    if not user.check_password(current):
        return False
    user.set_password(new)
    user.revoke_sessions()
    return True


def rename(session: Session, user: User, name: str) -> bool:
    """The account's owner changes their own name (audited as an account edit); False if it was already so."""
    name = name.strip()
    if not name:
        raise ValueError("a name cannot be empty")
    if name == user.name:
        return False
    audit.record(session, "account-edit", f"account {user.email}", actor_id=user.id, target=user,
                 old_name=user.name, new_name=name)
    user.name = name
    session.flush()
    return True


def set_active(user: User, active: bool) -> bool:
    """Deactivate (signing the account out everywhere) or reactivate an account; False if it already was so."""
    if user.active == active:
        return False
    user.active = active
    if not active:
        user.revoke_sessions()
    return True


def register_student(session: Session, name: str, email: str, password: str) -> User:
    """Self-registration always makes a student."""
    return create_user(session, email=email, name=name, password=password, role="student")


def generate_password() -> str:
    """A random password for generated accounts, shown once."""
    return secrets.token_urlsafe(12)
