"""The item statistics as tables for export: CSV lines (safe to open in a spreadsheet) and a JSON document."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from markupsafe import Markup

from app.engine.item_quality import FEW_ATTEMPTS
from app.services.item_statistics import WHICH_LABELS, ItemReport

QUESTION_COLUMNS = (
    "question", "number", "type", "points", "attempts", "facility", "facility_low_95", "facility_high_95", "sd",
    "random_guess_score", "intended_weight", "effective_weight", "discrimination_index",
    "discriminative_efficiency", "flags", "fewer_than_10_attempts",
)
ANSWER_COLUMNS = ("question", "part", "answer", "count", "percent", "credit", "key")
QUIZ_COLUMNS = ("figure", "value")
QUIZ_FIGURES = (
    ("attempts", "attempts"), ("mean", "mean"), ("median", "median"), ("standard_deviation", "sd"),
    ("skewness", "skewness"), ("kurtosis", "kurtosis"), ("coefficient_of_internal_consistency", "cic"),
    ("error_ratio", "error_ratio"), ("standard_error", "standard_error"),
)


def _percent(value: float | None) -> float | None:
    return None if value is None else value * 100


def _plain(html: str) -> str:
    """A prompt's text without its markup, on one line."""
    # Markup only strips the tags of our own sanitized HTML; the result is plain text for a CSV cell.
    return re.sub(r"\s+", " ", Markup(html).striptags()).strip()  # nosec B704


def question_rows(report: ItemReport) -> Iterator[tuple]:
    """The per-question table: a header, then one row per question (percentages 0..100, as Moodle shows)."""
    yield QUESTION_COLUMNS
    for item in report.questions:
        stats = item.stats
        low, high = item.facility_interval or (None, None)
        yield (item.id, item.number, item.type, item.points, stats.attempts, _percent(stats.facility), _percent(low),
               _percent(high), _percent(stats.sd), _percent(stats.random_guess_score), item.intended_weight,
               stats.effective_weight, stats.discrimination_index, stats.discriminative_efficiency,
               "; ".join(flag.text for flag in item.problems), item.few_attempts)


def answer_rows(report: ItemReport) -> Iterator[tuple]:
    """How often each answer was given: a header, then one row per question, part and answer."""
    yield ANSWER_COLUMNS
    for item in report.questions:
        for tally in item.tallies:
            for row in tally.rows:
                share = 100 * row.count / tally.responses if tally.responses else None
                yield (item.id, tally.part, row.label, row.count, share, row.credit, row.label in tally.key)


def quiz_rows(report: ItemReport) -> Iterator[tuple]:
    """The quiz-level figures as (figure, value) rows, with what they describe."""
    yield QUIZ_COLUMNS
    yield ("quiz", report.quiz.key)
    yield ("version", report.version.number)
    yield ("attempts_counted", WHICH_LABELS[report.which])
    yield ("cohort", report.cohort.name if report.cohort else "every visible student")
    for name, attribute in QUIZ_FIGURES:
        yield (name, getattr(report.statistics.overall, attribute))
    yield (f"fewer_than_{FEW_ATTEMPTS}_attempts", report.few_attempts)


TABLE_ROWS = {"questions": question_rows, "answers": answer_rows, "quiz": quiz_rows}


def report_document(report: ItemReport) -> dict[str, Any]:
    """The whole report as one JSON-able document."""
    overall = report.statistics.overall
    return {
        "quiz": report.quiz.key, "title": report.quiz.title, "version": report.version.number,
        "attempts_counted": report.which, "cohort": report.cohort.name if report.cohort else None,
        "fewer_than_10_attempts": report.few_attempts,
        "overall": {name: getattr(overall, attribute) for name, attribute in QUIZ_FIGURES},
        "score_distribution": [{"from_percent": 10 * index, "to_percent": 10 * (index + 1), "attempts": count}
                               for index, count in enumerate(report.distribution)],
        "questions": [dict(zip(QUESTION_COLUMNS, row, strict=True)) | {
            "flags": [flag.text for flag in item.problems],
            "answers": [{"part": tally.part, "answer": row.label, "count": row.count, "credit": row.credit,
                         "key": row.label in tally.key} for tally in item.tallies for row in tally.rows],
        } for item, row in zip(report.questions, list(question_rows(report))[1:], strict=True)],
        "skipped_questions": report.skipped,
    }
