"""Multiple response questions."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

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


# --------------------------------------------------------------------------- the `correct:` shorthand's rule


def flagged(right: int, wrong: int) -> MultipleResponse:
    """A shorthand question with `right` correct choices r0.. and `wrong` wrong ones w0.."""
    choices = [{"id": f"r{i}", "text": f"right {i}", "correct": True} for i in range(right)]
    choices += [{"id": f"w{i}", "text": f"wrong {i}", "correct": False} for i in range(wrong)]
    return MultipleResponse.from_dict({"type": "multiple", "choices": choices})


@given(st.integers(1, 12), st.integers(1, 12))
def test_ticking_every_box_scores_zero_and_the_right_set_full_marks(right, wrong):
    q = flagged(right, wrong)
    every = [c.id for c in q.choices]
    assert grade_response(q, {"answer": every}).fraction == 0.0
    assert grade_response(q, {"answer": [f"r{i}" for i in range(right)]}).fraction == 1.0


@given(st.integers(1, 8), st.integers(1, 8), st.data())
def test_any_ticking_scores_within_zero_and_one(right, wrong, data):
    q = flagged(right, wrong)
    ticked = data.draw(st.lists(st.sampled_from([c.id for c in q.choices]), unique=True))
    assert 0.0 <= grade_response(q, {"answer": ticked}).fraction <= 1.0


@pytest.mark.parametrize(("right", "wrong", "ticked", "fraction"), [
    (3, 1, ["r0", "r1", "r2", "w0"], 0.0),  # every box: 1 - 1
    (3, 1, ["r0", "r1"], 0.6666667),
    (3, 1, ["r0", "r1", "w0"], 0.0),  # 2/3 - 1, clamped
    (4, 2, ["r0", "r1", "r2", "r3", "w0"], 0.5),  # a wrong one costs 1/2 when there are two
    (2, 4, ["r0", "r1", "w0"], 0.5),  # w >= k: Moodle's usual -1/k, as before
])
def test_worked_examples_of_the_rule(right, wrong, ticked, fraction):
    assert grade_response(flagged(right, wrong), {"answer": ticked}).fraction == pytest.approx(fraction)


def test_explicit_weights_are_left_as_written():
    q = MultipleResponse.from_dict({"type": "multiple", "choices": [
        {"id": "a", "text": "a", "weight": 0.5}, {"id": "b", "text": "b", "weight": 0.5},
        {"id": "c", "text": "c", "weight": -0.25}]})
    assert grade_response(q, {"answer": ["a", "b", "c"]}).fraction == 0.75
