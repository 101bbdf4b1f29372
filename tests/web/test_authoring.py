"""Authoring in the browser: who may, the quiz list, creating, settings, drafts, publishing, history,
two editors at once, retiring, lessons coverage and the audit log."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from app import create_app
from app.extensions import db
from app.models import Attempt, AuditEvent, Quiz, QuizVersion
from tests.conftest import AuthActions, csrf_token
from tests.web.test_quiz import answers_for, save, start, submit

COURSE = "/courses/test-course"
AUTHOR = f"/author{COURSE}"


def _authoring_rules():
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    return sorted((rule.rule, method) for rule in app.url_map.iter_rules() if rule.endpoint.startswith("authoring.")
                  for method in rule.methods - {"HEAD", "OPTIONS"})


AUTHORING_RULES = _authoring_rules()


def fill(rule: str, quiz_id: int) -> str:
    """A concrete URL for a rule: the given quiz, a question of it, the first allowed action."""
    url = re.sub(r"<int:quiz_id>", str(quiz_id), rule)
    url = re.sub(r"<course_key>", "test-course", url)
    url = re.sub(r"<qid>", "pick-one", url)
    return re.sub(r"<any\(([a-z_]+)[^>]*\):\w+>", r"\1", url)


@pytest.fixture()
def instructor(make_user, auth, course):
    """A signed-in instructor."""
    user = make_user("instructor", email="teacher@example.org", name="Tess Teacher")
    auth.login("teacher@example.org")
    return user


def quiz_row(key: str) -> Quiz:
    """A quiz as the database has it now."""
    db.session.expire_all()
    return db.session.scalars(select(Quiz).where(Quiz.key == key)).one()


def audit_actions() -> list[str]:
    """The audit log's actions, oldest first."""
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def post(client, url: str, data: dict, page: str | None = None):
    """Post a form with a CSRF token read from a page."""
    return client.post(url, data={"csrf_token": csrf_token(client, page or url), **data})


def settings_data(quiz: Quiz, **changes) -> dict:
    """The settings form as the page fills it, with some fields changed."""
    data = {"edit_count": quiz.edit_count, "title": quiz.title, "description": "", "grading": "highest",
            "feedback": "deferred", "shuffle_questions": "y",
            "review_after_submit": ["score", "correctness", "feedback"],
            "review_after_close": ["score", "correctness", "feedback", "correct_answers"]}
    data.update(changes)
    return data


# --------------------------------------------------------------------------- who may author


def test_only_staff_see_the_author_entry(client, course, make_user, auth):
    make_user("student", email="s@example.org")
    auth.login("s@example.org")
    assert "Author</a>" not in client.get(COURSE).get_data(as_text=True)
    auth.logout()
    make_user("instructor", email="i@example.org")
    auth.login("i@example.org")
    page = client.get(COURSE).get_data(as_text=True)
    assert 'href="/author/">Author</a>' in page


@pytest.mark.parametrize(("rule", "method"), AUTHORING_RULES)
def test_students_are_refused_every_authoring_url(client, course, student, rule, method):
    quiz = quiz_row("alpha-check")
    data = {"csrf_token": csrf_token(client, COURSE), "edit_count": quiz.edit_count, "title": "hacked"}
    response = client.open(fill(rule, quiz.id), method=method, data=data if method == "POST" else None)
    assert response.status_code == 403, (rule, method, response.status_code)
    assert quiz_row("alpha-check").edit_count == quiz.edit_count and audit_actions().count("edit") == 0


@pytest.mark.parametrize(("rule", "method"), AUTHORING_RULES)
def test_anonymous_visitors_are_sent_to_sign_in(client, course, rule, method):
    quiz = quiz_row("alpha-check")
    response = client.open(fill(rule, quiz.id), method=method,
                           data={"csrf_token": csrf_token(client)} if method == "POST" else None)
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


# --------------------------------------------------------------------------- the quiz list


def test_quiz_list_shows_status_origin_size_and_attempts(client, course, instructor, make_user):
    page = client.get("/author/", follow_redirects=True).get_data(as_text=True)
    assert "Quizzes of Test Course" in page
    for title in ("Check: Alpha", "Check: Beta", "Final"):
        assert title in page
    assert "Published" in page and "a file" in page
    row = page.split("Check: Alpha", 1)[1].split("</tr>", 1)[0]
    assert "<td>4</td>" in row and "<td>0</td>" in row  # four questions, no attempts yet


# --------------------------------------------------------------------------- creating


def test_a_new_quiz_is_a_draft_students_cannot_see(client, course, instructor, auth, make_user):
    before = audit_actions()
    response = post(client, f"{AUTHOR}/quizzes/new", {"id": "gamma-check", "title": "Check: Gamma",
                                                       "kind": "lesson", "lesson": "gamma"})
    assert response.status_code == 302
    quiz = quiz_row("gamma-check")
    assert quiz.current_version_id is None and quiz.origin == "browser" and quiz.draft["lesson"] == "gamma"
    assert "Draft" in client.get(f"{AUTHOR}/quizzes").get_data(as_text=True)
    assert audit_actions() == [*before, "create"]
    auth.logout()
    make_user("student", email="s@example.org")
    auth.login("s@example.org")
    assert client.get(f"{COURSE}/quizzes/gamma-check").status_code == 404


@pytest.mark.parametrize(("fields", "message"), [
    ({"id": "alpha-check"}, "already used"),
    ({"lesson": "alpha"}, "already has a check quiz"),
    ({"kind": "final", "lesson": ""}, "already has a final"),
    ({"id": "Bad Id"}, "lowercase letters"),
])
def test_a_new_quiz_breaking_a_rule_is_refused_and_keeps_the_form(client, course, instructor, fields, message):
    data = {"id": "new-check", "title": "Typed title", "kind": "lesson", "lesson": "gamma", **fields}
    response = post(client, f"{AUTHOR}/quizzes/new", data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and message in page and 'value="Typed title"' in page
    assert db.session.scalar(select(func.count()).select_from(Quiz)) == 3


# --------------------------------------------------------------------------- settings and drafts


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"draw": "9"}, "draw", "more than the 4 questions"),
    ({"opens": "2026-02-01T09:00:00Z", "closes": "2026-01-01T09:00:00Z"}, "closes", "must be after `opens`"),
    ({"opens": "next tuesday"}, "opens", "ISO 8601"),
    ({"penalty": "0.5"}, "penalty", "only applies with `feedback: immediate`"),
])
def test_bad_settings_are_refused_on_their_field_and_nothing_is_saved(client, course, instructor, changes, field,
                                                                      message):
    quiz = quiz_row("alpha-check")
    url = f"/author/quizzes/{quiz.id}/settings"
    response = post(client, url, settings_data(quiz, title="My typed title", **changes))
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and message in page
    assert re.search(rf'id="{field}-error"[^>]*>.*?{re.escape(message)}', page, re.S), page
    assert 'value="My typed title"' in page
    stored = quiz_row("alpha-check")
    assert stored.draft is None and stored.edit_count == quiz.edit_count


def test_settings_are_saved_as_a_draft_and_published_as_a_new_version(client, course, instructor, auth,
                                                                        make_user):
    quiz = quiz_row("alpha-check")
    old_version = quiz.current_version_id
    # A student's attempt in progress finishes on the version it started on.
    other = client.application.test_client()
    make_user("student", email="s@example.org")
    AuthActions(other).login("s@example.org")
    attempt = start(other, "alpha-check")

    response = post(client, f"/author/quizzes/{quiz.id}/settings",
                    settings_data(quiz, title="Check: Alpha (revised)", pass_mark="80", description="*New* rules"))
    assert response.status_code == 302
    draft = quiz_row("alpha-check")
    assert draft.draft["settings"]["pass_mark"] == 80 and draft.draft["description"] == "*New* rules"
    assert draft.current_version_id == old_version  # students still take the published version
    assert "60%" in other.get(f"{COURSE}/quizzes/alpha-check").get_data(as_text=True)

    response = post(client, f"/author/quizzes/{quiz.id}/publish", {"edit_count": draft.edit_count},
                    page=f"/author/quizzes/{quiz.id}")
    assert response.status_code == 302
    published = quiz_row("alpha-check")
    version = db.session.get(QuizVersion, published.current_version_id)
    assert version.number == 2 and version.origin == "browser" and version.created_by_id == instructor.id
    assert published.draft is None and published.origin == "browser" and published.title == "Check: Alpha (revised)"
    assert any("pass_mark" in change for change in version.changes)
    save(other, attempt, answers_for(attempt))
    submit(other, attempt)
    db.session.expire_all()
    assert db.session.get(Attempt, attempt.id).quiz_version_id == old_version
    assert "80%" in other.get(f"{COURSE}/quizzes/alpha-check").get_data(as_text=True)

    history = client.get(f"/author/quizzes/{quiz.id}/history").get_data(as_text=True)
    assert "Tess Teacher" in history and "the browser" in history and "settings changed: pass_mark" in history
    row_one = history.split("<th scope=\"row\">1</th>", 1)[1].split("</tr>", 1)[0]
    assert "<td>1</td>" in row_one  # the attempt was taken on version 1
    assert audit_actions()[-2:] == ["edit", "publish"]


def test_the_description_preview_is_sanitized_and_saves_nothing(client, course, instructor):
    quiz = quiz_row("alpha-check")
    page = post(client, f"/author/quizzes/{quiz.id}/settings",
                settings_data(quiz, description="**bold** <script>alert(1)</script>", preview="1"))
    html = page.get_data(as_text=True)
    assert "<strong>bold</strong>" in html and "<script>alert(1)</script>" not in html
    assert quiz_row("alpha-check").draft is None


def test_a_second_editor_is_refused_and_keeps_their_text(client, course, instructor, make_user):
    quiz = quiz_row("alpha-check")
    read_at = quiz.edit_count
    other = client.application.test_client()
    make_user("instructor", email="other@example.org", name="Otto Other")
    AuthActions(other).login("other@example.org")
    first = post(other, f"/author/quizzes/{quiz.id}/settings", settings_data(quiz, title="Otto's title"))
    assert first.status_code == 302
    second = post(client, f"/author/quizzes/{quiz.id}/settings",
                  settings_data(quiz, edit_count=read_at, title="Tess's title"))
    page = second.get_data(as_text=True)
    assert second.status_code == 409 and "Otto Other changed this quiz" in page and 'value="Tess&#39;s title"' in page
    assert quiz_row("alpha-check").draft["title"] == "Otto's title"


def test_a_stale_page_cannot_publish_or_discard(client, course, instructor):
    quiz = quiz_row("alpha-check")
    read_at = quiz.edit_count  # the overview page was read here, before the change below
    post(client, f"/author/quizzes/{quiz.id}/settings", settings_data(quiz, pass_mark="90"))
    response = post(client, f"/author/quizzes/{quiz.id}/publish", {"edit_count": read_at},
                    page=f"/author/quizzes/{quiz.id}")
    assert response.status_code == 302
    assert quiz_row("alpha-check").draft is not None  # refused: the page was read before the change
    page = client.get(f"/author/quizzes/{quiz.id}").get_data(as_text=True)
    assert "changed this quiz" in page


def test_discarding_goes_back_to_the_published_version(client, course, instructor):
    quiz = quiz_row("alpha-check")
    post(client, f"/author/quizzes/{quiz.id}/settings", settings_data(quiz, pass_mark="90"))
    draft = quiz_row("alpha-check")
    post(client, f"/author/quizzes/{quiz.id}/discard", {"edit_count": draft.edit_count},
         page=f"/author/quizzes/{quiz.id}")
    assert quiz_row("alpha-check").draft is None
    assert quiz_row("alpha-check").current_version_id == quiz.current_version_id


# --------------------------------------------------------------------------- retiring


def test_retiring_hides_the_quiz_and_keeps_its_history(client, course, instructor, auth, make_user):
    quiz = quiz_row("beta-check")
    before = audit_actions()
    post(client, f"/author/quizzes/{quiz.id}/retire", {"edit_count": quiz.edit_count},
         page=f"/author/quizzes/{quiz.id}")
    assert quiz_row("beta-check").retired_at is not None
    assert "Retired" in client.get(f"{AUTHOR}/quizzes").get_data(as_text=True)
    auth.logout()
    make_user("student", email="s@example.org")
    auth.login("s@example.org")
    assert client.get(f"{COURSE}/quizzes/beta-check").status_code == 403
    auth.logout()
    auth.login("teacher@example.org")
    retired = quiz_row("beta-check")
    post(client, f"/author/quizzes/{quiz.id}/restore", {"edit_count": retired.edit_count},
         page=f"/author/quizzes/{quiz.id}")
    assert quiz_row("beta-check").retired_at is None
    assert audit_actions() == [*before, "retire", "restore"]


# --------------------------------------------------------------------------- lessons


def test_lessons_page_shows_files_sections_and_untested_headings(client, course, instructor):
    page = client.get(f"{AUTHOR}/lessons").get_data(as_text=True)
    assert "01-alpha.md" in page and "Open the lesson as students see it" in page
    assert "alpha-check › pick-one" in page
    assert "Not tested" in page
