"""Session, cookie and header policy, and the user loader."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response, session
from flask_login import current_user

from app.extensions import db, login_manager
from app.models import User


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """Load the signed-in user from the session; unknown or malformed ids mean nobody."""
    try:
        return db.session.get(User, int(user_id))
    except (TypeError, ValueError):
        return None


def safe_next_url(target: str | None) -> str | None:
    """Accept only same-site relative paths for post-login redirects."""
    if not target:
        return None
    target = target.strip()
    # Browsers treat backslashes as slashes, so "/\\evil.com" is off-site too.
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def _security_headers(response: Response) -> Response:
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' https: data:; style-src 'self'; script-src 'self'; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    )
    return response


def _resolve_user_first() -> None:
    """Load the user before the page writes to the session, and bind remember-me sessions to this client.

    With strong session protection, Flask-Login treats a session holding data but no client
    identifier ("_id") as stolen: it signs the user out and deletes the remember-me cookie. Pages
    store the CSRF token in the session before the nav reads current_user, and a session restored
    from the remember-me cookie never gets an "_id", so "Keep me signed in" lasted one request.
    """
    if current_user.is_authenticated and "_id" not in session:
        session["_id"] = login_manager._session_identifier_generator()


def init_app(app: Flask) -> None:
    """Install response headers that every page gets, and load the user at the start of each request."""
    app.before_request(_resolve_user_first)
    app.after_request(_security_headers)
