"""Matching: pair each left-hand item with one of the right-hand options."""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Self

from app.engine import schema
from app.engine.form_fields import field_value
from app.engine.presentation import arrange, text_id
from app.engine.question import Grade, QuestionError, QuestionType, register
from app.engine.shuffle import permute


@dataclass(frozen=True)
class Pair:
    """A left-hand item and the id of the right-hand option it belongs with."""

    id: str
    text: str
    answer: str


@dataclass(frozen=True)
class Option:
    """A right-hand option: the right side of one or more pairs, or a distractor."""

    id: str
    text: str


@register("matching")
@dataclass(frozen=True)
class Matching(QuestionType):
    """Fraction = correctly matched left items / all left items."""

    pairs: tuple[Pair, ...]
    options: tuple[Option, ...]
    shuffle: bool = True

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """Validate pairs and distractors and build the question."""
        data = schema.question_keys(cls.kind, data, ("pairs",), ("distractors", "shuffle"))
        options: dict[str, Option] = {}
        pairs = []
        for index, entry in enumerate(schema.items(data["pairs"], "pairs", minimum=2)):
            where = schema.path("pairs", index)
            entry = schema.check_keys(entry, where, ("left", "right"), ("id",))
            left = schema.text(entry["left"], schema.path(where, "left"))
            right = schema.text(entry["right"], schema.path(where, "right"))
            pair_id = schema.author_id(entry["id"], schema.path(where, "id")) if "id" in entry else str(index + 1)
            # Several left items may share one right-hand option, which is then shown once.
            option = options.setdefault(right, Option(text_id(right), right))
            pairs.append(Pair(pair_id, left, option.id))
        schema.unique([p.text for p in pairs], "pairs", "left", "left-hand item")
        schema.unique([p.id for p in pairs], "pairs", "id", "pair id")
        for index, entry in enumerate(schema.items(data.get("distractors", []), "distractors", minimum=0)):
            where = schema.path("distractors", index)
            text = schema.text(entry, where)
            if text in options:
                raise QuestionError("repeats a right-hand option", where)
            options[text] = Option(text_id(text), text)
        option_ids = [o.id for o in options.values()]
        if len(set(option_ids)) != len(option_ids):
            raise QuestionError("two right-hand texts hash to the same id; reword one", "pairs")
        shuffle = schema.boolean(data["shuffle"], "shuffle") if "shuffle" in data else True
        return cls(tuple(pairs), tuple(options.values()), shuffle)

    def normalize(self, raw: Mapping[str, str | list[str]]) -> dict[str, str]:
        """Read the chosen option id posted under each left item's id; unknown ids are dropped."""
        known = {o.id for o in self.options}
        chosen = {pair.id: field_value(raw, pair.id) for pair in self.pairs}
        return {left: right for left, right in chosen.items() if right in known}

    def grade(self, response: Mapping[str, str]) -> Grade:
        """Score the share of left items matched with their own option."""
        if not isinstance(response, Mapping):
            response = {}
        parts = tuple(response.get(pair.id) == pair.answer for pair in self.pairs)
        return Grade.of(sum(parts) / len(parts), parts=parts)

    def correct_response(self, order: Any = None) -> dict[str, str]:
        """Return every left item's id mapped to its option's id."""
        return {pair.id: pair.answer for pair in self.pairs}

    def public(self, order: Any = None) -> dict[str, Any]:
        """Return left items and right options in the (left_order, right_order) given."""
        left_order, right_order = order if isinstance(order, list | tuple) and len(order) == 2 else (None, None)
        texts = {pair.id: pair.text for pair in self.pairs}
        options = {option.id: option.text for option in self.options}
        # Without an order, sorting by the text-derived id keeps the author's order from leaking pairs.
        return {
            "kind": self.kind,
            "left": [{"id": pid, "text": texts[pid]} for pid in arrange(texts, left_order)],
            "right": [{"id": oid, "text": options[oid]} for oid in arrange(sorted(options), right_order)],
        }

    def shuffle_order(self, rng: random.Random) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Shuffle the right options always, and the left items unless shuffle is off."""
        left = tuple(pair.id for pair in self.pairs)
        if self.shuffle:
            left = permute(left, rng)
        return left, permute([o.id for o in self.options], rng)

    @property
    def part_ids(self) -> tuple[str, ...]:
        """Return the left items' ids in author order."""
        return tuple(pair.id for pair in self.pairs)

    def random_guess_score(self) -> float:
        """Return the chance of guessing one match."""
        return 1.0 / len(self.options)
