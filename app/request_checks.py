"""Bad input answered as bad input: ids no row can have, NUL characters, unexpected files, oversized bodies.

Each of these used to reach the database or the form parser and come back as a 500, or worse, as a
silently shortened form. They are refused here, once for every route, before any view, CSRF check
or query runs.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import IO, Any, TypeVar

from flask import Flask, abort, current_app, request
from werkzeug.datastructures import MultiDict
from werkzeug.routing import IntegerConverter, Map

# Primary keys are INTEGER columns: 32-bit signed on PostgreSQL. A larger id in a query makes
# PostgreSQL raise NumericValueOutOfRange and SQLite OverflowError; no row can have it anyway.
MAX_ID = 2**31 - 1

NUL_MESSAGE = "The request contains a NUL character (\\0), which no address or form field may hold."
FILE_MESSAGE = "This page does not accept files. Send the text in the form's fields instead."
UNDELIMITED_BODY_MESSAGE = "The request body has no Content-Length and the server did not mark its end."

View = TypeVar("View", bound=Callable[..., Any])


class IdConverter(IntegerConverter):
    """The `int` URL converter, matching only ids a row can have: 1 to 2**31 - 1; anything else is 404."""

    def __init__(self, map: Map, fixed_digits: int = 0, min: int | None = 1, max: int | None = MAX_ID,
                 signed: bool = False) -> None:
        # Only the defaults change: a rule may still narrow the range with <int(min=..., max=...):name>.
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def accepts_files(view: View) -> View:
    """Let a view receive uploaded files (put it below @bp.route); every other view answers a file with 400."""
    view.accepts_files = True  # type: ignore[attr-defined]
    return view


def check_request() -> None:
    """Refuse an oversized or undelimited chunked body, NUL characters, and files posted to a view that takes none."""
    _buffer_chunked_body()
    # PostgreSQL text cannot hold NUL (psycopg raises), so a NUL that reached a query was a 500.
    if "\x00" in request.path or _has_nul(request.args) or _has_nul(request.form):
        abort(400, description=NUL_MESSAGE)
    if request.files:
        view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
        if not getattr(view, "accepts_files", False):
            abort(400, description=FILE_MESSAGE)
        if any("\x00" in name or "\x00" in (upload.filename or "") for name, upload in request.files.items(multi=True)):
            abort(400, description=NUL_MESSAGE)


def _has_nul(values: MultiDict[str, str]) -> bool:
    return any("\x00" in key or "\x00" in value for key, value in values.items(multi=True))


def _buffer_chunked_body() -> None:
    # A chunked body has no Content-Length. Werkzeug 3.1 then reads it only if the server sets
    # wsgi.input_terminated (gunicorn, waitress and Werkzeug's own server do); otherwise it reads
    # nothing, and the form arrives empty. When it does read it, it stops at MAX_CONTENT_LENGTH, and
    # an urlencoded form over the limit is silently cut short there instead of answered 413
    # (LimitedStream.readall stops at the limit without the read that would raise). So read the
    # body here, at most one byte past the limit, and hand Werkzeug the whole of it from memory.
    if request.content_length is not None:
        return
    if "chunked" not in request.headers.get("Transfer-Encoding", "").lower():
        return
    if "wsgi.input_terminated" not in request.environ:
        abort(400, description=UNDELIMITED_BODY_MESSAGE)
    limit = request.max_content_length
    if limit is None:
        return
    body = _read_at_most(request.environ["wsgi.input"], limit + 1)
    if len(body) > limit:
        abort(413)
    # Nothing has read the stream yet (this hook runs first), so Werkzeug will parse this copy.
    request.environ["wsgi.input"] = io.BytesIO(body)


def _read_at_most(stream: IO[bytes], size: int) -> bytes:
    out = bytearray()
    while len(out) < size:
        chunk = stream.read(min(64 * 1024, size - len(out)))
        if not chunk:
            break
        out.extend(chunk)
    return bytes(out)


def init_app(app: Flask) -> None:
    """Install the id converter (call before registering blueprints) and the request checks, first in line."""
    app.url_map.converters["int"] = IdConverter
    # First of all before_request hooks: CSRFProtect (registered earlier) would otherwise parse the
    # body and answer a missing token with its own 400, and the user loader would query the
    # database, before the input is known to be sane.
    app.before_request_funcs.setdefault(None, []).insert(0, check_request)
