"""The key that signs sessions, remember-me cookies and CSRF tokens: where it comes from and whether it is strong."""

from __future__ import annotations

import math
import os
import secrets
import stat
from collections import Counter
from itertools import pairwise
from pathlib import Path

KEY_FILE_NAME = "secret_key"

# Keys that were ever published in this repository, its docs or common examples. Anyone can sign a
# remember-me cookie for any account with them, so no environment may run with one.
PUBLISHED_SECRETS = frozenset({
    "dev", "changeme", "change-me", "secret", "secret-key", "secretkey", "development", "parley",
    "parley-dev-secret-not-for-production",
})
MIN_LENGTH = 32
# A rough lower bound: 32 random url-safe characters carry about 190 bits; 100 leaves room for hex keys.
MIN_ESTIMATED_BITS = 100
MIN_DISTINCT_CHARACTERS = 10


class SecretKeyError(RuntimeError):
    """The secret key file cannot be used as it is."""


def generate_secret_key() -> str:
    """A new random key of 64 url-safe characters (384 bits)."""
    return secrets.token_urlsafe(48)


def secret_key_path(instance_path: str | os.PathLike) -> Path:
    """Where the instance keeps its generated key."""
    return Path(instance_path) / KEY_FILE_NAME


def read_secret_key_file(instance_path: str | os.PathLike) -> str | None:
    """The key stored in the instance folder, or None if there is none; refuses a file others can read."""
    path = secret_key_path(instance_path)
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise SecretKeyError(f"{path} can be read by other users of this machine: run `chmod 600 {path}`.")
    return path.read_text(encoding="utf-8").strip() or None


def ensure_secret_key_file(instance_path: str | os.PathLike) -> tuple[Path, bool]:
    """Create the instance's key file (mode 600) unless it exists; returns its path and whether it was made."""
    path = secret_key_path(instance_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        # O_EXCL: two servers starting at once must not each write a different key.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        read_secret_key_file(instance_path)  # refuses a world-readable one
        return path, False
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(generate_secret_key() + "\n")
    return path, True


def secret_key_weakness(secret: str | None) -> str | None:
    """Why a key is unfit to sign sessions, or None if it looks random and long enough."""
    if not secret:
        return "is not set"
    if secret.strip().lower() in PUBLISHED_SECRETS:
        return "is a published example key"
    if len(secret) < MIN_LENGTH:
        return f"has {len(secret)} characters; use at least {MIN_LENGTH}"
    if any(character.isspace() for character in secret):
        return "contains white space, which random keys never do"
    if len(set(secret)) < MIN_DISTINCT_CHARACTERS or _estimated_bits(secret) < MIN_ESTIMATED_BITS:
        return "repeats too few different characters to be random"
    if _repeats_a_pattern(secret) or _mostly_sequential(secret):
        return "follows a pattern instead of being random"
    return None


def _estimated_bits(secret: str) -> float:
    """Length times the empirical per-character entropy: low for keys built from a few characters."""
    counts = Counter(secret)
    total = len(secret)
    per_character = -sum(count / total * math.log2(count / total) for count in counts.values())
    return per_character * total


def _repeats_a_pattern(secret: str) -> bool:
    """True when the key is one short piece written out again and again ("abcdabcd...")."""
    return any(
        secret == (secret[:period] * (len(secret) // period + 1))[: len(secret)]
        for period in range(1, len(secret) // 2 + 1)
    )


def _mostly_sequential(secret: str) -> bool:
    """True when most neighbouring characters step by one ("abcdef...", "987654...")."""
    steps = sum(abs(ord(b) - ord(a)) == 1 for a, b in pairwise(secret))
    return steps * 2 > len(secret) - 1
