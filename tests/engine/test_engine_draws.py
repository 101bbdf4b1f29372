"""Stratified draws: so many questions from each group, then some from any; validated, seeded, replayable."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.engine import attempt_rng, draw_pool
from app.engine.draws import DrawRule, draw_summary, drawn_count, group_sizes
from app.engine.item_quality import intended_weights
from app.engine.quiz_rules import QuizSettings


@st.composite
def pools_and_rules(draw):
    """A pool of questions in a few groups (some ungrouped) and a draw rule it can satisfy."""
    sizes = draw(st.lists(st.integers(1, 6), min_size=1, max_size=5))
    ungrouped = draw(st.integers(0, 4))
    groups: list[str | None] = [f"g{index}" for index, size in enumerate(sizes) for _ in range(size)]
    groups += [None] * ungrouped
    groups = list(draw(st.permutations(groups)))
    ids = [f"q{index}" for index in range(len(groups))]
    if draw(st.booleans()):
        per_group = draw(st.integers(0, min(sizes)))
        named = {}
    else:
        per_group = 0
        named = {f"g{index}": draw(st.integers(0, size)) for index, size in enumerate(sizes) if draw(st.booleans())}
    draw_setting: dict = {}
    if per_group:
        draw_setting["per_group"] = per_group
    if named:
        draw_setting["groups"] = named
    rule = DrawRule.of(draw_setting)
    left = len(ids) - sum(rule.wanted(groups).values())
    draw_setting["any"] = draw(st.integers(0 if rule.total(groups) else 1, left))
    return ids, groups, draw_setting


@given(pools_and_rules(), st.integers(0, 2**31 - 1))
def test_a_draw_has_the_group_counts_no_duplicates_and_the_total(case, seed):
    ids, groups, setting = case
    rule = DrawRule.of(setting)
    assert rule.problems(groups) == []
    drawn = rule.draw(ids, groups, attempt_rng(seed, "draw"))
    assert len(drawn) == len(set(drawn)) == rule.total(groups) == drawn_count(setting, groups)
    group_of = dict(zip(ids, groups, strict=True))
    per_group = Counter(group_of[qid] for qid in drawn)
    for group, wanted in rule.wanted(groups).items():
        assert per_group[group] >= wanted  # `any` may add more from the same group
    assert sum(per_group.values()) == sum(rule.wanted(groups).values()) + setting["any"]
    assert list(drawn) == [qid for qid in ids if qid in drawn]  # pool order
    assert rule.draw(ids, groups, attempt_rng(seed, "draw")) == drawn  # same seed, same draw


def test_groups_get_exactly_their_count_when_any_is_zero():
    ids = [f"q{i}" for i in range(9)]
    groups = ["a"] * 4 + ["b"] * 3 + [None] * 2
    for seed in range(50):
        drawn = DrawRule.of({"groups": {"a": 2, "b": 1}}).draw(ids, groups, attempt_rng(seed, "draw"))
        assert Counter(groups[ids.index(qid)] for qid in drawn) == {"a": 2, "b": 1}


@given(st.integers(1, 30), st.data(), st.integers(0, 2**31 - 1))
def test_a_whole_number_draws_as_before(size, data, seed):
    """`draw: N` gives exactly draw_pool's questions, so attempts begun before groups replay the same."""
    k = data.draw(st.integers(1, size))
    ids = [f"q{i}" for i in range(size)]
    groups = data.draw(st.lists(st.sampled_from([None, "a", "b"]), min_size=size, max_size=size))
    assert DrawRule.of(k).draw(ids, groups, attempt_rng(seed, "draw")) == draw_pool(ids, k, attempt_rng(seed, "draw"))


def test_every_group_is_covered_in_every_attempt():
    """The issue's final: 8 lessons, 2 from each plus 4 from any, never an attempt without lesson 8."""
    groups = [f"lesson-{n}" for n in range(1, 9) for _ in range(5)] + ["lesson-8"] * 4
    ids = [f"q{i}" for i in range(len(groups))]
    rule = DrawRule.of({"per_group": 2, "any": 4})
    for seed in range(300):
        drawn = rule.draw(ids, groups, attempt_rng(seed, "draw"))
        assert len(drawn) == 20
        assert {groups[ids.index(qid)] for qid in drawn} == set(group_sizes(groups))


@pytest.mark.parametrize(("setting", "where", "words"), [
    ({"groups": {"a": 3}}, ("groups", "a"), "asks for 3 questions from group 'a', which has 2"),
    ({"per_group": 3}, ("per_group",), "from group 'a', which has 2"),
    ({"groups": {"c": 1}}, ("groups", "c"), "names group 'c', which no question has (groups: a, b)"),
    ({"groups": {"a": 2, "b": 1}, "any": 3}, ("any",), "asks for 3 more from any, but only 2 questions are left"),
    ({"groups": {"a": 0}}, (), "draws no question"),
    (9, (), "`draw: 9` is more than the 5 questions in the pool"),
])
def test_impossible_draws_say_where_and_how_to_fix(setting, where, words):
    groups = ["a", "a", "b", "b", None]
    problems = DrawRule.of(setting).problems(groups)
    assert problems and {path for path, _ in problems} == {where}  # per_group 3 is too many for a and for b
    assert words in problems[0][1]
    with pytest.raises(ValueError):
        DrawRule.of(setting).draw([f"q{i}" for i in range(5)], groups, attempt_rng(1, "draw"))


def test_per_group_without_groups_is_refused():
    problems = DrawRule.of({"per_group": 1}).problems([None, None])
    assert problems and "no question has one" in problems[0][1]


def test_settings_and_item_weights_use_the_total_count():
    groups = ["a", "a", "b", "b", None, None]
    settings = QuizSettings(draw={"per_group": 1, "any": 1})
    assert settings.questions_per_attempt(groups) == 3
    assert QuizSettings.from_json(settings.to_json()) == settings
    assert QuizSettings(draw=None).questions_per_attempt(groups) == 6
    points = {f"q{i}": 1.0 for i in range(6)}
    assert intended_weights(points, drawn_count(settings.draw, groups)) == intended_weights(points, 3)


def test_summary_for_quiz_pages():
    groups = ["a", "a", "b", "b", None]
    assert draw_summary({"per_group": 1, "any": 2}, groups) == "1 from each of 2 groups, then 2 from any"
    assert draw_summary({"groups": {"a": 2, "b": 1}}, groups) == "2 + 1 from 2 groups"
    assert draw_summary(3, groups) is None
