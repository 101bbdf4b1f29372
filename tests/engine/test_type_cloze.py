"""Cloze (fill in the blanks) questions."""

from __future__ import annotations

import random

import pytest

from app.engine import Cloze, QuestionError, grade_response


def make(text="The capital of France is [[1]] and of Italy is [[ 2 ]].", blanks=None):
    """Two blanks given in mapping form (YAML integer keys)."""
    if blanks is None:
        blanks = {
            1: {"answers": [{"text": "Paris", "weight": 1, "feedback": "Oui."}, {"text": "Lyon", "weight": 0.2}]},
            2: {"answers": ["Rome", "Roma"], "feedback": "It is Rome."},
        }
    return Cloze.from_dict({"type": "cloze", "text": text, "blanks": blanks})


def test_mean_of_blank_fractions():
    """Each blank grades like a short answer; the fraction is their mean."""
    q = make()
    full = grade_response(q, {"1": " paris. ", "2": "ROMA"})
    assert (full.fraction, full.correct, full.parts) == (1.0, True, (True, True))
    half = grade_response(q, {"1": "Paris", "2": "Milan"})
    assert (half.fraction, half.correct, half.parts) == (0.5, None, (True, False))
    assert half.feedback == ("Oui.", "It is Rome.")
    assert grade_response(q, {"1": "Lyon", "2": "Rome"}).fraction == 0.6


def test_blank_feedback_only_when_not_fully_right():
    """The blank-level feedback explains a miss and stays silent on a hit."""
    q = make()
    assert grade_response(q, {"2": "Rome"}).feedback == ()
    assert grade_response(q, {}).feedback == ("It is Rome.",)


def test_list_form_and_shorthand_blank():
    """Blanks may be a list numbered from 1, and a blank may be just its answers."""
    q = make(blanks=[{"answers": ["Paris"]}, ["Rome"]])
    assert q.part_ids == ("1", "2")
    assert q.grade(q.correct_response()).fraction == 1.0


def test_blank_ids_in_text_order():
    """Parts follow the order the blanks appear in the text."""
    q = make("[[2]] then [[10]]", {10: ["b"], "2": ["a"]})
    assert q.part_ids == ("2", "10")
    assert grade_response(q, {"2": "a", "10": "x"}).parts == (True, False)


def test_public_segments_and_no_answers():
    """public() splits the text into text and blank segments and holds no answers."""
    q = make()
    assert q.public(None) == {
        "kind": "cloze",
        "segments": [
            {"text": "The capital of France is "},
            {"blank": "1"},
            {"text": " and of Italy is "},
            {"blank": "2"},
            {"text": "."},
        ],
        "blanks": ["1", "2"],
    }
    assert q.shuffle_order(random.Random(1)) is None


def test_garbage_never_raises():
    """Lists, numbers and foreign keys are unanswered blanks."""
    q = make()
    assert q.normalize({"1": ["Paris", "x"], "2": 4, "junk": "Rome"}) == {"1": "Paris", "2": ""}
    assert q.grade("Paris").fraction == 0.0  # type: ignore[arg-type]
    assert q.grade({"1": 5}).fraction == 0.0


@pytest.mark.parametrize(
    ("text", "blanks", "field"),
    [
        ("No blanks here.", {1: ["a"]}, "text"),
        ("[[1]] and [[1]]", {1: ["a"]}, "text"),
        ("[[1]] and [[3]]", {1: ["a"], 2: ["b"]}, "text"),
        ("[[1]]", {1: ["a"], 2: ["b"]}, "blanks.2"),
        ("[[1]]", [["a"], ["b"]], "blanks[1]"),
        ("[[1]]", {"one": ["a"]}, "blanks.one"),
        ("[[1]]", {1: ["a"], "01": ["b"]}, "blanks.01"),
        ("[[1]]", {1: {"answers": [{"text": "a", "weight": 0.5}]}}, "blanks.1.answers"),
        ("[[1]]", {1: {"answers": [{"text": "a", "weight": 2}]}}, "blanks.1.answers[0].weight"),
        ("[[1]]", [{"answers": ["a", {"text": "!"}]}], "blanks[0].answers[1].text"),
        ("[[1]]", {1: {"answers": ["a"], "hint": "x"}}, "blanks.1.hint"),
        ("[[1]]", {1: {}}, "blanks.1.answers"),
        ("[[1]]", "a", "blanks"),
    ],
)
def test_validation(text, blanks, field):
    """Markers and definitions must correspond one to one; bad answers name their path."""
    with pytest.raises(QuestionError) as caught:
        make(text, blanks)
    assert caught.value.field == field
