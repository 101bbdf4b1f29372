"""Question base types: grades, definition errors and the question-type registry."""

from __future__ import annotations

import math
import random
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Self

# Keys the content layer owns (identity, display, scoring weight, draw group, the objective assessed);
# from_dict ignores them so the content layer can hand over a question's whole mapping.
ANY_TYPE_KEYS = frozenset({"type", "id", "prompt", "points", "source", "group", "objective"})

# Authors write weights such as 0.3333333; anything this close to 0 or 1 counts as exactly that.
WEIGHT_TOLERANCE = 1e-6


class QuestionError(ValueError):
    """A question definition that cannot be graded, naming the key path at fault."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(f"{field}: {message}" if field else message)
        self.message = message
        self.field = field

    def within(self, prefix: str) -> QuestionError:
        """Return this error with its field path nested under prefix (e.g. "questions[3]")."""
        if not self.field:
            return QuestionError(self.message, prefix or None)
        if not prefix:
            return QuestionError(self.message, self.field)
        sep = "" if self.field.startswith("[") else "."
        return QuestionError(self.message, f"{prefix}{sep}{self.field}")


@dataclass(frozen=True)
class Grade:
    """The outcome of grading one response."""

    fraction: float
    correct: bool | None
    feedback: tuple[str, ...] = ()
    parts: tuple[bool, ...] = ()

    def __post_init__(self) -> None:
        fraction = round(float(self.fraction), 7)
        if not 0.0 <= fraction <= 1.0:
            raise ValueError(f"fraction {self.fraction!r} is outside [0, 1]")
        object.__setattr__(self, "fraction", fraction)
        object.__setattr__(self, "feedback", tuple(self.feedback))
        object.__setattr__(self, "parts", tuple(self.parts))

    @classmethod
    def of(cls, fraction: float, feedback=(), parts=()) -> Grade:
        """Build a grade from a raw fraction: clamp to [0, 1] and derive the correctness flag."""
        if math.isnan(fraction):
            fraction = 0.0
        fraction = min(1.0, max(0.0, fraction))
        if fraction >= 1.0 - WEIGHT_TOLERANCE:
            fraction = 1.0
        elif fraction <= WEIGHT_TOLERANCE:
            fraction = 0.0
        correct = True if fraction == 1.0 else False if fraction == 0.0 else None
        return cls(fraction, correct, tuple(f for f in feedback if f), tuple(parts))

    @classmethod
    def unanswered(cls) -> Grade:
        """Return the grade of a missing or unusable response."""
        return cls(0.0, False)


class QuestionType(ABC):
    """A gradable question definition; concrete types are frozen dataclasses registered by kind."""

    kind: ClassVar[str]

    @classmethod
    @abstractmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """Validate an author's definition and build the question, or raise QuestionError."""

    @abstractmethod
    def normalize(self, raw: Mapping[str, str | list[str]]) -> Any:
        """Turn posted form fields into this type's response value; never raises."""

    @abstractmethod
    def grade(self, response: Any) -> Grade:
        """Grade a normalized response."""

    @abstractmethod
    def correct_response(self, order: Any = None) -> Any:
        """Return a response that earns full marks."""

    @abstractmethod
    def public(self, order: Any = None) -> dict[str, Any]:
        """Return a JSON-able view for rendering that reveals nothing about the key."""

    def shuffle_order(self, rng: random.Random) -> tuple | None:
        """Draw the per-attempt presentation order, or None when nothing is shuffled."""
        return None

    @property
    def part_ids(self) -> tuple[str, ...]:
        """Ids that Grade.parts refers to, in the same order (empty for single-part types)."""
        return ()

    def random_guess_score(self) -> float | None:
        """Return the expected fraction of a blind guess, when the type has one."""
        return None


_REGISTRY: dict[str, type[QuestionType]] = {}

# A live view: it lists every type registered so far, in registration order.
TYPE_NAMES = _REGISTRY.keys()


def register(type_name: str):
    """Class decorator that registers a question type under type_name."""

    def decorate(cls: type[QuestionType]) -> type[QuestionType]:
        if type_name in _REGISTRY:
            raise ValueError(f"question type {type_name!r} is already registered")
        cls.kind = type_name
        _REGISTRY[type_name] = cls
        return cls

    return decorate


def question_type(name: str) -> type[QuestionType]:
    """Look up a registered question type by name, or raise QuestionError."""
    try:
        return _REGISTRY[name]
    except (KeyError, TypeError):
        known = ", ".join(sorted(_REGISTRY))
        raise QuestionError(f"unknown question type {name!r} (known: {known})", "type") from None


def build_question(data: Mapping[str, Any]) -> QuestionType:
    """Build a question from a definition mapping that names its type under "type"."""
    if not isinstance(data, Mapping):
        raise QuestionError("a question must be a mapping")
    if "type" not in data:
        raise QuestionError("missing key", "type")
    return question_type(data["type"]).from_dict(data)


def grade_response(question: QuestionType, raw: Mapping[str, str | list[str]]) -> Grade:
    """Normalize posted form fields and grade them."""
    return question.grade(question.normalize(raw))
