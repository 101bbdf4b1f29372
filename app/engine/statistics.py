"""Quiz and item statistics, computed as Moodle does (docs.moodle.org/dev/Quiz_statistics_calculations).

Variances and covariances divide by (S - 1). An attempt's total is the sum of its question marks. A
question missing from an attempt (e.g. not drawn from a pool) is left out of that question's figures,
which then cover only the attempts that saw it; the test-level figures use every attempt.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class OverallStatistics:
    """Test-level figures over attempt totals (None where too few attempts define them)."""

    attempts: int
    mean: float | None
    median: float | None
    sd: float | None
    skewness: float | None
    kurtosis: float | None
    cic: float | None  # coefficient of internal consistency (Cronbach's alpha), %
    error_ratio: float | None  # %
    standard_error: float | None


@dataclass(frozen=True)
class QuestionStatistics:
    """Item figures for one question; percentages are 0..100, facility and sd fractions of the max."""

    question: str
    attempts: int
    max_mark: float
    facility: float | None
    sd: float | None
    random_guess_score: float | None
    effective_weight: float | None
    discrimination_index: float | None
    discriminative_efficiency: float | None
    mark_average: float | None
    mark_variance: float | None
    other_mark_variance: float | None  # of the rest of the test (total minus this mark)
    covariance: float | None  # of this mark with the rest of the test
    covariance_max: float | None  # the same with both sides sorted: the largest it could be
    covariance_with_total: float | None


@dataclass(frozen=True)
class QuizStatistics:
    """Test-level figures and one QuestionStatistics per question, in max_marks order."""

    overall: OverallStatistics
    questions: tuple[QuestionStatistics, ...]

    def question(self, question_id: str) -> QuestionStatistics:
        """Return the figures for one question."""
        for stats in self.questions:
            if stats.question == question_id:
                return stats
        raise KeyError(question_id)


def _mean(values: Sequence[float]) -> float:
    """Return the arithmetic mean with compensated summation."""
    return math.fsum(values) / len(values)


def _covariance(xs: Sequence[float], ys: Sequence[float]) -> float:
    """Return the sample covariance, dividing by (n - 1)."""
    x_mean, y_mean = _mean(xs), _mean(ys)
    return math.fsum((x - x_mean) * (y - y_mean) for x, y in zip(xs, ys, strict=True)) / (len(xs) - 1)


def _question(
    question_id: str, max_mark: float, seen: list[tuple[float, float]], guess: float | None
) -> QuestionStatistics:
    """Compute one question's figures from its (mark, attempt total) pairs."""
    marks = [mark for mark, _ in seen]
    rest = [total - mark for mark, total in seen]
    totals = [total for _, total in seen]
    average = _mean(marks) if marks else None
    facility = average / max_mark if average is not None and max_mark else None
    stats = QuestionStatistics(
        question_id, len(seen), max_mark, facility, None, guess, None, None, None, average, None, None, None, None, None
    )
    if len(seen) < 2:
        return stats
    variance = _covariance(marks, marks)
    rest_variance = _covariance(rest, rest)
    covariance = _covariance(marks, rest)
    covariance_max = _covariance(sorted(marks), sorted(rest))
    return replace(
        stats,
        sd=math.sqrt(variance) / max_mark if max_mark else None,
        mark_variance=variance,
        other_mark_variance=rest_variance,
        covariance=covariance,
        covariance_max=covariance_max,
        covariance_with_total=_covariance(marks, totals),
        discrimination_index=100 * covariance / math.sqrt(variance * rest_variance)
        if variance * rest_variance > 0
        else None,
        discriminative_efficiency=100 * covariance / covariance_max if covariance_max > 0 else None,
    )


def _overall(totals: Sequence[float], item_variances: Sequence[float | None]) -> OverallStatistics:
    """Compute the test-level figures from attempt totals and the questions' mark variances."""
    s = len(totals)
    if not s:
        return OverallStatistics(0, None, None, None, None, None, None, None, None)
    mean = _mean(totals)
    deviations = [total - mean for total in totals]
    k2 = math.fsum(d * d for d in deviations) / (s - 1) if s > 1 else None
    sd = math.sqrt(k2) if k2 is not None else None
    skewness = kurtosis = cic = error_ratio = standard_error = None
    if k2:
        m2 = math.fsum(d**2 for d in deviations) / s
        if s > 2:
            k3 = s * s * math.fsum(d**3 for d in deviations) / s / ((s - 1) * (s - 2))
            skewness = k3 / k2**1.5
        if s > 3:
            m4 = math.fsum(d**4 for d in deviations) / s
            k4 = s * s * ((s + 1) * m4 - 3 * (s - 1) * m2 * m2) / ((s - 1) * (s - 2) * (s - 3))
            kurtosis = k4 / k2**2
        p = len(item_variances)
        if p > 1 and all(v is not None for v in item_variances):
            # Not clamped: a negative alpha is a real finding (items that work against each other).
            cic = 100 * p / (p - 1) * (1 - math.fsum(item_variances) / k2)
            error_ratio = 100 * math.sqrt(max(0.0, 1 - cic / 100))
            standard_error = error_ratio / 100 * sd
    median = statistics.median(totals)
    return OverallStatistics(s, mean, median, sd, skewness, kurtosis, cic, error_ratio, standard_error)


def quiz_statistics(
    attempts: Sequence[Mapping[str, float]],
    max_marks: Mapping[str, float],
    random_guess: Mapping[str, float | None] | None = None,
) -> QuizStatistics:
    """Compute test and item statistics from finished attempts' per-question marks."""
    for index, attempt in enumerate(attempts):
        unknown = set(attempt) - set(max_marks)
        if unknown:
            raise ValueError(f"attempt {index} has marks for unknown questions {sorted(unknown)}")
    totals = [math.fsum(attempt.values()) for attempt in attempts]
    guesses = random_guess or {}
    questions = [
        _question(
            qid,
            max_marks[qid],
            [(attempt[qid], total) for attempt, total in zip(attempts, totals, strict=True) if qid in attempt],
            guesses.get(qid),
        )
        for qid in max_marks
    ]
    # Effective weight shares out 100% by sqrt(covariance with the total); a negative covariance has no root.
    roots = {
        q.question: math.sqrt(q.covariance_with_total)
        for q in questions
        if q.covariance_with_total is not None and q.covariance_with_total >= 0
    }
    root_sum = math.fsum(roots.values())
    questions = [
        replace(q, effective_weight=100 * roots[q.question] / root_sum if root_sum and q.question in roots else None)
        for q in questions
    ]
    return QuizStatistics(_overall(totals, [q.mark_variance for q in questions]), tuple(questions))
