"""Cohorts in the browser: the list, creating and editing one, its members, who may open the pages, the audit log."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from app import create_app
from app.extensions import db
from app.models import AuditEvent, Cohort, CohortMember, User
from tests.conftest import csrf_token

BASE = "/admin/cohorts"


def _cohort_rules() -> list[tuple[str, str]]:
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    return sorted((rule.rule, method) for rule in app.url_map.iter_rules() if rule.endpoint.startswith("cohorts.")
                  for method in rule.methods - {"HEAD", "OPTIONS"})


COHORT_RULES = _cohort_rules()


@pytest.fixture()
def admin(make_user, auth):
    """A signed-in administrator."""
    user = make_user("admin", email="admin@example.org", name="Ada Admin")
    assert auth.login("admin@example.org").status_code == 302
    return user


def make_cohort(name: str = "Spring 2026", starts_on: date = date(2026, 3, 2), ends_on: date | None = None) -> Cohort:
    """A committed cohort."""
    cohort = Cohort(name=name, starts_on=starts_on, ends_on=ends_on)
    db.session.add(cohort)
    db.session.commit()
    return cohort


def join(cohort: Cohort, *users: User) -> None:
    """Put people in a cohort directly."""
    db.session.add_all(CohortMember(cohort_id=cohort.id, user_id=user.id) for user in users)
    db.session.commit()


def post(client, url: str, data: dict | None = None, page: str = f"{BASE}/"):
    """Post a form with a CSRF token read from a page."""
    return client.post(url, data={"csrf_token": csrf_token(client, page), **(data or {})})


def audit(action: str) -> list[AuditEvent]:
    """The audit events of one action, oldest first."""
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def count(model) -> int:
    """How many rows a table has now."""
    return db.session.scalar(select(func.count()).select_from(model))


def members(cohort: Cohort) -> set[str]:
    """The emails of a cohort's members, as the database has them now."""
    return set(db.session.scalars(select(User.email).join(CohortMember, CohortMember.user_id == User.id)
                                  .where(CohortMember.cohort_id == cohort.id)))


# --------------------------------------------------------------------------- who may


def test_cohorts_routes_are_all_listed():
    """The parametrized access test below sees every route of the blueprint."""
    assert {rule for rule, _ in COHORT_RULES} >= {
        f"{BASE}/", f"{BASE}/new", f"{BASE}/<int:cohort_id>", f"{BASE}/<int:cohort_id>/edit",
        f"{BASE}/<int:cohort_id>/members", f"{BASE}/<int:cohort_id>/members/<int:user_id>/remove",
        f"{BASE}/enrol", f"{BASE}/enrol/confirm", f"{BASE}/enrol/links.csv"}


@pytest.mark.parametrize(("rule", "method"), COHORT_RULES, ids=[f"{m} {r}" for r, m in COHORT_RULES])
@pytest.mark.parametrize("role", ["anonymous", "student", "instructor"])
def test_only_admins_may_open_cohort_routes(client, auth, make_user, role, rule, method):
    """Anonymous visitors are sent to sign in; students and instructors get 403; nothing changes."""
    cohort = make_cohort()
    learner = make_user("student", email="member@example.org")
    join(cohort, learner)
    if role != "anonymous":
        user = make_user(role)
        assert auth.login(user.email).status_code == 302
    url = rule.replace("<int:cohort_id>", str(cohort.id)).replace("<int:user_id>", str(learner.id))
    token = csrf_token(client)
    data = {"csrf_token": token, "email": learner.email, "name": "Renamed", "starts_on": "2026-01-01",
            "csv_text": "name,email,role\nNew,new@example.org,student\n", "links_csv": "name,email,link\n"}
    before = (count(User), count(CohortMember), count(AuditEvent), count(Cohort))
    response = client.open(url, method=method, data=data if method == "POST" else None)
    if role == "anonymous":
        assert response.status_code == 302
        assert "/auth/login" in response.headers["Location"]
    else:
        assert response.status_code == 403
    assert (count(User), count(CohortMember), count(AuditEvent), count(Cohort)) == before


def test_admin_sees_cohorts_link_to_enrolment_and_new(client, admin):
    page = client.get(f"{BASE}/").get_data(as_text=True)
    assert f'href="{BASE}/new"' in page
    assert f'href="{BASE}/enrol"' in page
    assert "No cohorts yet" in page


# --------------------------------------------------------------------------- the list


def test_index_lists_cohorts_with_their_counts(client, admin, make_user):
    spring = make_cohort("Spring 2026", date(2026, 3, 2), date(2026, 6, 30))
    autumn = make_cohort("Autumn 2026", date(2026, 9, 1))
    join(spring, make_user("student"), make_user("student"), make_user("instructor"))
    join(autumn, make_user("instructor"))
    page = client.get(f"{BASE}/").get_data(as_text=True)
    rows = re.findall(r"<tr>\s*<th scope=\"row\"><a href=\"([^\"]+)\">([^<]+)</a></th>\s*"
                      r"<td>([^<]+)</td>\s*<td>([^<]+)</td>\s*<td>(\d+)</td>\s*<td>(\d+)</td>", page)
    assert rows == [
        (f"{BASE}/{autumn.id}", "Autumn 2026", "2026-09-01", "—", "0", "1"),
        (f"{BASE}/{spring.id}", "Spring 2026", "2026-03-02", "2026-06-30", "2", "1"),
    ]


def test_index_runs_the_same_queries_however_many_cohorts_and_members(client, admin, make_user, count_queries):
    def queries() -> int:
        with count_queries() as statements:
            assert client.get(f"{BASE}/").status_code == 200
        return len(statements)

    join(make_cohort("One"), make_user("student"))
    few = queries()
    for index in range(6):
        cohort = make_cohort(f"Cohort {index}")
        join(cohort, *(make_user("student") for _ in range(3)), make_user("instructor"))
    assert queries() == few


# --------------------------------------------------------------------------- create and edit


def test_create_cohort_records_it_and_audits(client, admin):
    response = post(client, f"{BASE}/new", {"name": "  Spring 2026 ", "starts_on": "2026-03-02",
                                            "ends_on": "2026-06-30"})
    cohort = db.session.scalars(select(Cohort)).one()
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"{BASE}/{cohort.id}")
    assert (cohort.name, cohort.starts_on, cohort.ends_on) == ("Spring 2026", date(2026, 3, 2), date(2026, 6, 30))
    (event,) = audit("cohort-create")
    assert (event.actor_id, event.subject) == (admin.id, "cohort Spring 2026")
    assert "Spring 2026" in client.get(f"{BASE}/{cohort.id}").get_data(as_text=True)


def test_end_date_is_optional(client, admin):
    assert post(client, f"{BASE}/new", {"name": "Open", "starts_on": "2026-03-02", "ends_on": ""}).status_code == 302
    assert db.session.scalars(select(Cohort.ends_on)).one() is None


@pytest.mark.parametrize(("data", "message"), [
    ({"name": "spring 2026", "starts_on": "2026-03-02"}, "A cohort called “Spring 2026” already exists"),
    ({"name": "Later", "starts_on": "2026-03-02", "ends_on": "2026-03-01"}, "The end date is before the start date."),
    ({"name": "", "starts_on": "2026-03-02"}, "Give the cohort a name."),
    ({"name": "No start", "starts_on": ""}, "Give a start date"),
    ({"name": "Bad date", "starts_on": "02/03/2026"}, "Not a valid date value"),
    ({"name": "x" * 121, "starts_on": "2026-03-02"}, "Field cannot be longer than 120 characters."),
])
def test_bad_cohort_form_says_why_keeps_input_and_changes_nothing(client, admin, data, message):
    make_cohort("Spring 2026")
    response = post(client, f"{BASE}/new", data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in page
    if data["name"]:
        assert f'value="{data["name"]}"' in page
    assert count(Cohort) == 1
    assert audit("cohort-create") == []


def test_edit_cohort_changes_it_and_audits_the_changes(client, admin):
    cohort = make_cohort("Spring 2026", date(2026, 3, 2))
    page = client.get(f"{BASE}/{cohort.id}/edit").get_data(as_text=True)
    assert 'value="Spring 2026"' in page and 'value="2026-03-02"' in page
    response = post(client, f"{BASE}/{cohort.id}/edit", {"name": "Spring 2026 (evening)", "starts_on": "2026-03-02",
                                                         "ends_on": "2026-07-01"})
    assert response.status_code == 302
    db.session.expire_all()
    assert (cohort.name, cohort.ends_on) == ("Spring 2026 (evening)", date(2026, 7, 1))
    (event,) = audit("cohort-edit")
    assert event.details["changes"] == {"name": ["Spring 2026", "Spring 2026 (evening)"],
                                        "ends_on": [None, "2026-07-01"]}


def test_edit_without_change_records_nothing_and_keeping_ones_own_name_is_no_clash(client, admin):
    cohort = make_cohort("Spring 2026", date(2026, 3, 2))
    response = post(client, f"{BASE}/{cohort.id}/edit", {"name": "Spring 2026", "starts_on": "2026-03-02"})
    assert response.status_code == 302
    assert "Nothing changed" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert audit("cohort-edit") == []


def test_edit_to_another_cohorts_name_is_a_form_error(client, admin):
    make_cohort("Autumn 2026")
    cohort = make_cohort("Spring 2026")
    response = post(client, f"{BASE}/{cohort.id}/edit", {"name": "AUTUMN 2026", "starts_on": "2026-03-02"})
    assert "A cohort called “Autumn 2026” already exists" in response.get_data(as_text=True)
    db.session.expire_all()
    assert cohort.name == "Spring 2026"


def test_unknown_cohort_is_404(client, admin):
    assert client.get(f"{BASE}/999").status_code == 404
    assert client.get(f"{BASE}/999/edit").status_code == 404
    assert post(client, f"{BASE}/999/members", {"email": "x@example.org"}).status_code == 404


# --------------------------------------------------------------------------- members


def test_cohort_page_shows_instructors_and_students_apart(client, admin, make_user):
    cohort = make_cohort()
    teacher = make_user("instructor", email="tess@example.org", name="Tess Teacher")
    learner = make_user("student", email="lena@example.org", name="Lena Learner")
    gone = make_user("student", email="gone@example.org", name="Gone Person")
    gone.active = False
    db.session.commit()
    join(cohort, teacher, learner, gone)
    page = client.get(f"{BASE}/{cohort.id}").get_data(as_text=True)
    instructors, students = page.split("<caption>Students")
    assert "Tess Teacher" in instructors and "Lena Learner" not in instructors
    assert "Lena Learner" in students and "Tess Teacher" not in students
    assert "Students (2)" in page and "Instructors (teaching this cohort) (1)" in page
    assert "✗ deactivated" in students and "✓ active" in students


def test_add_people_by_email_their_role_decides_how_they_are_shown(client, admin, make_user):
    cohort = make_cohort()
    teacher = make_user("instructor", email="tess@example.org", name="Tess Teacher")
    make_user("student", email="lena@example.org", name="Lena Learner")
    url = f"{BASE}/{cohort.id}/members"
    response = post(client, url, {"email": " Tess@Example.org "})
    assert response.status_code == 302
    assert "Tess Teacher (tess@example.org) now teaches “Spring 2026”" in client.get(
        response.headers["Location"]).get_data(as_text=True)
    assert post(client, url, {"email": "lena@example.org"}).status_code == 302
    assert members(cohort) == {"tess@example.org", "lena@example.org"}
    events = audit("cohort-add")
    assert len(events) == 2
    assert (events[0].target_user_id, events[0].actor_id) == (teacher.id, admin.id)
    # Adding again changes nothing and says so.
    response = post(client, url, {"email": "lena@example.org"})
    assert "already is in" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert len(audit("cohort-add")) == 2


@pytest.mark.parametrize(("email", "message"), [
    ("nobody@example.org", "No account has the email nobody@example.org"),
    ("admin@example.org", "admin@example.org is an administrator"),
    ("", "This field is required."),
])
def test_adding_unknown_email_or_an_admin_is_a_form_error(client, admin, email, message):
    cohort = make_cohort()
    response = post(client, f"{BASE}/{cohort.id}/members", {"email": email})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in page
    assert f'value="{email}"' in page or not email
    assert count(CohortMember) == 0 and audit("cohort-add") == []


def test_remove_member_keeps_the_account_and_audits(client, admin, make_user):
    cohort = make_cohort()
    learner = make_user("student", email="lena@example.org", name="Lena Learner")
    join(cohort, learner)
    page = client.get(f"{BASE}/{cohort.id}").get_data(as_text=True)
    action = f"{BASE}/{cohort.id}/members/{learner.id}/remove"
    assert f'action="{action}"' in page
    response = post(client, action)
    assert response.status_code == 302
    assert "Lena Learner (lena@example.org) is no longer in" in client.get(
        response.headers["Location"]).get_data(as_text=True)
    assert members(cohort) == set()
    assert db.session.get(User, learner.id) is not None
    (event,) = audit("cohort-remove")
    assert (event.target_user_id, event.actor_id) == (learner.id, admin.id)
    # A second removal (a double click) finds nobody and records nothing.
    response = post(client, action)
    assert "was not in" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert len(audit("cohort-remove")) == 1


def test_remove_unknown_person_is_404(client, admin):
    cohort = make_cohort()
    assert post(client, f"{BASE}/{cohort.id}/members/999/remove").status_code == 404


def test_names_are_escaped(client, admin, make_user):
    cohort = make_cohort("<b>Bold</b>")
    join(cohort, make_user("student", name="<script>x</script>"))
    page = client.get(f"{BASE}/{cohort.id}").get_data(as_text=True)
    assert "<script>x</script>" not in page and "&lt;script&gt;" in page
    assert "<b>Bold</b>" not in client.get(f"{BASE}/").get_data(as_text=True)
