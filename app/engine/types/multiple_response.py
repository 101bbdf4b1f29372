"""Multiple response: tick any number of options; picked weights add up, clamped to [0, 1]."""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Self

from app.engine import schema
from app.engine.choices import Choice, public_choices, read_choices
from app.engine.form_fields import field_values
from app.engine.question import WEIGHT_TOLERANCE, Grade, QuestionError, QuestionType, register
from app.engine.shuffle import permute


@register("multiple")
@dataclass(frozen=True)
class MultipleResponse(QuestionType):
    """Moodle's multichoice with several answers: score = sum of picked weights, clamped to [0, 1]."""

    choices: tuple[Choice, ...]
    shuffle: bool = True

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """Validate weights (positive ones sum to 1) or the correct: shorthand, and build."""
        data = schema.question_keys(cls.kind, data, ("choices",), ("shuffle",))
        specs = read_choices(data["choices"])
        weighted = [i for i, s in enumerate(specs) if s.weight is not None]
        flagged = [i for i, s in enumerate(specs) if s.correct is not None]
        if weighted and flagged:
            # The shorthand derives every weight from the count of correct choices, so mixing is ambiguous.
            raise QuestionError("do not mix weight and correct in one question", f"choices[{flagged[0]}].correct")
        if flagged:
            right = sum(1 for s in specs if s.correct)
            if not right:
                raise QuestionError("no choice is correct, so the question can never reach 100%", "choices")
            # Each right choice earns 1/k; each wrong one costs 1/min(k, w), so ticking every box adds up to
            # 1 - w/min(k, w) <= 0 whatever k and w (with w >= k this is Moodle's usual -1/k).
            wrong = len(specs) - right
            cost = 1.0 / min(right, wrong) if wrong else 0.0
            choices = tuple(s.with_weight(1.0 / right if s.correct else -cost) for s in specs)
        else:
            choices = tuple(s.with_weight(s.weight or 0.0) for s in specs)
            total = math.fsum(c.weight for c in choices if c.weight > 0)
            if abs(total - 1.0) > WEIGHT_TOLERANCE:
                reach = "can never reach" if total < 1 else "exceed"
                raise QuestionError(f"positive weights add up to {total:.7g} and {reach} 100%", "choices")
        shuffle = schema.boolean(data["shuffle"], "shuffle") if "shuffle" in data else True
        return cls(choices, shuffle)

    def normalize(self, raw: Mapping[str, str | list[str]]) -> frozenset[str]:
        """Read the ticked choice ids from field "answer" (one or many values); unknown ids are ignored."""
        known = {c.id for c in self.choices}
        return frozenset(cid for cid in field_values(raw, "answer") if cid in known)

    def grade(self, response: frozenset[str]) -> Grade:
        """Add up the weights of the ticked choices."""
        if not isinstance(response, frozenset | set | list | tuple):
            return Grade.unanswered()
        picked = [c for c in self.choices if c.id in response]
        if not picked:
            return Grade.unanswered()
        return Grade.of(math.fsum(c.weight for c in picked), (c.feedback for c in picked))

    def correct_response(self, order: Any = None) -> frozenset[str]:
        """Return the ids of every positively weighted choice."""
        return frozenset(c.id for c in self.choices if c.weight > 0)

    def public(self, order: Any = None) -> dict[str, Any]:
        """Return the kind and the choices' ids and texts in the given order."""
        return {"kind": self.kind, "choices": public_choices(self.choices, order)}

    def shuffle_order(self, rng: random.Random) -> tuple[str, ...] | None:
        """Shuffle choice ids unless the author turned shuffling off."""
        return permute([c.id for c in self.choices], rng) if self.shuffle else None
