"""Turning question fractions into attempt scores and combining a learner's attempts."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

GRADING_METHODS = ("highest", "latest", "first", "average")

# Percentages such as 2/3 * 100 are not exact; a pass mark must not fail by a rounding error.
_PASS_EPSILON = 1e-9


def combine_attempts(scores: Sequence[float | None], method: str) -> float | None:
    """Combine attempt scores (ordered by start; None = unfinished) by a grading method."""
    if method not in GRADING_METHODS:
        raise ValueError(f"unknown grading method {method!r} (expected one of {', '.join(GRADING_METHODS)})")
    finished = [score for score in scores if score is not None]
    if not finished:
        return None
    if method == "highest":
        return max(finished)
    if method == "latest":
        return finished[-1]
    if method == "first":
        return finished[0]
    return math.fsum(finished) / len(finished)


def apply_penalty(fraction: float, tries: int, penalty: float) -> float:
    """Return the fraction earned on try number `tries`: max(0, fraction - penalty * (tries - 1))."""
    if tries < 1:
        raise ValueError("tries counts from 1")
    if not 0.0 <= penalty <= 1.0:
        raise ValueError("penalty is a fraction between 0 and 1")
    return round(max(0.0, fraction - penalty * (tries - 1)), 7)


def attempt_score(question_marks: Iterable[float]) -> float:
    """Return the sum of the marks earned on an attempt's questions."""
    return round(math.fsum(question_marks), 7)


def percent(score: float, maximum: float) -> float:
    """Return score as a percentage of maximum (0 when the maximum is 0)."""
    if maximum < 0:
        raise ValueError("the maximum score cannot be negative")
    return round(100.0 * score / maximum, 7) if maximum else 0.0


def passed(percentage: float | None, pass_mark: float) -> bool:
    """Tell whether a percentage reaches the pass mark (a missing score never passes)."""
    return percentage is not None and percentage >= pass_mark - _PASS_EPSILON
