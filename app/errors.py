"""Friendly error pages."""

from __future__ import annotations

import time
from contextlib import suppress

from flask import Flask, current_app, make_response, render_template
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from werkzeug.exceptions import BadRequest, HTTPException

from app.extensions import db, limiter

MESSAGES = {
    400: ("Bad request", "The request could not be understood."),
    403: ("Not allowed", "Your account may not open this page."),
    404: ("Not found", "There is no page at this address."),
    405: ("Not allowed", "This page cannot be used that way."),
    413: ("Too large", "What you sent is larger than Parley accepts."),
    429: ("Too many tries", "There have been too many tries from here or for this account. "
                            "Wait a little, then try again."),
    500: ("Something went wrong", "The error has been logged. Nothing you submitted was half-saved."),
}


def _render(code: int, message: str | None = None, error: HTTPException | None = None):
    title, text = MESSAGES.get(code, MESSAGES[500])
    # abort(400, description="...") says what was wrong with the request; a bare abort(400) stays generic.
    if message is None and code == 400 and error is not None and error.description != BadRequest.description:
        message = error.description
    return render_template("errors/error.html", code=code, title=title, text=message or text), code


# The database is down, locked or too slow: the request's transaction was rolled back, so it can simply be retried.
UNAVAILABLE = ("Parley is busy", "Parley is busy or its database is unavailable. "
                                 "Nothing you were doing was half-saved; try again in a minute.")
RETRY_AFTER_SECONDS = 30
# SQLite result codes (the low byte of sqlite_errorcode) that mean busy or unreachable rather than a wrong
# query: BUSY, LOCKED, NOMEM, READONLY, IOERR, FULL, CANTOPEN, PROTOCOL.
SQLITE_UNAVAILABLE = frozenset({5, 6, 7, 8, 10, 13, 14, 15})


def database_unavailable(exc: BaseException) -> bool:
    """Whether a database error means "down, locked or too slow: try again later" rather than a bug."""
    if isinstance(exc, PoolTimeoutError):
        return True
    if not isinstance(exc, DBAPIError):
        return False
    if exc.connection_invalidated:
        return True
    # psycopg reports refused and lost connections, lock_timeout (LockNotAvailable) and statement_timeout
    # (QueryCanceled) as OperationalError; sqlite3 uses it for mistakes like "no such table" too.
    if not isinstance(exc, OperationalError):
        return False
    code = getattr(exc.orig, "sqlite_errorcode", None)
    return code is None or code & 0xFF in SQLITE_UNAVAILABLE


def _rollback_quietly() -> None:
    # With the server gone even ROLLBACK fails; the broken connection is discarded either way.
    with suppress(Exception):
        db.session.rollback()


def _standalone(code: int, title: str, text: str):
    # Straight from the Jinja environment, not render_template: its context processors include
    # Flask-Login's, which loads the signed-in user from the database that just failed.
    template = current_app.jinja_env.get_template("errors/unavailable.html")
    return make_response(template.render(title=title, text=text), code)


def _database_error(exc: Exception):
    if not database_unavailable(exc):
        raise exc  # a bug, not an outage: the usual 500 path logs it
    cause = getattr(exc, "orig", None) or exc  # the driver's error, without the statement's parameters
    current_app.logger.warning("Database unavailable, answering 503: %s: %s", type(cause).__name__, cause)
    _rollback_quietly()
    response = _standalone(503, *UNAVAILABLE)
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response.headers["Cache-Control"] = "no-store"
    return response


def _too_many_requests(exc: HTTPException):
    body, code = _render(429)
    response = make_response(body, code)
    # Only the refusal says when to come back (Flask-Limiter's own headers would ride on every answer).
    limit = limiter.current_limit
    wait = limit.reset_at - int(time.time()) if limit is not None else RETRY_AFTER_SECONDS
    response.headers["Retry-After"] = str(max(1, wait))
    return response


def init_app(app: Flask) -> None:
    """Register handlers that render every error in the site's layout."""
    # Also covers the user loader in before_request, the first query of most requests.
    app.register_error_handler(DBAPIError, _database_error)
    app.register_error_handler(PoolTimeoutError, _database_error)
    for code in (400, 403, 404, 405, 413):
        app.register_error_handler(code, lambda exc, code=code: _render(code, error=exc))
    app.register_error_handler(429, _too_many_requests)

    @app.errorhandler(CSRFError)
    def _csrf(exc):
        return _render(400, "The form expired or came from another site. Go back, reload the page and try again.")

    @app.errorhandler(500)
    def _server_error(exc):
        _rollback_quietly()
        try:
            return _render(500)
        except Exception:
            # The layout shows the signed-in user, who is reloaded after the rollback: not while the database is down.
            current_app.logger.exception("The error page failed to render; answering with the standalone page")
            return _standalone(500, *MESSAGES[500])
