"""Preview as a student: the whole quiz as a student takes it (draw, shuffles, pages, checks, review), graded by
the same engine, for staff only, from the working copy, and recording nothing."""

from __future__ import annotations

import copy
import re

import pytest
from sqlalchemy import func, select

from app import create_app
from app.authoring.preview import BANNER, PREVIEW_VERSION_ID, run_of, start_preview
from app.extensions import db
from app.models import (
    Attempt,
    AuditEvent,
    LessonProgress,
    LessonVisit,
    Quiz,
    QuizPreview,
    QuizVersion,
    Response,
    User,
)
from app.services import attempts as attempt_service
from app.services import authoring
from tests.conftest import csrf_token
from tests.web.test_quiz import answers_for

COURSE = "/courses/test-course"
FIELDSET = re.compile(r'<fieldset class="question.*?</fieldset>', re.S)


def _preview_rules():
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    return sorted((rule.rule, method) for rule in app.url_map.iter_rules()
                  if rule.endpoint.startswith("authoring.preview") for method in rule.methods - {"HEAD", "OPTIONS"})


PREVIEW_RULES = _preview_rules()


@pytest.fixture()
def instructor(make_user, auth, course):
    """A signed-in instructor."""
    user = make_user("instructor", email="teacher@example.org", name="Tess Teacher")
    assert auth.login("teacher@example.org").status_code == 302
    return user


def quiz_row(key: str) -> Quiz:
    """A quiz as the database has it now."""
    db.session.expire_all()
    return db.session.scalars(select(Quiz).where(Quiz.key == key)).one()


def url(quiz: Quiz, tail: str = "") -> str:
    """A preview address of the quiz."""
    return f"/author/quizzes/{quiz.id}/preview{tail}"


def html(client, address: str) -> str:
    """A page's text, which must load."""
    response = client.get(address)
    assert response.status_code == 200, (address, response.status_code, response.headers.get("Location"))
    return response.get_data(as_text=True)


def counts() -> dict[str, int]:
    """How many rows each table a preview must never touch has, and the quizzes' edit counters."""
    db.session.expire_all()
    tables = {model.__name__: db.session.scalar(select(func.count()).select_from(model))
              for model in (Attempt, Response, LessonProgress, LessonVisit, AuditEvent, QuizVersion)}
    tables["edits"] = db.session.scalar(select(func.sum(Quiz.edit_count)))
    return tables


def begin(client, quiz: Quiz) -> QuizPreview:
    """Start a preview through the quiz's button; the preview row it made."""
    token = csrf_token(client, f"/author/quizzes/{quiz.id}")
    response = client.post(url(quiz, "/start"), data={"csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"].endswith(url(quiz)), response.headers
    return preview_row(quiz)


def preview_row(quiz: Quiz) -> QuizPreview | None:
    """The instructor's preview of the quiz as the database has it now."""
    db.session.expire_all()
    return db.session.scalars(select(QuizPreview).where(QuizPreview.quiz_id == quiz.id)).one_or_none()


def post(client, quiz: Quiz, tail: str, data: dict, headers: dict | None = None):
    """Post a preview form with a CSRF token."""
    token = csrf_token(client, f"/author/quizzes/{quiz.id}")
    return client.post(url(quiz, tail), data={**data, "csrf_token": token}, headers=headers or {})


def save(client, quiz: Quiz, data: dict, go: str = "save", page: int = 1, autosave: bool = False):
    """Post a preview page's answers and the pressed button (or as the page's script autosaves them)."""
    return post(client, quiz, "/save", {**data, "go": go, "page": page},
                headers={"X-Parley-Autosave": "1"} if autosave else None)


def all_pages(client, quiz: Quiz, preview: QuizPreview) -> list[str]:
    """Every page of the preview."""
    per_page = preview.settings["questions_per_page"]
    pages = -(-len(preview.question_ids) // per_page)
    return [html(client, url(quiz, f"?page={n}")) for n in range(1, pages + 1)]


# --------------------------------------------------------------------------- taking a preview


def test_a_full_preview_answered_right_scores_100_percent_and_records_nothing(client, instructor):
    quiz = quiz_row("alpha-check")
    before = counts()
    preview = begin(client, quiz)
    assert preview.state == "in_progress" and len(preview.question_ids) == 4
    first = html(client, url(quiz))
    assert BANNER in first and "page 1 of 2" in first and first.count('<fieldset class="question') == 2
    response = save(client, quiz, answers_for(run_of(preview)), go="finish")
    assert response.headers["Location"].endswith(url(quiz, "/summary"))
    summary = html(client, url(quiz, "/summary"))
    assert BANNER in summary and "4 of 4 questions answered" in summary
    response = post(client, quiz, "/submit", {})
    assert response.headers["Location"].endswith(url(quiz, "/review"))
    graded = preview_row(quiz)
    assert graded.state == "submitted" and graded.score == 5 and graded.max_score == 5 and graded.percent == 100
    review = html(client, url(quiz, "/review"))
    assert BANNER in review and "Grade: <strong>100%" in review and review.count("✔</span> Correct") == 4
    assert counts() == before


def test_check_buttons_and_penalties_behave_as_for_a_student(client, instructor):
    quiz = quiz_row("beta-check")
    before = counts()
    preview = begin(client, quiz)
    assert preview.question_ids == ["tf", "match", "order", "blanks"]  # shuffle_questions: false
    page = html(client, url(quiz))
    assert page.count('name="go" value="check:') == 4 and "Check question 1" in page
    response = save(client, quiz, {"questions": ["tf"], "tf:answer": "false"}, go="check:tf")
    assert response.headers["Location"].endswith(url(quiz, "?page=1#question-tf"))
    page = html(client, url(quiz))
    assert "✘</span> Incorrect" in page and "FEEDBACK-TF-WRONG" in page and "Tries: 1" in page
    assert f'href="{COURSE}/lessons/beta#the-beta-idea"' in page
    save(client, quiz, {"questions": ["tf"], "tf:answer": "true"}, go="check:tf")
    page = html(client, url(quiz))
    assert "✔</span> Correct" in page and "this question is finished" in page and "Check question 1" not in page
    # A finished question cannot be changed any more.
    save(client, quiz, {"questions": ["tf"], "tf:answer": "false"})
    assert preview_row(quiz).answers["tf"]["raw"] == {"answer": ["true"]}
    rest = answers_for(run_of(preview))
    rest["questions"] = ["match", "order", "blanks"]
    del rest["tf:answer"]
    save(client, quiz, rest)
    post(client, quiz, "/submit", {})
    graded = preview_row(quiz)
    assert graded.marks["tf"] == {"fraction": 0.75, "marks": 0.75}  # right on the second try, penalty 0.25
    assert all(graded.marks[qid]["marks"] == 1.0 for qid in ("match", "order", "blanks"))
    assert graded.percent == 93.75
    assert counts() == before


def test_a_deferred_quiz_cannot_be_checked_before_submitting(client, instructor):
    quiz = quiz_row("alpha-check")
    preview = begin(client, quiz)
    save(client, quiz, {"questions": ["pick-one"], "pick-one:answer": "x"}, go="check:pick-one")
    assert "cannot be checked" in html(client, url(quiz))
    assert preview_row(quiz).answers["pick-one"]["tries"] == 0
    assert "Check question" not in "".join(all_pages(client, quiz, preview))


def test_the_final_draws_its_configured_number_and_shows_the_time_limit_unenforced(client, instructor):
    quiz = quiz_row("final")
    before = counts()
    # The final allows one attempt: previews are not attempts, so a second one starts all the same.
    for _ in range(2):
        preview = begin(client, quiz)
        assert len(preview.question_ids) == 3 and set(preview.question_ids) <= {"f1", "f2", "f3", "f4", "f5"}
    assert db.session.scalar(select(func.count()).select_from(QuizPreview)) == 1
    page = html(client, url(quiz))
    assert re.findall(r'name="questions" value="([^"]+)"', page) == preview.question_ids
    assert "Time limit: 10 minutes" in page and "not enforced in a preview" in page
    assert 'id="deadline"' not in page
    assert counts() == before


@pytest.mark.parametrize("quiz_key", ["alpha-check", "beta-check", "final"])
def test_pages_and_shuffles_are_what_a_student_gets_with_the_same_seed(client, instructor, auth, make_user,
                                                                       monkeypatch, quiz_key):
    quiz = quiz_row(quiz_key)
    preview = begin(client, quiz)
    preview_pages = all_pages(client, quiz, preview)
    auth.logout()
    make_user("student", email="learner@example.org")
    auth.login("learner@example.org")
    token = csrf_token(client, f"{COURSE}/quizzes/{quiz_key}")
    # The student's attempt draws from the preview's seed: every draw, shuffle and order must then agree.
    seed = preview.seed  # read here: the patched function runs inside the request, away from this session
    monkeypatch.setattr(attempt_service.secrets, "randbelow", lambda _bound: seed)
    started = client.post(f"{COURSE}/quizzes/{quiz_key}/start", data={"csrf_token": token, "confirm": "1"})
    monkeypatch.undo()
    attempt = db.session.get(Attempt, int(started.headers["Location"].rsplit("/", 1)[1]))
    assert attempt.seed == preview.seed
    assert attempt.question_ids == preview.question_ids and attempt.orders == preview.orders
    per_page = attempt_service.settings_of(attempt.version).questions_per_page
    student_pages = [html(client, f"/attempts/{attempt.id}?page={n}")
                     for n in range(1, len(preview_pages) + 1)]
    assert len(preview_pages) == -(-len(attempt.question_ids) // per_page)
    for mine, theirs in zip(preview_pages, student_pages, strict=True):
        assert FIELDSET.findall(mine) and FIELDSET.findall(mine) == FIELDSET.findall(theirs)


def test_answers_autosave_and_a_new_preview_replaces_the_old_one(client, instructor):
    quiz = quiz_row("alpha-check")
    begin(client, quiz)
    response = save(client, quiz, {"questions": ["type-it"], "type-it:answer": "hello"}, autosave=True)
    assert response.status_code == 204
    assert preview_row(quiz).answers["type-it"]["raw"] == {"answer": ["hello"]}
    again = begin(client, quiz)
    assert again.answers == {} and again.state == "in_progress"
    assert db.session.scalar(select(func.count()).select_from(QuizPreview)) == 1


def test_a_submitted_preview_takes_no_more_answers_and_grades_once(client, instructor):
    quiz = quiz_row("alpha-check")
    preview = begin(client, quiz)
    save(client, quiz, answers_for(run_of(preview), right=False))
    post(client, quiz, "/submit", {})
    graded = preview_row(quiz)
    assert graded.percent == 0
    assert post(client, quiz, "/submit", {}).headers["Location"].endswith(url(quiz, "/review"))
    response = save(client, quiz, answers_for(run_of(preview)))
    assert response.headers["Location"].endswith(url(quiz, "/review"))
    assert save(client, quiz, answers_for(run_of(preview)), autosave=True).status_code == 409
    assert preview_row(quiz).answers == graded.answers and preview_row(quiz).submitted_at == graded.submitted_at
    # The attempt pages of a graded preview lead to its review.
    assert client.get(url(quiz)).headers["Location"].endswith(url(quiz, "/review"))


def test_review_shows_both_phases_of_the_review_options(client, instructor):
    quiz = quiz_row("final")
    preview = begin(client, quiz)
    save(client, quiz, answers_for(run_of(preview)))
    post(client, quiz, "/submit", {})
    # after_submit: [score]
    review = html(client, url(quiz, "/review"))
    assert "Grade: <strong>100%" in review
    assert "✔</span> Correct" not in review and "Correct answer" not in review
    assert f'href="{url(quiz, "/review?after=close")}"' in review
    # after_close: everything
    closed = html(client, url(quiz, "/review?after=close"))
    assert closed.count("✔</span> Correct") == 3 and "Correct answer" in closed
    assert '<strong aria-current="page">After the quiz closes</strong>' in closed


def test_pages_are_never_cached(client, instructor):
    quiz = quiz_row("alpha-check")
    begin(client, quiz)
    for tail in ("", "/summary"):
        assert client.get(url(quiz, tail)).headers["Cache-Control"] == "no-store"
    post(client, quiz, "/submit", {})
    assert client.get(url(quiz, "/review")).headers["Cache-Control"] == "no-store"


def test_without_a_preview_the_pages_lead_back_to_the_quiz(client, instructor):
    quiz = quiz_row("alpha-check")
    for tail in ("", "/summary", "/review"):
        response = client.get(url(quiz, tail))
        assert response.status_code == 302 and response.headers["Location"].endswith(f"/author/quizzes/{quiz.id}")
    assert save(client, quiz, {}, autosave=True).status_code == 409
    assert client.get(url(quiz).replace(str(quiz.id), "999999")).status_code == 404


def test_built_questions_are_cached_apart_from_the_versions(client, instructor):
    quiz = quiz_row("alpha-check")
    preview = begin(client, quiz)
    version = db.session.get(QuizVersion, quiz.current_version_id)
    run = run_of(preview)
    # Same content, same hash: still a key of its own, so a preview can never shadow a version's questions.
    assert preview.content_hash == version.content_hash and run.version.id == PREVIEW_VERSION_ID < 0
    assert attempt_service.engine_questions(run.version) is not attempt_service.engine_questions(version)


# --------------------------------------------------------------------------- the working copy


def test_a_preview_shows_the_draft_and_keeps_its_snapshot_while_the_draft_changes(client, instructor):
    quiz = quiz_row("alpha-check")
    document = authoring.working_document(db.session, quiz)
    document["questions"][0]["prompt"] = "Draftonly prompt text"
    document["questions"].append({"id": "draft-tf", "type": "true_false", "prompt": "Draftadded question",
                                  "source": "alpha#the-alpha-idea", "answer": True})
    quiz.draft = document
    db.session.commit()
    before = counts()
    preview = begin(client, quiz)
    assert len(preview.question_ids) == 5 and "draft-tf" in preview.question_ids
    pages = "".join(all_pages(client, quiz, preview))
    assert "Draftonly prompt text" in pages and "Draftadded question" in pages
    assert "Which letter is alpha?" not in pages
    # Editing the draft meanwhile leaves the running preview as it started.
    later = copy.deepcopy(document)
    later["questions"][0]["prompt"] = "Laterchange prompt text"
    quiz = quiz_row("alpha-check")
    quiz.draft = later
    db.session.commit()
    pages = "".join(all_pages(client, quiz, preview))
    assert "Draftonly prompt text" in pages and "Laterchange prompt text" not in pages
    # Students still get the published questions.
    assert db.session.get(QuizVersion, quiz.current_version_id).questions[0]["prompt_html"].count("Which letter")
    assert counts() == before


@pytest.mark.parametrize("change", ["no questions", "broken question"])
def test_a_working_copy_that_does_not_validate_is_not_previewed(client, instructor, change):
    quiz = quiz_row("alpha-check")
    document = authoring.working_document(db.session, quiz)
    if change == "no questions":
        document["questions"] = []
    else:
        document["questions"][0]["choices"] = []
    quiz.draft = document
    db.session.commit()
    token = csrf_token(client, f"/author/quizzes/{quiz.id}")
    response = client.post(url(quiz, "/start"), data={"csrf_token": token}, follow_redirects=True)
    assert "cannot be previewed yet" in response.get_data(as_text=True)
    assert preview_row(quiz) is None


# --------------------------------------------------------------------------- who may


@pytest.mark.parametrize(("rule", "method"), PREVIEW_RULES)
def test_students_are_refused_every_preview_url(client, course, make_user, auth, rule, method):
    quiz = quiz_row("alpha-check")
    teacher = make_user("instructor", email="teacher@example.org")
    parsed = authoring.check_document(db.session, quiz.course, authoring.working_document(db.session, quiz),
                                      quiz=quiz, draft=False)
    start_preview(db.session, teacher.id, quiz, parsed.quiz)
    db.session.commit()
    make_user("student", email="learner@example.org")
    auth.login("learner@example.org")
    student = db.session.scalars(select(User).where(User.email == "learner@example.org")).one()
    data = {"csrf_token": csrf_token(client, COURSE), "go": "finish", "page": 1}
    response = client.open(rule.replace("<int:quiz_id>", str(quiz.id)), method=method,
                           data=data if method == "POST" else None)
    assert response.status_code == 403, (rule, method, response.status_code)
    rows = db.session.scalars(select(QuizPreview)).all()
    assert [(row.user_id, row.state, row.answers) for row in rows] == [(teacher.id, "in_progress", {})]
    assert student.id != teacher.id


def test_there_is_a_rule_for_every_preview_page():
    assert {method for _rule, method in PREVIEW_RULES} == {"GET", "POST"} and len(PREVIEW_RULES) == 6
