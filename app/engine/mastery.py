"""Progress rules: each lesson's state, mastery, the course's next step and completion, free of storage concerns.

A lesson is in one of four states, named the same on every page and export:

- not started: never opened;
- reading: opened, not yet marked read;
- read: marked read, its check quiz not passed yet;
- mastered: read and its check quiz passed (a lesson without a quiz is mastered once read).

Passing the quiz without marking the lesson read is not mastery: the lesson stays "reading" (or "not started").
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from app.engine.scoring import passed

LessonState = Literal["not_started", "reading", "read", "mastered"]
LESSON_STATES: tuple[LessonState, ...] = ("not_started", "reading", "read", "mastered")
# What a reader reads for each state, and the symbol shown beside it (never colour alone).
STATE_WORDS: dict[str, str] = {
    "not_started": "Not started",
    "reading": "Reading",
    "read": "Read, quiz not yet passed",
    "mastered": "Mastered",
}
STATE_SYMBOLS: dict[str, str] = {"not_started": "○", "reading": "◔", "read": "◑", "mastered": "✔"}
# Every state as (code, symbol, words), in order: the key printed beside a list or matrix of lessons.
STATE_KEY: tuple[tuple[str, str, str], ...] = tuple((code, STATE_SYMBOLS[code], STATE_WORDS[code])
                                                    for code in LESSON_STATES)
# A quiz submitted without passing is flagged with this symbol and these words.
FAILED_SYMBOL = "✘"
FAILED_WORDS = "Quiz not passed"
MASTERY_RULE = ("A lesson is mastered when you have read it (marked it read) and passed its quiz; "
                "a lesson without a quiz is mastered once read.")


class StateLabels:
    """Words and symbol of a lesson state, for any record with a `state`: named the same on every page."""

    state: LessonState

    @property
    def state_words(self) -> str:
        """The state as a reader says it."""
        return STATE_WORDS[self.state]

    @property
    def state_symbol(self) -> str:
        """The symbol shown beside the state's words."""
        return STATE_SYMBOLS[self.state]


def lesson_state(opened: bool, read: bool, quiz_passed: bool | None) -> LessonState:
    """A lesson's state from its reading and its check quiz (`quiz_passed` None: the lesson has no quiz).

    Marking read implies it was opened.
    """
    if read:
        return "mastered" if quiz_passed is None or quiz_passed else "read"
    return "reading" if opened else "not_started"


def lesson_mastered(grade_percent: float | None, pass_mark: float) -> bool:
    """Tell whether a check-quiz percentage reaches the pass mark (the quiz half of mastering a lesson)."""
    return passed(grade_percent, pass_mark)


def quiz_failed(submitted: bool, quiz_passed: bool) -> bool:
    """Whether a quiz is flagged as failed: at least one attempt submitted, and the quiz not passed."""
    return submitted and not quiz_passed


def mastered_count(states: Iterable[str]) -> int:
    """How many of these lesson states are mastered."""
    return sum(state == "mastered" for state in states)


def read_count(states: Iterable[str]) -> int:
    """How many of these lessons are marked read (read or mastered)."""
    return sum(state in ("read", "mastered") for state in states)


def mastered_fraction(states: Sequence[str]) -> float:
    """The fraction of lessons mastered (0 for a course without lessons)."""
    return mastered_count(states) / len(states) if states else 0.0


def course_complete(states: Iterable[str], final_passed: bool) -> bool:
    """Tell whether every lesson is mastered and the final assessment passed (pass True when there is no final)."""
    return final_passed and all(state == "mastered" for state in states)


# --- The one next step ----------------------------------------------------------------------------------

NextStepKind = Literal["retake_quiz", "finish_reading", "take_quiz", "read_next", "take_final", "retake_final",
                       "complete", "none"]
# The words of the main button (or message), followed on the page by the lesson's or quiz's title.
NEXT_STEP_WORDS: dict[str, str] = {
    "retake_quiz": "Retake the lesson quiz",
    "finish_reading": "Finish reading",
    "take_quiz": "Take the lesson quiz",
    "read_next": "Start reading",
    "take_final": "Take the final assessment",
    "retake_final": "Retake the final assessment",
    "complete": "Course complete",
    "none": "Nothing left to start",
}


@dataclass(frozen=True)
class LessonStanding:
    """What the next-step rule needs of one lesson, in course order.

    `quiz_open` tells whether the lesson's quiz can start a new attempt now (False without a quiz);
    `last_opened` orders lessons being read (any comparable value, None if never opened).
    """

    key: str
    state: LessonState
    has_quiz: bool = False
    quiz_passed: bool = False
    quiz_submitted: bool = False
    quiz_open: bool = False
    last_opened: object | None = None


@dataclass(frozen=True)
class FinalStanding:
    """What the next-step rule needs of the final assessment."""

    passed: bool
    submitted: bool
    open: bool


@dataclass(frozen=True)
class NextStep:
    """The most useful thing to do next: its kind and the lesson it concerns (None for the final or the course)."""

    kind: NextStepKind
    lesson: str | None = None

    @property
    def words(self) -> str:
        """The step in words."""
        return NEXT_STEP_WORDS[self.kind]


def next_step(lessons: Sequence[LessonStanding], final: FinalStanding | None) -> NextStep:
    """The one next step, in this order of usefulness.

    1. retake a lesson quiz submitted but not passed (the first in course order that may start again);
    2. finish the lesson being read (opened, not marked read) that was opened last;
    3. take the quiz of a lesson read but not mastered: reading then the quiz masters a lesson before the next;
    4. read the next lesson not started, in course order;
    5. every lesson mastered: take (or retake) the final assessment, or the course is complete once it is passed.

    "none" when something is left that cannot be done now (say, a quiz with no attempts left).
    """
    for lesson in lessons:
        if lesson.has_quiz and lesson.quiz_open and quiz_failed(lesson.quiz_submitted, lesson.quiz_passed):
            return NextStep("retake_quiz", lesson.key)
    reading = [lesson for lesson in lessons if lesson.state == "reading"]
    if reading:
        opened = [lesson for lesson in reading if lesson.last_opened is not None]
        latest = max(opened, key=lambda lesson: lesson.last_opened) if opened else reading[0]
        return NextStep("finish_reading", latest.key)
    for lesson in lessons:
        if lesson.state == "read" and lesson.has_quiz and lesson.quiz_open and not lesson.quiz_submitted:
            return NextStep("take_quiz", lesson.key)
    for lesson in lessons:
        if lesson.state == "not_started":
            return NextStep("read_next", lesson.key)
    if any(lesson.state != "mastered" for lesson in lessons):
        return NextStep("none")
    if final is None or final.passed:
        return NextStep("complete")
    if final.open:
        return NextStep("retake_final" if final.submitted else "take_final")
    return NextStep("none")

