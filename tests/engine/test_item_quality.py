"""Judging item statistics: Wilson intervals, intended weights, answer tallies and flags."""

from __future__ import annotations

import json
import math
from dataclasses import replace

import pytest

from app.engine import build_question, quiz_statistics
from app.engine.item_quality import (
    NO_ANSWER,
    OPEN_ANSWERS_SHOWN,
    AnswerTally,
    answer_tallies,
    few_attempts,
    intended_weights,
    question_flags,
    wilson_interval,
)

# --------------------------------------------------------------------------- Wilson interval


def test_wilson_interval_of_half_matches_the_published_value():
    """5 of 10: (0.2366, 0.7634) (Newcombe 1998, method 3)."""
    low, high = wilson_interval(5, 10)
    assert low == pytest.approx(0.2366, abs=1e-4)
    assert high == pytest.approx(0.7634, abs=1e-4)


def test_wilson_interval_at_the_edges_stays_inside_zero_and_one():
    """0 of 10 and 10 of 10 give one-sided intervals of width z^2 / (n + z^2)."""
    z2 = 1.96**2
    assert wilson_interval(0, 10) == (0.0, pytest.approx(z2 / (10 + z2)))
    assert wilson_interval(10, 10) == (pytest.approx(10 / (10 + z2)), 1.0)
    assert wilson_interval(0, 0) == (0.0, 1.0)


def test_wilson_interval_accepts_partial_successes_and_narrows_with_n():
    """A facility of 0.62 over n attempts: successes 0.62 n; the interval holds it and shrinks as n grows."""
    widths = []
    for n in (5, 50, 500):
        low, high = wilson_interval(0.62 * n, n)
        assert low < 0.62 < high
        widths.append(high - low)
    assert widths == sorted(widths, reverse=True)


def test_few_attempts_means_fewer_than_ten():
    assert few_attempts(9) and not few_attempts(10)


def test_intended_weights_share_the_maximum_mark():
    """Points 1 and 3: 25% and 75%; drawing 1 of 2 questions doubles each share."""
    assert intended_weights({"a": 1.0, "b": 3.0}) == {"a": 25.0, "b": 75.0}
    assert intended_weights({"a": 1.0, "b": 1.0}, drawn=1) == {"a": 100.0, "b": 100.0}
    assert intended_weights({}) == {}


# --------------------------------------------------------------------------- flags


def stats_for(marks: list[float], other: list[float] | None = None):
    """QuestionStatistics of question "q" over attempts with these marks (and a second question's)."""
    other = other if other is not None else [0.5] * len(marks)
    attempts = [{"q": m, "r": o} for m, o in zip(marks, other, strict=True)]
    return quiz_statistics(attempts, {"q": 1.0, "r": 1.0}).question("q")


def kinds(flags):
    return [flag.kind for flag in flags]


def test_a_question_everyone_gets_right_is_too_easy():
    assert kinds(question_flags(stats_for([1.0] * 12))) == ["too-easy"]


def test_a_question_nobody_gets_right_is_too_hard():
    """The rest of the test does not vary, so discrimination is undefined and not flagged."""
    assert kinds(question_flags(stats_for([0.0] * 11 + [1.0]))) == ["too-hard"]


def test_negative_and_weak_discrimination_are_told_apart():
    """Those who do well elsewhere fail here: negative. Unrelated to the rest: weak."""
    rest = [0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1]
    negative = question_flags(stats_for([1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 1], rest))
    assert "negative-discrimination" in kinds(negative)
    assert "check the key" in str(negative[kinds(negative).index("negative-discrimination")])
    good = question_flags(stats_for([0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 0], rest))
    assert kinds(good) == []
    weak = replace(stats_for([0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 0], rest), discrimination_index=10.0)
    assert kinds(question_flags(weak)) == ["weak-discrimination"]


def test_few_attempts_is_a_caveat_not_a_problem():
    flags = question_flags(stats_for([0, 1, 0, 1, 1]))
    caveat = flags[-1]
    assert caveat.kind == "few-attempts" and not caveat.problem
    assert "fewer than 10 attempts (5)" in caveat.text


def test_an_unpicked_distractor_and_a_wrong_choice_above_the_key_are_flagged():
    tally = AnswerTally.from_counts({"Paris": 3, "Lyon": 7, "Nice": 0}, key=["Paris"])
    flags = question_flags(None, [tally])
    assert kinds(flags) == ["unpicked-distractor", "wrong-over-key"]
    assert "“Nice”" in flags[0].text and "“Lyon”" in flags[1].text


def test_no_choice_flags_when_every_distractor_is_picked_less_than_the_key():
    tally = AnswerTally.from_counts({"Paris": 8, "Lyon": 1, "Nice": 1}, key=["Paris"])
    assert question_flags(None, [tally]) == ()


# --------------------------------------------------------------------------- tallies


def tallies(definition, answers):
    return answer_tallies(build_question(definition), answers)


SINGLE = {"type": "single", "choices": [{"id": "a", "text": "Alpha", "correct": True}, {"id": "b", "text": "Beta"},
                                         {"id": "c", "text": "Gamma"}]}


def test_single_choice_counts_every_choice_and_no_answer():
    (tally,) = tallies(SINGLE, [({"answer": ["a"]}, 4), ({"answer": ["b"]}, 6), ({}, 2), ('{"answer": ["zzz"]}', 1)])
    assert tally.counts == {"Alpha": 4, "Beta": 6, "Gamma": 0, NO_ANSWER: 3}
    assert tally.key == {"Alpha"} and tally.distractors == {"Beta", "Gamma"}
    assert tally.responses == 13
    assert kinds(question_flags(None, [tally])) == ["unpicked-distractor", "wrong-over-key"]


def test_json_text_in_any_key_order_is_merged():
    """PostgreSQL groups by the stored text: the same answer may come back in two spellings."""
    question = {"type": "matching", "pairs": [{"left": "A", "right": "a"}, {"left": "B", "right": "b"}]}
    unanswered = json.dumps({"1": [""]})
    first = build_question(question)
    right = {pair.id: [pair.answer] for pair in first.pairs}
    spelled = [json.dumps(right), json.dumps(dict(reversed(right.items())))]
    result = answer_tallies(first, [(spelled[0], 2), (spelled[1], 3), (unanswered, 1)])
    assert [t.counts["a"] for t in result] == [5, 0]
    assert result[0].counts[NO_ANSWER] == 1


def test_multiple_response_counts_each_ticked_choice():
    definition = {"type": "multiple", "choices": [{"id": "o", "text": "Omega", "correct": True},
                                                  {"id": "d", "text": "Delta", "correct": True},
                                                  {"id": "x", "text": "Aleph"}]}
    (tally,) = tallies(definition, [({"answer": ["o", "d"]}, 5), ({"answer": ["o", "x"]}, 2), ({"answer": []}, 1)])
    assert tally.counts == {"Omega": 7, "Delta": 5, "Aleph": 2, NO_ANSWER: 1}
    assert tally.key == {"Omega", "Delta"}


def test_true_false_labels_and_key():
    (tally,) = tallies({"type": "true_false", "answer": False}, [({"answer": ["true"]}, 3), ({"answer": ["false"]}, 1)])
    assert tally.counts == {"True": 3, "False": 1}
    assert tally.key == {"False"}
    assert kinds(question_flags(None, [tally])) == ["wrong-over-key"]


def test_matching_tallies_each_left_item_and_flags_a_distractor_used_nowhere():
    definition = {"type": "matching", "pairs": [{"left": "A", "right": "alpha"}, {"left": "B", "right": "beta"}],
                  "distractors": ["omega"]}
    question = build_question(definition)
    ids = {option.text: option.id for option in question.options}
    # Everyone swaps the two: for each left item the other's option is more popular than its own.
    swapped = {"1": [ids["beta"]], "2": [ids["alpha"]]}
    result = answer_tallies(question, [(swapped, 4), ({"1": [ids["alpha"]], "2": [ids["beta"]]}, 1)])
    assert [t.part for t in result] == ["A", "B"]
    assert result[0].counts == {"alpha": 1, "beta": 4, "omega": 0}
    flags = question_flags(None, result)
    assert kinds(flags) == ["unpicked-distractor", "wrong-over-key", "wrong-over-key"]
    assert flags[1].text.startswith("for “A”")


def test_short_answer_groups_typed_answers_by_the_accepted_answer_they_match():
    definition = {"type": "short", "answers": [{"text": "Paris", "weight": 1}, {"text": "Pari*", "weight": 0.5}]}
    (tally,) = tallies(definition, [({"answer": ["paris"]}, 2), ({"answer": ["PARIS."]}, 1),
                                    ({"answer": ["Parisia"]}, 1), ({"answer": ["Lyon"]}, 5), ({"answer": [""]}, 1)])
    assert tally.counts == {"Paris": 3, "Pari*": 1, "lyon": 5, NO_ANSWER: 1}
    assert [row.offered for row in tally.rows] == [True, True, False, False]
    assert kinds(question_flags(None, [tally])) == ["wrong-over-key"]


def test_open_answers_beyond_the_limit_are_summed_in_one_row():
    definition = {"type": "short", "answers": ["yes"]}
    answers = [({"answer": [f"wrong{i}"]}, 1) for i in range(OPEN_ANSWERS_SHOWN + 5)]
    (tally,) = tallies(definition, answers)
    assert len(tally.rows) == 1 + OPEN_ANSWERS_SHOWN + 1
    assert tally.rows[-1].label == "(5 other answers)" and tally.rows[-1].count == 5
    assert tally.rows[-1].credit is None


def test_cloze_tallies_each_blank():
    definition = {"type": "cloze", "text": "[[1]] and [[2]]", "blanks": {1: ["one"], 2: ["two"]}}
    result = tallies(definition, [({"1": ["One"], "2": ["three"]}, 2), ({"1": ["one"]}, 1)])
    assert [t.part for t in result] == ["blank 1", "blank 2"]
    assert result[0].counts == {"one": 3}
    assert result[1].counts == {"two": 0, "three": 2, NO_ANSWER: 1}


def test_numerical_groups_by_interval_and_keeps_other_numbers():
    definition = {"type": "numerical", "answers": [{"value": 42, "tolerance": 0.5}, {"min": 40, "max": 44,
                                                                                     "weight": 0.5}]}
    (tally,) = tallies(definition, [({"answer": ["42.2"]}, 3), ({"answer": ["43"]}, 1), ({"answer": ["7"]}, 2),
                                    ({"answer": ["lots"]}, 1)])
    assert tally.counts == {"42 ± 0.5": 3, "40 to 44": 1, "7": 2, "lots (not a number)": 1}
    assert tally.key == {"42 ± 0.5"}


def test_ordering_counts_whole_sequences():
    question = build_question({"type": "ordering", "items": ["first", "second", "third"]})
    right = [item.id for item in question.items]
    (tally,) = answer_tallies(question, [({"answer": right}, 2), ({"answer": list(reversed(right))}, 1)])
    assert tally.counts == {"first → second → third": 2, "third → second → first": 1}
    assert tally.key == {"first → second → third"}


def test_the_interval_and_tallies_of_a_real_statistic_fit_together():
    """facility * attempts successes: the interval holds the facility."""
    stats = stats_for([1, 1, 0, 0.5, 1, 0, 1, 1, 0, 1, 1, 0.5])
    low, high = wilson_interval(stats.facility * stats.attempts, stats.attempts)
    assert low < stats.facility < high
    assert math.isclose(stats.facility, 8 / 12)


def test_no_distractor_is_flagged_when_nobody_answered_at_all():
    (tally,) = tallies(SINGLE, [({}, 12)])
    assert question_flags(None, [tally]) == ()
