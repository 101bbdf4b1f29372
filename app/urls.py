"""Links in pages, built once per process: every page names the same few dozen addresses on every request."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, request, url_for

# Enough for every course, lesson, quiz and a day of attempt pages; past it, the cache starts again.
MAX_REMEMBERED = 20_000


def remembered_url_for(endpoint: str, **values: Any) -> str:
    """Flask's url_for, remembered per app, script root, endpoint and values (templates call it dozens of times).

    Links relative to the current blueprint (".x"), absolute links and values that cannot be a key are
    built each time, as url_for would.
    """
    if endpoint.startswith(".") or values.get("_external") or "_scheme" in values:
        return url_for(endpoint, **values)
    try:
        key = (request.script_root, endpoint, frozenset(values.items()))
        remembered = current_app.extensions["parley_urls"]
        url = remembered.get(key)
    except TypeError:  # a list or dict among the values
        return url_for(endpoint, **values)
    if url is None:
        if len(remembered) >= MAX_REMEMBERED:
            remembered.clear()
        url = remembered[key] = url_for(endpoint, **values)
    return url


def init_app(app: Flask) -> None:
    """Let templates build links through the remembering url_for."""
    app.extensions["parley_urls"] = {}
    app.jinja_env.globals["url_for"] = remembered_url_for
