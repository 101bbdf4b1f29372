"""Short answer: type a word or phrase, compared leniently with the accepted answers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Self

from app.engine import schema
from app.engine.form_fields import field_value
from app.engine.question import Grade, QuestionType, register
from app.engine.text_answers import TextAnswer, best_match, model_answer, read_answers


@register("short")
@dataclass(frozen=True)
class ShortAnswer(QuestionType):
    """The best-weighted accepted answer that matches the typed text gives the fraction."""

    answers: tuple[TextAnswer, ...]

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """Validate the accepted answers (one must be worth full marks) and build the question."""
        data = schema.question_keys(cls.kind, data, ("answers",))
        return cls(read_answers(data["answers"], "answers"))

    def normalize(self, raw: Mapping[str, str | list[str]]) -> str:
        """Read the typed text from field "answer" ("" when absent)."""
        return field_value(raw, "answer") or ""

    def grade(self, response: str) -> Grade:
        """Score the typed text against the accepted answers."""
        match = best_match(self.answers, response)
        return Grade.of(match.weight, (match.feedback,)) if match else Grade.unanswered()

    def correct_response(self, order: Any = None) -> str:
        """Return a full-marks answer, as written when it has no wildcard."""
        return model_answer(self.answers)

    def public(self, order: Any = None) -> dict[str, Any]:
        """Return the kind only."""
        return {"kind": self.kind}
