"""Bad input is answered as bad input, never with a 500: ids beyond the database's integer range, NUL
characters, files where text is expected, and oversized chunked bodies, on every route of the app.

The routes come from the app's own URL map, so a route added later is covered without touching this file.
"""

from __future__ import annotations

import io
import re

import pytest
from flask import request
from werkzeug.exceptions import NotFound

from app import create_app
from app.request_checks import MAX_ID, accepts_files
from tests.conftest import csrf_token

# Stand-ins for the URL arguments of the fixture course; "1" for ids, "x" for anything not listed.
ARGUMENTS = {"course_key": "test-course", "lesson_key": "alpha", "quiz_key": "alpha-check", "filename": "css/x.css"}
HUGE_IDS = [2**31, 2**63, 10**30, 0, int("9" * 4000)]
URL_ARGUMENT = re.compile(r"<(?:(\w+)(\([^)]*\))?:)?(\w+)>")
NUL_TEXT = "NUL character"
FILE_TEXT = "does not accept files"


# Every (rule, method) of the app, read from its URL map when the tests are collected.
_APP = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
RULES = sorted((rule.rule, method) for rule in _APP.url_map.iter_rules()
               for method in rule.methods - {"HEAD", "OPTIONS"})
ALL_RULES = [pytest.param(rule, method, id=f"{method} {rule}") for rule, method in RULES]
ID_RULES = [pytest.param(rule, method, id=f"{method} {rule}") for rule, method in RULES if "<int:" in rule]
POST_RULES = [pytest.param(rule, id=rule) for rule, method in RULES if method == "POST"]
# Views that opt in to uploads (enrolment from a CSV file): only the size limit applies to them.
UPLOAD_RULES = {rule.rule for rule in _APP.url_map.iter_rules()
                if getattr(_APP.view_functions[rule.endpoint], "accepts_files", False)}
LIMIT = _APP.config["MAX_CONTENT_LENGTH"]


# --------------------------------------------------------------------------- helpers


def path_of(rule: str, ident: int | str = 1, text: str | None = None) -> str:
    """The rule's path with `ident` for its ids and the fixture's values (or `text`) for its other arguments."""

    def fill(match: re.Match) -> str:
        converter, arguments, name = match.groups()
        if converter == "int":
            return str(ident)
        if converter == "any":  # <any(publish, discard):action>: the first of its values
            return arguments.strip("()").split(",")[0].strip()
        return text if text is not None else ARGUMENTS.get(name, "x")

    return URL_ARGUMENT.sub(fill, rule)


def is_error_page(response, text: str) -> bool:
    """Whether the response is the site's error page carrying `text`."""
    return text in response.get_data(as_text=True)


ROLES = ["anonymous", "student", "instructor"]


def sign_in_as(role: str, make_user, auth) -> None:
    """Sign out, then (unless `role` is anonymous) sign in as a new user with that role."""
    auth.logout()
    if role != "anonymous":
        user = make_user(role)
        assert auth.login(user.email).status_code == 302


def form_body(size: int, **fields: str) -> bytes:
    """An urlencoded form of exactly `size` bytes: padding first, so a body cut short loses the real fields."""
    tail = "".join(f"&{name}={value}" for name, value in fields.items()).encode()
    return b"pad=" + b"a" * (size - len(tail) - 4) + tail


def chunked_post(client, path: str, body: bytes, *, terminated: bool = True, **headers):
    """POST `body` with Transfer-Encoding: chunked and no length, as gunicorn passes it (wsgi.input_terminated)."""
    return client.post(path, input_stream=io.BytesIO(body),
                       headers={"Transfer-Encoding": "chunked",
                                "Content-Type": "application/x-www-form-urlencoded", **headers},
                       environ_base={"wsgi.input_terminated": True} if terminated else {})


# --------------------------------------------------------------------------- ids beyond the integer range


def test_some_routes_take_ids():
    """The parametrized tests below are not vacuous."""
    assert ID_RULES and POST_RULES and len(ALL_RULES) > len(POST_RULES)


# The first path segment of a blueprint that refuses a role outright, and the roles it refuses.
REFUSED_ROLES = {"author": ("student",), "statistics": ("student",), "admin": ("student", "instructor")}


@pytest.mark.parametrize(("rule", "method"), ID_RULES)
def test_huge_id_is_404(app, client, make_user, auth, course, rule, method):
    """An id no row can have is not found, for anyone, instead of overflowing the database's integer;
    the largest 32-bit id still reaches the view (and is simply not found there)."""
    adapter = app.url_map.bind("parley.test")
    assert adapter.match(path_of(rule, MAX_ID), method=method)[1]
    with pytest.raises(NotFound):
        adapter.match(path_of(rule, MAX_ID + 1), method=method)
    for role in ROLES:
        sign_in_as(role, make_user, auth)
        token = csrf_token(client)
        for ident in HUGE_IDS:
            response = client.open(path_of(rule, ident), method=method, data={"csrf_token": token})
            assert response.status_code == 404, (role, ident, response.status_code)
        response = client.open(path_of(rule, MAX_ID), method=method, data={"csrf_token": token})
        # Blueprints for some roles refuse the others before looking anything up (403); elsewhere the id is
        # simply not found.
        allowed = (302, 403, 404) if role in REFUSED_ROLES.get(rule.split("/")[1], ()) else (302, 404)
        assert response.status_code in allowed, (role, response.status_code)


def test_forged_session_user_id_is_nobody(client, make_user, auth):
    """A session naming an id beyond the integer range signs nobody in instead of crashing the user loader."""
    user = make_user("student")
    for user_id in ["99999999999999999999", "99999999999999999999.token", str(2**63), f"{2**31}.x"]:
        assert auth.login(user.email).status_code == 302
        with client.session_transaction() as session:
            session["_user_id"] = user_id
        assert client.get("/").status_code == 200, user_id
        assert client.get(path_of("/attempts/<int:attempt_id>")).status_code == 302, user_id  # to sign-in


# --------------------------------------------------------------------------- NUL characters


FORM_FIELDS = {"email": "learner@example.org", "password": "pass", "name": "Name", "page": "1", "go": "next",
               "answer": "a"}


@pytest.mark.parametrize(("rule", "method"), ALL_RULES)
def test_nul_is_400_and_never_reaches_the_database(client, student, course, count_queries, rule, method):
    """A NUL in the query string, in a path segment (a course, lesson or quiz key) or in a posted field's
    value or name is refused with a message and never reaches the database (PostgreSQL text cannot hold it)."""
    token = csrf_token(client)
    requests = [(f"{path_of(rule)}?{query}", {"csrf_token": token}) for query in ("next=%00", "page=1%00", "q%00=1")]
    if path_of(rule, text="") != path_of(rule):  # the rule has a text argument
        requests.append((path_of(rule, text="test%00course"), {"csrf_token": token}))
    if method == "POST":
        requests.append((path_of(rule), {"csrf_token": token, **{k: f"{v}\x00tail" for k, v in FORM_FIELDS.items()}}))
        requests.append((path_of(rule), {"csrf_token": token, **FORM_FIELDS, "an\x00swer": "a"}))
    with count_queries() as statements:
        for path, data in requests:
            response = client.open(path, method=method, data=data)
            assert response.status_code == 400, (path, data, response.status_code)
            assert is_error_page(response, NUL_TEXT), (path, data)
    assert not [statement for statement, parameters in zip(statements, statements.parameters, strict=True)
                if "\x00" in statement or "\\x00" in repr(parameters)]


def test_nul_in_sign_in_form_is_400_even_without_csrf_token(client, make_user):
    """The NUL check comes before the CSRF check, so the answer names the real problem."""
    make_user(email="learner@example.org")
    response = client.post("/auth/login", data={"email": "learner@example.org\x00", "password": "x"})
    assert response.status_code == 400
    assert is_error_page(response, NUL_TEXT)


# --------------------------------------------------------------------------- files where text is expected


@pytest.mark.parametrize("rule", POST_RULES)
def test_post_refuses_files_and_oversized_bodies(client, student, course, rule):
    """A file where text is expected is 400 with a message; a body past MAX_CONTENT_LENGTH is 413, whether it
    declares its length or comes chunked (then it is refused whole, not cut short at the limit and parsed)."""
    token = csrf_token(client)
    if rule not in UPLOAD_RULES:
        data = {"csrf_token": token, "answer": (io.BytesIO(b"hello"), "answer.txt")}
        response = client.post(path_of(rule), data=data, content_type="multipart/form-data")
        assert response.status_code == 400
        assert is_error_page(response, FILE_TEXT)
    body = form_body(LIMIT + 1, csrf_token=token)
    response = client.post(path_of(rule), data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413
    assert chunked_post(client, path_of(rule), body).status_code == 413


def test_multipart_form_without_files_still_works(client, make_user):
    """A multipart form whose parts are all text is an ordinary form."""
    user = make_user()
    data = {"csrf_token": csrf_token(client), "email": user.email, "password": "correct horse battery"}
    response = client.post("/auth/login", data=data, content_type="multipart/form-data")
    assert response.status_code == 302


def test_accepts_files_lets_a_view_take_uploads(app, client):
    """A view marked @accepts_files receives the file; its name still may not hold a NUL."""

    @accepts_files
    def upload():
        return {name: upload.read().decode() for name, upload in request.files.items()}

    app.add_url_rule("/test-upload", "test_upload", upload, methods=["POST"])
    token = csrf_token(client)
    response = client.post("/test-upload", content_type="multipart/form-data",
                           data={"csrf_token": token, "gift": (io.BytesIO(b"::Q1:: 1+1 {=2}"), "quiz.gift")})
    assert response.status_code == 200
    assert response.get_json() == {"gift": "::Q1:: 1+1 {=2}"}
    response = client.post("/test-upload", content_type="multipart/form-data",
                           data={"csrf_token": token, "gift": (io.BytesIO(b"x"), "quiz\x00.gift")})
    assert response.status_code == 400


def test_too_many_multipart_parts_is_413(app, client):
    """MAX_FORM_PARTS bounds a multipart form."""
    data = {f"field{i}": "x" for i in range(app.config["MAX_FORM_PARTS"] + 1)}
    response = client.post("/auth/login", data=data, content_type="multipart/form-data")
    assert response.status_code == 413


def test_too_large_multipart_field_is_413(app, client):
    """MAX_FORM_MEMORY_SIZE bounds one multipart text field."""
    data = {"email": "x" * (app.config["MAX_FORM_MEMORY_SIZE"] + 1)}
    response = client.post("/auth/login", data=data, content_type="multipart/form-data")
    assert response.status_code == 413


# --------------------------------------------------------------------------- bodies over the limit


def test_chunked_body_within_limit_is_read_whole(client, make_user):
    """A chunked sign-in form of exactly the limit is read in full, up to the fields at its end."""
    user = make_user()
    body = form_body(LIMIT, csrf_token=csrf_token(client), email=user.email.replace("@", "%40"),
                      password="correct+horse+battery")
    assert chunked_post(client, "/auth/login", body).status_code == 302


def test_chunked_body_with_nul_is_400(client, make_user):
    """The NUL check reads chunked bodies too."""
    make_user(email="learner@example.org")
    body = form_body(1000, csrf_token=csrf_token(client), email="learner%40example.org%00", password="x")
    response = chunked_post(client, "/auth/login", body)
    assert response.status_code == 400
    assert is_error_page(response, NUL_TEXT)


def test_chunked_body_the_server_does_not_delimit_is_400(client):
    """Without wsgi.input_terminated Werkzeug would read a chunked body as empty; it is refused instead."""
    body = form_body(100, csrf_token=csrf_token(client))
    response = chunked_post(client, "/auth/login", body, terminated=False)
    assert response.status_code == 400
    assert is_error_page(response, "Content-Length")
