"""Sign-in throttling, sessions that can be revoked, passwords people cannot guess, and headers behind a proxy."""

from __future__ import annotations

import os
import re
from datetime import timedelta

import pytest
from flask_login.utils import encode_cookie
from sqlalchemy import select

from app.extensions import db, limiter
from app.models import User
from tests.conftest import PASSWORD, AuthActions, csrf_token
from tests.web.test_quiz import start

COURSE = "/courses/test-course"
PUBLISHED_KEY = "parley-dev-secret-not-for-production"
REDIS_URL = os.environ.get("PARLEY_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def remember_cookie(response) -> str:
    """The value of the remember-me cookie a response sets."""
    for header in response.headers.getlist("Set-Cookie"):
        if header.startswith("remember_token=") and not header.startswith("remember_token=;"):
            return header.split(";", 1)[0].split("=", 1)[1]
    raise AssertionError("no remember-me cookie set")


def with_remember_cookie(app, value: str):
    """A new browser holding only a (captured) remember-me cookie."""
    other = app.test_client()
    other.set_cookie("remember_token", value, domain="parley.test")
    return other


def signed_in(client) -> bool:
    """Whether the course page opens rather than redirecting to sign-in."""
    return client.get(COURSE).status_code == 200


def failed_login(client, email: str, **extra):
    """Post the sign-in form with a wrong password."""
    return AuthActions(client).login(email, password="wrong password here", **extra)


# --------------------------------------------------------------------------- revocable sessions


def test_a_cookie_forged_with_the_published_key_signs_nobody_in(app, client, course, make_user):
    admin = make_user("admin", email="boss@example.org")
    assert app.config["SECRET_KEY"] != PUBLISHED_KEY
    for payload in (str(admin.id), admin.get_id()):
        with app.test_request_context():
            forged = encode_cookie(payload, key=PUBLISHED_KEY)
        assert not signed_in(with_remember_cookie(app, forged))


def test_sign_out_deletes_the_remember_cookie_and_revokes_copies(app, client, auth, course, make_user):
    make_user(email="learner@example.org")
    captured = remember_cookie(auth.login("learner@example.org", remember="y"))
    assert signed_in(with_remember_cookie(app, captured))

    response = auth.logout()
    deleted = [h for h in response.headers.getlist("Set-Cookie") if h.startswith("remember_token=;")]
    assert deleted and "expires=thu, 01 jan 1970" in deleted[0].lower()
    assert not signed_in(client)
    assert not signed_in(with_remember_cookie(app, captured))


def test_a_password_change_revokes_other_sessions(app, client, auth, course, make_user):
    user = make_user(email="learner@example.org")
    captured = remember_cookie(auth.login("learner@example.org", remember="y"))
    other_device = with_remember_cookie(app, captured)
    assert signed_in(other_device)

    new_password = "a fresh seminar passphrase"
    response = client.post("/auth/account", data={"csrf_token": csrf_token(client, "/auth/account"),
                                                  "current": PASSWORD, "password": new_password,
                                                  "confirm": new_password})
    assert response.status_code == 302
    assert signed_in(client)  # this browser carries on under the new token
    assert not signed_in(other_device)
    assert not signed_in(with_remember_cookie(app, captured))
    db.session.expire_all()
    assert db.session.get(User, user.id).check_password(new_password)


def test_a_wrong_current_password_changes_nothing_and_keeps_what_was_typed(client, course, student):
    token_before = student.session_token
    response = client.post("/auth/account", data={"csrf_token": csrf_token(client, "/auth/account"),
                                                  "current": "not my password", "password": "another good one here",
                                                  "confirm": "another good one here"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "That is not your current password." in page
    db.session.expire_all()
    stored = db.session.get(User, student.id)
    assert stored.session_token == token_before and stored.check_password(PASSWORD)


def test_deactivation_ends_sessions_and_remember_cookies(app, client, auth, course, make_user):
    user = make_user(email="learner@example.org")
    captured = remember_cookie(auth.login("learner@example.org", remember="y"))
    assert signed_in(client)
    db.session.get(User, user.id).active = False
    db.session.commit()
    assert not signed_in(client)
    assert not signed_in(with_remember_cookie(app, captured))


def test_session_and_remember_lifetimes_are_configurable(monkeypatch, make_app, make_user, course):
    monkeypatch.setenv("PARLEY_REMEMBER_DAYS", "3")
    monkeypatch.setenv("PARLEY_SESSION_HOURS", "2")
    app = make_app()
    assert app.config["REMEMBER_COOKIE_DURATION"] == timedelta(days=3)
    assert app.config["PERMANENT_SESSION_LIFETIME"] == timedelta(hours=2)
    make_user(email="learner@example.org")
    response = AuthActions(app.test_client()).login("learner@example.org", remember="y")
    header = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("remember_token="))
    assert re.search(r"Max-Age=259200\b|Expires=", header), header


# --------------------------------------------------------------------------- throttling


@pytest.fixture(params=["memory", "redis"])
def throttled_app(request, make_app, course):
    """An app with small sign-in and registration limits, its counters in memory or in Redis."""
    storage = "memory://"
    if request.param == "redis":
        import redis

        try:
            redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
        except redis.RedisError as exc:
            if os.environ.get("CI") == "true":
                pytest.fail(f"Redis is not reachable at {REDIS_URL} ({exc}), but CI starts it")
            pytest.skip(f"Redis not reachable at {REDIS_URL}")
        storage = REDIS_URL
    app = make_app(
        RATELIMIT_STORAGE_URI=storage,
        # Per day, not per minute: a slow machine can never let a window slide past the test.
        SIGNIN_FAILURES_PER_ACCOUNT="3 per day", SIGNIN_FAILURES_PER_ADDRESS="5 per day",
        SIGNIN_LIMIT_PER_ADDRESS="50 per day", REGISTRATION_LIMIT_PER_ADDRESS="3 per day",
        REGISTRATION_LIMIT_PER_ACCOUNT="2 per day",
    )
    # Counters live as long as their storage (Redis outlives the test run): start from none.
    limiter.reset()
    return app


def test_wrong_passwords_for_one_account_are_throttled(throttled_app, make_user):
    make_user(email="target@example.org")
    client = throttled_app.test_client()
    for _ in range(3):
        allowed = failed_login(client, "target@example.org")
        assert allowed.status_code == 200 and "Retry-After" not in allowed.headers
    refused = failed_login(client, "target@example.org")
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    page = refused.get_data(as_text=True)
    assert "Too many tries" in page and "<h1>" in page
    # The right password is refused too while the account is throttled: guessing gains nothing.
    assert AuthActions(client).login("target@example.org").status_code == 429
    # Another account from the same address still signs in.
    make_user(email="classmate@example.org")
    assert AuthActions(client).login("classmate@example.org").status_code == 302


def test_wrong_passwords_from_one_address_are_throttled_across_accounts(throttled_app, make_user):
    client = throttled_app.test_client()
    for number in range(5):
        assert failed_login(client, f"guess{number}@example.org").status_code == 200
    assert failed_login(client, "guess9@example.org").status_code == 429
    # Another address is not affected.
    elsewhere = throttled_app.test_client()
    make_user(email="learner@example.org")
    response = elsewhere.post("/auth/login", environ_base={"REMOTE_ADDR": "10.0.0.7"}, data={
        "email": "learner@example.org", "password": PASSWORD, "csrf_token": csrf_token(elsewhere)})
    assert response.status_code == 302


def test_successful_sign_ins_do_not_use_up_the_limits(throttled_app, make_user):
    make_user(email="regular@example.org")
    client = throttled_app.test_client()
    for _ in range(8):
        assert AuthActions(client).login("regular@example.org").status_code == 302
        AuthActions(client).logout()


def test_registration_is_throttled(throttled_app):
    client = throttled_app.test_client()

    def register(email: str):
        return client.post("/auth/register", data={
            "name": "Someone", "email": email, "password": "x", "confirm": "x",
            "csrf_token": csrf_token(client, "/auth/register")})

    assert register("one@example.org").status_code == 200
    assert register("one@example.org").status_code == 200
    assert register("one@example.org").status_code == 429  # per email tried: two a day here


def test_registration_is_throttled_per_address(throttled_app):
    client = throttled_app.test_client()
    for number in range(3):
        response = client.post("/auth/register", data={
            "name": "Someone", "email": f"new{number}@example.org", "password": "x", "confirm": "x",
            "csrf_token": csrf_token(client, "/auth/register")})
        assert response.status_code == 200
    response = client.post("/auth/register", data={
        "name": "Someone", "email": "new9@example.org", "password": "x", "confirm": "x",
        "csrf_token": csrf_token(client, "/auth/register")})
    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 0


# --------------------------------------------------------------------------- registration leaks no timing


def test_a_taken_email_costs_the_same_hashing_as_a_free_one(client, course, make_user, monkeypatch):
    from app.models import user as user_module

    make_user(email="taken@example.org")
    hashes = []
    original = user_module.generate_password_hash
    monkeypatch.setattr(user_module, "generate_password_hash", lambda *a, **k: hashes.append(1) or original(*a, **k))

    def register(email: str):
        return client.post("/auth/register", data={
            "name": "Someone", "email": email, "password": PASSWORD, "confirm": PASSWORD,
            "csrf_token": csrf_token(client, "/auth/register")})

    taken = register("taken@example.org")
    assert "already exists" in taken.get_data(as_text=True) and len(hashes) == 1
    register("free@example.org")
    assert len(hashes) == 2


# --------------------------------------------------------------------------- passwords


@pytest.mark.parametrize(("password", "why"), [
    ("password123", "common"), ("1234567890", "common"), ("qwertyuiop", "common"),
    ("iloveyou12", "common"), ("ada@example.org", "email address"), ("short", "at least 10"),
])
def test_guessable_passwords_are_refused_at_registration(client, course, password, why):
    response = client.post("/auth/register", data={
        "name": "Ada Lovelace", "email": "ada@example.org", "password": password, "confirm": password,
        "csrf_token": csrf_token(client, "/auth/register")})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and why in page.lower()
    assert 'value="ada@example.org"' in page and 'value="Ada Lovelace"' in page  # what was typed is kept
    assert db.session.scalars(select(User).where(User.email == "ada@example.org")).first() is None


def test_the_password_rule_is_shown_before_anything_is_typed(client, course):
    page = client.get("/auth/register").get_data(as_text=True)
    assert "at least 10 characters" in page and "common passwords" in page


def test_a_common_password_is_refused_when_changing_it(client, course, student):
    response = client.post("/auth/account", data={"csrf_token": csrf_token(client, "/auth/account"),
                                                  "current": PASSWORD, "password": "password1234",
                                                  "confirm": "password1234"})
    assert response.status_code == 200 and "common" in response.get_data(as_text=True).lower()


def test_the_cli_refuses_a_common_password(runner, course):
    result = runner.invoke(args=["users", "create", "--email", "t@example.org", "--name", "T",
                                 "--role", "instructor", "--password", "password123"])
    assert result.exit_code != 0 and "common" in result.output.lower()


# --------------------------------------------------------------------------- headers


def test_pages_with_answers_or_accounts_are_never_stored(client, course, student):
    attempt = start(client, "alpha-check")
    for url in (f"/attempts/{attempt.id}", f"/attempts/{attempt.id}/summary", "/auth/account",
                f"{COURSE}/quizzes/alpha-check"):
        assert client.get(url).headers.get("Cache-Control") == "no-store", url
    assert client.get(f"{COURSE}/about").headers.get("Cache-Control") != "no-store"


def test_permissions_policy_on_every_page_and_hsts_only_over_https(client, course, make_app):
    response = client.get("/auth/login")
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert "Strict-Transport-Security" not in response.headers
    secure = make_app(HTTPS=True).test_client().get("/auth/login", base_url="https://parley.test")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_behind_a_proxy_the_forwarded_address_and_scheme_are_used(make_app, make_user, course):
    make_user(email="learner@example.org")
    app = make_app(PROXY_HOPS=1, HTTPS=True, SIGNIN_FAILURES_PER_ADDRESS="2 per day")
    client = app.test_client()

    def post_login(address: str, password: str, referer: str | None = "https://parley.test/auth/login"):
        headers = {"X-Forwarded-For": address, "X-Forwarded-Proto": "https"}
        if referer:
            headers["Referer"] = referer
        token = csrf_token(client)
        return client.post("/auth/login", headers=headers,
                           data={"email": "learner@example.org", "password": password, "csrf_token": token})

    # The proxy says HTTPS: Flask-WTF's same-site referrer check applies, as it would on a direct HTTPS hit.
    assert post_login("203.0.113.5", PASSWORD, referer=None).status_code == 400
    assert post_login("203.0.113.5", PASSWORD, referer="https://evil.example/").status_code == 400
    # Limits count the client's address from X-Forwarded-For, not the proxy's.
    assert post_login("203.0.113.5", "wrong password one").status_code == 200
    assert post_login("203.0.113.5", "wrong password two").status_code == 200
    assert post_login("203.0.113.5", "wrong password three").status_code == 429
    assert post_login("198.51.100.9", PASSWORD).status_code == 302


def test_without_proxy_hops_forwarded_headers_are_ignored(make_app, make_user, course):
    app = make_app(SIGNIN_FAILURES_PER_ADDRESS="2 per day")
    client = app.test_client()
    for number in range(2):
        token = csrf_token(client)
        client.post("/auth/login", headers={"X-Forwarded-For": f"192.0.2.{number}"},
                    data={"email": f"x{number}@example.org", "password": "wrong password", "csrf_token": token})
    token = csrf_token(client)
    refused = client.post("/auth/login", headers={"X-Forwarded-For": "192.0.2.99"},
                          data={"email": "x9@example.org", "password": "wrong password", "csrf_token": token})
    assert refused.status_code == 429  # a spoofed header does not give a fresh address


# --------------------------------------------------------------------------- accounts from the command line


def test_cli_lists_deactivates_and_reactivates_accounts(app, client, auth, runner, course, make_user):
    make_user("instructor", email="teach@example.org", name="Tina Teach")
    make_user(email="learner@example.org", name="Lee Learner")
    listed = runner.invoke(args=["users", "list"])
    assert listed.exit_code == 0 and "2 accounts." in listed.output
    assert re.search(r"learner@example.org\s+student\s+active\s+Lee Learner", listed.output)
    assert "teach@example.org" not in runner.invoke(args=["users", "list", "--role", "student"]).output

    captured = remember_cookie(auth.login("learner@example.org", remember="y"))
    result = runner.invoke(args=["users", "deactivate", "learner@example.org"])
    assert result.exit_code == 0 and "signed out everywhere" in result.output
    assert not signed_in(client) and not signed_in(with_remember_cookie(app, captured))
    assert auth.login("learner@example.org").status_code == 200  # refused, as a wrong password is
    assert "deactivated" in runner.invoke(args=["users", "list"]).output
    assert runner.invoke(args=["users", "reactivate", "learner@example.org"]).exit_code == 0
    assert auth.login("learner@example.org").status_code == 302
    missing = runner.invoke(args=["users", "deactivate", "nobody@example.org"])
    assert missing.exit_code != 0 and "no account" in missing.output
