"""What makes a password acceptable: long enough, not one everybody tries, not the account's own email."""

from __future__ import annotations

MIN_LENGTH = 10
MAX_LENGTH = 200
MIN_STRENGTH = 2
# zxcvbn's time grows with length; the first characters decide whether a password is common anyway.
# zxcvbn 4.5 raises ValueError above 72 characters (its max_length), so a longer passphrase crashed the form.
_CHECKED_PREFIX = 72

# The rule password_problem enforces, in words, shown next to every field that sets a password.
RULE = (f"Use at least {MIN_LENGTH} characters (at most {MAX_LENGTH}). It must not be your email address or "
        "easy to guess: common passwords (such as “password123” or “qwertyuiop”) are refused, and so are "
        "passwords made mostly of keyboard rows, repeats, sequences, dates or your name or email. "
        "A few uncommon words together work well.")
# What to change when the strength estimate names no other fix.
_MORE_WORDS = "Add another word or two; uncommon words are better."


def password_problem(password: str, *, email: str = "", name: str = "", min_length: int = MIN_LENGTH,
                     min_strength: int = MIN_STRENGTH) -> str | None:
    """Why a password would be refused, in words for the person choosing it, or None if it is fine."""
    if len(password) < min_length:
        return f"Use at least {min_length} characters (this one has {len(password)}): add another word or two."
    if len(password) > MAX_LENGTH:
        return f"Use at most {MAX_LENGTH} characters (this one has {len(password)})."
    lowered = password.strip().lower()
    email = email.strip().lower()
    if email and (lowered == email or lowered == email.split("@", 1)[0]):
        return "Do not use your email address as your password: choose a few uncommon words instead."
    from zxcvbn import zxcvbn  # imported on use: its word lists take a moment and some memory to load

    inputs = [part for part in (email, email.split("@", 1)[0], *name.lower().split()) if part]
    result = zxcvbn(password[:_CHECKED_PREFIX], user_inputs=inputs)
    if result["score"] >= min_strength:
        return None
    warning = result["feedback"].get("warning")
    if not warning and any(match.get("dictionary_name") == "user_inputs" for match in result["sequence"]):
        warning = "It is easy to guess from your name or email address."
    warning = warning or "This password is too easy to guess."
    suggestions = " ".join(result["feedback"].get("suggestions") or ()) or _MORE_WORDS
    return f"{warning} {suggestions}"
