"""Scoring: combining attempts, interactive penalties, totals and pass marks."""

from __future__ import annotations

import pytest

from app.engine import GRADING_METHODS, apply_penalty, attempt_score, combine_attempts, passed, percent

SCORES = [40.0, None, 90.0, 70.0, None]  # ordered by start; None = not finished


@pytest.mark.parametrize(
    ("method", "expected"),
    [("highest", 90.0), ("latest", 70.0), ("first", 40.0), ("average", pytest.approx(200 / 3))],
)
def test_combine_attempts(method, expected):
    """Each method reads only finished attempts."""
    assert combine_attempts(SCORES, method) == expected


@pytest.mark.parametrize("method", GRADING_METHODS)
def test_combine_attempts_without_finished_attempts(method):
    """No finished attempt means no grade, not zero."""
    assert combine_attempts([], method) is None
    assert combine_attempts([None, None], method) is None


def test_combine_attempts_rejects_unknown_methods():
    """A typo in the grading method is an error."""
    with pytest.raises(ValueError):
        combine_attempts([1.0], "best")


@pytest.mark.parametrize(
    ("fraction", "tries", "penalty", "expected"),
    [
        (1.0, 1, 0.3333333, 1.0),
        (1.0, 2, 0.3333333, 0.6666667),
        (1.0, 3, 0.3333333, 0.3333334),
        (1.0, 4, 0.3333333, 0.0000001),  # the formula, literally: no hidden snapping
        (1.0, 4, 1 / 3, 0.0),
        (1.0, 10, 0.25, 0.0),
        (0.5, 2, 0.1, 0.4),
        (1.0, 5, 0.0, 1.0),
        (0.0, 1, 0.5, 0.0),
    ],
)
def test_apply_penalty(fraction, tries, penalty, expected):
    """Try n earns max(0, fraction - penalty * (n - 1))."""
    assert apply_penalty(fraction, tries, penalty) == expected


@pytest.mark.parametrize(("tries", "penalty"), [(0, 0.1), (1, -0.1), (1, 1.5)])
def test_apply_penalty_rejects_nonsense(tries, penalty):
    """Tries count from 1 and penalties are fractions."""
    with pytest.raises(ValueError):
        apply_penalty(1.0, tries, penalty)


def test_attempt_score_percent_and_pass():
    """Marks add up exactly; percentages meet pass marks despite rounding."""
    assert attempt_score([0.1] * 10) == 1.0
    assert attempt_score([]) == 0.0
    assert percent(2, 3) == 66.6666667
    assert percent(1, 0) == 0.0
    with pytest.raises(ValueError):
        percent(1, -1)
    assert passed(percent(0.7 * 3, 3), 70)
    assert passed(70.0, 70)
    assert not passed(69.99, 70)
    assert not passed(None, 0)
