"""Cloze: a text with numbered blanks, each graded like a short answer."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Self

from app.engine import schema
from app.engine.form_fields import field_value
from app.engine.question import WEIGHT_TOLERANCE, Grade, QuestionError, QuestionType, register
from app.engine.text_answers import TextAnswer, best_match, model_answer, read_answers

_MARKER = re.compile(r"\[\[\s*([0-9]+)\s*\]\]")


@dataclass(frozen=True)
class Blank:
    """One blank: its id, accepted answers, and feedback shown when it is not fully right."""

    id: str
    answers: tuple[TextAnswer, ...]
    feedback: str = ""


def _blank_id(key: Any, field: str) -> str:
    """Return a blank's key in canonical form, so `1`, "1" and "01" all name [[1]]."""
    if isinstance(key, str) and re.fullmatch(r"\s*[0-9]+\s*", key):
        return str(int(key))
    if isinstance(key, int) and not isinstance(key, bool) and key >= 0:
        return str(key)
    raise QuestionError("blank ids are whole numbers, as in [[1]]", field)


def _read_blank(blank_id: str, spec: Any, where: str) -> Blank:
    """Read one blank definition: {answers, feedback?} or just its list of answers."""
    if isinstance(spec, list):
        spec = {"answers": spec}
    spec = schema.check_keys(spec, where, ("answers",), ("feedback",))
    answers = read_answers(spec["answers"], schema.path(where, "answers"))
    return Blank(blank_id, answers, schema.optional_text(spec, "feedback", where))


def _read_blanks(value: Any) -> dict[str, tuple[Blank, str]]:
    """Read blanks given as a mapping {n: spec} or a list (numbered from 1), with their field paths."""
    if isinstance(value, Mapping):
        entries = [(key, spec, schema.path("blanks", str(key))) for key, spec in value.items()]
    else:
        listed = schema.items(value, "blanks")
        entries = [(index + 1, spec, schema.path("blanks", index)) for index, spec in enumerate(listed)]
    blanks: dict[str, tuple[Blank, str]] = {}
    for key, spec, where in entries:
        blank_id = _blank_id(key, where)
        if blank_id in blanks:
            raise QuestionError(f"blank {blank_id} is defined twice", where)
        blanks[blank_id] = (_read_blank(blank_id, spec, where), where)
    return blanks


@register("cloze")
@dataclass(frozen=True)
class Cloze(QuestionType):
    """Fraction = mean of the blanks' fractions; each blank takes its best matching answer's weight."""

    text: str
    blanks: tuple[Blank, ...]

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """Validate that markers and blank definitions correspond one to one, and build."""
        data = schema.question_keys(cls.kind, data, ("text", "blanks"))
        text = schema.text(data["text"], "text")
        used = [str(int(number)) for number in _MARKER.findall(text)]
        if not used:
            raise QuestionError("has no blanks; write them as [[1]], [[2]], ...", "text")
        for index, blank_id in enumerate(used):
            if blank_id in used[:index]:
                raise QuestionError(f"[[{blank_id}]] appears more than once", "text")
        defined = _read_blanks(data["blanks"])
        for blank_id in used:
            if blank_id not in defined:
                raise QuestionError(f"[[{blank_id}]] has no definition under blanks", "text")
        for blank_id, (_, where) in defined.items():
            if blank_id not in used:
                raise QuestionError(f"is defined but [[{blank_id}]] does not appear in text", where)
        return cls(text, tuple(defined[blank_id][0] for blank_id in used))

    def normalize(self, raw: Mapping[str, str | list[str]]) -> dict[str, str]:
        """Read each blank's text from the field named by its id ("1", "2", ...)."""
        return {blank.id: field_value(raw, blank.id) or "" for blank in self.blanks}

    def grade(self, response: Mapping[str, str]) -> Grade:
        """Grade every blank like a short answer and average the fractions."""
        if not isinstance(response, Mapping):
            response = {}
        fractions, feedback = [], []
        for blank in self.blanks:
            match = best_match(blank.answers, response.get(blank.id))
            fraction = match.weight if match else 0.0
            fractions.append(fraction)
            if match and match.feedback:
                feedback.append(match.feedback)
            elif fraction < 1.0 - WEIGHT_TOLERANCE and blank.feedback:
                feedback.append(blank.feedback)
        parts = tuple(f >= 1.0 - WEIGHT_TOLERANCE for f in fractions)
        return Grade.of(sum(fractions) / len(fractions), feedback, parts)

    def correct_response(self, order: Any = None) -> dict[str, str]:
        """Return a full-marks answer for every blank."""
        return {blank.id: model_answer(blank.answers) for blank in self.blanks}

    def public(self, order: Any = None) -> dict[str, Any]:
        """Return the text as segments: {"text": ...} pieces and {"blank": id} markers."""
        segments: list[dict[str, str]] = []
        for index, piece in enumerate(_MARKER.split(self.text)):
            if index % 2:
                segments.append({"blank": str(int(piece))})
            elif piece:
                segments.append({"text": piece})
        return {"kind": self.kind, "segments": segments, "blanks": [blank.id for blank in self.blanks]}

    @property
    def part_ids(self) -> tuple[str, ...]:
        """Return the blank ids in order of appearance."""
        return tuple(blank.id for blank in self.blanks)
