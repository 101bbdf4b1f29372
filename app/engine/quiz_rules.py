"""Quiz-level rules: settings, when a quiz may be started, deadlines and what a review may show."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from app.engine.draws import drawn_count

REVIEW_ITEMS = ("score", "correctness", "feedback", "correct_answers")
FEEDBACK_MODES = ("deferred", "immediate")


@dataclass(frozen=True)
class QuizSettings:
    """How a quiz is taken and graded; stored with each quiz version so it cannot change under an attempt."""

    pass_mark: float = 70.0
    attempts: int | None = None  # None: unlimited
    grading: str = "highest"
    time_limit_seconds: int | None = None
    grace_seconds: int = 30
    opens: datetime | None = None
    closes: datetime | None = None
    # A whole number (draw that many from the pool) or a mapping by group: see app.engine.draws.
    draw: int | dict[str, Any] | None = None
    shuffle_questions: bool = True
    questions_per_page: int = 10
    feedback: str = "deferred"
    penalty: float = 0.0
    review_after_submit: tuple[str, ...] = ("score", "correctness", "feedback")
    review_after_close: tuple[str, ...] = field(default=REVIEW_ITEMS)

    def to_json(self) -> dict[str, Any]:
        """A JSON-able dict (datetimes as ISO 8601 strings)."""
        data = asdict(self)
        for key in ("opens", "closes"):
            data[key] = data[key].isoformat() if data[key] else None
        data["review_after_submit"] = list(self.review_after_submit)
        data["review_after_close"] = list(self.review_after_close)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> QuizSettings:
        """Rebuild settings stored by to_json."""
        values = dict(data)
        for key in ("opens", "closes"):
            values[key] = datetime.fromisoformat(values[key]) if values.get(key) else None
        for key in ("review_after_submit", "review_after_close"):
            values[key] = tuple(values.get(key, ()))
        known = cls.__dataclass_fields__
        return cls(**{key: value for key, value in values.items() if key in known})

    def questions_per_attempt(self, pool_groups: Sequence[str | None]) -> int:
        """How many questions each attempt holds, given each pool question's group (or None)."""
        drawn = drawn_count(self.draw, pool_groups)
        return len(pool_groups) if drawn is None else drawn

    @property
    def immediate(self) -> bool:
        """Whether each question is checked as the student goes."""
        return self.feedback == "immediate"


def start_refusal(settings: QuizSettings, attempts_used: int, now: datetime) -> str | None:
    """Why a new attempt may not start now, or None if it may."""
    if settings.opens and now < settings.opens:
        return f"This quiz opens on {settings.opens:%d %B %Y at %H:%M} UTC."
    if settings.closes and now >= settings.closes:
        return f"This quiz closed on {settings.closes:%d %B %Y at %H:%M} UTC."
    if settings.attempts is not None and attempts_used >= settings.attempts:
        noun = "attempt" if settings.attempts == 1 else "attempts"
        return f"You have used all {settings.attempts} {noun} this quiz allows."
    return None


def attempts_left(settings: QuizSettings, attempts_used: int) -> int | None:
    """How many more attempts may start (None: unlimited)."""
    if settings.attempts is None:
        return None
    return max(0, settings.attempts - attempts_used)


def deadline_for(settings: QuizSettings, started_at: datetime) -> datetime | None:
    """The moment an attempt's time limit runs out, or None without one (the close date is applied apart)."""
    if not settings.time_limit_seconds:
        return None
    return started_at + timedelta(seconds=settings.time_limit_seconds)


def effective_deadline(time_limit_deadline: datetime | None, closes: datetime | None) -> datetime | None:
    """When an attempt stops taking answers: its own time limit or the quiz's close date now, whichever is first.

    The close date is read from the quiz as it is now, not as it was when the attempt began, so an
    extended quiz extends its open attempts and an earlier close cuts them short.
    """
    if closes is None:
        return time_limit_deadline
    if time_limit_deadline is None:
        return closes
    return min(time_limit_deadline, closes)


def not_open_refusal(schedule: QuizSettings, now: datetime) -> str | None:
    """Why an attempt in progress takes no answers now because the quiz has not opened (yet, or again)."""
    if schedule.opens and now < schedule.opens:
        return (f"This quiz does not open until {schedule.opens:%d %B %Y at %H:%M} UTC. "
                "Your saved answers are kept; come back then to go on.")
    return None


def accepts_answers(deadline: datetime | None, grace_seconds: int, now: datetime) -> bool:
    """Whether an answer arriving now still counts: before the deadline plus the network grace."""
    return deadline is None or now <= deadline + timedelta(seconds=grace_seconds)


def review_items(schedule: QuizSettings, now: datetime) -> frozenset[str]:
    """What a student may see of a submitted attempt now, from the quiz's current settings.

    The after-close set applies only while the quiz is closed: reopening it hides the keys again,
    so nobody can answer a reopened quiz from an old review.
    """
    closed = schedule.closes is not None and now >= schedule.closes
    return frozenset(schedule.review_after_close if closed else schedule.review_after_submit)
