"""How questions are shown: ids that never leak the key, stored orders, and how right each part of an answer is."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from itertools import pairwise
from typing import Any

from app.engine.form_fields import response_fields
from app.engine.question import WEIGHT_TOLERANCE, QuestionType


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


# How right one part of an answer is; the review shows each in words and a symbol, never colour alone.
RIGHT, PARTLY, WRONG = "right", "partly", "wrong"


def mark_of(fraction: float) -> str:
    """Right, partly right or wrong, from the share of the marks a part earned."""
    if fraction >= 1.0 - WEIGHT_TOLERANCE:
        return RIGHT
    return WRONG if fraction <= WEIGHT_TOLERANCE else PARTLY


def answer_marks(question: QuestionType, response: Any) -> dict[str, str]:
    """How right each part of a normalized response is, keyed the way the review partials find the parts.

    Choices are keyed by the chosen value, matching pairs by left item id, blanks by blank id, ordering by
    position ("1" is first) and one-field answers by "answer". Only what the student gave is marked, so the
    marks tell whether each part is right, never what the right one would have been.
    """
    marker = _MARKERS.get(question.kind, _whole_answer)
    return marker(question, response)


def _whole_answer(question: QuestionType, response: Any) -> dict[str, str]:
    return {"answer": mark_of(question.grade(response).fraction)}


def _chosen_option(question: QuestionType, response: Any) -> dict[str, str]:
    fraction = question.grade(response).fraction
    return {value: mark_of(fraction) for value in response_fields(response).get("answer", [])}


def _chosen_options(question: QuestionType, response: Any) -> dict[str, str]:
    # A ticked choice is right when it earns marks on its own (a positive weight), wrong when it earns nothing
    # or costs marks; the question's total is what the outcome line reports.
    return {choice: RIGHT if question.grade(frozenset({choice})).fraction > WEIGHT_TOLERANCE else WRONG
            for choice in sorted(response or ())}


def _pairs(question: QuestionType, response: Any) -> dict[str, str]:
    parts = question.grade(response).parts
    return {part: RIGHT if right else WRONG for part, right in zip(question.part_ids, parts, strict=True)}


def _blanks(question: QuestionType, response: Any) -> dict[str, str]:
    response = response if isinstance(response, Mapping) else {}
    parts = question.grade(response).parts
    marks = {}
    for blank, right in zip(question.part_ids, parts, strict=True):
        # A blank that is not fully right may still earn part of its share: graded alone (the other blanks
        # empty, so they earn nothing), anything above zero is that blank's own partial credit.
        alone = question.grade({blank: response.get(blank, "")}).fraction
        marks[blank] = RIGHT if right else PARTLY if alone > WEIGHT_TOLERANCE else WRONG
    return marks


def _positions(question: QuestionType, response: Any) -> dict[str, str]:
    # Ordering earns one share per item directly followed by the item that should follow it, so each position
    # is judged by what comes next; the last placed, which nothing follows, by whether it belongs last.
    sequence = tuple(response or ())
    key = tuple(question.correct_response())
    successor = dict(pairwise(key))
    marks = {str(index): RIGHT if successor.get(first) == second else WRONG
             for index, (first, second) in enumerate(pairwise(sequence), start=1)}
    if sequence:
        marks[str(len(sequence))] = RIGHT if sequence[-1] == key[-1] else WRONG
    return marks


_MARKERS: dict[str, Callable[[QuestionType, Any], dict[str, str]]] = {
    "single": _chosen_option,
    "true_false": _chosen_option,
    "multiple": _chosen_options,
    "matching": _pairs,
    "cloze": _blanks,
    "ordering": _positions,
}
