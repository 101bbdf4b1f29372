"""Item-writing flaws a quiz can be checked for before anyone takes it: answers given away, and length cues.

A *leak* is one question's key written into text that another question shows before the quiz is submitted:
its prompt, its options, and, where feedback comes before submission (immediate feedback), its feedback too.
A student who reads both gets the first one free. A *length cue* is a quiz whose right answers are so often
the longest option that "pick the longest" beats the odds.

Everything here is pure: it reads question definitions (the file format's mappings) and the questions the
engine built from them, and it returns findings that the content layer turns into file:line warnings.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from app.engine.question import WEIGHT_TOLERANCE, QuestionType
from app.engine.text_answers import TextAnswer, drop_article, fold_text
from app.engine.types.cloze import Cloze
from app.engine.types.matching import Matching
from app.engine.types.multiple_response import MultipleResponse
from app.engine.types.numerical import Numerical
from app.engine.types.ordering import Ordering
from app.engine.types.short_answer import ShortAnswer
from app.engine.types.single_choice import SingleChoice

# A text key shorter than this (after folding) is too common a word to count as given away ("X", "EU", "May").
MIN_KEY_LENGTH = 4
# At most this share of a quiz's choice questions may have the key as the longest option: with four options a
# blind "pick the longest" is right a quarter of the time, so a third leaves room for chance but not a habit.
LONGEST_KEY_SHARE = 1 / 3
# Feedback keys: text a student sees only once a question is checked or the quiz submitted.
FEEDBACK_KEYS = frozenset({"feedback", "feedback_true", "feedback_false", "general_feedback"})
# Keys whose strings are never shown as text.
HIDDEN_KEYS = frozenset({"id", "type", "source", "group", "objective", "weight", "value", "tolerance", "min", "max",
                         "correct", "shuffle", "points", "answer", "answers", "multiplier"})
_BLANK_MARKER = re.compile(r"\[\[\s*[0-9]+\s*\]\]")
_THOUSANDS = re.compile(r"(?<=\d)[,\u00a0\u202f](?=\d{3}(?!\d))")
_NOT_WORD = re.compile(r"[\W_]+")
# Between the items of a list: "A, B and C", "A; B", "A & B".
_LIST_SEPARATOR = re.compile(r"\s*(?:[,;&]|\band\b)\s*", re.IGNORECASE)
# Prompts that ask what the course material says instead of asking the student to use it.
_RECALL_FRAMING = re.compile(
    r"\b(according to|as described in|as stated in|as presented in) the (lesson|source|module|course)\b"
    r"|\bwhat (does|did) the (lesson|source|module) (say|says|argue|state|claim|suggest|describe|call|name)"
    r"|\bthe (lesson|source|module) (says|argues|states|claims|suggests|describes|calls|names|notes)\b",
    re.IGNORECASE)


@dataclass(frozen=True)
class QuestionText:
    """A question as the checks read it: its id, its definition and the engine's question built from it."""

    id: str
    definition: dict[str, Any]
    question: QuestionType


@dataclass(frozen=True)
class Key:
    """One thing a question asks for, as text that must not appear elsewhere: one phrase, or all of several."""

    label: str
    phrases: tuple[str, ...]
    # Where the key is written in the question's definition, for the warning's line.
    path: tuple[str | int, ...]
    # Whether its phrases give it away spread over another question's texts (the items of a listed answer, one
    # per ordering item) or only together in one text (a matching pair: two options apart say nothing).
    spread: bool = False


@dataclass(frozen=True)
class Leak:
    """A key of one question found in text that another question shows."""

    question_id: str
    key: Key
    other_id: str
    other_path: tuple[str | int, ...]


def comparable(text: str) -> str:
    """Text as the leak check compares it: folded, punctuation as spaces, padded so phrases match whole words."""
    text = _THOUSANDS.sub("", _BLANK_MARKER.sub(" | ", text))
    words = _NOT_WORD.sub(" ", fold_text(text)).split()
    return f" {' '.join(words)} "


def _phrase(text: str) -> str | None:
    """A key's text as a phrase to look for, or None when it is too short to mean anything on its own."""
    phrase = drop_article(comparable(text).strip())
    if not phrase:
        return None
    if any(char.isdigit() for char in phrase) or len(phrase) >= MIN_KEY_LENGTH:
        return phrase
    return None


def _list_parts(text: str) -> tuple[str, ...]:
    """The items of a key that lists several ("A, B and C"): naming them all elsewhere gives the key away too."""
    parts = [_phrase(part) for part in _LIST_SEPARATOR.split(text) if part.strip()]
    if len(parts) < 2 or not all(parts):
        return ()
    return tuple(part for part in parts if part)


def _number(value: float) -> str:
    return f"{value:g}" if abs(value) < 1e15 else repr(value)


def _full_marks(weight: float) -> bool:
    return weight >= 1.0 - WEIGHT_TOLERANCE


def _text_answer_phrases(answers: Iterable[TextAnswer]) -> tuple[str, ...]:
    phrases = []
    for answer in answers:
        if not _full_marks(answer.weight):
            continue
        # A pattern with wildcards is given away by its longest literal piece ("*Hanson*" by "hanson").
        pieces = [piece for piece in answer.bare_pieces if piece.strip()]
        found = _phrase(max(pieces, key=len)) if pieces else None
        if found:
            phrases.append(found)
    return tuple(dict.fromkeys(phrases))


def question_keys(item: QuestionText) -> list[Key]:
    """What a question asks for: the texts that, seen elsewhere in the quiz, give its answer away."""
    question, keys = item.question, []
    if isinstance(question, SingleChoice | MultipleResponse):
        for index, choice in enumerate(question.choices):
            right = _full_marks(choice.weight) if isinstance(question, SingleChoice) else choice.weight > 0
            phrase = _phrase(choice.text) if right else None
            if phrase:
                keys.append(Key(f"the right choice {choice.text!r}", (phrase,), ("choices", index)))
                parts = _list_parts(choice.text)
                if len(parts) > 1:
                    keys.append(Key(f"the right choice {choice.text!r} (each of its parts)", parts,
                                    ("choices", index), spread=True))
    elif isinstance(question, ShortAnswer):
        for phrase in _text_answer_phrases(question.answers):
            keys.append(Key(f"the answer {phrase!r}", (phrase,), ("answers",)))
    elif isinstance(question, Cloze):
        for blank in question.blanks:
            for phrase in _text_answer_phrases(blank.answers):
                keys.append(Key(f"blank [[{blank.id}]]'s answer {phrase!r}", (phrase,), ("blanks",)))
    elif isinstance(question, Numerical):
        for answer in question.answers:
            if _full_marks(answer.weight) and answer.value is not None:
                phrase = comparable(_number(answer.value)).strip()
                keys.append(Key(f"the number {_number(answer.value)}", (phrase,), ("answers",)))
    elif isinstance(question, Matching):
        options = {option.id: option.text for option in question.options}
        for index, pair in enumerate(question.pairs):
            left, right = _phrase(pair.text), _phrase(options.get(pair.answer, pair.answer))
            if left and right:
                keys.append(Key(f"the pair {pair.text!r} → {options.get(pair.answer, pair.answer)!r}",
                                (left, right), ("pairs", index)))
    elif isinstance(question, Ordering):
        phrases = tuple(phrase for phrase in (_phrase(item.text) for item in question.items) if phrase)
        if len(phrases) >= 2:
            keys.append(Key("the order of its items", phrases, ("items",)))
    return keys


def shown_texts(definition: dict[str, Any], with_feedback: bool) -> list[tuple[tuple[str | int, ...], str]]:
    """Every author text a question shows before the quiz is submitted, each with its path in the definition."""
    found: list[tuple[tuple[str | int, ...], str]] = []

    def walk(value: Any, path: tuple[str | int, ...], key: str | None, in_answers: bool) -> None:
        if isinstance(value, str):
            # Accepted answers (short answer, cloze blanks) are the key itself, never shown before review.
            shown = with_feedback if key in FEEDBACK_KEYS else key not in HIDDEN_KEYS and not in_answers
            if shown and value.strip():
                found.append((path, value))
        elif isinstance(value, dict):
            for child_key, child in value.items():
                walk(child, (*path, str(child_key)), str(child_key), in_answers or key == "answers")
        elif isinstance(value, list):
            for index, child in enumerate(value):
                walk(child, (*path, index), key, in_answers or key == "answers")

    walk(definition, (), None, False)
    return found


def _ordered_in(phrases: Sequence[str], text: str) -> bool:
    """All of an ordering key's items appear in the text, in their right order."""
    position = 0
    for phrase in phrases:
        found = text.find(f" {phrase} ", position)
        if found < 0:
            return False
        position = found + len(phrase)
    return True


def _gives_away(key: Key, ordering: bool, text: str) -> bool:
    if ordering:
        return _ordered_in(key.phrases, text)
    for phrase in key.phrases:
        if f" {phrase} " not in text:
            return False
        # A pair's right side must appear apart from its left ("security" inside "cyber security" is not it).
        text = text.replace(f" {phrase} ", " | ", 1)
    return True


def find_leaks(questions: Sequence[QuestionText], with_feedback: bool) -> list[Leak]:
    """Every key of every question that another question of the same quiz shows before submission."""
    texts = {item.id: [(path, comparable(text)) for path, text in shown_texts(item.definition, with_feedback)]
             for item in questions}
    leaks = []
    for item in questions:
        ordering = isinstance(item.question, Ordering)
        for key in question_keys(item):
            for other in questions:
                if other.id == item.id or not texts[other.id]:
                    continue
                if key.spread:
                    whole = " | ".join(text for _, text in texts[other.id])
                    first = f" {key.phrases[0]} "
                    hit = next(path for path, text in texts[other.id] if first in text) \
                        if _gives_away(key, ordering, whole) else None
                else:
                    hit = next((path for path, text in texts[other.id] if _gives_away(key, ordering, text)), None)
                if hit is not None:
                    leaks.append(Leak(item.id, key, other.id, hit))
    return leaks


def key_is_longest(question: QuestionType) -> bool | None:
    """Whether the right answer is the longest option (None for a question without options to compare)."""
    if not isinstance(question, SingleChoice | MultipleResponse) or len(question.choices) < 3:
        return None

    def length(text: str) -> int:
        return len(comparable(text).strip())

    if isinstance(question, SingleChoice):
        best = max(choice.weight for choice in question.choices)
        right = [length(c.text) for c in question.choices if c.weight == best]
        wrong = [length(c.text) for c in question.choices if c.weight != best]
    else:
        right = [length(c.text) for c in question.choices if c.weight > 0]
        wrong = [length(c.text) for c in question.choices if c.weight <= 0]
    if not right or not wrong:
        return None
    return min(right) > max(wrong)


def longest_key_questions(questions: Sequence[QuestionText]) -> tuple[list[str], int]:
    """The ids of the choice questions whose key is the longest option, and how many choice questions there are."""
    verdicts = [(item.id, key_is_longest(item.question)) for item in questions]
    judged = [(qid, verdict) for qid, verdict in verdicts if verdict is not None]
    return [qid for qid, verdict in judged if verdict], len(judged)


def too_often_longest(longest: int, judged: int) -> bool:
    """Whether the key is the longest option in more than LONGEST_KEY_SHARE of a quiz's choice questions."""
    return judged > 0 and longest > LONGEST_KEY_SHARE * judged


def asks_what_the_material_says(prompt: str) -> bool:
    """Whether a prompt asks what the lesson or source says rather than asking the student to use it."""
    return _RECALL_FRAMING.search(prompt) is not None
