"""Session, cookie and header policy, the user loader, and running behind a proxy."""

from __future__ import annotations

import hmac
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, request, session
from flask_login import current_user
from sqlalchemy import bindparam, select
from werkzeug.middleware.proxy_fix import ProxyFix

from app.extensions import db, login_manager
from app.models import User

# Primary keys are 32-bit integers on PostgreSQL; a larger id in a forged cookie must not reach it.
MAX_ID = 2**31 - 1

# Built once: every signed-in request runs it, and building a statement costs more than running it.
USER_BY_ID = select(User).where(User.id == bindparam("id"))

PERMISSIONS_POLICY = ("accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
                      "payment=(), usb=(), browsing-topics=()")


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The user a session or remember-me cookie names, if its session token is still current and the account active.

    The token changes at sign-out, password change and deactivation, so a captured cookie stops working then.
    """
    ident, _, token = (user_id or "").partition(".")
    if not ident.isdigit() or not token or not 0 < int(ident) <= MAX_ID:
        return None
    user = db.session.scalars(USER_BY_ID, {"id": int(ident)}).one_or_none()
    if user is None or not user.is_active or not hmac.compare_digest(user.session_token, token):
        return None
    return user


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


def no_store(view):
    """Mark a view whose pages must not be kept by the browser or a proxy (answers, reviews, the account)."""
    view.no_store = True
    return view


def _security_headers(response: Response) -> Response:
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' https: data:; style-src 'self'; script-src 'self'; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    )
    if current_app.config["HTTPS"]:
        response.headers.setdefault("Strict-Transport-Security",
                                    f"max-age={int(current_app.config['HSTS_SECONDS'])}; includeSubDomains")
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    if getattr(view, "no_store", False):
        # A shared or back-button copy of an attempt or review would show answers to the next person.
        response.headers["Cache-Control"] = "no-store"
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
    """Install response headers that every page gets, load the user first, and trust the configured proxies."""
    app.before_request(_resolve_user_first)
    app.after_request(_security_headers)
    hops = int(app.config["PROXY_HOPS"])
    if hops:
        # Only as many hops as the deployment really has: each trusted hop lets a client spoof one header.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)
