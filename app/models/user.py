"""People who use Parley and the role that decides what they may do."""

from __future__ import annotations

import secrets
from datetime import datetime
from functools import cache

from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from app.models.base import Base, utcnow

ROLES = ("student", "instructor", "admin")
# Werkzeug's scrypt (n=2**15, r=8, p=1): about 0.1 s a hash on a 2-core server, which is the point of it.
# The test suite lowers it (tests/conftest.py), where thousands of accounts are made and signed in.
HASH_METHOD = "scrypt"



@cache
def _dummy_hash() -> str:
    """A real hash checked when no account matches, so a failed login costs the same either way.

    Made on first use, not at import: hashing takes about 160 ms, which every process start (each CLI command,
    each worker) would otherwise pay whether or not anyone signs in.
    """
    return generate_password_hash("parley-timing-equaliser", method=HASH_METHOD)


class User(UserMixin, Base):
    """A person with an email login and one role."""

    __tablename__ = "user"
    __table_args__ = (CheckConstraint("role IN ('student', 'instructor', 'admin')", name="role_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), default="student")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Part of every session and remember-me cookie; a new one signs the account out everywhere.
    session_token: Mapped[str] = mapped_column(String(64), default=lambda: new_session_token())

    def get_id(self) -> str:
        """The value Flask-Login stores in the session and the remember-me cookie: id and session token."""
        return f"{self.id}.{self.session_token}"

    def revoke_sessions(self) -> None:
        """Invalidate every session and remember-me cookie issued for this account so far."""
        self.session_token = new_session_token()

    @property
    def is_active(self) -> bool:
        """Deactivated accounts cannot sign in."""
        return self.active

    def set_password(self, password: str) -> None:
        """Store a salted hash of the password, never the password itself."""
        self.password_hash = generate_password_hash(password, method=HASH_METHOD)

    def check_password(self, password: str) -> bool:
        """Whether the password matches the stored hash (never, for an account whose password is not set yet)."""
        if not self.password_hash.startswith(("scrypt:", "pbkdf2:")):
            # An enrolled account waiting for its set-password link: spend the hashing time anyway, so a
            # sign-in attempt cannot tell such accounts from others by how fast it fails.
            return self.check_password_for_nobody(password)
        return check_password_hash(self.password_hash, password)

    @staticmethod
    def check_password_for_nobody(password: str) -> bool:
        """Spend the same hashing time as a real check and always fail."""
        check_password_hash(_dummy_hash(), password)
        return False

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


def new_session_token() -> str:
    """A random token naming one generation of an account's sessions."""
    return secrets.token_urlsafe(24)
