"""Progress rules: lesson states, mastery and course completion, free of storage concerns."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from app.engine.scoring import passed

LessonState = Literal["not_started", "in_progress", "completed"]
LESSON_STATES: tuple[LessonState, ...] = ("not_started", "in_progress", "completed")


def lesson_state(opened: bool, completed: bool) -> LessonState:
    """Return a lesson's state; completing implies it was opened."""
    if completed:
        return "completed"
    return "in_progress" if opened else "not_started"


def lesson_mastered(best_percent: float | None, pass_mark: float) -> bool:
    """Tell whether the best check-quiz percentage reaches the lesson's pass mark."""
    return passed(best_percent, pass_mark)


def course_complete(lessons_mastered: Mapping[str, bool], final_passed: bool) -> bool:
    """Tell whether every lesson is mastered and the final assessment passed."""
    return final_passed and all(lessons_mastered.values())


def course_progress(completed: Mapping[str, bool], mastered: Mapping[str, bool] | None = None) -> float:
    """Return the fraction of lessons done: completed, and mastered when the lesson has a quiz."""
    if not completed:
        return 0.0
    mastered = mastered or {}
    # Lessons without a check quiz are absent from `mastered` and count once completed.
    done = sum(1 for lesson, is_completed in completed.items() if is_completed and mastered.get(lesson, True))
    return done / len(completed)
