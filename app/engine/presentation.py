"""How questions are shown: ids that never leak the key, and applying stored orders."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any


def text_id(text: str) -> str:
    """Derive a stable id from text, so an id never reveals the author's order."""
    return hashlib.sha1(text.encode("utf-8"), usedforsecurity=False).hexdigest()[:8]


def arrange(ids: Iterable[str], order: Any) -> tuple[str, ...]:
    """Apply a stored order to ids; unknown or repeated ids are dropped, missing ones appended."""
    ids = tuple(ids)
    known = set(ids)
    placed: list[str] = []
    # A stored order may be stale, partial or garbage (it round-trips through JSON): degrade, never fail.
    if isinstance(order, list | tuple):
        for item in order:
            if isinstance(item, str) and item in known and item not in placed:
                placed.append(item)
    placed_set = set(placed)
    return (*placed, *(item for item in ids if item not in placed_set))
