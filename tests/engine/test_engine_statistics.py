"""Item statistics on a small fixture computed by hand (always runs, unlike the Moodle oracle)."""

from __future__ import annotations

import math

import pytest

from app.engine import quiz_statistics

# Four attempts at two 1-mark questions. Totals 2, 1.5, 0.5, 0: mean 1, deviations +-1, +-0.5.
ATTEMPTS = [{"q1": 1, "q2": 1}, {"q1": 1, "q2": 0.5}, {"q1": 0, "q2": 0.5}, {"q1": 0, "q2": 0}]
MAX = {"q1": 1.0, "q2": 1.0}


def test_overall_by_hand():
    """var(T) = 2.5/3; symmetric so skew 0; alpha = 2 * (1 - (1/3 + 1/6) / (5/6)) = 80%."""
    overall = quiz_statistics(ATTEMPTS, MAX).overall
    assert overall.attempts == 4
    assert overall.mean == 1.0
    assert overall.median == 1.0
    assert overall.sd == pytest.approx(math.sqrt(5 / 6))
    assert overall.skewness == pytest.approx(0.0, abs=1e-12)
    # m2 = 0.625, m4 = 0.53125, k4 = 16 * (5 * m4 - 9 * m2**2) / 6 = -2.2916..., k4 / k2**2 = -3.3
    assert overall.kurtosis == pytest.approx(-3.3)
    assert overall.cic == pytest.approx(80.0)
    assert overall.error_ratio == pytest.approx(100 * math.sqrt(0.2))
    assert overall.standard_error == pytest.approx(math.sqrt(1 / 6))


def test_questions_by_hand():
    """cov(q1, q2) = 1/6 both ways; sorted covariances equal it, so efficiency is 100%."""
    stats = quiz_statistics(ATTEMPTS, MAX, random_guess={"q1": 0.25})
    q1, q2 = stats.question("q1"), stats.question("q2")
    assert (q1.facility, q2.facility) == (0.5, 0.5)
    assert q1.sd == pytest.approx(math.sqrt(1 / 3))
    assert q2.sd == pytest.approx(math.sqrt(1 / 6))
    for q in (q1, q2):
        assert q.covariance == pytest.approx(1 / 6)
        assert q.discrimination_index == pytest.approx(100 / math.sqrt(2))
        assert q.discriminative_efficiency == pytest.approx(100.0)
    # cov with total: q1 = 1/3 + 1/6 = 1/2, q2 = 1/6 + 1/6 = 1/3; weights share sqrt of these.
    share = math.sqrt(1 / 2) + math.sqrt(1 / 3)
    assert q1.effective_weight == pytest.approx(100 * math.sqrt(1 / 2) / share)
    assert q2.effective_weight == pytest.approx(100 * math.sqrt(1 / 3) / share)
    assert (q1.random_guess_score, q2.random_guess_score) == (0.25, None)


def test_max_mark_scales_facility_and_sd():
    """Facility and sd are fractions of the question's maximum."""
    doubled = [{"q1": 2 * a["q1"], "q2": a["q2"]} for a in ATTEMPTS]
    q1 = quiz_statistics(doubled, {"q1": 2.0, "q2": 1.0}).question("q1")
    assert q1.facility == 0.5
    assert q1.sd == pytest.approx(math.sqrt(1 / 3))


def test_degenerate_inputs_give_none_not_errors():
    """No attempts, one attempt, or no spread leave undefined figures as None."""
    assert quiz_statistics([], MAX).overall.mean is None
    one = quiz_statistics(ATTEMPTS[:1], MAX)
    assert (one.overall.mean, one.overall.sd, one.overall.cic) == (2.0, None, None)
    assert one.question("q1").discrimination_index is None
    flat = quiz_statistics([{"q1": 1, "q2": 1}] * 5, MAX)
    assert flat.overall.sd == 0.0
    assert flat.overall.cic is None
    assert flat.question("q1").discrimination_index is None
    assert flat.question("q1").effective_weight is None


def test_questions_missing_from_attempts_use_the_attempts_that_saw_them():
    """A pool question seen by some attempts is described by those attempts only."""
    stats = quiz_statistics([{"q1": 1, "q2": 0}, {"q1": 0}, {"q1": 1, "q2": 1}], MAX)
    assert stats.question("q2").attempts == 2
    assert stats.question("q2").facility == 0.5
    assert stats.question("q1").attempts == 3


def test_unknown_questions_are_rejected():
    """Marks for a question without a max mark are a caller bug."""
    with pytest.raises(ValueError):
        quiz_statistics([{"q9": 1}], MAX)
