"""Ordering questions: adjacent-pair partial credit."""

from __future__ import annotations

import random

import pytest

from app.engine import Ordering, QuestionError, attempt_rng, grade_response

STEPS = ["Plan", "Write", "Test", "Ship", "Celebrate"]


def make(items=STEPS):
    """Build an ordering question whose key is the given order."""
    return Ordering.from_dict({"type": "ordering", "items": items})


def ids(q, texts):
    """Map item texts to their ids."""
    by_text = {item.text: item.id for item in q.items}
    return [by_text[t] for t in texts]


@pytest.mark.parametrize(
    ("order", "pairs"),
    [
        (["Plan", "Write", "Test", "Ship", "Celebrate"], 4),  # the key
        (["Celebrate", "Ship", "Test", "Write", "Plan"], 0),  # reversed: no pair in order
        (["Test", "Ship", "Celebrate", "Plan", "Write"], 3),  # rotated: 3 of 4 pairs kept
        (["Write", "Plan", "Test", "Ship", "Celebrate"], 2),  # first two swapped: Test>Ship, Ship>Celebrate
        (["Plan", "Test", "Write", "Ship", "Celebrate"], 1),  # middle swap: only Ship>Celebrate
        (["Plan", "Write"], 1),  # partial list: the pairs it has
    ],
)
def test_adjacent_pairs_over_n_minus_one(order, pairs):
    """Fraction = pairs adjacent and in order in both the response and the key, over n - 1."""
    q = make()
    grade = grade_response(q, {"answer": ids(q, order)})
    assert grade.fraction == round(pairs / 4, 7)
    assert sum(grade.parts) == pairs


def test_parts_refer_to_each_item_followed_by_its_successor():
    """Part k says whether key item k is immediately followed by key item k+1."""
    q = make()
    grade = q.grade(tuple(ids(q, ["Write", "Plan", "Test", "Ship", "Celebrate"])))
    assert q.part_ids == tuple(ids(q, STEPS[:-1]))
    assert grade.parts == (False, False, True, True)


def test_repeats_cannot_farm_pairs():
    """Repeating ids keeps only each id's first place."""
    q = make(["A", "B", "C"])
    a, b, _ = ids(q, ["A", "B", "C"])
    assert q.grade((a, b, a, b)).fraction == 0.5
    assert q.normalize({"answer": [a, b, a, "zz", 3]}) == (a, b)


def test_comma_separated_field_and_garbage():
    """One comma-separated value is read as a list; junk is unanswered."""
    q = make(["A", "B", "C"])
    a, b, c = ids(q, ["A", "B", "C"])
    assert grade_response(q, {"answer": f"{a}, {b},{c}"}).fraction == 1.0
    for raw in ({}, {"answer": ""}, {"answer": "x,y"}, {"answer": [[a]]}, None):
        assert grade_response(q, raw).fraction == 0.0
    assert q.grade("abc").fraction == 0.0  # type: ignore[arg-type]


def test_ids_do_not_reveal_positions():
    """Ids derive from text: not 1..n, and unchanged if the item moves."""
    q = make()
    assert not {item.id for item in q.items} & {"0", "1", "2", "3", "4", "5"}
    moved = make(["Ship", *STEPS[:3], "Celebrate"])
    assert {i.text: i.id for i in moved.items} == {i.text: i.id for i in q.items}


def test_presented_order_is_never_the_key():
    """Every drawn order differs from the key, even for two items."""
    for items in (["A", "B"], ["A", "B", "C"], STEPS):
        q = make(items)
        for seed in range(200):
            order = q.shuffle_order(random.Random(seed))
            assert order != q.correct_response()
            assert sorted(order) == sorted(q.correct_response())


def test_public_follows_order_and_defaults_to_id_order():
    """public() lists the drawn order; without one, items sort by id."""
    q = make()
    order = q.shuffle_order(attempt_rng(9, "ordering"))
    assert [item["id"] for item in q.public(order)["items"]] == list(order)
    assert [item["id"] for item in q.public()["items"]] == sorted(item.id for item in q.items)


@pytest.mark.parametrize(
    ("items", "field"),
    [
        (["only"], "items"),
        (["a", "b", "a"], "items[2]"),
        (["a", ""], "items[1]"),
        (["a", 2], "items[1]"),
        ("ab", "items"),
    ],
)
def test_validation(items, field):
    """Too few, repeated, empty or non-text items are named."""
    with pytest.raises(QuestionError) as caught:
        make(items)
    assert caught.value.field == field


@pytest.mark.parametrize("size", [2, 3, 4])
def test_first_shuffle_reaches_every_order_but_the_key_evenly(size):
    """Over many seeds every wrong order appears, the key never, and none is favoured (chi-square bound)."""
    from itertools import permutations

    question = make(STEPS[:size])
    key = question.correct_response()
    wrong = [order for order in permutations(key) if order != key]
    draws = 200 * len(wrong)
    counts = dict.fromkeys(wrong, 0)
    for seed in range(draws):
        order = question.shuffle_order(attempt_rng(seed, "order"))
        assert order != key
        counts[order] += 1
    assert all(counts.values()), "some orders can never be shown"
    expected = draws / len(wrong)
    chi_square = sum((count - expected) ** 2 / expected for count in counts.values())
    # Seeds are fixed, so this is deterministic; the bound is the 99.9th percentile for up to 22 degrees of freedom.
    assert chi_square < 48.3, counts
