"""Numerical: type a number, accepted within a tolerance or range."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Self

from app.engine import schema
from app.engine.form_fields import field_value
from app.engine.question import WEIGHT_TOLERANCE, Grade, QuestionError, QuestionType, register

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?", re.IGNORECASE)
# Typed numbers carry about 15 significant digits, so a bound this close is the same number; without
# it, 1.0 would miss "1.1 ± 0.1" because 1.1 - 0.1 == 1.0000000000000002.
_RELATIVE_EPSILON = 1e-9


_THOUSANDS = re.compile(r"[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")


def parse_number(text: Any) -> float | None:
    """Parse a typed number leniently (spaces, one decimal comma, exponent), or return None."""
    if not isinstance(text, str):
        return None
    text = "".join(text.split()).replace("\u2212", "-")
    if _THOUSANDS.fullmatch(text):
        # The course is in English: "6,000" and "1,234.5" group thousands.
        text = text.replace(",", "")
    elif "," in text:
        # Otherwise a single comma is a decimal comma ("3,5"); anything else is ambiguous.
        if "." in text or text.count(",") > 1:
            return None
        text = text.replace(",", ".")
    if not _NUMBER.fullmatch(text):
        return None
    value = float(text)
    return value if math.isfinite(value) else None


@dataclass(frozen=True)
class NumericAnswer:
    """An accepted interval [low, high] with its weight and feedback."""

    low: float
    high: float
    weight: float
    feedback: str = ""
    value: float | None = None

    def accepts(self, value: float) -> bool:
        """Tell whether value lies in the interval, allowing for float rounding at its ends."""
        if self.low <= value <= self.high:
            return True
        slack = _RELATIVE_EPSILON * max(abs(self.low), abs(self.high))
        return self.low - slack <= value <= self.high + slack


def _author_number(value: Any, field: str) -> float:
    """Read a number the author wrote, also as text (YAML reads 1e3 as a string)."""
    if isinstance(value, str):
        parsed = parse_number(value)
        if parsed is None:
            raise QuestionError(f"expected a number, got {value!r}", field)
        return parsed
    return schema.number(value, field)


def _read_answer(entry: Any, where: str) -> NumericAnswer:
    """Read one accepted answer: value with optional tolerance, or a min/max range."""
    entry = schema.check_keys(entry, where, (), ("value", "tolerance", "min", "max", "weight", "feedback"))
    weight = schema.number(entry.get("weight", 1.0), schema.path(where, "weight"), 0.0, 1.0)
    feedback = schema.optional_text(entry, "feedback", where)
    if "value" in entry:
        for key in ("min", "max"):
            if key in entry:
                raise QuestionError("give either value (and tolerance) or min and max", schema.path(where, key))
        value = _author_number(entry["value"], schema.path(where, "value"))
        tolerance = _author_number(entry.get("tolerance", 0), schema.path(where, "tolerance"))
        if tolerance < 0:
            raise QuestionError("must not be negative", schema.path(where, "tolerance"))
        low, high = value - tolerance, value + tolerance
        if not (math.isfinite(low) and math.isfinite(high)):
            raise QuestionError("value plus or minus tolerance overflows", schema.path(where, "tolerance"))
        return NumericAnswer(low, high, weight, feedback, value)
    for key in ("min", "max"):
        if key not in entry:
            raise QuestionError("missing key (give value, or both min and max)", schema.path(where, key))
    if "tolerance" in entry:
        raise QuestionError("tolerance only goes with value", schema.path(where, "tolerance"))
    low = _author_number(entry["min"], schema.path(where, "min"))
    high = _author_number(entry["max"], schema.path(where, "max"))
    if low > high:
        raise QuestionError("must not be below min", schema.path(where, "max"))
    return NumericAnswer(low, high, weight, feedback)


@dataclass(frozen=True)
class Unit:
    """A unit a student may type after the number; the number is divided by the multiplier (Moodle's rule).

    The answers are written in the unit whose multiplier is 1: with `m` (1) and `cm` (100), "150 cm" is 1.5.
    """

    name: str
    multiplier: float = 1.0


def _read_unit(entry: Any, where: str) -> Unit:
    """Read one unit: a name alone (multiplier 1), or {unit, multiplier}."""
    if isinstance(entry, str):
        entry = {"unit": entry}
    entry = schema.check_keys(entry, where, ("unit",), ("multiplier",))
    name = schema.text(entry["unit"], schema.path(where, "unit")).strip()
    if parse_number(name) is not None or name[0] in "+-.0123456789":
        raise QuestionError("a unit must not start with a digit or a sign", schema.path(where, "unit"))
    multiplier = _author_number(entry.get("multiplier", 1), schema.path(where, "multiplier"))
    if not (multiplier > 0 and math.isfinite(multiplier)):
        raise QuestionError("must be a positive number", schema.path(where, "multiplier"))
    return Unit(name, multiplier)


@register("numerical")
@dataclass(frozen=True)
class Numerical(QuestionType):
    """The best-weighted accepted interval that contains the typed number gives the fraction."""

    answers: tuple[NumericAnswer, ...]
    units: tuple[Unit, ...] = ()

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """Validate the accepted answers (one must be worth full marks) and the optional units."""
        data = schema.question_keys(cls.kind, data, ("answers",), ("units",))
        answers = tuple(
            _read_answer(entry, schema.path("answers", index))
            for index, entry in enumerate(schema.items(data["answers"], "answers"))
        )
        if not any(a.weight >= 1.0 - WEIGHT_TOLERANCE for a in answers):
            raise QuestionError("no answer has weight 1, so full marks are unreachable", "answers")
        units = ()
        if "units" in data:
            units = tuple(_read_unit(entry, schema.path("units", index))
                          for index, entry in enumerate(schema.items(data["units"], "units")))
        seen: set[str] = set()
        for index, unit in enumerate(units):
            if unit.name.casefold() in seen:
                raise QuestionError(f"unit {unit.name!r} is listed twice", schema.path("units", index))
            seen.add(unit.name.casefold())
        return cls(answers, units)

    def normalize(self, raw: Mapping[str, str | list[str]]) -> float | None:
        """Parse the number typed in field "answer", with or without one of the question's units; else None."""
        text = field_value(raw, "answer")
        number = parse_number(text)
        if number is not None or not isinstance(text, str):
            return number
        typed = text.strip()
        # Longest first, so "km" is not read as "m" after a stray "k".
        for unit in sorted(self.units, key=lambda unit: len(unit.name), reverse=True):
            if typed.casefold().endswith(unit.name.casefold()):
                number = parse_number(typed[: len(typed) - len(unit.name)])
                if number is not None:
                    return number / unit.multiplier
        return None

    def grade(self, response: float | None) -> Grade:
        """Score the number against the accepted intervals."""
        if isinstance(response, bool) or not isinstance(response, int | float):
            return Grade.unanswered()
        try:
            response = float(response)
        except OverflowError:
            return Grade.unanswered()
        if not math.isfinite(response):
            return Grade.unanswered()
        best = None
        for answer in self.answers:
            if (best is None or answer.weight > best.weight) and answer.accepts(response):
                best = answer
        return Grade.of(best.weight, (best.feedback,)) if best else Grade.unanswered()

    def correct_response(self, order: Any = None) -> float:
        """Return the first full-marks answer's value, or the middle of its range."""
        answer = next(a for a in self.answers if a.weight >= 1.0 - WEIGHT_TOLERANCE)
        if answer.value is not None:
            return answer.value
        # Halving first avoids overflow; clamping guards against rounding below a subnormal low.
        return min(max(answer.low / 2 + answer.high / 2, answer.low), answer.high)

    def public(self, order: Any = None) -> dict[str, Any]:
        """Return the kind and the units a student may type (never their multipliers)."""
        if not self.units:
            return {"kind": self.kind}
        return {"kind": self.kind, "units": [unit.name for unit in self.units]}
