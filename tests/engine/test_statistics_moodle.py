"""Item statistics against Moodle's own expected figures (the shared oracle corpus)."""

from __future__ import annotations

import csv
import os
import re
from pathlib import Path

import pytest

from app.engine import quiz_statistics

ORACLE = Path(__file__).resolve().parents[3] / "shared" / "corpora" / "moodle-quiz-statistics"


@pytest.fixture(autouse=True, scope="module")
def oracle_present():
    """The oracle lives in ../shared: skip without it on a developer's clone, but never in CI, which has it."""
    if not (ORACLE / "results00.csv").exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"Moodle statistics oracle missing at {ORACLE}: CI must run against it")
        pytest.skip(f"Moodle statistics oracle not present at {ORACLE}")

# README table label -> OverallStatistics attribute.
OVERALL = {
    "median": "median",
    "mean": "mean",
    "standard deviation": "sd",
    "skewness": "skewness",
    "kurtosis": "kurtosis",
    "coefficient of internal consistency": "cic",
    "error ratio": "error_ratio",
    "standard error": "standard_error",
}

# qstats00.csv column -> QuestionStatistics attribute.
PER_QUESTION = {
    "facility": "facility",
    "sd": "sd",
    "effectiveweight": "effective_weight",
    "covariance": "covariance",
    "markvariance": "mark_variance",
    "othermarkvariance": "other_mark_variance",
    "discriminationindex": "discrimination_index",
    "covariancemax": "covariance_max",
    "discriminativeefficiency": "discriminative_efficiency",
}


def close(actual, expected):
    """Within 1e-6 relative (absolute for values near zero)."""
    return actual == pytest.approx(expected, rel=1e-6, abs=1e-12)


@pytest.fixture(scope="module")
def stats():
    """Statistics computed from the oracle's attempts."""
    with open(ORACLE / "results00.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    slots = sorted(
        (column.split(".")[1] for column in rows[0] if column.startswith("slots.")),
        key=int,
    )
    attempts = [{slot: float(row[f"slots.{slot}.mark"]) for slot in slots} for row in rows]
    return quiz_statistics(attempts, dict.fromkeys(slots, 1.0))


def readme_figures():
    """Parse the test-level table of the oracle README into {attribute: value}."""
    figures = {}
    for line in (ORACLE / "README.md").read_text().splitlines():
        match = re.match(r"\|\s*([^|]+?)\s*\|\s*(-?[0-9.]+)\s*\|", line)
        if not match:
            continue
        label = match.group(1).lower()
        for prefix, attribute in OVERALL.items():
            if label.startswith(prefix):
                figures[attribute] = float(match.group(2))
    return figures


def test_overall_figures_match_moodle(stats):
    """Mean, median, sd, skewness, kurtosis, alpha, error ratio and standard error match."""
    expected = readme_figures()
    assert set(expected) == set(OVERALL.values())
    assert stats.overall.attempts == 25
    for attribute, value in expected.items():
        assert close(getattr(stats.overall, attribute), value), attribute


def test_question_figures_match_moodle(stats):
    """Every per-question figure in qstats00.csv matches."""
    with open(ORACLE / "qstats00.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(stats.questions)
    for row in rows:
        question = stats.question(row["slot"])
        for column, attribute in PER_QUESTION.items():
            assert close(getattr(question, attribute), float(row[column])), (row["slot"], column)
