"""Friendly error pages."""

from __future__ import annotations

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError

from app.extensions import db

MESSAGES = {
    400: ("Bad request", "The request could not be understood."),
    403: ("Not allowed", "Your account may not open this page."),
    404: ("Not found", "There is no page at this address."),
    405: ("Not allowed", "This page cannot be used that way."),
    413: ("Too large", "What you sent is larger than Parley accepts."),
    500: ("Something went wrong", "The error has been logged. Nothing you submitted was half-saved."),
}


def _render(code: int, message: str | None = None):
    title, text = MESSAGES.get(code, MESSAGES[500])
    return render_template("errors/error.html", code=code, title=title, text=message or text), code


def init_app(app: Flask) -> None:
    """Register handlers that render every error in the site's layout."""
    for code in (400, 403, 404, 405, 413):
        app.register_error_handler(code, lambda exc, code=code: _render(code))

    @app.errorhandler(CSRFError)
    def _csrf(exc):
        return _render(400, "The form expired or came from another site. Go back, reload the page and try again.")

    @app.errorhandler(500)
    def _server_error(exc):
        db.session.rollback()
        return _render(500)
