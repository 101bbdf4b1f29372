"""The account pages a student meets: the password rule stated on every form that sets one, a way back from a
lost password, and changing one's own name (and password) on the account page."""

from __future__ import annotations

import html
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, User
from app.passwords import MAX_LENGTH, MIN_LENGTH, RULE, password_problem
from app.services.password_resets import RESET_LIFETIME, issue_reset
from tests.conftest import CSRF_META, PASSWORD, csrf_token

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Page(HTMLParser):
    """A page's elements: the attributes of each element with an id, its text, and every input by name."""

    def __init__(self, markup: str):
        super().__init__(convert_charrefs=True)
        self.by_id: dict[str, dict[str, str | None]] = {}
        self.text: dict[str, str] = {}
        self.inputs: dict[str, list[dict[str, str | None]]] = {}
        self.forms: list[dict[str, str | None]] = []
        self.ids: list[str] = []
        self._open: list[str | None] = []
        self.feed(markup)

    def handle_starttag(self, tag, attrs):
        """Record ids, inputs and forms; track which ids the following text belongs to."""
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.append(attrs["id"])
            self.by_id[attrs["id"]] = {"tag": tag, **attrs}
            self.text.setdefault(attrs["id"], "")
        if tag == "input" and attrs.get("name"):
            self.inputs.setdefault(attrs["name"], []).append(attrs)
        if tag == "form":
            self.forms.append(attrs)
        if tag not in VOID:
            self._open.append(attrs.get("id"))

    def handle_endtag(self, tag):
        """Close the innermost open element."""
        if tag not in VOID and self._open:
            self._open.pop()

    def handle_data(self, data):
        """Add text to every open element with an id."""
        for element_id in self._open:
            if element_id:
                self.text[element_id] += data

    def input(self, name: str) -> dict[str, str | None]:
        """The one input with this name."""
        found = self.inputs.get(name, [])
        assert len(found) == 1, f"{len(found)} inputs named {name!r}"
        return found[0]

    def description(self, name: str) -> str:
        """The text of everything the input's aria-describedby names, in order, spaces collapsed."""
        described = (self.input(name).get("aria-describedby") or "").split()
        assert described, f"input {name!r} has no aria-describedby"
        for element_id in described:
            assert element_id in self.by_id, f"aria-describedby names a missing id {element_id!r}"
        return " ".join(" ".join(self.text[element_id].split()) for element_id in described)


def page(response) -> Page:
    """The parsed page of a response."""
    return Page(response.get_data(as_text=True))


def text(response) -> str:
    """A response's HTML with entities decoded and spaces collapsed."""
    return " ".join(html.unescape(response.get_data(as_text=True)).split())


def reset_path(user: User) -> str:
    """A fresh one-time reset link for the account, as its path."""
    issued = issue_reset(db.session, user, issued_by=None)
    db.session.commit()
    return f"/auth/reset/{issued.token}"


def stored(user: User) -> User:
    """The account as stored now."""
    db.session.expire_all()
    return db.session.get(User, user.id)


def rename(client, name: str, **extra):
    """Post the name form of the account page."""
    return client.post("/auth/account/name", data={"name": name, "csrf_token": csrf_token(client, "/auth/account"),
                                                   **extra})


def name_events() -> list[AuditEvent]:
    """Audit events of accounts edited, oldest first."""
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "account-edit")
                                   .order_by(AuditEvent.id)))


# --------------------------------------------------------------------------- the password rule


def _register_page(client, _make_user):
    return client.get("/auth/register")


def _account_page(client, make_user):
    make_user(email="learner@example.org")
    client.post("/auth/login", data={"email": "learner@example.org", "password": PASSWORD,
                                     "csrf_token": csrf_token(client)})
    return client.get("/auth/account")


def _reset_page(client, make_user):
    return client.get(reset_path(make_user(email="lena@example.org")))


FORMS_SETTING_A_PASSWORD = [pytest.param(_register_page, id="register"), pytest.param(_account_page, id="account"),
                            pytest.param(_reset_page, id="reset-link")]


@pytest.mark.parametrize("open_form", FORMS_SETTING_A_PASSWORD)
def test_every_form_that_sets_a_password_states_the_rule_tied_to_the_input(client, make_user, open_form):
    response = open_form(client, make_user)
    assert response.status_code == 200
    parsed = page(response)
    assert parsed.description("password") == RULE
    # Only the new password carries the rule: the repeat field and the current password do not need it.
    assert "aria-describedby" not in parsed.input("confirm")
    assert parsed.input("password")["autocomplete"] == "new-password"


def test_the_rule_and_an_error_are_both_tied_to_the_input_after_a_refusal(client):
    response = client.post("/auth/register", data={"name": "Ada Lovelace", "email": "ada@example.org",
                                                   "password": "short", "confirm": "short",
                                                   "csrf_token": csrf_token(client, "/auth/register")})
    parsed = page(response)
    password = parsed.input("password")
    assert password["aria-invalid"] == "true"
    described = parsed.description("password")
    assert described.startswith(RULE)
    assert "Use at least 10 characters (this one has 5)" in described


def test_an_administrator_creating_an_account_sets_no_password(client, make_user, auth):
    """The people create form issues a set-password link instead, so there is no password rule to state there."""
    make_user("admin", email="boss@example.org")
    auth.login("boss@example.org")
    response = client.get("/admin/people/new")
    assert response.status_code == 200
    assert 'type="password"' not in response.get_data(as_text=True)
    assert "one-time link" in text(response)


def test_the_stated_rule_names_the_limits_the_code_enforces():
    assert f"at least {MIN_LENGTH} characters" in RULE and f"at most {MAX_LENGTH}" in RULE
    fine = "violet kettle orbit lantern"
    assert password_problem(fine, email="ada@example.org", name="Ada Lovelace") is None
    assert password_problem("a" * 3 + fine[:MIN_LENGTH - 4]) is not None  # one short of the minimum
    assert password_problem(("violet kettle orbit lantern " * 8)[:MAX_LENGTH + 1]) is not None
    assert password_problem(("violet kettle orbit lantern " * 8)[:MAX_LENGTH]) is None


@pytest.mark.parametrize(("password", "rule_words"), [
    ("password123", "“password123”"),  # the examples the rule gives are refused
    ("qwertyuiop", "“qwertyuiop”"),
    ("ada@example.org", "email address"),
    ("lovelace2024", "your name"),
    ("abcdefghijkl", "sequences"),
    ("aaaaaaaaaaaa", "repeats"),
])
def test_what_the_rule_says_is_refused_is_refused(password, rule_words):
    assert rule_words in RULE
    assert password_problem(password, email="ada@example.org", name="Ada Lovelace") is not None


@pytest.mark.parametrize(("password", "advice"), [
    ("short", "add another word"),
    ("x" * (MAX_LENGTH + 1), f"use at most {MAX_LENGTH} characters"),
    ("ada@example.org", "choose a few uncommon words"),
    ("password123", "add another word"),
    ("lovelace2024", "add another word"),
])
def test_every_refusal_says_what_to_change(password, advice):
    problem = password_problem(password, email="ada@example.org", name="Ada Lovelace")
    assert problem is not None and advice in problem.lower()


def test_a_password_built_from_ones_name_says_so():
    problem = password_problem("lovelace2024", email="ada@example.org", name="Ada Lovelace")
    assert problem.startswith("It is easy to guess from your name or email address.")


def test_empty_fields_say_what_to_fill_in(client):
    response = client.post("/auth/register", data={"csrf_token": csrf_token(client, "/auth/register")})
    page_text = text(response)
    assert response.status_code == 200
    for message in ("Enter your full name.", "Enter your email address.", "Enter the password you want to use.",
                    "Type the same password again here."):
        assert message in page_text
    assert "This field is required." not in page_text


# --------------------------------------------------------------------------- a lost password


def test_the_sign_in_page_links_to_the_forgotten_password_page(client):
    login = client.get("/auth/login").get_data(as_text=True)
    assert '<a href="/auth/forgot-password">Forgot your password?</a>' in login
    assert client.get("/auth/forgot-password").status_code == 200


def test_the_forgotten_password_page_explains_the_reset_link_and_that_no_email_is_sent(client):
    response = client.get("/auth/forgot-password")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page_text = text(response)
    assert "No email is sent by Parley" in page_text
    assert "administrator" in page_text and "instructor" in page_text
    assert "works once" in page_text
    assert f"within {int(RESET_LIFETIME.total_seconds() // 3600)} hours (a day)" in page_text


def test_the_forgotten_password_page_asks_nothing_so_reveals_no_account(client, make_user):
    make_user(email="known@example.org")
    known = client.get("/auth/forgot-password?email=known@example.org").get_data(as_text=True)
    unknown = client.get("/auth/forgot-password?email=nobody@example.org").get_data(as_text=True)
    assert "<form" not in known and "<input" not in known
    assert "known@example.org" not in known
    # The same page whatever is asked: only the session's CSRF token in the head differs between visits.
    assert CSRF_META.sub("", known) == CSRF_META.sub("", unknown)
    assert client.post("/auth/forgot-password", data={"csrf_token": csrf_token(client)}).status_code == 405


def test_a_refused_reset_link_points_to_the_forgotten_password_page(client):
    response = client.get("/auth/reset/not-a-real-token")
    assert response.status_code == 404
    assert 'href="/auth/forgot-password"' in response.get_data(as_text=True)


# --------------------------------------------------------------------------- one's own name


def test_the_account_page_has_a_name_form_showing_the_current_name(client, student):
    parsed = page(client.get("/auth/account"))
    name = parsed.input("name")
    assert name["value"] == "Test Person" and name["autocomplete"] == "name"
    actions = [form.get("action") for form in parsed.forms if form.get("action") != "/auth/logout"]
    assert actions == ["/auth/account/name", "/auth/account"]
    assert len(parsed.ids) == len(set(parsed.ids)), "duplicate ids on the account page"


def test_a_student_changes_their_own_name(client, student):
    response = rename(client, "  Ada King  ")
    assert response.status_code == 302 and response.location.endswith("/auth/account")
    after = client.get(response.location)
    assert "Your name is now “Ada King”." in text(after)
    assert page(after).input("name")["value"] == "Ada King"
    assert stored(student).name == "Ada King"
    event = name_events()[-1]
    assert (event.actor_id, event.target_user_id) == (student.id, student.id)
    assert event.details == {"old_name": "Test Person", "new_name": "Ada King"}


def test_the_same_name_again_changes_nothing_and_records_nothing(client, student):
    response = rename(client, "Test Person")
    assert response.status_code == 302
    assert "Your name is unchanged" in text(client.get(response.location))
    assert name_events() == []


@pytest.mark.parametrize(("typed", "message"), [
    ("", "Enter your full name."),
    ("   ", "Enter your full name."),
    ("N" * 121, "Use at most 120 characters for your name"),
])
def test_a_bad_name_is_refused_and_what_was_typed_is_kept(client, student, typed, message):
    response = rename(client, typed)
    assert response.status_code == 200
    parsed = page(response)
    name = parsed.input("name")
    assert (name.get("value") or "") == typed
    assert name["aria-invalid"] == "true"
    assert message in parsed.description("name")
    assert stored(student).name == "Test Person"
    assert name_events() == []


def test_changing_the_name_needs_the_csrf_token(client, student):
    response = client.post("/auth/account/name", data={"name": "Forged Name"})
    assert response.status_code == 400
    response = client.post("/auth/account/name", data={"name": "Forged Name", "csrf_token": "forged"})
    assert response.status_code == 400
    assert stored(student).name == "Test Person"
    assert name_events() == []


def test_changing_the_name_needs_a_signed_in_account(client, make_user):
    response = client.post("/auth/account/name", data={"name": "Someone", "csrf_token": csrf_token(client)})
    assert response.status_code == 302 and "/auth/login" in response.location


def test_a_long_passphrase_is_judged_not_crashed_on(client):
    """zxcvbn refuses to look at more than 72 characters; a longer passphrase is still accepted up to the maximum."""
    passphrase = ("violet kettle orbit lantern " * 8)[:MAX_LENGTH]
    response = client.post("/auth/register", data={"name": "Ada Lovelace", "email": "ada@example.org",
                                                   "password": passphrase, "confirm": passphrase,
                                                   "csrf_token": csrf_token(client, "/auth/register")})
    assert response.status_code == 302


def test_the_password_can_still_be_changed_on_the_account_page(app, client, student):
    new_password = "violet kettle orbit lantern"
    response = client.post("/auth/account", data={"csrf_token": csrf_token(client, "/auth/account"),
                                                  "current": PASSWORD, "password": new_password,
                                                  "confirm": new_password})
    assert response.status_code == 302
    assert stored(student).check_password(new_password)


def test_a_refused_password_keeps_the_name_form_as_it_was(client, student):
    response = client.post("/auth/account", data={"csrf_token": csrf_token(client, "/auth/account"),
                                                  "current": "not my password", "password": "password123",
                                                  "confirm": "password123"})
    assert response.status_code == 200
    parsed = page(response)
    assert parsed.input("name")["value"] == "Test Person"
    assert "aria-invalid" not in parsed.input("name")
    assert "This is a very common password." in parsed.description("password")
