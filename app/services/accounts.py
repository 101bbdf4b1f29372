"""Creating and finding accounts."""

from __future__ import annotations

import secrets

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.models import ROLES, User


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
    if find_by_email(session, email) is not None:
        raise EmailTaken(email)
    user = User(email=normalize_email(email), name=name.strip(), role=role)
    user.set_password(password)
    try:
        with session.begin_nested():
            session.add(user)
    except IntegrityError:
        # Two registrations with one email at the same moment: the unique constraint decides.
        raise EmailTaken(email) from None
    return user


def register_student(session: Session, name: str, email: str, password: str) -> User:
    """Self-registration always makes a student."""
    return create_user(session, email=email, name=name, password=password, role="student")


def generate_password() -> str:
    """A random password for generated accounts, shown once."""
    return secrets.token_urlsafe(12)
