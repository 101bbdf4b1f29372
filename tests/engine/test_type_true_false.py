"""True/false questions."""

from __future__ import annotations

import random

import pytest

from app.engine import QuestionError, TrueFalse, grade_response


def make():
    """The statement is false; both feedback strings given."""
    return TrueFalse.from_dict({"answer": False, "feedback_true": "No: it boils at 100.", "feedback_false": "Right."})


def test_grading_and_feedback_follow_the_pick():
    """Feedback is for what the student picked, whether right or wrong."""
    q = make()
    assert grade_response(q, {"answer": "false"}) == grade_response(q, {"answer": " FALSE "})
    assert grade_response(q, {"answer": "false"}).feedback == ("Right.",)
    wrong = grade_response(q, {"answer": "true"})
    assert (wrong.fraction, wrong.correct, wrong.feedback) == (0.0, False, ("No: it boils at 100.",))


@pytest.mark.parametrize("raw", [{}, {"answer": "maybe"}, {"answer": ""}, {"answer": 1}, {"answer": ["x"]}, []])
def test_unanswered(raw):
    """Anything but true/false is unanswered, with no feedback."""
    grade = grade_response(make(), raw)
    assert (grade.fraction, grade.feedback) == (0.0, ())


def test_public_and_shuffle():
    """There is nothing to shuffle and nothing about the key in public()."""
    q = make()
    assert q.shuffle_order(random.Random(0)) is None
    assert q.public(None) == {"kind": "true_false"}
    assert q.correct_response() is False


@pytest.mark.parametrize(
    ("data", "field"),
    [({}, "answer"), ({"answer": "false"}, "answer"), ({"answer": True, "feedback_true": 3}, "feedback_true")],
)
def test_validation(data, field):
    """The answer must be a real boolean; feedback must be text."""
    with pytest.raises(QuestionError) as caught:
        TrueFalse.from_dict(data)
    assert caught.value.field == field
