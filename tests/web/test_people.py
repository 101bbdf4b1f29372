"""People in the browser, for administrators: the list, creating and editing accounts, roles, deactivation,
reset links, the last-administrator rule, and the audit log."""

from __future__ import annotations

import html
import re
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from app import create_app
from app.extensions import db
from app.models import AuditEvent, Cohort, CohortMember, PasswordReset, User
from tests.conftest import PASSWORD, AuthActions, csrf_token

PEOPLE = "/admin/people/"
FLASH = re.compile(r'<p class="flash flash-(\w+)"><strong>[^<]*</strong>\s*(.*?)</p>', re.S)
RESET_LINK = re.compile(r'value="(http://parley\.test/auth/reset/[A-Za-z0-9_-]+)"')
# One hash for every bulk-made account: hashing is slow, and these accounts never sign in.
BULK_HASH = generate_password_hash("never used for signing in")


def _people_rules() -> list[tuple[str, str]]:
    """Every (method, rule) of the people blueprint, read from the URL map so a new route cannot be missed."""
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    return sorted((method, rule.rule) for rule in app.url_map.iter_rules() if rule.endpoint.startswith("people.")
                  for method in rule.methods - {"HEAD", "OPTIONS"})


PEOPLE_RULES = _people_rules()


# --------------------------------------------------------------------------- helpers


@pytest.fixture()
def admin(make_user, auth):
    """A signed-in administrator."""
    user = make_user("admin", email="admin@example.org", name="Ada Admin")
    assert auth.login("admin@example.org").status_code == 302
    return user


def post(client, url: str, **data):
    """POST a form with the session's CSRF token."""
    return client.post(url, data={"csrf_token": csrf_token(client, "/auth/account"), **data})


def flashes(page: str) -> list[tuple[str, str]]:
    """The flash messages on a page, as (category, text)."""
    return [(category, html.unescape(text).strip()) for category, text in FLASH.findall(page)]


def follow(client, response) -> str:
    """The page a redirect leads to."""
    assert response.status_code == 302, response.status_code
    return client.get(response.location).get_data(as_text=True)


def text(response) -> str:
    """A response's HTML with entities decoded, for plain-text assertions."""
    return html.unescape(response.get_data(as_text=True))


def events(action: str | None = None) -> list[AuditEvent]:
    """Audit events, oldest first, optionally of one action."""
    query = select(AuditEvent).order_by(AuditEvent.id)
    if action:
        query = query.where(AuditEvent.action == action)
    return list(db.session.scalars(query))


def reload(user: User) -> User:
    """The account as stored now."""
    db.session.expire_all()
    return db.session.get(User, user.id)


def snapshot() -> list[tuple]:
    """Everything about every account and the audit log, to compare before and after a refused request."""
    db.session.expire_all()
    users = db.session.execute(select(User.id, User.email, User.name, User.role, User.active, User.password_hash,
                                      User.session_token).order_by(User.id)).all()
    return [*users, ("events", db.session.scalar(select(func.count()).select_from(AuditEvent))),
            ("resets", db.session.scalar(select(func.count()).select_from(PasswordReset)))]


def add_people(count: int, *, prefix: str = "bulk", role: str = "student") -> list[User]:
    """Many accounts at once, without hashing a password for each."""
    users = [User(email=f"{prefix}{n:03d}@example.org", name=f"{prefix.title()} {n:03d}", role=role,
                  password_hash=BULK_HASH) for n in range(count)]
    db.session.add_all(users)
    db.session.commit()
    return users


def signed_in(client) -> bool:
    """Whether the client's session still signs someone in."""
    return client.get("/auth/account").status_code == 200


def rows(page: str) -> list[str]:
    """The body rows of the page's first data table, as text without tags."""
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip() for row in body.split("</tr>")[:-1]]


# --------------------------------------------------------------------------- who may use the pages


def concrete(rule: str, user_id: int) -> str:
    """A URL for a people rule, naming a real account."""
    return rule.replace("<int:user_id>", str(user_id))


def test_the_rules_cover_the_whole_blueprint():
    assert {rule for _, rule in PEOPLE_RULES} >= {"/admin/people/", "/admin/people/new", "/admin/people/<int:user_id>",
                                                  "/admin/people/audit", "/admin/people/<int:user_id>/deactivate",
                                                  "/admin/people/<int:user_id>/reactivate",
                                                  "/admin/people/<int:user_id>/reset"}
    assert ("POST", "/admin/people/<int:user_id>") in PEOPLE_RULES and ("POST", "/admin/people/new") in PEOPLE_RULES


@pytest.mark.parametrize(("method", "rule"), PEOPLE_RULES)
def test_anonymous_is_sent_to_sign_in_and_changes_nothing(client, make_user, method, rule):
    target = make_user("student", email="target@example.org")
    before = snapshot()
    url = concrete(rule, target.id)
    if method == "GET":
        response = client.get(url)
    else:
        response = client.post(url, data={"csrf_token": csrf_token(client, "/auth/login"), "name": "X",
                                          "email": "x@example.org", "role": "admin"})
    assert response.status_code == 302
    assert response.location.split("?")[0].endswith("/auth/login")
    assert snapshot() == before


@pytest.mark.parametrize("role", ["student", "instructor"])
@pytest.mark.parametrize(("method", "rule"), PEOPLE_RULES)
def test_students_and_instructors_are_forbidden_and_change_nothing(client, auth, make_user, role, method, rule):
    make_user(role, email="someone@example.org")
    target = make_user("student", email="target@example.org")
    assert auth.login("someone@example.org").status_code == 302
    before = snapshot()
    url = concrete(rule, target.id)
    response = client.get(url) if method == "GET" else post(client, url, name="X", email="x@example.org",
                                                             role="admin")
    assert response.status_code == 403
    assert snapshot() == before


# --------------------------------------------------------------------------- the list


def test_the_list_shows_each_account_with_role_state_created_date_and_cohorts(client, admin, make_user):
    learner = make_user("student", email="lena@example.org", name="Lena Learner")
    gone = make_user("instructor", email="gone@example.org", name="Gus Gone")
    gone.active = False
    spring, autumn = Cohort(name="Spring 2024", starts_on=date(2024, 3, 1)), Cohort(name="Autumn 2024",
                                                                                  starts_on=date(2024, 9, 1))
    db.session.add_all([spring, autumn])
    db.session.flush()
    db.session.add_all([CohortMember(cohort_id=spring.id, user_id=learner.id),
                        CohortMember(cohort_id=autumn.id, user_id=learner.id)])
    db.session.commit()

    response = client.get(PEOPLE)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = text(response)
    listed = rows(page)
    created = learner.created_at.strftime("%d %b %Y")
    assert listed == [
        f"Ada Admin admin@example.org Administrator Active {admin.created_at.strftime('%d %b %Y')} —",
        f"Gus Gone gone@example.org Instructor Deactivated {gone.created_at.strftime('%d %b %Y')} —",
        f"Lena Learner lena@example.org Student Active {created} Autumn 2024, Spring 2024",
    ]
    assert f'href="/admin/people/{learner.id}"' in page
    assert "<caption>" in page and '<th scope="col">Role</th>' in page


def test_search_is_case_insensitive_on_name_or_email_and_takes_wildcards_literally(client, admin, make_user):
    make_user("student", email="lena@example.org", name="Lena Learner")
    make_user("student", email="sam@school.example", name="Sam Stranger")
    make_user("instructor", email="per_cent@example.org", name="Percy 100%")

    def names(**args) -> list[str]:
        response = client.get(PEOPLE, query_string=args)
        assert response.status_code == 200
        return [row.split(" ")[0] for row in rows(text(response)) if row != "No account matches."]

    assert names(q="LEARNER") == ["Lena"]
    assert names(q="School.EX") == ["Sam"]
    assert names(q="  lena  ") == ["Lena"]
    assert names(q="100%") == ["Percy"]
    assert names(q="%") == ["Percy"]
    assert names(q="_") == ["Percy"]
    assert names(q="nobody") == []
    assert "No account matches." in text(client.get(PEOPLE, query_string={"q": "nobody"}))


def test_filters_by_role_and_state_and_sorts(client, admin, make_user):
    make_user("student", email="zed@example.org", name="Anna Zed")
    make_user("student", email="amy@example.org", name="Zoe Amy")
    off = make_user("instructor", email="off@example.org", name="Otto Off")
    off.active = False
    db.session.commit()

    def emails(**args) -> list[str]:
        response = client.get(PEOPLE, query_string=args)
        assert response.status_code == 200
        return re.findall(r"<td>([^<@]+@[^<]+)</td>", response.get_data(as_text=True))

    assert emails() == ["admin@example.org", "zed@example.org", "off@example.org", "amy@example.org"]  # by name
    assert emails(sort="email") == ["admin@example.org", "amy@example.org", "off@example.org", "zed@example.org"]
    assert emails(role="student", sort="email") == ["amy@example.org", "zed@example.org"]
    assert emails(state="deactivated") == ["off@example.org"]
    assert emails(state="active", role="instructor") == []
    assert emails(state="active", sort="email") == ["admin@example.org", "amy@example.org", "zed@example.org"]


@pytest.mark.parametrize("args", [{"role": "wizard"}, {"state": "asleep"}, {"sort": "shoe-size"}])
def test_a_bad_filter_is_a_clear_400(client, admin, args):
    response = client.get(PEOPLE, query_string=args)
    assert response.status_code == 400
    page = text(response)
    assert "Not a valid choice" in page and "Fix the filters above" in page


def test_the_list_is_paginated_and_the_page_number_checked(client, admin):
    add_people(60)
    first = text(client.get(PEOPLE))
    assert len(rows(first)) == 50 and "61 accounts; page 1 of 2" in first
    assert 'href="/admin/people/?page=2"' in first
    second = client.get(PEOPLE, query_string={"page": "2"})
    assert second.status_code == 200 and len(rows(text(second))) == 11
    filtered = text(client.get(PEOPLE, query_string={"q": "bulk", "sort": "email"}))
    assert "60 accounts; page 1 of 2" in filtered
    assert re.search(r'href="/admin/people/\?(?=[^"]*q=bulk)(?=[^"]*sort=email)(?=[^"]*page=2)[^"]*"', filtered)
    for bad in ("0", "-1", "abc", "1.5", "99999999999999999999", "²"):
        refused = client.get(PEOPLE, query_string={"page": bad})
        assert refused.status_code == 400, bad
        assert "The page number must be a whole number" in text(refused)
    assert client.get(PEOPLE, query_string={"page": "3"}).status_code == 404


def test_the_list_runs_a_fixed_number_of_queries(client, admin, count_queries):
    with count_queries() as few:
        assert client.get(PEOPLE).status_code == 200
    users = add_people(45)
    cohorts = [Cohort(name=f"Cohort {n}", starts_on=date(2024, 1, 1)) for n in range(3)]
    db.session.add_all(cohorts)
    db.session.flush()
    db.session.add_all([CohortMember(cohort_id=cohort.id, user_id=user.id) for user in users for cohort in cohorts])
    db.session.commit()
    with count_queries() as many:
        page = client.get(PEOPLE)
    assert page.status_code == 200 and "Cohort 0, Cohort 1, Cohort 2" in text(page)
    assert len(many) == len(few), many
    assert len(few) <= 5, few


# --------------------------------------------------------------------------- creating an account


def test_an_admin_creates_an_account_and_gets_a_one_time_link(client, admin):
    response = post(client, "/admin/people/new", name="  Nia New ", email=" Nia@Example.org ", role="instructor")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = text(response)
    assert RESET_LINK.search(page), page
    link = RESET_LINK.search(page).group(1)
    created = db.session.scalars(select(User).where(User.email == "nia@example.org")).one()
    assert (created.name, created.role, created.active) == ("Nia New", "instructor", True)
    reset = db.session.scalars(select(PasswordReset).where(PasswordReset.user_id == created.id)).one()
    assert f"until {reset.expires_at.strftime('%d %b %Y %H:%M')} UTC" in re.sub(r"<[^>]+>", "", page)
    assert [(e.action, e.actor_id, e.target_user_id) for e in events()] == [
        ("account-create", admin.id, created.id), ("reset-issue", admin.id, created.id)]
    assert events("account-create")[0].details == {"role": "instructor"}
    # Nobody knows the account's password until the link is used.
    assert AuthActions(client.application.test_client()).login("nia@example.org").status_code == 200
    assert not created.check_password(PASSWORD)
    # The link opens the set-password page of this account.
    reset_page = client.application.test_client().get(link)
    assert reset_page.status_code == 200 and "nia@example.org" in text(reset_page)
    # Shown once: the account's page does not show it again.
    assert link not in text(client.get(f"/admin/people/{created.id}"))


@pytest.mark.parametrize(("fields", "message"), [
    ({"email": "TAKEN@example.org"}, "Another account already uses this email."),
    ({"email": "not-an-email"}, "Enter a valid email address."),
    ({"name": ""}, "Enter the person's name."),
    ({"role": "wizard"}, "Not a valid choice"),
])
def test_a_bad_create_form_keeps_what_was_typed_and_creates_nothing(client, admin, make_user, fields, message):
    make_user("student", email="taken@example.org", name="Taken Already")
    before = snapshot()
    data = {"name": "Nia <New>", "email": "nia@example.org", "role": "instructor", **fields}
    response = post(client, "/admin/people/new", **data)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert message in html.unescape(page)
    if data["name"]:
        assert 'value="Nia &lt;New&gt;"' in page
    assert f'value="{data["email"]}"' in page
    if data["role"] == "instructor":
        assert re.search(r'<option selected value="instructor">|<option value="instructor" selected>', page)
    assert snapshot() == before


# --------------------------------------------------------------------------- editing an account


def test_an_admin_edits_name_email_and_role(client, admin, make_user):
    person = make_user("student", email="lena@example.org", name="Lena Learner")
    response = post(client, f"/admin/people/{person.id}", name="Lena Lovelace", email="LENA.L@example.org",
                    role="instructor")
    page = follow(client, response)
    assert ("success", "Saved: name “Lena Learner” → “Lena Lovelace”; email lena@example.org → lena.l@example.org; "
                       "role → instructor.") in flashes(page)
    stored = reload(person)
    assert (stored.name, stored.email, stored.role) == ("Lena Lovelace", "lena.l@example.org", "instructor")
    edit, role = events("account-edit"), events("role-change")
    assert [(e.actor_id, e.target_user_id) for e in edit + role] == [(admin.id, person.id)] * 2
    assert edit[0].details == {"old_name": "Lena Learner", "new_name": "Lena Lovelace",
                               "old_email": "lena@example.org", "new_email": "lena.l@example.org"}
    assert role[0].details == {"old_role": "student", "new_role": "instructor"}
    # The account's page lists its recent history, newest first.
    assert [row.split(" ")[5] for row in rows(page)[:2]] == ["role-change", "account-edit"]

    # Saving unchanged values records nothing.
    unchanged = post(client, f"/admin/people/{person.id}", name="Lena Lovelace", email="lena.l@example.org",
                     role="instructor")
    assert ("success", "Nothing to change.") in flashes(follow(client, unchanged))
    assert len(events()) == 2


def test_an_email_taken_by_another_account_is_refused_and_nothing_changes(client, admin, make_user):
    person = make_user("student", email="lena@example.org", name="Lena Learner")
    make_user("student", email="sam@example.org")
    before = snapshot()
    response = post(client, f"/admin/people/{person.id}", name="Lena Renamed", email="SAM@example.org", role="admin")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Another account already uses this email." in page
    assert 'value="Lena Renamed"' in page and 'value="SAM@example.org"' in page
    assert snapshot() == before


def test_an_unknown_account_is_404(client, admin):
    assert client.get("/admin/people/999999").status_code == 404
    assert post(client, "/admin/people/999999/deactivate").status_code == 404
    assert post(client, "/admin/people/999999/reset").status_code == 404


def test_deactivate_signs_the_account_out_and_reactivate_lets_it_back(app, client, admin, make_user):
    person = make_user("student", email="lena@example.org")
    elsewhere = app.test_client()
    assert AuthActions(elsewhere).login("lena@example.org").status_code == 302
    assert signed_in(elsewhere)

    page = follow(client, post(client, f"/admin/people/{person.id}/deactivate"))
    assert ("success", "lena@example.org is deactivated and signed out everywhere.") in flashes(page)
    assert "Reactivate lena@example.org" in page
    assert not reload(person).active
    assert not signed_in(elsewhere)
    assert AuthActions(elsewhere).login("lena@example.org").status_code == 200
    again = follow(client, post(client, f"/admin/people/{person.id}/deactivate"))
    assert ("success", "lena@example.org already was deactivated.") in flashes(again)

    page = follow(client, post(client, f"/admin/people/{person.id}/reactivate"))
    assert ("success", "lena@example.org can sign in again.") in flashes(page)
    assert reload(person).active
    assert AuthActions(elsewhere).login("lena@example.org").status_code == 302
    assert [(e.action, e.actor_id, e.target_user_id) for e in events()] == [
        ("deactivate", admin.id, person.id), ("reactivate", admin.id, person.id)]


def test_the_last_admin_cannot_deactivate_or_demote_themselves(client, admin, make_user):
    make_user("admin", email="retired-admin@example.org").active = False  # an admin, but not an active one
    db.session.commit()
    before = snapshot()

    page = follow(client, post(client, f"/admin/people/{admin.id}/deactivate"))
    assert ("error", "admin@example.org is the last active administrator: make another account an active "
                     "administrator first, or nobody could manage accounts any more. Nothing was changed."
            ) in flashes(page)
    assert snapshot() == before

    for role in ("instructor", "student"):
        refused = post(client, f"/admin/people/{admin.id}", name="Ada Renamed", email="ada@example.org", role=role)
        assert refused.status_code == 200
        body = text(refused)
        assert "is the last active administrator" in body and "Nothing was changed." in body
        assert 'value="Ada Renamed"' in body
        assert snapshot() == before
    assert signed_in(client)


def test_with_two_admins_one_may_go_but_not_the_other(app, client, admin, make_user):
    other = make_user("admin", email="other-admin@example.org")
    follow(client, post(client, f"/admin/people/{other.id}/deactivate"))
    assert not reload(other).active
    # Now the signed-in admin is the last active one.
    before = snapshot()
    post(client, f"/admin/people/{admin.id}/deactivate")
    assert snapshot() == before
    # Reactivated, the other admin makes it possible again; demoting the other is refused once alone again.
    follow(client, post(client, f"/admin/people/{other.id}/reactivate"))
    follow(client, post(client, f"/admin/people/{other.id}", name="Other", email="other-admin@example.org",
                        role="instructor"))
    assert reload(other).role == "instructor"
    refused = post(client, f"/admin/people/{admin.id}", name="Ada Admin", email="admin@example.org", role="student")
    assert "last active administrator" in text(refused)
    assert reload(admin).role == "admin"


def test_two_admins_removing_each_other_at_once_leave_one(app, admin, make_user):
    other = make_user("admin", email="other-admin@example.org")
    clients = []
    for email, target in (("admin@example.org", other), ("other-admin@example.org", admin)):
        client = app.test_client()
        assert AuthActions(client).login(email).status_code == 302
        clients.append((client, csrf_token(client, "/auth/account"), f"/admin/people/{target.id}/deactivate"))

    def deactivate(job) -> int:
        client, token, url = job
        return client.post(url, data={"csrf_token": token}).status_code

    with ThreadPoolExecutor(max_workers=2) as pool:
        statuses = list(pool.map(deactivate, clients))
    db.session.commit()
    db.session.expire_all()
    assert statuses == [302, 302]
    assert db.session.scalar(select(func.count()).select_from(User).where(User.role == "admin",
                                                                          User.active.is_(True))) == 1
    assert len(events("deactivate")) == 1


def test_an_admin_may_demote_themselves_when_another_admin_remains(client, admin, make_user):
    make_user("admin", email="other-admin@example.org")
    response = post(client, f"/admin/people/{admin.id}", name="Ada Admin", email="admin@example.org",
                    role="instructor")
    assert response.status_code == 302 and response.location.endswith("/")
    assert reload(admin).role == "instructor"
    assert client.get(PEOPLE).status_code == 403
    assert events("role-change")[0].details == {"old_role": "admin", "new_role": "instructor"}


def test_an_admin_may_deactivate_themselves_when_another_admin_remains(client, admin, make_user):
    make_user("admin", email="other-admin@example.org")
    response = post(client, f"/admin/people/{admin.id}/deactivate")
    assert response.status_code == 302 and response.location.endswith("/auth/login")
    assert not reload(admin).active
    assert not signed_in(client)


def test_a_reset_link_is_shown_once_and_replaces_the_previous_one(app, client, admin, make_user):
    person = make_user("student", email="lena@example.org")
    first = post(client, f"/admin/people/{person.id}/reset")
    assert first.status_code == 200 and first.headers["Cache-Control"] == "no-store"
    first_link = RESET_LINK.search(text(first)).group(1)
    assert "lena@example.org" in text(first)
    second_link = RESET_LINK.search(text(post(client, f"/admin/people/{person.id}/reset"))).group(1)
    assert second_link != first_link
    assert first_link not in text(client.get(f"/admin/people/{person.id}"))
    visitor = app.test_client()
    assert visitor.get(first_link).status_code == 410
    assert visitor.get(second_link).status_code == 200
    assert [(e.action, e.actor_id, e.target_user_id) for e in events()] == [("reset-issue", admin.id, person.id)] * 2
    # The password keeps working until the link is used.
    assert AuthActions(app.test_client()).login("lena@example.org").status_code == 302


def test_a_reset_link_for_a_deactivated_account_says_it_cannot_sign_in_yet(client, admin, make_user):
    person = make_user("student", email="lena@example.org")
    person.active = False
    db.session.commit()
    page = text(post(client, f"/admin/people/{person.id}/reset"))
    assert "this account is deactivated" in page


# --------------------------------------------------------------------------- the audit log


AUDIT = "/admin/people/audit"


@pytest.fixture()
def logged(admin, make_user):
    """Events on three days: by the admin, by the command line, about two people, and one about a quiz."""
    lena = make_user("student", email="lena@example.org", name="Lena Learner")
    sam = make_user("student", email="sam@example.org", name="Sam Stranger")
    db.session.add_all([
        AuditEvent(at=datetime(2024, 3, 1, 9, 0, tzinfo=UTC), actor_id=admin.id, action="account-create",
                   subject="account lena@example.org", target_user_id=lena.id, details={"role": "student"}),
        AuditEvent(at=datetime(2024, 3, 2, 23, 59, 59, tzinfo=UTC), actor_id=None, action="deactivate",
                   subject="account sam@example.org", target_user_id=sam.id, details={}),
        AuditEvent(at=datetime(2024, 3, 3, 0, 0, tzinfo=UTC), actor_id=admin.id, action="publish",
                   subject="quiz alpha-check", version_number=2, details={"change": "wording"}),
    ])
    db.session.commit()
    return {"lena": lena, "sam": sam}


def subjects(client, **args) -> list[str]:
    """The subjects of the audit events the page lists with these filters."""
    response = client.get(AUDIT, query_string=args)
    assert response.status_code == 200, text(response)
    return [html.unescape(s) for s in re.findall(r"<td>(account [^<]+|quiz [^<]+)</td>", response.get_data(True))]


def test_the_audit_log_lists_every_event_newest_first(client, logged, admin):
    response = client.get(AUDIT)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert rows(text(response)) == [
        "2024-03-03 00:00:00+00:00 Ada Admin (admin@example.org) publish quiz alpha-check — version 2 change: wording",
        "2024-03-02 23:59:59+00:00 command line deactivate account sam@example.org Sam Stranger (sam@example.org) — —",
        "2024-03-01 09:00:00+00:00 Ada Admin (admin@example.org) account-create account lena@example.org "
        "Lena Learner (lena@example.org) — role: student",
    ]
    assert f'href="/admin/people/{logged["sam"].id}"' in response.get_data(as_text=True)


def test_the_audit_log_filters(client, logged):
    assert subjects(client, action="deactivate") == ["account sam@example.org"]
    assert subjects(client, actor="ADMIN@") == ["quiz alpha-check", "account lena@example.org"]
    assert subjects(client, target="sam") == ["account sam@example.org"]
    assert subjects(client, target="example.org") == ["account sam@example.org", "account lena@example.org"]
    assert subjects(client, since="2024-03-02") == ["quiz alpha-check", "account sam@example.org"]
    assert subjects(client, until="2024-03-02") == ["account sam@example.org", "account lena@example.org"]
    assert subjects(client, since="2024-03-02", until="2024-03-02") == ["account sam@example.org"]
    assert subjects(client, since="2024-03-04") == []
    assert subjects(client, action="reset-use", actor="admin") == []
    assert subjects(client, actor="%") == []


@pytest.mark.parametrize(("args", "message"), [
    ({"since": "2024-02-30"}, "Enter the date as YYYY-MM-DD, for example 2024-03-01."),
    ({"until": "yesterday"}, "Enter the date as YYYY-MM-DD, for example 2024-03-01."),
    ({"since": "2024-03-05", "until": "2024-03-01"}, "The “To” day is before the “From” day."),
    ({"until": "9999-12-31"}, "Choose a day before the year 9999 ends."),
    ({"action": "explode"}, "Not a valid choice"),
    ({"page": "zero"}, "The page number must be a whole number"),
])
def test_bad_audit_filters_get_a_message_not_an_error(client, logged, args, message):
    response = client.get(AUDIT, query_string=args)
    assert response.status_code == 400
    assert message in text(response)


def test_people_changes_made_in_the_browser_show_in_the_audit_log(client, admin, make_user):
    person = make_user("student", email="lena@example.org")
    post(client, f"/admin/people/{person.id}/deactivate")
    post(client, f"/admin/people/{person.id}/reset")
    listed = rows(text(client.get(AUDIT, query_string={"target": "lena"})))
    assert [row.split(" ")[5] for row in listed] == ["reset-issue", "deactivate"]


def test_the_audit_log_is_paginated_and_runs_a_fixed_number_of_queries(client, admin, make_user, count_queries):
    with count_queries() as few:
        assert client.get(AUDIT).status_code == 200
    people = add_people(30)
    db.session.add_all([AuditEvent(at=datetime(2024, 1, 1, tzinfo=UTC), actor_id=people[n % 30].id,
                                   action="account-edit", subject=f"account {people[(n + 1) % 30].email}",
                                   target_user_id=people[(n + 1) % 30].id, details={"n": n}) for n in range(70)])
    db.session.commit()
    with count_queries() as many:
        first = client.get(AUDIT)
    assert first.status_code == 200
    assert len(many) == len(few), many
    assert len(few) <= 4, few
    page = text(first)
    assert len(rows(page)) == 50 and "70 events; page 1 of 2" in page
    assert len(rows(text(client.get(AUDIT, query_string={"page": 2})))) == 20
