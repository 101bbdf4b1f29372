"""Reading author definitions: type checks whose errors name the offending key path."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from app.engine.question import ANY_TYPE_KEYS, QuestionError


def path(parent: str, key: str | int) -> str:
    """Join a mapping key or list index onto a field path."""
    if isinstance(key, int):
        return f"{parent}[{key}]"
    return f"{parent}.{key}" if parent else key


def mapping(value: Any, field: str) -> Mapping[str, Any]:
    """Return value if it is a mapping."""
    if not isinstance(value, Mapping):
        raise QuestionError(f"expected a mapping, got {type(value).__name__}", field or None)
    return value


def check_keys(data: Any, field: str, required: Sequence[str], optional: Sequence[str] = ()) -> Mapping[str, Any]:
    """Return data if it is a mapping with all required keys and no unknown ones."""
    data = mapping(data, field)
    allowed = (*required, *optional)
    for key in data:
        if key not in allowed:
            expected = ", ".join(allowed)
            raise QuestionError(f"unknown key {key!r} (expected: {expected})", path(field, str(key)))
    for key in required:
        if key not in data:
            raise QuestionError("missing key", path(field, key))
    return data


def question_keys(kind: str, data: Any, required: Sequence[str], optional: Sequence[str] = ()) -> Mapping[str, Any]:
    """Check a question's top-level keys, skipping the keys the content layer owns."""
    data = mapping(data, "")
    if "type" in data and data["type"] != kind:
        raise QuestionError(f"expected type {kind!r}, got {data['type']!r}", "type")
    own = {key: value for key, value in data.items() if key not in ANY_TYPE_KEYS}
    return check_keys(own, "", required, optional)


def text(value: Any, field: str) -> str:
    """Return value if it is a string with some non-space content."""
    if not isinstance(value, str):
        raise QuestionError(f"expected text, got {type(value).__name__}", field)
    if not value.strip():
        raise QuestionError("must not be empty", field)
    return value


def optional_text(data: Mapping[str, Any], key: str, field: str) -> str:
    """Return data[key] as text, or "" when the key is absent."""
    if key not in data or data[key] is None:
        return ""
    if not isinstance(data[key], str):
        raise QuestionError(f"expected text, got {type(data[key]).__name__}", path(field, key))
    return data[key]


def boolean(value: Any, field: str) -> bool:
    """Return value if it is a real boolean (YAML true/false)."""
    if not isinstance(value, bool):
        raise QuestionError(f"expected true or false, got {value!r}", field)
    return value


def number(value: Any, field: str, low: float | None = None, high: float | None = None) -> float:
    """Return value as a finite float within [low, high]."""
    # bool is an int subclass, but `weight: yes` is an authoring slip, not 1.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise QuestionError(f"expected a number, got {value!r}", field)
    result = float(value)
    if not math.isfinite(result):
        raise QuestionError("must be a finite number", field)
    if low is not None and result < low:
        raise QuestionError(f"must be at least {low:g}, got {result:g}", field)
    if high is not None and result > high:
        raise QuestionError(f"must be at most {high:g}, got {result:g}", field)
    return result


def items(value: Any, field: str, minimum: int = 1) -> Sequence[Any]:
    """Return value if it is a list with at least `minimum` entries."""
    if isinstance(value, str | bytes) or not isinstance(value, Sequence):
        raise QuestionError(f"expected a list, got {type(value).__name__}", field)
    if len(value) < minimum:
        raise QuestionError(f"needs at least {minimum} entr{'y' if minimum == 1 else 'ies'}", field)
    return value


def author_id(value: Any, field: str) -> str:
    """Return an author-given id (text or integer) as a non-empty string."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise QuestionError(f"expected text or a whole number, got {value!r}", field)
    result = str(value)
    if not result or result != result.strip():
        raise QuestionError("must be non-empty and have no surrounding spaces", field)
    return result


def unique(values: Sequence[str], field: str, key: str, what: str) -> None:
    """Raise on the first repeated value, naming `field[i].key`."""
    seen: set[str] = set()
    for index, value in enumerate(values):
        if value in seen:
            raise QuestionError(f"duplicate {what} {value!r}", path(path(field, index), key))
        seen.add(value)
