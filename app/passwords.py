"""What makes a password acceptable: long enough, not one everybody tries, not the account's own email."""

from __future__ import annotations

MIN_LENGTH = 10
MAX_LENGTH = 200
MIN_STRENGTH = 2
# zxcvbn's time grows with length; the first characters decide whether a password is common anyway.
_CHECKED_PREFIX = 100

RULE = (f"Use at least {MIN_LENGTH} characters. A few uncommon words work well; common passwords "
        "(such as “password123” or “qwertyuiop”) and your email address are refused.")


def password_problem(password: str, *, email: str = "", name: str = "", min_length: int = MIN_LENGTH,
                     min_strength: int = MIN_STRENGTH) -> str | None:
    """Why a password would be refused, in words for the person choosing it, or None if it is fine."""
    if len(password) < min_length:
        return f"Use at least {min_length} characters (this one has {len(password)})."
    if len(password) > MAX_LENGTH:
        return f"Use at most {MAX_LENGTH} characters."
    lowered = password.strip().lower()
    email = email.strip().lower()
    if email and (lowered == email or lowered == email.split("@", 1)[0]):
        return "Do not use your email address as your password."
    from zxcvbn import zxcvbn  # imported on use: its word lists take a moment and some memory to load

    inputs = [part for part in (email, email.split("@", 1)[0], *name.lower().split()) if part]
    result = zxcvbn(password[:_CHECKED_PREFIX], user_inputs=inputs)
    if result["score"] >= min_strength:
        return None
    warning = result["feedback"].get("warning") or "This password is too easy to guess."
    suggestions = " ".join(result["feedback"].get("suggestions") or ())
    return f"{warning} {suggestions}".strip()
