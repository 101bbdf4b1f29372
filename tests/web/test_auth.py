"""Accounts and the security policy around them: who may open what, sign-in, registration, CSRF,
cookies, headers and the `flask users` commands."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

from app.auth.routes import FAILED_LOGIN
from app.extensions import db
from app.models import Lesson, LessonProgress, LessonVisit, User
from app.models import user as user_model
from tests.conftest import PASSWORD, PRODUCTION_HASH_METHOD, csrf_token

LOGIN_PATH = "/auth/login"

# Endpoints anyone may use without signing in. Everything else in the URL map must appear in
# PROTECTED below, so a new route cannot silently skip the anonymous-access check.
PUBLIC = frozenset({"learn.home", "learn.about", "auth.login", "auth.register", "auth.reset_password",
                    "auth.forgot_password", "favicon"})

# Every non-public route, as (method, url). "{visit}" is replaced by the id of a real visit.
STAFF_BLUEPRINTS = ("authoring.", "people.", "cohorts.", "reports.", "statistics.")

PROTECTED = [
    ("GET", "/courses/test-course"),
    ("GET", "/courses/test-course/continue"),
    ("GET", "/courses/test-course/review"),
    ("GET", "/review"),
    ("GET", "/courses/test-course/lessons/alpha"),
    ("POST", "/courses/test-course/lessons/alpha/complete"),
    ("POST", "/visits/{visit}/heartbeat"),
    ("POST", "/auth/logout"),
    ("GET", "/courses/test-course/quizzes/alpha-check"),
    ("POST", "/courses/test-course/quizzes/alpha-check/start"),
    ("GET", "/attempts/{visit}"),
    ("POST", "/attempts/{visit}/save"),
    ("GET", "/attempts/{visit}/summary"),
    ("POST", "/attempts/{visit}/submit"),
    ("GET", "/attempts/{visit}/review"),
    ("GET", "/auth/account"),
    ("POST", "/auth/account"),
    ("POST", "/auth/account/name"),
]

CSRF_VALUE = re.compile(r'((?:name="csrf_token"[^>]*value|name="csrf-token" content)=")[^"]*(")')
FLASH = re.compile(r'<p class="flash flash-(\w+)">(.*?)</p>', re.S)


# --------------------------------------------------------------------------- helpers


def count(model) -> int:
    """Rows of a model, read from the database."""
    return db.session.scalar(select(func.count()).select_from(model))


def users_with_email(email: str) -> list[User]:
    """Accounts stored with exactly this email (case-insensitive)."""
    return list(db.session.scalars(select(User).where(func.lower(User.email) == email.lower())))


def signed_in_user_id(client) -> str | None:
    """The user id the session cookie carries (without its session token), if any."""
    with client.session_transaction() as sess:
        value = sess.get("_user_id")
    return value.partition(".")[0] if value else None


def flashes(html: str) -> list[tuple[str, str]]:
    """The flash messages on a page, as (category, text without the label)."""
    return [(category, re.sub(r"<strong>.*?</strong>\s*", "", text).strip()) for category, text in FLASH.findall(html)]


def set_cookie(response, name: str) -> str:
    """The Set-Cookie header that sets (not clears) the named cookie."""
    for header in response.headers.getlist("Set-Cookie"):
        if header.startswith(f"{name}=") and not header.startswith(f"{name}=;"):
            return header
    raise AssertionError(f"no Set-Cookie for {name!r} in {response.headers.getlist('Set-Cookie')}")


def cookie_attributes(header: str) -> set[str]:
    """The attribute names and name=value pairs of a Set-Cookie header, lowercased."""
    return {part.strip().lower() for part in header.split(";")[1:]}


def register(client, **fields):
    """Post the registration form with a real CSRF token."""
    data = {"name": "Ada Lovelace", "email": "ada@example.org", "password": PASSWORD, "confirm": PASSWORD,
            "csrf_token": csrf_token(client, "/auth/register")}
    data.update(fields)
    return client.post("/auth/register", data=data)


def login_location(response) -> tuple[str, dict[str, list[str]]]:
    """Path and query of a redirect's target."""
    parts = urlsplit(response.location)
    assert parts.netloc in ("", "parley.test"), response.location
    return parts.path, parse_qs(parts.query)


@pytest.fixture()
def visit(course, make_user):
    """Another learner's open visit to the alpha lesson, with known counters."""
    owner = make_user("student", email="owner@example.org")
    lesson = db.session.scalars(select(Lesson).where(Lesson.key == "alpha")).one()
    seen = datetime(2024, 1, 1, 12, 0, 0, tzinfo=UTC)
    row = LessonVisit(user_id=owner.id, lesson_id=lesson.id, started_at=seen, last_seen_at=seen, seconds=0)
    db.session.add(row)
    db.session.commit()
    return row


# --------------------------------------------------------------------------- anonymous access


def _url(url: str, visit: LessonVisit) -> str:
    return url.format(visit=visit.id)


@pytest.mark.parametrize(("method", "url"), [p for p in PROTECTED if p[0] == "GET"])
def test_protected_get_redirects_anonymous_to_login(client, visit, method, url):
    url = _url(url, visit)
    response = client.open(url, method=method)
    assert response.status_code == 302
    path, query = login_location(response)
    assert path == LOGIN_PATH
    assert query["next"] == [url]
    assert signed_in_user_id(client) is None


@pytest.mark.parametrize(("method", "url"), [p for p in PROTECTED if p[0] == "POST"])
def test_protected_post_refuses_anonymous(client, visit, method, url):
    url = _url(url, visit)
    before = (visit.seconds, visit.last_seen_at)

    # Without a CSRF token: the CSRF check refuses first.
    response = client.open(url, method=method)
    assert response.status_code == 400

    # With a valid token: the login check refuses and sends to the sign-in page.
    response = client.open(url, method=method, data={"csrf_token": csrf_token(client)})
    assert response.status_code == 302
    path, _ = login_location(response)
    assert path == LOGIN_PATH

    db.session.expire_all()
    assert count(LessonProgress) == 0
    assert count(LessonVisit) == 1
    stored = db.session.get(LessonVisit, visit.id)
    assert (stored.seconds, stored.last_seen_at) == before
    assert signed_in_user_id(client) is None


@pytest.mark.parametrize("url", ["/", "/courses/test-course/about", "/auth/login", "/auth/register"])
def test_public_pages_open_to_anonymous(client, course, url):
    assert client.get(url).status_code == 200


def test_every_route_is_public_or_checked(app):
    """A route added later must be declared public or added to PROTECTED."""
    adapter = app.url_map.bind("parley.test")
    covered = set()
    for method, url in PROTECTED:
        endpoint, _ = adapter.match(url.format(visit=1), method=method)
        covered.add((endpoint, method))

    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints >= PUBLIC, f"stale PUBLIC entries: {PUBLIC - endpoints}"

    missing = set()
    for rule in app.url_map.iter_rules():
        # Authoring rules are checked one by one in test_authoring.py (anonymous sent to sign in, students 403),
        # and the people, cohort, report and statistics rules for every role in test_staff_access.py.
        if rule.endpoint == "static" or rule.endpoint in PUBLIC or rule.endpoint.startswith(STAFF_BLUEPRINTS):
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            if (rule.endpoint, method) not in covered:
                missing.add((rule.endpoint, method, rule.rule))
    assert not missing, f"routes neither PUBLIC nor in PROTECTED: {sorted(missing)}"


# --------------------------------------------------------------------------- signing in


def test_login_success_lands_on_the_course(client, auth, make_user, course):
    user = make_user("student", email="learner@example.org")
    response = auth.login("learner@example.org")
    assert response.status_code == 302
    assert signed_in_user_id(client) == str(user.id)
    assert login_location(response)[0] == "/"
    home = client.get("/")
    assert home.status_code == 302
    assert login_location(home)[0] == "/courses/test-course"
    assert client.get("/courses/test-course").status_code == 200


def test_login_email_is_case_insensitive(client, auth, make_user):
    user = make_user("student", email="learner@example.org")
    assert auth.login("  Learner@EXAMPLE.org ").status_code == 302
    assert signed_in_user_id(client) == str(user.id)


def _normalised(html: str, email: str) -> str:
    return CSRF_VALUE.sub(r"\1TOKEN\2", html).replace(email, "EMAIL")


def test_wrong_password_and_unknown_email_look_the_same(client, auth, make_user):
    make_user("student", email="learner@example.org")

    wrong = auth.login("learner@example.org", password="not the password")
    unknown = auth.login("nobody@example.org", password="not the password")

    assert wrong.status_code == unknown.status_code == 200
    wrong_html, unknown_html = wrong.get_data(as_text=True), unknown.get_data(as_text=True)
    assert flashes(wrong_html) == flashes(unknown_html) == [("error", FAILED_LOGIN)]
    # Apart from the typed email and the CSRF token, the two pages are identical.
    assert _normalised(wrong_html, "learner@example.org") == _normalised(unknown_html, "nobody@example.org")
    assert signed_in_user_id(client) is None


def test_failed_login_keeps_email_but_never_echoes_password(client, auth, make_user):
    make_user("student", email="learner@example.org")
    typed = "my-Secret-typed-pw"
    response = auth.login("learner@example.org", password=typed)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert re.search(r'<input[^>]*name="email"[^>]*value="learner@example.org"', html)
    assert typed not in html
    assert re.search(r'<input[^>]*name="password"[^>]*value=""', html)


def test_inactive_user_cannot_sign_in(client, auth, make_user, course):
    user = make_user("student", email="learner@example.org")
    user.active = False
    db.session.commit()

    response = auth.login("learner@example.org")
    assert response.status_code == 200
    assert flashes(response.get_data(as_text=True)) == [("error", FAILED_LOGIN)]
    assert signed_in_user_id(client) is None
    assert client.get("/courses/test-course").status_code == 302


def test_deactivated_user_loses_existing_session(client, student, course):
    assert client.get("/courses/test-course").status_code == 200
    student.active = False
    db.session.commit()
    response = client.get("/courses/test-course")
    assert response.status_code == 302
    assert login_location(response)[0] == LOGIN_PATH


def _browser_restart(client) -> None:
    """Forget the session cookie, as closing the browser does; the remember-me cookie stays."""
    client.delete_cookie("session", domain="parley.test")


@pytest.mark.parametrize("first_page", ["/courses/test-course/about", "/courses/test-course", "/"])
def test_remember_me_survives_a_browser_restart(client, auth, make_user, course, first_page):
    user = make_user("student", email="learner@example.org")
    assert auth.login("learner@example.org", remember="y").status_code == 302
    _browser_restart(client)

    client.get(first_page)
    for _ in range(3):
        assert client.get("/courses/test-course").status_code == 200
    assert signed_in_user_id(client) == str(user.id)


def test_without_remember_me_a_browser_restart_signs_out(client, student, course):
    _browser_restart(client)
    assert client.get("/courses/test-course").status_code == 302


def test_session_replayed_from_another_client_is_dropped(client, student, course):
    assert client.get("/courses/test-course").status_code == 200
    response = client.get("/courses/test-course", headers={"User-Agent": "Stolen-Cookie/1.0"})
    assert response.status_code == 302
    assert login_location(response)[0] == LOGIN_PATH


def test_session_is_cleared_at_login(client, auth, make_user):
    make_user("student", email="learner@example.org")
    with client.session_transaction() as sess:
        sess["planted"] = "by an attacker"
        sess["_fresh"] = "planted"
    assert auth.login("learner@example.org").status_code == 302
    with client.session_transaction() as sess:
        assert "planted" not in sess
        assert sess["_fresh"] is True
        assert sess.get("_user_id")


def test_next_is_honoured_for_a_local_path(client, auth, make_user, course):
    make_user("student", email="learner@example.org")
    response = auth.login("learner@example.org", next="/courses/test-course")
    assert response.status_code == 302
    assert login_location(response)[0] == "/courses/test-course"


def test_next_survives_the_real_redirect_round_trip(client, auth, make_user, course):
    make_user("student", email="learner@example.org")
    to_login = client.get("/courses/test-course/lessons/alpha")
    page = client.get(to_login.location).get_data(as_text=True)
    hidden = re.search(r'<input[^>]*name="next"[^>]*value="([^"]*)"', page)
    assert hidden and hidden.group(1) == "/courses/test-course/lessons/alpha"
    response = auth.login("learner@example.org", next=hidden.group(1))
    assert login_location(response)[0] == "/courses/test-course/lessons/alpha"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example", "/\\evil.example",
                                    "javascript:alert(1)", " //evil.example", "http:/evil.example"])
def test_next_to_another_site_is_ignored(client, auth, make_user, target):
    make_user("student", email="learner@example.org")
    response = auth.login("learner@example.org", next=target)
    assert response.status_code == 302
    parts = urlsplit(response.location)
    assert parts.netloc in ("", "parley.test")
    assert parts.path == "/"
    assert "evil" not in response.location


def test_logout_is_post_only(client, student, course):
    assert client.get("/auth/logout").status_code == 405
    assert signed_in_user_id(client) == str(student.id)
    assert client.get("/courses/test-course").status_code == 200


def test_logout_ends_the_session(client, auth, student, course):
    response = auth.logout()
    assert response.status_code == 302
    assert login_location(response)[0] == LOGIN_PATH
    with client.session_transaction() as sess:
        assert "_user_id" not in sess
    assert client.get("/courses/test-course").status_code == 302


def test_logout_without_csrf_token_is_refused(client, student, course):
    assert client.post("/auth/logout").status_code == 400
    assert signed_in_user_id(client) == str(student.id)


# --------------------------------------------------------------------------- passwords


def test_passwords_are_stored_hashed(make_user):
    user = make_user("student")
    assert user.password_hash != PASSWORD
    assert PASSWORD not in user.password_hash
    assert user.password_hash.startswith(("scrypt:", "pbkdf2:"))
    assert user.check_password(PASSWORD)
    assert not user.check_password(PASSWORD + "x")


def test_production_hashes_passwords_with_scrypt(make_user, monkeypatch):
    # The suite hashes with cheap PBKDF2 (tests/conftest.py); a deployment uses what the module says.
    monkeypatch.setattr(user_model, "HASH_METHOD", PRODUCTION_HASH_METHOD)
    user = make_user("student")
    assert user.password_hash.startswith("scrypt:32768:8:1$")
    assert user.check_password(PASSWORD) and not user.check_password(PASSWORD + "x")


def test_same_password_gets_different_salts(make_user):
    first, second = make_user("student"), make_user("student")
    assert first.password_hash != second.password_hash


# --------------------------------------------------------------------------- registration


def test_registration_creates_a_signed_in_student(client, course):
    response = register(client, name="  Ada Lovelace ", email="Ada.Lovelace@Example.ORG")
    assert response.status_code == 302

    [user] = users_with_email("ada.lovelace@example.org")
    assert user.email == "ada.lovelace@example.org"
    assert user.name == "Ada Lovelace"
    assert user.role == "student"
    assert user.password_hash.startswith(("scrypt:", "pbkdf2:"))
    assert user.check_password(PASSWORD)
    assert signed_in_user_id(client) == str(user.id)
    assert client.get("/courses/test-course").status_code == 200


def test_registration_clears_the_previous_session(client):
    with client.session_transaction() as sess:
        sess["planted"] = "by an attacker"
    assert register(client).status_code == 302
    with client.session_transaction() as sess:
        assert "planted" not in sess


def test_registered_user_cannot_choose_a_role(client):
    response = register(client, email="sneaky@example.org", role="admin")
    assert response.status_code == 302
    [user] = users_with_email("sneaky@example.org")
    assert user.role == "student"


def test_register_link_shown_when_registration_open(client):
    assert 'href="/auth/register"' in client.get("/auth/login").get_data(as_text=True)


def test_registration_closed(make_app):
    closed = make_app(REGISTRATION_OPEN=False)
    client = closed.test_client()

    assert client.get("/auth/register").status_code == 404
    response = client.post("/auth/register", data={"name": "A", "email": "closed@example.org",
                                                    "password": PASSWORD, "confirm": PASSWORD,
                                                    "csrf_token": csrf_token(client)})
    assert response.status_code == 404

    login_page = client.get("/auth/login")
    assert login_page.status_code == 200
    assert "/auth/register" not in login_page.get_data(as_text=True)
    with closed.app_context():
        assert users_with_email("closed@example.org") == []
        db.session.rollback()


def test_duplicate_email_is_refused_and_keeps_the_name(client, make_user):
    make_user("student", email="taken@example.org", name="First Owner")
    response = register(client, name="Typed Name", email="Taken@Example.org")
    html = response.get_data(as_text=True)

    assert response.status_code == 200
    assert "An account with this email already exists" in html
    assert re.search(r'<input[^>]*name="name"[^>]*value="Typed Name"', html)
    assert PASSWORD not in html
    [owner] = users_with_email("taken@example.org")
    assert owner.name == "First Owner"
    assert signed_in_user_id(client) is None


def test_password_mismatch_keeps_name_and_email(client):
    response = register(client, name="Typed Name", email="typed@example.org", confirm=PASSWORD + "!")
    html = response.get_data(as_text=True)

    assert response.status_code == 200
    assert "The passwords do not match." in html
    assert re.search(r'<input[^>]*name="name"[^>]*value="Typed Name"', html)
    assert re.search(r'<input[^>]*name="email"[^>]*value="typed@example.org"', html)
    assert PASSWORD not in html
    assert users_with_email("typed@example.org") == []


def test_short_password_is_refused(client):
    response = register(client, email="short@example.org", password="short", confirm="short")
    assert response.status_code == 200
    assert "at least 10" in response.get_data(as_text=True).lower()
    assert users_with_email("short@example.org") == []


@pytest.mark.parametrize("email", ["not-an-email", "two@@example.org", "spaces in@example.org"])
def test_malformed_email_is_refused(client, email):
    response = register(client, email=email)
    assert response.status_code == 200
    assert "Enter a valid email address." in response.get_data(as_text=True)
    assert count(User) == 0


def test_signed_in_user_is_sent_away_from_register(client, student):
    response = client.get("/auth/register")
    assert response.status_code == 302
    assert login_location(response)[0] == "/"


# --------------------------------------------------------------------------- CSRF


def test_login_without_csrf_token_is_refused(client, make_user):
    make_user("student", email="learner@example.org")
    client.get("/auth/login")  # a session exists, as for a real visitor
    response = client.post("/auth/login", data={"email": "learner@example.org", "password": PASSWORD})
    assert response.status_code == 400
    assert signed_in_user_id(client) is None


def test_login_with_forged_csrf_token_is_refused(client, make_user):
    make_user("student", email="learner@example.org")
    client.get("/auth/login")
    response = client.post("/auth/login", data={"email": "learner@example.org", "password": PASSWORD,
                                                "csrf_token": "forged"})
    assert response.status_code == 400
    assert signed_in_user_id(client) is None


def test_register_without_csrf_token_creates_nobody(client):
    client.get("/auth/register")
    response = client.post("/auth/register", data={"name": "No Token", "email": "notoken@example.org",
                                                   "password": PASSWORD, "confirm": PASSWORD})
    assert response.status_code == 400
    assert users_with_email("notoken@example.org") == []
    assert count(User) == 0


# --------------------------------------------------------------------------- cookies and headers


def test_session_cookie_flags_at_login(client, auth, make_user):
    make_user("student", email="learner@example.org")
    response = auth.login("learner@example.org", remember="y")
    assert response.status_code == 302

    session_flags = cookie_attributes(set_cookie(response, "session"))
    assert "httponly" in session_flags
    assert "samesite=lax" in session_flags
    assert "secure" not in session_flags  # plain HTTP by default, so local development works

    remember_flags = cookie_attributes(set_cookie(response, "remember_token"))
    assert "httponly" in remember_flags
    assert "samesite=lax" in remember_flags


def test_cookies_are_secure_with_https(make_app, make_user):
    make_user("student", email="learner@example.org")
    db.session.commit()
    secure_app = make_app(HTTPS=True)
    assert secure_app.config["SESSION_COOKIE_SECURE"] is True
    assert secure_app.config["REMEMBER_COOKIE_SECURE"] is True

    client = secure_app.test_client()
    base = "https://parley.test"
    page = client.get("/auth/login", base_url=base).get_data(as_text=True)
    token = re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)
    # Over HTTPS Flask-WTF also checks that the Referer is this site, as a browser would send it.
    response = client.post("/auth/login", base_url=base, headers={"Referer": f"{base}/auth/login"}, data={
        "email": "learner@example.org", "password": PASSWORD, "remember": "y", "csrf_token": token})
    assert response.status_code == 302

    for name in ("session", "remember_token"):
        flags = cookie_attributes(set_cookie(response, name))
        assert {"secure", "httponly", "samesite=lax"} <= flags, (name, flags)


@pytest.mark.parametrize(("method", "url", "status"), [
    ("GET", "/auth/login", 200),
    ("GET", "/courses/test-course", 302),
    ("GET", "/no-such-page", 404),
    ("POST", "/auth/login", 400),
])
def test_security_headers_on_every_response(client, course, method, url, status):
    response = client.open(url, method=method)
    assert response.status_code == status
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp


# --------------------------------------------------------------------------- CLI


def test_cli_creates_an_instructor(runner):
    password = "instructor-password-1"
    result = runner.invoke(args=["users", "create", "--email", "X@Example.org", "--name", "X",
                                 "--role", "instructor", "--password", password])
    assert result.exit_code == 0, result.output
    assert "Created instructor" in result.output
    assert password not in result.output

    [user] = users_with_email("x@example.org")
    assert user.role == "instructor"
    assert user.email == "x@example.org"
    assert user.check_password(password)
    assert user.password_hash != password


def test_cli_refuses_a_duplicate_email(runner, make_user):
    make_user("student", email="x@example.org", name="Original")
    db.session.commit()
    result = runner.invoke(args=["users", "create", "--email", "x@example.org", "--name", "X",
                                 "--role", "admin", "--password", "another-password-1"])
    assert result.exit_code != 0
    assert "already exists" in result.output
    assert "x@example.org" in result.output
    [user] = users_with_email("x@example.org")
    assert (user.name, user.role) == ("Original", "student")


def test_cli_refuses_a_short_password(runner):
    result = runner.invoke(args=["users", "create", "--email", "x@example.org", "--name", "X",
                                 "--role", "instructor", "--password", "short"])
    assert result.exit_code != 0
    assert "at least 10 characters" in result.output
    assert users_with_email("x@example.org") == []


def test_cli_refuses_an_unknown_role(runner):
    result = runner.invoke(args=["users", "create", "--email", "x@example.org", "--name", "X",
                                 "--role", "superuser", "--password", "long-enough-password"])
    assert result.exit_code != 0
    assert users_with_email("x@example.org") == []


DEMO_LINE = re.compile(r"^created: (\w+)\s+(\S+)\s+password: (\S+)$", re.M)


def test_cli_demo_accounts(runner):
    first = runner.invoke(args=["users", "demo"])
    assert first.exit_code == 0, first.output
    created = DEMO_LINE.findall(first.output)
    assert sorted(role for role, _, _ in created) == ["admin", "instructor", "student"]

    db.session.expire_all()
    for role, email, password in created:
        assert first.output.count(password) == 1
        [user] = users_with_email(email)
        assert user.role == role
        assert user.check_password(password)
        assert user.password_hash != password
    assert len({password for _, _, password in created}) == 3

    second = runner.invoke(args=["users", "demo"])
    assert second.exit_code == 0, second.output
    assert "password:" not in second.output
    assert DEMO_LINE.findall(second.output) == []
    for _, _, password in created:
        assert password not in second.output
    assert second.output.count("exists:") == 3
    assert count(User) == 3

