"""Single choice questions."""

from __future__ import annotations

import random

import pytest

from app.engine import QuestionError, SingleChoice, attempt_rng, grade_response


def make(**overrides):
    """Build a three-choice question, overriding top-level keys."""
    data = {
        "type": "single",
        "choices": [
            {"text": "Paris", "correct": True, "feedback": "Yes."},
            {"text": "Lyon", "weight": 0.5, "feedback": "Second city-ish."},
            {"text": "Rome", "weight": -0.5},
        ],
    }
    data.update(overrides)
    return SingleChoice.from_dict(data)


def pick(q, text):
    """Return the id of the choice with this text."""
    return next(c.id for c in q.choices if c.text == text)


def test_full_partial_and_negative_weights():
    """The picked weight is the fraction; negative weights floor at zero."""
    q = make()
    assert grade_response(q, {"answer": pick(q, "Paris")}).fraction == 1.0
    partial = grade_response(q, {"answer": pick(q, "Lyon")})
    assert (partial.fraction, partial.correct, partial.feedback) == (0.5, None, ("Second city-ish.",))
    assert grade_response(q, {"answer": pick(q, "Rome")}).fraction == 0.0


def test_unanswered_and_garbage():
    """Missing, unknown and odd field values grade as zero without raising."""
    q = make()
    for raw in ({}, {"answer": "zzz"}, {"answer": ["nope"]}, {"answer": 3}, {"answer": None}, None, "x"):
        grade = grade_response(q, raw)
        assert grade.fraction == 0.0
        assert grade.correct is False


def test_list_value_takes_first():
    """A repeated field counts its first value."""
    q = make()
    assert grade_response(q, {"answer": [pick(q, "Paris"), pick(q, "Rome")]}).fraction == 1.0


def test_author_ids_are_kept_and_derived_ids_do_not_follow_position():
    """Given ids are used as is; derived ids come from the text, not "a", "b"."""
    q = SingleChoice.from_dict({"choices": [{"id": "x", "text": "A", "correct": True}, {"id": 7, "text": "B"}]})
    assert [c.id for c in q.choices] == ["x", "7"]
    derived = make()
    assert "a" not in {c.id for c in derived.choices}
    assert len({c.id for c in derived.choices}) == 3


def test_public_hides_weights_and_feedback_and_follows_order():
    """public() shows ids and texts only, in the shuffled order."""
    q = make()
    order = q.shuffle_order(random.Random(3))
    view = q.public(order)
    assert [c["id"] for c in view["choices"]] == list(order)
    assert all(set(c) == {"id", "text"} for c in view["choices"])
    assert "Yes." not in repr(view)


def test_shuffle_can_be_disabled():
    """With shuffle: false, no order is drawn and author order is shown."""
    q = make(shuffle=False)
    assert q.shuffle_order(random.Random(1)) is None
    assert [c["text"] for c in q.public(None)["choices"]] == ["Paris", "Lyon", "Rome"]


def test_shuffle_is_reproducible():
    """The same seed and salt give the same order."""
    q = make()
    assert q.shuffle_order(attempt_rng(42, "q1")) == q.shuffle_order(attempt_rng(42, "q1"))


def test_stale_order_degrades():
    """An order with unknown or missing ids still shows every choice once."""
    q = make()
    view = q.public(["bogus", pick(q, "Rome"), pick(q, "Rome"), 5])
    assert [c["text"] for c in view["choices"]] == ["Rome", "Paris", "Lyon"]


@pytest.mark.parametrize(
    ("choices", "field"),
    [
        ([{"text": "A", "correct": True}], "choices"),
        ([{"text": "A"}, {"text": "B"}], "choices"),
        ([{"text": "A", "correct": True}, {"text": "B", "weight": 1}], "choices[1]"),
        ([{"text": "A", "correct": True}, {"text": "B", "weight": 1.5}], "choices[1].weight"),
        ([{"text": "A", "correct": True}, {"text": "B", "weight": "half"}], "choices[1].weight"),
        ([{"text": "A", "correct": True}, {"text": "B", "correct": "no"}], "choices[1].correct"),
        ([{"text": "A", "correct": True}, {"text": "B", "colour": "red"}], "choices[1].colour"),
        ([{"text": "A", "correct": True}, {"weight": 0}], "choices[1].text"),
        ([{"text": "A", "correct": True}, {"text": "  "}], "choices[1].text"),
        ([{"text": "A", "correct": True}, {"text": "A"}], "choices[1].text"),
        ([{"id": "k", "text": "A", "correct": True}, {"id": "k", "text": "B"}], "choices[1].id"),
        ([{"text": "A", "correct": True, "weight": 1}, {"text": "B"}], "choices[0]"),
        ("A, B", "choices"),
    ],
)
def test_validation_names_the_field(choices, field):
    """Each authoring mistake points at the key path at fault."""
    with pytest.raises(QuestionError) as caught:
        SingleChoice.from_dict({"choices": choices})
    assert caught.value.field == field


def test_missing_and_unknown_top_level_keys():
    """A missing choices key and unknown keys are named."""
    with pytest.raises(QuestionError) as caught:
        SingleChoice.from_dict({})
    assert caught.value.field == "choices"
    with pytest.raises(QuestionError) as caught:
        make(shufle=True)
    assert caught.value.field == "shufle"
    with pytest.raises(QuestionError) as caught:
        make(shuffle="yes")
    assert caught.value.field == "shuffle"


def test_random_guess_score():
    """The guess score is the mean positive weight."""
    assert make().random_guess_score() == pytest.approx(0.5)
