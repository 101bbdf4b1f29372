"""Multiple response questions."""

from __future__ import annotations

import pytest

from app.engine import MultipleResponse, QuestionError, grade_response


def shorthand():
    """Two correct and two wrong choices given with correct: true/false."""
    return MultipleResponse.from_dict(
        {
            "type": "multiple",
            "choices": [
                {"id": "a", "text": "2", "correct": True, "feedback": "prime"},
                {"id": "b", "text": "3", "correct": True},
                {"id": "c", "text": "4", "correct": False, "feedback": "2 x 2"},
                {"id": "d", "text": "6", "correct": False},
            ],
        }
    )


def test_shorthand_weights():
    """Correct choices share 1 equally; wrong ones cost -1/number_of_correct."""
    q = shorthand()
    assert [c.weight for c in q.choices] == [0.5, 0.5, -0.5, -0.5]


@pytest.mark.parametrize(
    ("ticked", "fraction", "correct"),
    [
        (["a", "b"], 1.0, True),
        (["a"], 0.5, None),
        (["a", "c"], 0.0, False),
        (["a", "b", "c"], 0.5, None),
        (["a", "b", "c", "d"], 0.0, False),
        (["c", "d"], 0.0, False),  # -1 clamps at 0
        ([], 0.0, False),
    ],
)
def test_sum_of_picked_weights_clamped(ticked, fraction, correct):
    """The fraction is the clamped sum of ticked weights."""
    grade = grade_response(shorthand(), {"answer": ticked})
    assert (grade.fraction, grade.correct) == (fraction, correct)


def test_feedback_of_every_ticked_choice():
    """Each ticked choice's feedback is returned, in author order."""
    assert grade_response(shorthand(), {"answer": ["c", "a"]}).feedback == ("prime", "2 x 2")


def test_single_value_and_garbage_fields():
    """One posted value is a one-element set; junk ids are ignored."""
    q = shorthand()
    assert q.normalize({"answer": "a"}) == frozenset({"a"})
    assert q.normalize({"answer": ["a", "zz", 4, None]}) == frozenset({"a"})
    assert q.normalize({"answer": {"a": 1}}) == frozenset()
    assert q.grade("ab").fraction == 0.0  # type: ignore[arg-type]


def test_explicit_weights_moodle_style():
    """Weights like 1/3 summing to 1 within 1e-6 still give full marks."""
    q = MultipleResponse.from_dict(
        {
            "choices": [
                {"id": "a", "text": "x", "weight": 0.3333333},
                {"id": "b", "text": "y", "weight": 0.3333333},
                {"id": "c", "text": "z", "weight": 0.3333333},
                {"id": "d", "text": "w", "weight": -1},
                {"id": "e", "text": "v"},
            ]
        }
    )
    assert q.grade(frozenset("abc")).fraction == 1.0
    assert q.grade(frozenset("abce")).correct is True
    assert q.grade(frozenset("ab")).fraction == 0.6666666
    assert q.grade(frozenset("ad")).fraction == 0.0
    assert q.correct_response() == frozenset("abc")


@pytest.mark.parametrize(
    ("choices", "field", "words"),
    [
        ([{"text": "x", "weight": 0.5}, {"text": "y", "weight": 0.4}], "choices", "never reach"),
        ([{"text": "x", "weight": 0.7}, {"text": "y", "weight": 0.7}], "choices", "exceed"),
        ([{"text": "x", "correct": False}, {"text": "y", "correct": False}], "choices", "never reach"),
        ([{"text": "x", "weight": 1}, {"text": "y", "correct": False}], "choices[1].correct", "mix"),
        ([{"text": "x", "weight": 1}, {"text": "y", "weight": -2}], "choices[1].weight", "at least"),
    ],
)
def test_validation(choices, field, words):
    """Weight mistakes are reported on the right field with a helpful message."""
    with pytest.raises(QuestionError) as caught:
        MultipleResponse.from_dict({"choices": choices})
    assert caught.value.field == field
    assert words in caught.value.message


def test_public_has_no_key():
    """public() lists ids and texts only."""
    view = shorthand().public()
    assert view == {
        "kind": "multiple",
        "choices": [
            {"id": "a", "text": "2"},
            {"id": "b", "text": "3"},
            {"id": "c", "text": "4"},
            {"id": "d", "text": "6"},
        ],
    }


class MultiValueForm(dict):
    """Stands in for Werkzeug's MultiDict: get() gives the first value, getlist() all of them."""

    def get(self, key, default=None):
        """Return the first value, as MultiDict does."""
        values = super().get(key)
        return values[0] if values else default

    def getlist(self, key):
        """Return every value posted under key."""
        return list(super().get(key, []))


def test_multi_value_forms_are_read_in_full():
    """A request.form-like mapping yields every ticked box, not just the first."""
    assert grade_response(shorthand(), MultiValueForm(answer=["a", "b"])).fraction == 1.0
