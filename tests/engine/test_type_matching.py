"""Matching questions."""

from __future__ import annotations

import random

import pytest

from app.engine import Matching, QuestionError, grade_response


def make(**overrides):
    """Three pairs (two sharing a right-hand option) and one distractor."""
    data = {
        "type": "matching",
        "pairs": [
            {"left": "cat", "right": "mammal"},
            {"left": "trout", "right": "fish"},
            {"left": "whale", "right": "mammal"},
        ],
        "distractors": ["bird"],
    }
    data.update(overrides)
    return Matching.from_dict(data)


def option(q, text):
    """Return the id of the right-hand option with this text."""
    return next(o.id for o in q.options if o.text == text)


def test_shared_options_appear_once_and_distractors_are_added():
    """Right-hand options are unique texts: pair rights then distractors."""
    assert [o.text for o in make().options] == ["mammal", "fish", "bird"]


def test_fraction_is_share_of_correct_pairs():
    """Each left item is a part; the fraction is correct parts over all parts."""
    q = make()
    mammal, fish, bird = option(q, "mammal"), option(q, "fish"), option(q, "bird")
    assert grade_response(q, {"1": mammal, "2": fish, "3": mammal}).correct is True
    two = grade_response(q, {"1": mammal, "2": fish, "3": bird})
    assert (two.fraction, two.parts) == (0.6666667, (True, True, False))
    assert grade_response(q, {"1": fish}).parts == (False, False, False)
    assert q.part_ids == ("1", "2", "3")


def test_garbage_is_ignored():
    """Unknown option ids, lists and junk mappings grade as unanswered parts."""
    q = make()
    assert q.normalize({"1": "nope", "2": [option(q, "fish")], "x": "y", "3": 7}) == {"2": option(q, "fish")}
    assert q.grade(["a"]).fraction == 0.0  # type: ignore[arg-type]
    assert grade_response(q, None).fraction == 0.0  # type: ignore[arg-type]


def test_public_order_and_no_key():
    """public() lists left and right in the drawn order and never pairs them."""
    q = make()
    left, right = q.shuffle_order(random.Random(5))
    view = q.public((left, right))
    assert [item["id"] for item in view["left"]] == list(left)
    assert [item["id"] for item in view["right"]] == list(right)
    assert set(view) == {"kind", "left", "right"}
    assert sorted(item["text"] for item in view["right"]) == ["bird", "fish", "mammal"]


def test_public_without_order_does_not_follow_authoring():
    """Without an order, right options are sorted by their text-derived id."""
    q = make()
    assert [item["id"] for item in q.public()["right"]] == sorted(o.id for o in q.options)
    assert [item["id"] for item in q.public([["3", "1", "2"], "junk"])["left"]] == ["3", "1", "2"]


def test_left_shuffle_can_be_disabled_but_right_always_shuffles():
    """shuffle: false keeps the left items in author order."""
    q = make(shuffle=False)
    orders = {q.shuffle_order(random.Random(seed)) for seed in range(20)}
    assert {left for left, _ in orders} == {("1", "2", "3")}
    assert len({right for _, right in orders}) > 1


def test_author_pair_ids():
    """Pairs may carry their own ids, used as field names."""
    q = make(pairs=[{"id": "felix", "left": "cat", "right": "mammal"}, {"left": "trout", "right": "fish"}])
    assert q.part_ids == ("felix", "2")
    assert q.grade(q.correct_response()).fraction == 1.0


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"pairs": [{"left": "a", "right": "b"}]}, "pairs"),
        ({"pairs": [{"left": "a", "right": "b"}, {"left": "a", "right": "c"}]}, "pairs[1].left"),
        ({"pairs": [{"left": "a", "right": "b"}, {"left": "c"}]}, "pairs[1].right"),
        ({"pairs": [{"left": "a", "right": "b"}, {"left": "c", "right": "d", "note": 1}]}, "pairs[1].note"),
        ({"distractors": ["fish"]}, "distractors[0]"),
        ({"distractors": ["bird", "bird"]}, "distractors[1]"),
        ({"distractors": "bird"}, "distractors"),
        ({"distractors": [""]}, "distractors[0]"),
    ],
)
def test_validation(overrides, field):
    """Too few pairs, repeated lefts, missing rights and repeated options are named."""
    with pytest.raises(QuestionError) as caught:
        make(**overrides)
    assert caught.value.field == field
