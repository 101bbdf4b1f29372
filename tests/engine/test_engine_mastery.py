"""Mastery and progress rules."""

from __future__ import annotations

import pytest

from app.engine import LESSON_STATES, course_complete, course_progress, lesson_mastered, lesson_state


@pytest.mark.parametrize(
    ("opened", "completed", "state"),
    [
        (False, False, "not_started"),
        (True, False, "in_progress"),
        (True, True, "completed"),
        (False, True, "completed"),
    ],
)
def test_lesson_state(opened, completed, state):
    """Completion wins; opening alone is in progress."""
    assert lesson_state(opened, completed) == state
    assert state in LESSON_STATES


def test_lesson_mastered():
    """The best percentage must reach the pass mark; no attempt is not mastery."""
    assert lesson_mastered(80.0, 80)
    assert lesson_mastered(100 * 0.8, 80)
    assert not lesson_mastered(79.9, 80)
    assert not lesson_mastered(None, 0)


def test_course_complete():
    """Every lesson mastered and the final passed."""
    assert course_complete({"a": True, "b": True}, final_passed=True)
    assert not course_complete({"a": True, "b": False}, final_passed=True)
    assert not course_complete({"a": True}, final_passed=False)
    assert course_complete({}, final_passed=True)


def test_course_progress():
    """Completed lessons count, but a lesson with a quiz must also be mastered."""
    completed = {"a": True, "b": True, "c": False, "d": True}
    assert course_progress(completed) == 0.75
    assert course_progress(completed, {"a": True, "b": False}) == 0.5
    assert course_progress({}) == 0.0
