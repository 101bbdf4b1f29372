"""Reading item statistics: confidence in a facility, intended weights, answer tallies and likely problems.

The figures themselves come from app.engine.statistics (Moodle's definitions); this module helps an
instructor judge them: how sure a facility is on a small cohort, how often each choice, match or blank
answer was given, and which questions look too easy, too hard, undiscriminating or miskeyed.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from app.engine.form_fields import field_value
from app.engine.question import WEIGHT_TOLERANCE, QuestionType
from app.engine.statistics import QuestionStatistics
from app.engine.text_answers import TextAnswer, best_match, normalize_text
from app.engine.types import (
    Cloze,
    Matching,
    MultipleResponse,
    Numerical,
    Ordering,
    ShortAnswer,
    SingleChoice,
    TrueFalse,
)

# Figures resting on fewer attempts than this are marked: a cohort of eight says little about an item.
FEW_ATTEMPTS = 10

# Moodle's rules of thumb (docs.moodle.org/dev/Quiz_report_statistics), facility as a fraction and
# discrimination as Moodle reports it, in percent.
TOO_EASY = 0.95
TOO_HARD = 0.20
WEAK_DISCRIMINATION = 20.0

NO_ANSWER = "(no answer)"
# Typed answers can be as many as there are students: the table keeps the most frequent ones.
OPEN_ANSWERS_SHOWN = 20


def wilson_interval(successes: float, n: int, z: float = 1.96) -> tuple[float, float]:
    """Return the Wilson score interval (low, high) for a proportion of successes out of n.

    For a facility, pass facility * n as the successes: with partial marks that is the sum of the
    mark fractions, treated as if it were a count of right answers. That is an approximation (partial
    credit has less spread than right/wrong, so the interval is a little wide), and it is the usual one.
    With n = 0 nothing is known and the interval is (0, 1).
    """
    if n <= 0:
        return 0.0, 1.0
    p = min(1.0, max(0.0, successes / n))
    z2 = z * z
    denominator = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def few_attempts(n: int) -> bool:
    """Whether figures resting on n attempts are too few to trust (fewer than FEW_ATTEMPTS)."""
    return n < FEW_ATTEMPTS


def intended_weights(max_marks: Mapping[str, float], drawn: int | None = None) -> dict[str, float]:
    """Return each question's intended weight: its share of an attempt's maximum mark, in percent (Moodle).

    When each attempt draws `drawn` of the questions, an attempt's maximum is about `drawn` times the
    mean mark, so the share is taken of that; without a draw, of the sum of every question's marks.
    """
    if not max_marks:
        return {}
    count = len(max_marks)
    total = math.fsum(max_marks.values())
    if drawn is not None and 0 < drawn < count:
        total = total * drawn / count
    return {qid: 100 * mark / total if total else 0.0 for qid, mark in max_marks.items()}


@dataclass(frozen=True)
class AnswerCount:
    """How often one answer was given to one part of a question, and the credit it earns there."""

    label: str
    count: int
    credit: float | None  # fraction earned for the part (None: no answer, or a typed answer's share unknown)
    offered: bool  # one of the question's own choices or accepted answers (shown even when never given)


@dataclass(frozen=True)
class AnswerTally:
    """The answers given to one part of a question: the whole question, a left-hand item or a blank."""

    part: str  # "" for a single-part question
    rows: tuple[AnswerCount, ...]
    responses: int  # how many responses the part's percentages divide by
    key: frozenset[str]  # labels that earn full credit
    distractors: frozenset[str] = frozenset()  # offered labels that are never right

    @classmethod
    def from_counts(cls, counts: Mapping[str, int], key: Iterable[str], part: str = "") -> AnswerTally:
        """Build a choice question's tally from {label: times picked} (every offered label) and its key."""
        key = frozenset(key)
        rows = tuple(AnswerCount(label, count, 1.0 if label in key else 0.0, True) for label, count in counts.items())
        return cls(part, rows, sum(counts.values()), key, frozenset(counts) - key)

    @property
    def counts(self) -> dict[str, int]:
        """Return {label: count} in row order."""
        return {row.label: row.count for row in self.rows}


@dataclass(frozen=True)
class Flag:
    """A likely problem with a question, in words; `problem` is False for mere caveats (few attempts)."""

    kind: str
    text: str
    problem: bool = True

    def __str__(self) -> str:
        return self.text


def question_flags(stats: QuestionStatistics | None, tallies: Sequence[AnswerTally] = ()) -> tuple[Flag, ...]:
    """Return the likely problems of a question from its figures and answer tallies, in words.

    Facility above 95% is too easy and below 20% too hard; a discrimination index below 20% does not
    discriminate, and a negative one suggests a wrong key. From the tallies: a distractor nobody picks
    (summed over the parts, so a matching option used by no left item), and a wrong answer given more
    often than the key in some part. Figures resting on fewer than 10 attempts add a caveat.
    """
    flags: list[Flag] = []
    if stats is not None and stats.facility is not None:
        if stats.facility > TOO_EASY:
            flags.append(Flag("too-easy", f"too easy: facility above {TOO_EASY:.0%}"))
        elif stats.facility < TOO_HARD:
            flags.append(Flag("too-hard", f"too hard: facility below {TOO_HARD:.0%}"))
    if stats is not None and stats.discrimination_index is not None:
        if stats.discrimination_index < 0:
            flags.append(Flag("negative-discrimination", "negative discrimination: check the key"))
        elif stats.discrimination_index < WEAK_DISCRIMINATION:
            flags.append(Flag("weak-discrimination",
                              f"does not discriminate: discrimination index below {WEAK_DISCRIMINATION:.0f}%"))
    picked: Counter[str] = Counter()
    distractors: dict[str, None] = {}
    for tally in tallies:
        picked.update(tally.counts)
        distractors.update(dict.fromkeys(row.label for row in tally.rows if row.label in tally.distractors))
    # Only once some choice was picked: with nothing answered at all, every distractor is trivially unpicked.
    answered = any(count for label, count in picked.items() if label != NO_ANSWER)
    for label in distractors if answered else ():
        if picked[label] == 0:
            flags.append(Flag("unpicked-distractor", f"distractor nobody picks: “{_short(label)}”"))
    for tally in tallies:
        flags.extend(_wrong_over_key(tally))
    if stats is not None and few_attempts(stats.attempts):
        flags.append(Flag("few-attempts", f"rests on fewer than {FEW_ATTEMPTS} attempts ({stats.attempts})",
                          problem=False))
    return tuple(flags)


def _wrong_over_key(tally: AnswerTally) -> list[Flag]:
    """Flag wrong answers given more often than the least-given key answer of the part."""
    counts = tally.counts
    keyed = [counts.get(label, 0) for label in tally.key]
    if not keyed:
        return []
    least = min(keyed)
    where = f"for “{_short(tally.part)}”, " if tally.part else ""
    return [
        Flag("wrong-over-key", f"{where}wrong answer “{_short(row.label)}” given more often than the key")
        for row in tally.rows
        if row.label not in tally.key and row.label != NO_ANSWER and row.credit == 0.0 and row.count > least
    ]


def _short(text: str, length: int = 60) -> str:
    """Shorten a label for a sentence."""
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"


def answer_tallies(question: QuestionType, answers: Iterable[tuple[Mapping[str, Any] | str, int]]) -> tuple[
        AnswerTally, ...]:
    """Tally how often each choice, match or blank answer was given, from (posted fields, count) pairs.

    The posted fields are a response's raw {field: [values]} (or its JSON text); the same answer may
    come in several spellings (key order, case), which are merged here. Returns one tally per part.
    """
    counted: list[tuple[Mapping[str, Any], int]] = []
    for raw, count in answers:
        if isinstance(raw, str | bytes):
            try:
                raw = json.loads(raw)
            except ValueError:
                raw = {}
        counted.append((raw if isinstance(raw, Mapping) else {}, count))
    for kind, tally in _TALLIES.items():
        if isinstance(question, kind):
            return tally(question, counted)
    return ()


def _ordered_rows(offered: Sequence[tuple[str, float | None]], counts: Counter[str]) -> tuple[AnswerCount, ...]:
    """Rows for every offered answer (author order), then the other answers given, most frequent first."""
    rows = [AnswerCount(label, counts.get(label, 0), credit, True) for label, credit in offered]
    known = {label for label, _ in offered}
    others = sorted(((label, n) for label, n in counts.items() if label not in known and label != NO_ANSWER),
                    key=lambda item: (-item[1], item[0]))
    shown, rest = others[:OPEN_ANSWERS_SHOWN], others[OPEN_ANSWERS_SHOWN:]
    rows.extend(AnswerCount(label, n, 0.0, False) for label, n in shown)
    if rest:
        # Many answers together: no credit of their own, so never compared with the key.
        rows.append(AnswerCount(f"({len(rest)} other answers)", sum(n for _, n in rest), None, False))
    if counts.get(NO_ANSWER):
        rows.append(AnswerCount(NO_ANSWER, counts[NO_ANSWER], None, False))
    return tuple(rows)


def _full(weight: float) -> bool:
    return weight >= 1.0 - WEIGHT_TOLERANCE


def _choices(question: SingleChoice | MultipleResponse, counted) -> tuple[AnswerTally, ...]:
    texts = {choice.id: choice.text for choice in question.choices}
    counts: Counter[str] = Counter()
    for raw, n in counted:
        picked = question.normalize(raw)
        picked = [picked] if isinstance(picked, str) else sorted(picked or ())
        for choice_id in picked or [None]:
            counts[texts.get(choice_id, NO_ANSWER)] += n
    credit = {choice.text: max(0.0, choice.weight) for choice in question.choices}
    # For single choice only the fully right choice is the key; for multiple response every positive one.
    single = isinstance(question, SingleChoice)
    key = frozenset(text for text, w in credit.items() if (_full(w) if single else w > 0))
    rows = _ordered_rows(list(credit.items()), counts)
    return (AnswerTally("", rows, sum(n for _, n in counted), key,
                        frozenset(text for text, w in credit.items() if w <= 0)),)


def _true_false(question: TrueFalse, counted) -> tuple[AnswerTally, ...]:
    counts: Counter[str] = Counter()
    for raw, n in counted:
        judged = question.normalize(raw)
        counts[NO_ANSWER if judged is None else "True" if judged else "False"] += n
    right = "True" if question.answer else "False"
    wrong = "False" if question.answer else "True"
    rows = _ordered_rows([("True", float(question.answer)), ("False", float(not question.answer))], counts)
    return (AnswerTally("", rows, sum(n for _, n in counted), frozenset({right}), frozenset({wrong})),)


def _matching(question: Matching, counted) -> tuple[AnswerTally, ...]:
    texts = {option.id: option.text for option in question.options}
    used = {pair.answer for pair in question.pairs}
    distractors = frozenset(texts[oid] for oid in texts if oid not in used)
    per_part: dict[str, Counter[str]] = {pair.id: Counter() for pair in question.pairs}
    for raw, n in counted:
        chosen = question.normalize(raw)
        for pair in question.pairs:
            per_part[pair.id][texts.get(chosen.get(pair.id), NO_ANSWER)] += n
    total = sum(n for _, n in counted)
    return tuple(
        AnswerTally(pair.text,
                    _ordered_rows([(text, 1.0 if oid == pair.answer else 0.0) for oid, text in texts.items()],
                                  per_part[pair.id]),
                    total, frozenset({texts[pair.answer]}), distractors)
        for pair in question.pairs
    )


def _typed(answers: tuple[TextAnswer, ...], typed: Any) -> str:
    """The accepted answer a typed text matches, else the text itself (normalized, so spellings merge)."""
    match = best_match(answers, typed)
    if match is not None:
        return match.text
    text = normalize_text(typed) if isinstance(typed, str) else ""
    return text or NO_ANSWER


def _text_tally(part: str, answers: tuple[TextAnswer, ...], counts: Counter[str], total: int) -> AnswerTally:
    offered = [(answer.text, answer.weight) for answer in answers]
    return AnswerTally(part, _ordered_rows(offered, counts), total,
                       frozenset(answer.text for answer in answers if _full(answer.weight)))


def _short_answer(question: ShortAnswer, counted) -> tuple[AnswerTally, ...]:
    counts: Counter[str] = Counter()
    for raw, n in counted:
        counts[_typed(question.answers, question.normalize(raw))] += n
    return (_text_tally("", question.answers, counts, sum(n for _, n in counted)),)


def _cloze(question: Cloze, counted) -> tuple[AnswerTally, ...]:
    per_blank: dict[str, Counter[str]] = {blank.id: Counter() for blank in question.blanks}
    for raw, n in counted:
        typed = question.normalize(raw)
        for blank in question.blanks:
            per_blank[blank.id][_typed(blank.answers, typed.get(blank.id))] += n
    total = sum(n for _, n in counted)
    return tuple(_text_tally(f"blank {blank.id}", blank.answers, per_blank[blank.id], total)
                 for blank in question.blanks)


def _interval(answer) -> str:
    """An accepted numerical answer in words: 42, 42 ± 0.5, or 1 to 2."""
    if answer.value is not None:
        spread = (answer.high - answer.low) / 2
        return f"{answer.value:g}" + (f" ± {spread:g}" if spread else "")
    return f"{answer.low:g} to {answer.high:g}"


def _numerical(question: Numerical, counted) -> tuple[AnswerTally, ...]:
    labels = [_interval(answer) for answer in question.answers]
    counts: Counter[str] = Counter()
    for raw, n in counted:
        value = question.normalize(raw)
        if value is None:
            typed = " ".join((field_value(raw, "answer") or "").split())
            counts[f"{typed} (not a number)" if typed else NO_ANSWER] += n
            continue
        best = None
        for label, answer in zip(labels, question.answers, strict=True):
            if (best is None or answer.weight > best[1].weight) and answer.accepts(value):
                best = (label, answer)
        counts[best[0] if best else f"{value:g}"] += n
    offered = [(label, answer.weight) for label, answer in zip(labels, question.answers, strict=True)]
    key = frozenset(label for label, answer in zip(labels, question.answers, strict=True) if _full(answer.weight))
    return (AnswerTally("", _ordered_rows(offered, counts), sum(n for _, n in counted), key),)


def _ordering(question: Ordering, counted) -> tuple[AnswerTally, ...]:
    texts = {item.id: item.text for item in question.items}
    counts: Counter[str] = Counter()
    for raw, n in counted:
        sequence = question.normalize(raw)
        counts[" → ".join(texts[i] for i in sequence) if sequence else NO_ANSWER] += n
    right = " → ".join(item.text for item in question.items)
    return (AnswerTally("", _ordered_rows([(right, 1.0)], counts), sum(n for _, n in counted), frozenset({right})),)


_TALLIES: dict[type, Callable[[Any, list], tuple[AnswerTally, ...]]] = {
    SingleChoice: _choices,
    MultipleResponse: _choices,
    TrueFalse: _true_false,
    Matching: _matching,
    Cloze: _cloze,
    ShortAnswer: _short_answer,
    Numerical: _numerical,
    Ordering: _ordering,
}
