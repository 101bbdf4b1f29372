"""True/false: one statement, judged true or false."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Self

from app.engine import schema
from app.engine.form_fields import field_value
from app.engine.question import Grade, QuestionType, register


@register("true_false")
@dataclass(frozen=True)
class TrueFalse(QuestionType):
    """Full marks for the right judgement; feedback follows what the student picked."""

    answer: bool
    feedback_true: str = ""
    feedback_false: str = ""

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """Validate the answer flag and optional feedback, and build the question."""
        data = schema.question_keys(cls.kind, data, ("answer",), ("feedback_true", "feedback_false"))
        return cls(
            answer=schema.boolean(data["answer"], "answer"),
            feedback_true=schema.optional_text(data, "feedback_true", ""),
            feedback_false=schema.optional_text(data, "feedback_false", ""),
        )

    def normalize(self, raw: Mapping[str, str | list[str]]) -> bool | None:
        """Read "true" or "false" from field "answer"; anything else is unanswered."""
        picked = (field_value(raw, "answer") or "").strip().lower()
        return {"true": True, "false": False}.get(picked)

    def grade(self, response: bool | None) -> Grade:
        """Score the judgement."""
        if not isinstance(response, bool):
            return Grade.unanswered()
        feedback = self.feedback_true if response else self.feedback_false
        return Grade.of(1.0 if response == self.answer else 0.0, (feedback,))

    def correct_response(self, order: Any = None) -> bool:
        """Return the right judgement."""
        return self.answer

    def public(self, order: Any = None) -> dict[str, Any]:
        """Return the kind; the form offers the values "true" and "false"."""
        return {"kind": self.kind}

    def random_guess_score(self) -> float:
        """Return one half."""
        return 0.5
