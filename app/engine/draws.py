"""Which questions an attempt draws from a quiz's pool: a number from all, or so many from each group first.

A quiz's `draw` setting is either a whole number (draw that many from the whole pool) or a mapping:

    draw: {per_group: 2, any: 4}                        # 2 from every group, then 4 more from the rest
    draw: {groups: {lesson-1: 2, lesson-2: 3}, any: 4}  # so many from the named groups, then 4 more

A question joins a group with `group: <name>`. `groups` counts override `per_group` for the groups they
name; questions without a group (or in a group given 0) are drawn only through `any`. Every draw uses
the attempt's seeded generator, so a seed always gives the same questions.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from app.engine.shuffle import draw_pool

DRAW_KEYS = ("per_group", "groups", "any")


@dataclass(frozen=True)
class DrawRule:
    """How many questions an attempt draws from each group, then from any of the questions left."""

    per_group: int = 0
    groups: tuple[tuple[str, int], ...] = ()
    any: int = 0
    # `draw: N` (no groups at all), kept apart so messages can quote the setting as the author wrote it.
    whole_pool: bool = False

    @classmethod
    def of(cls, draw: Any) -> DrawRule | None:
        """The rule of a `draw` setting already checked by the content layer (an int, a mapping or None)."""
        if draw is None:
            return None
        if isinstance(draw, int):
            return cls(any=draw, whole_pool=True)
        groups = draw.get("groups") or {}
        return cls(per_group=draw.get("per_group", 0), any=draw.get("any", 0),
                   groups=tuple((str(name), count) for name, count in groups.items()))

    def wanted(self, pool_groups: Sequence[str | None]) -> dict[str, int]:
        """How many to draw from each group: the pool's groups in order of first appearance, then unknown named ones."""
        named = dict(self.groups)
        out: dict[str, int] = {}
        for group in pool_groups:
            if group is not None and group not in out:
                out[group] = named.get(group, self.per_group)
        for group, count in self.groups:
            out.setdefault(group, count)
        return {group: count for group, count in out.items() if count}

    def total(self, pool_groups: Sequence[str | None]) -> int:
        """How many questions each attempt holds."""
        return sum(self.wanted(pool_groups).values()) + self.any

    def problems(self, pool_groups: Sequence[str | None]) -> list[tuple[tuple[str, ...], str]]:
        """What makes this rule impossible for this pool: (key path under `draw`, message with its fix)."""
        if self.whole_pool:
            if self.any > len(pool_groups):
                return [((), f"`draw: {self.any}` is more than the {len(pool_groups)} questions in the pool: "
                              "lower it or add questions")]
            return []
        sizes = group_sizes(pool_groups)
        found: list[tuple[tuple[str, ...], str]] = []
        if self.per_group and not sizes:
            found.append((("per_group",), "`draw: per_group` needs questions with `group: <name>`, and no question "
                                          "has one: give the questions groups or use `draw: <number>`"))
        for group, _count in self.groups:
            if group not in sizes:
                known = ", ".join(sizes) or "none yet"
                found.append((("groups", group), f"`draw` names group {group!r}, which no question has "
                                                 f"(groups: {known}): fix the name or give questions `group: {group}`"))
        named = dict(self.groups)
        for group, size in sizes.items():
            count = named.get(group, self.per_group)
            if count > size:
                where = ("groups", group) if group in named else ("per_group",)
                found.append((where, f"`draw` asks for {count} questions from group {group!r}, which has "
                                     f"{size}: lower it or add questions to the group"))
        if found:
            return found
        left = len(pool_groups) - sum(self.wanted(pool_groups).values())
        if self.any > left:
            found.append((("any",), f"`draw` asks for {self.any} more from any, but only {left} questions are "
                                    f"left after the group draws (pool of {len(pool_groups)}): lower `any` or add "
                                    "questions"))
        if self.total(pool_groups) == 0:
            found.append(((), "`draw` draws no question: give `per_group`, `groups` or `any` a count from 1"))
        return found

    def draw(self, question_ids: Sequence[str], pool_groups: Sequence[str | None],
             rng: random.Random) -> tuple[str, ...]:
        """Draw from each group (in order of first appearance), then `any` from the rest; ids in pool order.

        `draw: N` is exactly `draw_pool(ids, N, rng)`, so attempts begun before groups existed replay the same.
        """
        if len(question_ids) != len(pool_groups):
            raise ValueError("every question id needs its group (or None)")
        if self.problems(pool_groups):
            raise ValueError(self.problems(pool_groups)[0][1])
        chosen: set[str] = set()
        for group, count in self.wanted(pool_groups).items():
            members = [qid for qid, own in zip(question_ids, pool_groups, strict=True) if own == group]
            chosen.update(draw_pool(members, count, rng))
        rest = [qid for qid in question_ids if qid not in chosen]
        chosen.update(draw_pool(rest, self.any, rng))
        return tuple(qid for qid in question_ids if qid in chosen)


def group_sizes(pool_groups: Sequence[str | None]) -> dict[str, int]:
    """How many questions each group has, in order of first appearance (ungrouped questions not counted)."""
    sizes: dict[str, int] = {}
    for group in pool_groups:
        if group is not None:
            sizes[group] = sizes.get(group, 0) + 1
    return sizes


def drawn_count(draw: Any, pool_groups: Sequence[str | None]) -> int | None:
    """How many questions an attempt holds under a `draw` setting, or None when it takes the whole pool."""
    rule = DrawRule.of(draw)
    return None if rule is None else rule.total(pool_groups)


def question_group(question: Mapping[str, Any]) -> str | None:
    """The `group` of a question definition (file format), or None."""
    group = question.get("group")
    return group if isinstance(group, str) else None


def draw_summary(draw: Any, pool_groups: Sequence[str | None]) -> str | None:
    """A sentence part for a quiz page, e.g. "2 from each of 8 groups, then 4 from any" (None without groups)."""
    rule = DrawRule.of(draw)
    if rule is None or rule.whole_pool:
        return None
    counts = list(rule.wanted(pool_groups).values())
    if not counts:
        parts = []
    elif len(set(counts)) == 1:
        parts = [f"{counts[0]} from each of {len(counts)} group{'s' if len(counts) != 1 else ''}"]
    else:
        parts = [" + ".join(str(count) for count in counts) + f" from {len(counts)} groups"]
    if rule.any:
        parts.append(f"{rule.any} from any" if not parts else f"then {rule.any} from any")
    return ", ".join(parts)
