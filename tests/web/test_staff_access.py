"""Who may open every people, cohort, report, statistics and export route: each rule of those blueprints, for
every role, including an instructor whose cohorts do not hold the student asked about."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app import create_app
from app.extensions import db
from app.models import Cohort, CohortMember, Quiz, User, utcnow
from tests.conftest import AuthActions, csrf_token

BLUEPRINTS = ("people", "cohorts", "reports", "statistics")
ADMIN_ONLY = ("people", "cohorts")


def _rules() -> list[tuple[str, str, str]]:
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    return sorted((rule.endpoint, rule.rule, method) for rule in app.url_map.iter_rules()
                  if rule.endpoint.split(".")[0] in BLUEPRINTS for method in rule.methods - {"HEAD", "OPTIONS"})


RULES = _rules()


@pytest.fixture()
def people(app, make_user, course):
    """An admin, an instructor teaching cohort A, an instructor teaching cohort B, and a student in each cohort."""
    users = {
        "admin": make_user("admin", email="admin@example.org", name="Ada Admin"),
        "instructor": make_user("instructor", email="teacher@example.org", name="Tess Teacher"),
        "other_instructor": make_user("instructor", email="other@example.org", name="Otto Other"),
        "student": make_user("student", email="learner@example.org", name="Lena Learner"),
        "other_student": make_user("student", email="stranger@example.org", name="Sam Stranger"),
    }
    today = utcnow().date()
    cohort_a, cohort_b = Cohort(name="Cohort A", starts_on=today), Cohort(name="Cohort B", starts_on=today)
    db.session.add_all([cohort_a, cohort_b])
    db.session.flush()
    for key, cohort in (("instructor", cohort_a), ("student", cohort_a),
                        ("other_instructor", cohort_b), ("other_student", cohort_b)):
        db.session.add(CohortMember(cohort_id=cohort.id, user_id=users[key].id))
    db.session.commit()
    users["cohort"] = cohort_a
    return users


def concrete(rule: str, people: dict) -> str:
    """A URL for a rule: the cohort-A student, cohort A, the first quiz; any other argument a harmless word."""
    quiz_id = db.session.scalar(select(Quiz.id).order_by(Quiz.id).limit(1))
    url = rule.replace("<int:user_id>", str(people["student"].id))
    url = url.replace("<int:cohort_id>", str(people["cohort"].id)).replace("<int:quiz_id>", str(quiz_id))
    return re.sub(r"<[^>]+>", "x", url)


def call(client, method: str, url: str, token_page: str = "/auth/account"):
    """GET, or POST with a valid CSRF token and an empty form."""
    if method == "GET":
        return client.get(url)
    return client.post(url, data={"csrf_token": csrf_token(client, token_page)})


def sign_in(client, user: User) -> None:
    """Sign the client in as this user."""
    assert AuthActions(client).login(user.email).status_code == 302


@pytest.mark.parametrize(("endpoint", "rule", "method"), RULES)
def test_anonymous_is_sent_to_sign_in(client, people, endpoint, rule, method):
    response = call(client, method, concrete(rule, people), token_page="/auth/login")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


@pytest.mark.parametrize(("endpoint", "rule", "method"), RULES)
def test_students_see_nothing_but_their_own_record(client, people, endpoint, rule, method):
    """Signed in as a student of cohort B, asking about cohort A's student, or about everyone."""
    sign_in(client, people["other_student"])
    response = call(client, method, concrete(rule, people))
    assert response.status_code in (403, 404), response.status_code


@pytest.mark.parametrize(("endpoint", "rule", "method"),
                         [r for r in RULES if r[2] == "GET" and "<int:user_id>" in r[1]
                          and r[0].startswith("reports.")])
def test_a_student_may_open_their_own_record(client, people, endpoint, rule, method):
    sign_in(client, people["student"])
    assert client.get(concrete(rule, people)).status_code == 200


@pytest.mark.parametrize(("endpoint", "rule", "method"), RULES)
def test_instructors_see_reports_of_their_cohorts_but_not_administration(client, people, endpoint, rule, method):
    sign_in(client, people["instructor"])
    response = call(client, method, concrete(rule, people))
    if endpoint.split(".")[0] in ADMIN_ONLY:
        assert response.status_code == 403
    elif method == "GET":
        assert response.status_code == 200, response.status_code
    else:
        assert response.status_code not in (403, 404) and response.status_code < 500


@pytest.mark.parametrize(("endpoint", "rule", "method"),
                         [r for r in RULES if "<int:user_id>" in r[1] and r[0].startswith("reports.")])
def test_an_instructor_cannot_open_a_student_outside_their_cohorts(client, people, endpoint, rule, method):
    sign_in(client, people["other_instructor"])
    assert call(client, method, concrete(rule, people)).status_code in (403, 404)


@pytest.mark.parametrize(("endpoint", "rule", "method"), RULES)
def test_admins_may_open_everything(client, people, endpoint, rule, method):
    sign_in(client, people["admin"])
    response = call(client, method, concrete(rule, people))
    if method == "GET":
        assert response.status_code == 200, response.status_code
    else:
        # An empty form is refused with a message or acted on; never forbidden, never an error.
        assert response.status_code not in (403, 404) and response.status_code < 500, response.status_code


def test_the_parametrization_reads_every_blueprint():
    """The tests above read the URL map, so a new route cannot skip them; each blueprint has its index page."""
    assert {rule[0] for rule in RULES} >= {f"{name}.index" for name in BLUEPRINTS}
