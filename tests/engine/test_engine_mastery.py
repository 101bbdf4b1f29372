"""Mastery and progress rules: lesson states, counts, completion and the one next step."""

from __future__ import annotations

import pytest

from app.engine import (
    LESSON_STATES,
    STATE_SYMBOLS,
    STATE_WORDS,
    FinalStanding,
    LessonStanding,
    course_complete,
    lesson_mastered,
    lesson_state,
    mastered_count,
    mastered_fraction,
    next_step,
    quiz_failed,
    read_count,
)


@pytest.mark.parametrize(
    ("opened", "read", "quiz_passed", "state"),
    [
        (False, False, None, "not_started"),
        (False, False, False, "not_started"),
        (False, False, True, "not_started"),  # a quiz passed without reading is not mastery
        (True, False, None, "reading"),
        (True, False, True, "reading"),
        (True, True, False, "read"),
        (True, True, True, "mastered"),
        (True, True, None, "mastered"),  # no quiz: mastered once read
        (False, True, None, "mastered"),  # marking read implies opening
    ],
)
def test_lesson_state(opened, read, quiz_passed, state):
    """Reading, then the quiz: each lesson has exactly one state."""
    assert lesson_state(opened, read, quiz_passed) == state
    assert state in LESSON_STATES


def test_every_state_has_words_and_a_symbol():
    """The words and symbols are one table, distinct, so no page invents its own."""
    assert set(STATE_WORDS) == set(STATE_SYMBOLS) == set(LESSON_STATES)
    assert len(set(STATE_WORDS.values())) == len(set(STATE_SYMBOLS.values())) == 4
    assert STATE_WORDS["read"] == "Read, quiz not yet passed" and STATE_SYMBOLS["mastered"] == "✔"


def test_lesson_mastered_is_the_pass_rule():
    """The best percentage must reach the pass mark; no attempt is not a pass."""
    assert lesson_mastered(80.0, 80)
    assert lesson_mastered(100 * 0.8, 80)
    assert not lesson_mastered(79.9, 80)
    assert not lesson_mastered(None, 0)


def test_quiz_failed_needs_a_submission():
    """Not attempted is not failed; passed is never failed."""
    assert quiz_failed(submitted=True, quiz_passed=False)
    assert not quiz_failed(submitted=False, quiz_passed=False)
    assert not quiz_failed(submitted=True, quiz_passed=True)


def test_counts_say_what_they_count():
    """Read counts read and mastered; mastered counts mastered only."""
    states = ["mastered", "read", "reading", "not_started"]
    assert (read_count(states), mastered_count(states)) == (2, 1)
    assert mastered_fraction(states) == 0.25
    assert mastered_fraction([]) == 0.0


def test_course_complete():
    """Every lesson mastered and the final passed."""
    assert course_complete(["mastered", "mastered"], final_passed=True)
    assert not course_complete(["mastered", "read"], final_passed=True)
    assert not course_complete(["mastered"], final_passed=False)
    assert course_complete([], final_passed=True)


def standing(key, state, **quiz):
    return LessonStanding(key, state, has_quiz=bool(quiz), **quiz)


OPEN = {"quiz_open": True}


def test_next_step_retakes_a_failed_quiz_first():
    """A quiz submitted but not passed comes before everything, if it may start again."""
    lessons = [standing("a", "mastered", quiz_passed=True, quiz_submitted=True, **OPEN),
               standing("b", "reading", last_opened=5),
               standing("c", "read", quiz_submitted=True, **OPEN)]
    step = next_step(lessons, None)
    assert (step.kind, step.lesson, step.words) == ("retake_quiz", "c", "Retake the lesson quiz")
    # No attempts left: not suggested; the lesson being read is.
    closed = [*lessons[:2], standing("c", "read", quiz_submitted=True, quiz_open=False)]
    assert (next_step(closed, None).kind, next_step(closed, None).lesson) == ("finish_reading", "b")


def test_next_step_finishes_the_lesson_opened_last():
    lessons = [standing("a", "reading", last_opened=1), standing("b", "reading", last_opened=3),
               standing("c", "not_started")]
    assert next_step(lessons, None).lesson == "b"


def test_next_step_takes_the_quiz_of_a_lesson_read_before_reading_on():
    lessons = [standing("a", "mastered"), standing("b", "read", **OPEN), standing("c", "not_started")]
    assert (next_step(lessons, None).kind, next_step(lessons, None).lesson) == ("take_quiz", "b")
    lessons[1] = standing("b", "mastered", quiz_passed=True, quiz_submitted=True, **OPEN)
    assert (next_step(lessons, None).kind, next_step(lessons, None).lesson) == ("read_next", "c")


def test_next_step_goes_to_the_final_then_completes():
    lessons = [standing("a", "mastered"), standing("b", "mastered")]
    assert next_step(lessons, FinalStanding(passed=False, submitted=False, open=True)).kind == "take_final"
    assert next_step(lessons, FinalStanding(passed=False, submitted=True, open=True)).kind == "retake_final"
    assert next_step(lessons, FinalStanding(passed=False, submitted=True, open=False)).kind == "none"
    assert next_step(lessons, FinalStanding(passed=True, submitted=True, open=False)).kind == "complete"
    assert next_step(lessons, None).kind == "complete"


def test_next_step_is_none_when_what_is_left_cannot_start():
    """A read lesson whose quiz cannot start again is stuck: no step pretends otherwise, and no final."""
    lessons = [standing("a", "read", quiz_submitted=True, quiz_open=False), standing("b", "mastered")]
    assert next_step(lessons, FinalStanding(passed=False, submitted=False, open=True)).kind == "none"
