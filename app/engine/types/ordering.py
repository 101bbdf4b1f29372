"""Ordering: put items into sequence; credit for each correctly adjacent pair."""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import pairwise
from typing import Any, Self

from app.engine import schema
from app.engine.form_fields import field_values
from app.engine.presentation import arrange, text_id
from app.engine.question import Grade, QuestionError, QuestionType, register
from app.engine.shuffle import permute

_REDRAWS = 64


@dataclass(frozen=True)
class Item:
    """One item to order; its id derives from its text so it never reveals its position."""

    id: str
    text: str


@register("ordering")
@dataclass(frozen=True)
class Ordering(QuestionType):
    """Moodle's "relative to the next item" scoring: correct adjacent pairs / (n - 1)."""

    items: tuple[Item, ...]

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """Validate the items (in correct order, all different) and build the question."""
        data = schema.question_keys(cls.kind, data, ("items",))
        texts = [
            schema.text(entry, schema.path("items", index))
            for index, entry in enumerate(schema.items(data["items"], "items", minimum=2))
        ]
        for index, text in enumerate(texts):
            if text in texts[:index]:
                raise QuestionError(f"duplicate item {text!r}", schema.path("items", index))
        items = tuple(Item(text_id(text), text) for text in texts)
        if len({item.id for item in items}) != len(items):
            raise QuestionError("two items hash to the same id; reword one", "items")
        return cls(items)

    def _clean(self, response: Any) -> tuple[str, ...]:
        """Keep the first occurrence of each known id, so repeats cannot earn extra pairs."""
        if not isinstance(response, list | tuple):
            return ()
        known = {item.id for item in self.items}
        return tuple(dict.fromkeys(i for i in response if isinstance(i, str) and i in known))

    def normalize(self, raw: Mapping[str, str | list[str]]) -> tuple[str, ...]:
        """Read item ids in the student's order from field "answer" (repeated, or comma-separated)."""
        values = field_values(raw, "answer")
        if len(values) == 1:
            values = values[0].split(",")
        return self._clean([value.strip() for value in values])

    def grade(self, response: tuple[str, ...]) -> Grade:
        """Score the share of key-adjacent pairs kept adjacent and in order."""
        sequence = self._clean(response)
        successor = {a.id: b.id for a, b in pairwise(self.items)}
        kept = {a for a, b in pairwise(sequence) if successor.get(a) == b}
        parts = tuple(item.id in kept for item in self.items[:-1])
        return Grade.of(sum(parts) / len(parts), parts=parts)

    def correct_response(self, order: Any = None) -> tuple[str, ...]:
        """Return the item ids in the correct order."""
        return tuple(item.id for item in self.items)

    def public(self, order: Any = None) -> dict[str, Any]:
        """Return the items in the given order (sorted by id when none is given)."""
        texts = {item.id: item.text for item in self.items}
        return {"kind": self.kind, "items": [{"id": i, "text": texts[i]} for i in arrange(sorted(texts), order)]}

    def shuffle_order(self, rng: random.Random) -> tuple[str, ...]:
        """Draw an order of the items that is never the correct one."""
        key = self.correct_response()
        for _ in range(_REDRAWS):
            order = permute(key, rng)
            if order != key:
                return order
        # Only reachable with a broken generator; rotating keeps it deterministic and wrong.
        return key[1:] + key[:1]

    @property
    def part_ids(self) -> tuple[str, ...]:
        """Return the ids of every item but the last, in correct order; part k is "k's successor follows it"."""
        return tuple(item.id for item in self.items[:-1])
