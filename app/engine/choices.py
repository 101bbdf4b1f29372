"""Choices shared by single-choice and multiple-response questions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.engine import schema
from app.engine.presentation import arrange, text_id
from app.engine.question import QuestionError


@dataclass(frozen=True)
class Choice:
    """One option: its id, Markdown text, weight in [-1, 1] and feedback when picked."""

    id: str
    text: str
    weight: float
    feedback: str = ""


@dataclass(frozen=True)
class ChoiceSpec:
    """A choice as written: exactly one of weight or correct may be given."""

    id: str
    text: str
    weight: float | None
    correct: bool | None
    feedback: str

    def with_weight(self, weight: float) -> Choice:
        """Return the gradable choice with the given weight."""
        return Choice(self.id, self.text, weight, self.feedback)


def read_choices(value: Any, field: str = "choices") -> tuple[ChoiceSpec, ...]:
    """Read a list of choice mappings, deriving ids from text where none is given."""
    specs = []
    for index, entry in enumerate(schema.items(value, field, minimum=2)):
        where = schema.path(field, index)
        entry = schema.check_keys(entry, where, ("text",), ("id", "correct", "weight", "feedback"))
        text = schema.text(entry["text"], schema.path(where, "text"))
        if "correct" in entry and "weight" in entry:
            raise QuestionError("give either correct or weight, not both", where)
        specs.append(
            ChoiceSpec(
                id=schema.author_id(entry["id"], schema.path(where, "id")) if "id" in entry else text_id(text),
                text=text,
                weight=schema.number(entry["weight"], schema.path(where, "weight"), -1.0, 1.0)
                if "weight" in entry
                else None,
                correct=schema.boolean(entry["correct"], schema.path(where, "correct")) if "correct" in entry else None,
                feedback=schema.optional_text(entry, "feedback", where),
            )
        )
    schema.unique([spec.text for spec in specs], field, "text", "choice text")
    schema.unique([spec.id for spec in specs], field, "id", "choice id")
    return tuple(specs)


def public_choices(choices: tuple[Choice, ...], order: Any) -> list[dict[str, str]]:
    """List choices as {id, text} in the given order."""
    by_id = {choice.id: choice for choice in choices}
    return [{"id": cid, "text": by_id[cid].text} for cid in arrange(by_id, order)]
