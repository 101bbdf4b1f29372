"""Choosing a password through a one-time reset link: once, for a day, the newest link only; it signs the
account out everywhere, and the old password stops working."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from app.extensions import db, limiter
from app.models import AuditEvent, PasswordReset, User, utcnow
from app.services.password_resets import issue_reset
from tests.conftest import PASSWORD, AuthActions, csrf_token

NEW_PASSWORD = "violet kettle orbit lantern"


@pytest.fixture()
def person(make_user):
    """An account with a known password."""
    return make_user("student", email="lena@example.org", name="Lena Learner")


def link_for(user: User, **kwargs) -> str:
    """Issue a reset for the account (as the command line does) and return its path."""
    issued = issue_reset(db.session, user, issued_by=None, **kwargs)
    db.session.commit()
    return f"/auth/reset/{issued.token}"


def choose(client, path: str, password: str = NEW_PASSWORD, confirm: str | None = None):
    """Post the set-password form of a link."""
    return client.post(path, data={"password": password, "confirm": password if confirm is None else confirm,
                                   "csrf_token": csrf_token(client, "/auth/login")})


def text(response) -> str:
    """A response's HTML with entities decoded."""
    return html.unescape(response.get_data(as_text=True))


def signed_in(client) -> bool:
    """Whether the client's session still signs someone in."""
    return client.get("/auth/account").status_code == 200


def stored_hash(user: User) -> str:
    """The account's password hash as stored now."""
    db.session.expire_all()
    return db.session.get(User, user.id).password_hash


def test_the_link_shows_the_account_and_a_new_password_form(client, person):
    path = link_for(person)
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "same-origin"
    page = text(response)
    assert "lena@example.org" in page and 'name="password"' in page and 'name="confirm"' in page
    assert 'autocomplete="new-password"' in page
    # Opening the link does not use it up.
    assert client.get(path).status_code == 200


def test_the_link_sets_the_password_once_and_signs_the_account_out(app, client, person):
    elsewhere = app.test_client()
    assert AuthActions(elsewhere).login("lena@example.org").status_code == 302
    path = link_for(person)

    response = choose(client, path)
    assert response.status_code == 302 and response.location.endswith("/auth/login")
    assert "Your new password is set" in text(client.get(response.location))
    assert not signed_in(elsewhere)
    assert AuthActions(app.test_client()).login("lena@example.org", PASSWORD).status_code == 200
    assert AuthActions(app.test_client()).login("lena@example.org", NEW_PASSWORD).status_code == 302
    used = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "reset-use")).one()
    assert (used.actor_id, used.target_user_id) == (person.id, person.id)

    # A second use is refused and changes nothing.
    before = stored_hash(person)
    again = choose(client, path, password="another quite long passphrase")
    assert again.status_code == 410
    assert "already been used or replaced" in text(again)
    assert stored_hash(person) == before
    assert client.get(path).status_code == 410


def test_a_newer_link_replaces_the_older(client, person):
    older = link_for(person)
    newer = link_for(person)
    before = stored_hash(person)
    refused = choose(client, older)
    assert refused.status_code == 410 and "already been used or replaced" in text(refused)
    assert stored_hash(person) == before
    assert choose(client, newer).status_code == 302
    assert stored_hash(person) != before


def test_an_expired_link_is_refused(client, person):
    path = link_for(person, now=utcnow() - timedelta(days=1, seconds=1))
    before = stored_hash(person)
    assert client.get(path).status_code == 410
    refused = choose(client, path)
    assert refused.status_code == 410 and "has expired" in text(refused)
    assert stored_hash(person) == before


def test_a_link_expires_a_day_after_it_was_issued(client, person):
    path = link_for(person)
    assert client.get(path).status_code == 200
    db.session.execute(update(PasswordReset).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert client.get(path).status_code == 410


@pytest.mark.parametrize("token", ["nope", "x" * 43, "x" * 200])
def test_an_unknown_link_is_404(client, person, token):
    response = client.get(f"/auth/reset/{token}")
    assert response.status_code == 404
    assert client.post(f"/auth/reset/{token}", data={"csrf_token": csrf_token(client, "/auth/login")}
                       ).status_code == 404


@pytest.mark.parametrize(("password", "confirm", "message"), [
    ("short", "short", "Use at least 10 characters"),
    ("password123456", "password123456", "common"),
    ("lena@example.org", "lena@example.org", "Do not use your email address"),
    (NEW_PASSWORD, "something else entirely", "The passwords do not match."),
])
def test_a_refused_password_says_why_and_keeps_the_link_usable(client, person, password, confirm, message):
    path = link_for(person)
    before = stored_hash(person)
    response = choose(client, path, password, confirm)
    assert response.status_code == 200
    assert message in text(response)
    assert stored_hash(person) == before
    assert choose(client, path).status_code == 302


def test_a_post_without_csrf_token_is_refused(client, person):
    path = link_for(person)
    assert client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 400
    assert client.get(path).status_code == 200


def test_failed_tries_are_throttled(make_app, person):
    app = make_app(SIGNIN_FAILURES_PER_ADDRESS="3 per day", SIGNIN_LIMIT_PER_ADDRESS="50 per day")
    limiter.reset()
    client = app.test_client()
    for n in range(3):
        assert client.get(f"/auth/reset/guess{n}").status_code == 404
    refused = client.get("/auth/reset/guess9")
    assert refused.status_code == 429
    # Even a good link waits, from this address; another address is not affected.
    path = link_for(person)
    assert client.get(path).status_code == 429
    assert app.test_client().get(path, environ_base={"REMOTE_ADDR": "10.0.0.7"}).status_code == 200


def test_reading_a_good_link_does_not_use_up_the_limits(make_app, person):
    app = make_app(SIGNIN_FAILURES_PER_ADDRESS="3 per day", SIGNIN_LIMIT_PER_ADDRESS="50 per day")
    limiter.reset()
    client = app.test_client()
    path = link_for(person)
    for _ in range(6):
        assert client.get(path).status_code == 200
    assert choose(client, path).status_code == 302
