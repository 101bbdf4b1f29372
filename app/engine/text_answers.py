"""Accepted text answers with wildcards, matched leniently (short answer and cloze blanks)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from app.engine import schema
from app.engine.question import WEIGHT_TOLERANCE, QuestionError

# Stands in for `*` while a pattern is normalized; private use, so normalization leaves it alone.
_WILDCARD = "\ue000"
_TRAILING = ".,;:!? "


# Hyphen, non-breaking hyphen, figure dash, en dash, em dash: each reads as a space ("cyber-space" = "cyber space").
_DASHES = re.compile("[-\u2010\u2011\u2012\u2013\u2014]")
# One or more leading articles, each followed by a space and then more text ("the a" keeps its "a").
_ARTICLES = re.compile(r"^(?:(?:the|an?) )+(?=\S)")


def fold_text(text: str) -> str:
    """Fold case, compatibility forms, dashes (to spaces), `&` (to "and"), whitespace runs and trailing .,;:!?"""
    # Case folding can un-normalize a few characters, so repeat until stable: grading must be idempotent.
    for _ in range(4):
        folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
        folded = _DASHES.sub(" ", folded.replace("&", " and "))
        folded = " ".join(folded.split()).rstrip(_TRAILING)
        if folded == text:
            break
        text = folded
    return text


def drop_article(folded: str) -> str:
    """Folded text without its leading articles ("the", "a", "an"), when more text follows them."""
    return _ARTICLES.sub("", folded)


def normalize_text(text: str) -> str:
    """The text as answers compare it: folded (see fold_text) and without a leading article.

    "The  Cyber-Space." and "cyber space" both give "cyber space"; "AT&T" gives "at and t". Closed
    compounds stay apart: "cyberspace" is not "cyber space" (list it as an answer of its own).
    """
    for _ in range(4):
        normal = drop_article(fold_text(text))
        if normal == text:
            break
        text = normal
    return text


def _unescape(pattern: str) -> str:
    """Resolve `\\*` and `\\\\` escapes, marking each unescaped `*` with the placeholder."""
    chars: list[str] = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\" and pattern[index + 1 : index + 2] in ("*", "\\"):
            chars.append(pattern[index + 1])
            index += 2
            continue
        chars.append(_WILDCARD if char == "*" else char)
        index += 1
    return "".join(chars)


def _matches(pieces: tuple[str, ...], text: str) -> bool:
    """Glob-match normalized text against pattern pieces."""
    # Greedy leftmost search is exact for `*`-only globs and, unlike a regex, cannot backtrack
    # exponentially on a hostile response.
    if len(pieces) == 1:
        return text == pieces[0]
    head, *middle, tail = pieces
    if len(text) < len(head) + len(tail) or not text.startswith(head) or not text.endswith(tail):
        return False
    position, end = len(head), len(text) - len(tail)
    for piece in middle:
        found = text.find(piece, position, end)
        if found < 0:
            return False
        position = found + len(piece)
    return True


@dataclass(frozen=True)
class TextAnswer:
    """An accepted answer: author's pattern, weight in [0, 1] and feedback when it matches."""

    text: str
    weight: float
    feedback: str = ""
    # The folded literal pieces between wildcards, computed once; and the same without a leading article.
    pieces: tuple[str, ...] = dataclass_field(init=False, repr=False, compare=False)
    bare_pieces: tuple[str, ...] = dataclass_field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        pieces = tuple(fold_text(_unescape(self.text)).split(_WILDCARD))
        object.__setattr__(self, "pieces", pieces)
        object.__setattr__(self, "bare_pieces", (drop_article(pieces[0]), *pieces[1:]))

    def matches(self, folded: str) -> bool:
        """Whether a folded response matches: as typed, or once both drop a leading article.

        Both ways, so a wildcard keeps its meaning: "a*b*c" still matches "a-b-c" (read "a b c"), and
        "The *" still wants its "the".
        """
        return _matches(self.pieces, folded) or _matches(self.bare_pieces, drop_article(folded))

    @property
    def has_wildcard(self) -> bool:
        """Tell whether the pattern contains an unescaped `*`."""
        return len(self.pieces) > 1

    def example(self) -> str:
        """Return a response this answer matches."""
        # "0" composes with nothing, is not space or punctuation, and survives case folding, so it
        # normalizes exactly as the wildcard placeholder did.
        return "0".join(self.pieces)


def read_answers(value: Any, field: str) -> tuple[TextAnswer, ...]:
    """Read accepted answers: mappings {text, weight?=1, feedback?} or plain strings (weight 1)."""
    answers = []
    for index, entry in enumerate(schema.items(value, field)):
        where = schema.path(field, index)
        if isinstance(entry, str):
            entry = {"text": entry}
        entry = schema.check_keys(entry, where, ("text",), ("weight", "feedback"))
        answer = TextAnswer(
            text=schema.text(entry["text"], schema.path(where, "text")),
            weight=schema.number(entry.get("weight", 1.0), schema.path(where, "weight"), 0.0, 1.0),
            feedback=schema.optional_text(entry, "feedback", where),
        )
        if not any(answer.pieces) and not answer.has_wildcard:
            raise QuestionError(
                "is empty once case, spaces and trailing punctuation are ignored", schema.path(where, "text")
            )
        answers.append(answer)
    if not any(a.weight >= 1.0 - WEIGHT_TOLERANCE for a in answers):
        raise QuestionError("no answer has weight 1, so full marks are unreachable", field)
    return tuple(answers)


def best_match(answers: tuple[TextAnswer, ...], response: Any) -> TextAnswer | None:
    """Return the highest-weighted answer matching the response (first on ties), or None."""
    if not isinstance(response, str):
        return None
    text = fold_text(response)
    if not text:
        return None
    best = None
    for answer in answers:
        if (best is None or answer.weight > best.weight) and answer.matches(text):
            best = answer
    return best


def model_answer(answers: tuple[TextAnswer, ...]) -> str:
    """Return a full-marks response, preferring an answer without wildcards as written."""
    full = [a for a in answers if a.weight >= 1.0 - WEIGHT_TOLERANCE]
    for answer in full:
        if not answer.has_wildcard:
            return _unescape(answer.text)
    return full[0].example()
