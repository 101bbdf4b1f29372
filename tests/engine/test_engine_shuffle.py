"""Reproducible per-attempt randomness."""

from __future__ import annotations

import random

import pytest

from app.engine import attempt_rng, draw_pool, permute, shuffle_questions

POOL = [f"q{i}" for i in range(20)]


def test_attempt_rng_is_deterministic_and_salted():
    """The same seed and salt replay; another salt gives another stream."""
    assert attempt_rng(7, "order").random() == attempt_rng(7, "order").random()
    assert attempt_rng(7, "order").random() != attempt_rng(7, "q1").random()
    assert attempt_rng(7, "order").random() != attempt_rng(8, "order").random()


def test_attempt_rng_is_pinned():
    """The stream for a stored seed must never change (attempts are replayed for review)."""
    assert shuffle_questions(["a", "b", "c", "d", "e"], attempt_rng(12345, "questions")) == ("c", "d", "a", "b", "e")


def test_permute_is_a_permutation_and_varies():
    """Every element appears once; different seeds give different orders."""
    orders = {permute(POOL, random.Random(seed)) for seed in range(30)}
    assert all(sorted(order) == sorted(POOL) for order in orders)
    assert len(orders) > 25
    assert permute([], random.Random(1)) == ()


def test_draw_pool():
    """k distinct ids are drawn, in pool order, reproducibly."""
    drawn = draw_pool(POOL, 5, attempt_rng(3, "pool"))
    assert len(set(drawn)) == 5
    assert list(drawn) == [q for q in POOL if q in drawn]
    assert drawn == draw_pool(POOL, 5, attempt_rng(3, "pool"))
    assert draw_pool(POOL, 0, random.Random(1)) == ()
    assert draw_pool(POOL, 20, random.Random(1)) == tuple(POOL)
    with pytest.raises(ValueError):
        draw_pool(POOL, 21, random.Random(1))
