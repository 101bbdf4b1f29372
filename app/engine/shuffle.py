"""Per-attempt randomness that can be replayed from the attempt's stored seed."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")


def attempt_rng(seed: int, salt: str) -> random.Random:
    """Return a generator determined by (seed, salt), independent of other salts."""
    digest = hashlib.sha256(f"{seed}:{salt}".encode()).digest()
    # bandit B311: a replayable presentation order, not a secret (the seed is stored with the attempt).
    return random.Random(int.from_bytes(digest[:16], "big"))  # nosec B311


def permute(values: Sequence[T], rng: random.Random) -> tuple[T, ...]:
    """Return a shuffled copy of values."""
    # Fisher-Yates over rng.random() only: Python guarantees random()'s sequence for a seed across
    # versions, not shuffle()'s, and orders must replay for attempts reviewed years later.
    result = list(values)
    for i in range(len(result) - 1, 0, -1):
        j = min(int(rng.random() * (i + 1)), i)
        result[i], result[j] = result[j], result[i]
    return tuple(result)


def draw_pool(question_ids: Sequence[str], k: int, rng: random.Random) -> tuple[str, ...]:
    """Draw k distinct ids from a pool, returned in pool order."""
    if not 0 <= k <= len(question_ids):
        raise ValueError(f"cannot draw {k} questions from a pool of {len(question_ids)}")
    chosen = set(permute(range(len(question_ids)), rng)[:k])
    return tuple(qid for index, qid in enumerate(question_ids) if index in chosen)


def shuffle_questions(ids: Sequence[str], rng: random.Random) -> tuple[str, ...]:
    """Return the question ids in a shuffled order."""
    return permute(ids, rng)
