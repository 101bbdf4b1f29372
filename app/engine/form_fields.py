"""Reading posted form fields, which may be missing, repeated or garbage."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def field_values(raw: Any, key: str) -> list[str]:
    """Return every string posted under key (empty when absent or not text)."""
    if not isinstance(raw, Mapping):
        return []
    # Werkzeug's MultiDict (request.form) answers .get() with the first value only; getlist() has them all.
    getlist = getattr(raw, "getlist", None)
    value = getlist(key) if callable(getlist) else raw.get(key)
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [item for item in value if isinstance(item, str)]
    return []


def field_value(raw: Any, key: str) -> str | None:
    """Return the first string posted under key, or None."""
    values = field_values(raw, key)
    return values[0] if values else None


def response_fields(response: Any) -> dict[str, list[str]]:
    """Turn a normalized response back into posted fields, so the same partial can show any answer."""
    if response is None:
        return {}
    if isinstance(response, Mapping):
        return {str(key): [str(value)] for key, value in response.items()}
    if isinstance(response, bool):
        return {"answer": ["true" if response else "false"]}
    if isinstance(response, str | int | float):
        return {"answer": [_plain_number(response) if isinstance(response, float) else str(response)]}
    if isinstance(response, frozenset | set):
        return {"answer": sorted(str(item) for item in response)}
    return {"answer": [str(item) for item in response]}


def _plain_number(value: float) -> str:
    # 6000.0 reads better as 6000 to a student.
    return str(int(value)) if value.is_integer() else repr(value)
