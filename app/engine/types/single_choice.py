"""Single choice: pick one option; options may carry partial (Moodle-style) weights."""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Self

from app.engine import schema
from app.engine.choices import Choice, public_choices, read_choices
from app.engine.form_fields import field_value
from app.engine.question import WEIGHT_TOLERANCE, Grade, QuestionError, QuestionType, register
from app.engine.shuffle import permute


@register("single")
@dataclass(frozen=True)
class SingleChoice(QuestionType):
    """One answer from a list; the picked choice's weight (negatives count as 0) is the fraction."""

    choices: tuple[Choice, ...]
    shuffle: bool = True

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """Validate choices (exactly one worth full marks) and build the question."""
        data = schema.question_keys(cls.kind, data, ("choices",), ("shuffle",))
        choices = tuple(
            # correct: false and an omitted weight both mean a plain wrong answer here.
            spec.with_weight(spec.weight if spec.weight is not None else float(bool(spec.correct)))
            for spec in read_choices(data["choices"])
        )
        full = [index for index, c in enumerate(choices) if c.weight >= 1.0 - WEIGHT_TOLERANCE]
        if not full:
            raise QuestionError("no choice is fully correct (correct: true or weight: 1)", "choices")
        if len(full) > 1:
            # Point at the second one: that is where the author's file goes wrong.
            raise QuestionError(
                "a second fully correct choice; single choice needs exactly one (use type multiple)",
                f"choices[{full[1]}]",
            )
        shuffle = schema.boolean(data["shuffle"], "shuffle") if "shuffle" in data else True
        return cls(choices, shuffle)

    def normalize(self, raw: Mapping[str, str | list[str]]) -> str | None:
        """Read the picked choice id from field "answer"; unknown ids mean unanswered."""
        picked = field_value(raw, "answer")
        return picked if picked in {c.id for c in self.choices} else None

    def grade(self, response: str | None) -> Grade:
        """Score the picked choice."""
        for choice in self.choices:
            if choice.id == response:
                return Grade.of(choice.weight, (choice.feedback,))
        return Grade.unanswered()

    def correct_response(self, order: Any = None) -> str:
        """Return the id of the fully correct choice."""
        return max(self.choices, key=lambda c: c.weight).id

    def public(self, order: Any = None) -> dict[str, Any]:
        """Return the kind and the choices' ids and texts in the given order."""
        return {"kind": self.kind, "choices": public_choices(self.choices, order)}

    def shuffle_order(self, rng: random.Random) -> tuple[str, ...] | None:
        """Shuffle choice ids unless the author turned shuffling off."""
        return permute([c.id for c in self.choices], rng) if self.shuffle else None

    def random_guess_score(self) -> float:
        """Return the mean positive weight, Moodle's guess score for one-answer choice."""
        return sum(max(0.0, c.weight) for c in self.choices) / len(self.choices)
