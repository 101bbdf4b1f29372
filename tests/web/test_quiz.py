"""Taking quizzes through the web: flow, resume, limits, time, review options, keys, idempotent submit."""

from __future__ import annotations

import re
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.engine.form_fields import response_fields
from app.extensions import db
from app.models import Attempt, Lesson, Quiz, QuizVersion, Response, utcnow
from app.services import attempts as attempt_service
from tests.conftest import PASSWORD, AuthActions, csrf_token
from tests.web.version_settings import rewrite_settings

COURSE = "/courses/test-course"
CSRF_VALUE = re.compile(r'(name="csrf_token"[^>]*?value="|name="csrf-token" content=")[^"]*')
SECRETS = ["FEEDBACK-", "GENERAL-FEEDBACK", "zetasecretword", "4242", "blankanswerone", "blankanswertwo",
           "weight", "correct"]


def quiz_url(key: str) -> str:
    return f"{COURSE}/quizzes/{key}"


def start(client, key: str) -> Attempt:
    """Start (confirmed, as from the confirmation step of a limited or timed quiz) or resume an attempt."""
    token = csrf_token(client, quiz_url(key))
    response = client.post(f"{quiz_url(key)}/start", data={"csrf_token": token, "confirm": "1"})
    assert response.status_code == 302, response.get_data(as_text=True)
    attempt_id = int(re.search(r"/attempts/(\d+)$", response.headers["Location"]).group(1))
    return db.session.get(Attempt, attempt_id)


def answers_for(attempt: Attempt, right: bool = True) -> dict[str, list[str]]:
    """Form fields answering every question of the attempt (the key, or something wrong)."""
    questions = attempt_service.engine_questions(attempt.version)
    data: dict[str, list[str]] = {"questions": list(attempt.question_ids)}
    for qid in attempt.question_ids:
        fields = response_fields(questions[qid].correct_response(attempt.orders.get(qid))) if right \
            else {"answer": ["certainly-wrong"]}
        for name, values in fields.items():
            data[f"{qid}:{name}"] = values
    return data


def save(client, attempt: Attempt, data: dict, go: str = "save", page: int = 1):
    token = csrf_token(client, "/auth/login")
    return client.post(f"/attempts/{attempt.id}/save", data={**data, "csrf_token": token, "go": go, "page": page})


def submit(client, attempt: Attempt):
    token = csrf_token(client, "/auth/login")
    return client.post(f"/attempts/{attempt.id}/submit", data={"csrf_token": token})


def html(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def all_attempt_pages(client, attempt: Attempt) -> list[str]:
    settings = attempt_service.settings_of(attempt.version)
    pages = -(-len(attempt.question_ids) // settings.questions_per_page)
    return [html(client, f"/attempts/{attempt.id}?page={n}") for n in range(1, pages + 1)]


def test_quiz_page_explains_the_rules(client, course, student):
    page = html(client, quiz_url("alpha-check"))
    assert "Check: Alpha" in page and "A <em>small</em> quiz on alpha." in page
    assert "60%" in page and "2 (2 left)" in page and "Start the quiz" in page


def test_full_attempt_right_answers_masters_the_lesson(client, course, student):
    attempt = start(client, "alpha-check")
    assert attempt.state == "in_progress" and len(attempt.question_ids) == 4
    first = html(client, f"/attempts/{attempt.id}")
    assert "page 1 of 2" in first and first.count('<fieldset class="question') == 2
    response = save(client, attempt, answers_for(attempt), go="finish")
    assert response.headers["Location"].endswith(f"/attempts/{attempt.id}/summary")
    assert "4 of 4 questions answered" in html(client, f"/attempts/{attempt.id}/summary")
    response = submit(client, attempt)
    assert response.headers["Location"].endswith(f"/attempts/{attempt.id}/review")
    db.session.expire_all()
    graded = db.session.get(Attempt, attempt.id)
    assert graded.state == "submitted" and graded.score == 5 and graded.max_score == 5 and graded.percent == 100
    review = html(client, f"/attempts/{attempt.id}/review")
    assert "Grade: <strong>100%" in review and review.count("✔</span> Correct") == 4
    course_page = html(client, COURSE)
    assert "best 100%" in course_page and "Mastered" in course_page


def test_wrong_answers_score_zero_and_link_to_the_lesson(client, course, student):
    attempt = start(client, "alpha-check")
    save(client, attempt, answers_for(attempt, right=False))
    submit(client, attempt)
    review = html(client, f"/attempts/{attempt.id}/review")
    assert "Grade: <strong>0%" in review
    assert "✘</span> Incorrect" in review
    assert f'href="{COURSE}/lessons/alpha#the-alpha-idea"' in review
    # after_submit shows feedback but not the correct answers
    assert "GENERAL-FEEDBACK-PICK-ONE" in review
    assert "Correct answer" not in review
    assert "not attempted" not in html(client, COURSE).split("Alpha lesson")[1].split("</li>")[0]


def test_answers_are_saved_and_resume_after_logout(client, course, student, auth):
    attempt = start(client, "alpha-check")
    data = answers_for(attempt)
    save(client, attempt, data)
    auth.logout()
    auth.login("learner@example.org", PASSWORD)
    # Starting again resumes the same attempt.
    assert start(client, "alpha-check").id == attempt.id
    assert db.session.scalar(select(func.count()).select_from(Attempt)) == 1
    pages = "".join(all_attempt_pages(client, attempt))
    for name, values in data.items():
        if ":" not in name:
            continue
        for value in values:
            assert f'value="{value}"' in pages
    assert pages.count(" checked") >= 3  # single + two multiple choices restored


def test_clearing_an_answer_saves_it_empty(client, course, student):
    attempt = start(client, "alpha-check")
    save(client, attempt, answers_for(attempt))
    save(client, attempt, {"questions": list(attempt.question_ids)})
    raws = db.session.scalars(select(Response.raw).where(Response.attempt_id == attempt.id)).all()
    assert raws and all(raw == {} for raw in raws)


def test_attempt_limit_is_enforced(client, course, student):
    for _ in range(2):
        attempt = start(client, "alpha-check")
        submit(client, attempt)
    token = csrf_token(client, quiz_url("alpha-check"))
    response = client.post(f"{quiz_url('alpha-check')}/start", data={"csrf_token": token})
    assert response.headers["Location"].endswith(quiz_url("alpha-check"))
    page = html(client, quiz_url("alpha-check"))
    assert "You have used all 2 attempts this quiz allows." in page
    assert db.session.scalar(select(func.count()).select_from(Attempt)) == 2


def test_time_limit_closes_the_attempt_and_late_answers_do_not_count(client, course, student):
    attempt = start(client, "final")
    assert attempt.deadline is not None
    assert abs((attempt.deadline - attempt.started_at) - timedelta(minutes=10)) < timedelta(seconds=1)
    early = answers_for(attempt)
    first_qid = attempt.question_ids[0]
    save(client, attempt, {k: v for k, v in early.items() if k.startswith(f"{first_qid}:")})
    # Time passes beyond the deadline and its grace.
    attempt.deadline = utcnow() - timedelta(minutes=5)
    db.session.commit()
    response = save(client, attempt, answers_for(attempt))
    assert response.headers["Location"].endswith(f"/attempts/{attempt.id}/review")
    db.session.expire_all()
    closed = db.session.get(Attempt, attempt.id)
    assert closed.state == "submitted" and closed.closed_by == "timeout"
    marks = dict(db.session.execute(select(Response.question_id, Response.marks)
                                    .where(Response.attempt_id == attempt.id)).all())
    assert marks[first_qid] == 1.0
    assert sum(marks.values()) == 1.0  # only the answer saved in time counted


def test_submit_writes_every_mark_and_the_session_sees_them_without_a_reload(client, course, student):
    attempt = start(client, "final")
    first_qid = attempt.question_ids[0]
    save(client, attempt, {k: v for k, v in answers_for(attempt).items() if k.startswith(f"{first_qid}:")})
    held = db.session.scalars(select(Response).where(Response.attempt_id == attempt.id)).one()
    assert attempt_service.submit_attempt(db.session, attempt) is True
    # Nothing expired: the attempt and the answer this session already held show what the submit wrote.
    shown = (attempt.state, attempt.closed_by, attempt.score, attempt.max_score, attempt.percent, held.fraction,
             held.marks)
    db.session.commit()
    db.session.expire_all()
    stored, stored_answer = db.session.get(Attempt, attempt.id), db.session.get(Response, held.id)
    assert shown == (stored.state, stored.closed_by, stored.score, stored.max_score, stored.percent,
                     stored_answer.fraction, stored_answer.marks)
    assert shown[:3] == ("submitted", "student", 1.0) and held.marks == 1.0
    # Every unanswered question gets a blank answer worth nothing, so reports see each question once.
    marks = dict(db.session.execute(select(Response.question_id, Response.marks)
                                    .where(Response.attempt_id == attempt.id)).all())
    assert sorted(marks) == sorted(attempt.question_ids)
    assert all(value == 0 for qid, value in marks.items() if qid != first_qid)
    assert attempt_service.submit_attempt(db.session, stored) is False


def test_overdue_attempt_is_closed_when_the_student_returns(client, course, student):
    attempt = start(client, "final")
    attempt.deadline = utcnow() - timedelta(hours=1)
    db.session.commit()
    response = client.get(f"/attempts/{attempt.id}")
    assert response.headers["Location"].endswith(f"/attempts/{attempt.id}/review")
    db.session.expire_all()
    assert db.session.get(Attempt, attempt.id).closed_by == "timeout"


def test_pool_draw_is_fixed_per_attempt(client, course, student):
    attempt = start(client, "final")
    assert len(attempt.question_ids) == 3 and len(set(attempt.question_ids)) == 3
    assert set(attempt.question_ids) <= {"f1", "f2", "f3", "f4", "f5"}
    first = html(client, f"/attempts/{attempt.id}")
    again = html(client, f"/attempts/{attempt.id}")
    order = re.findall(r'name="questions" value="([^"]+)"', first)
    assert order == re.findall(r'name="questions" value="([^"]+)"', again) == list(attempt.question_ids)


def test_choice_order_is_stored_and_stable(client, course, student):
    attempt = start(client, "alpha-check")
    pages = all_attempt_pages(client, attempt)
    again = all_attempt_pages(client, attempt)
    # CSRF tokens carry a timestamp: two loads a second apart differ there and nowhere else.
    assert [CSRF_VALUE.sub(r"\1", page) for page in pages] == [CSRF_VALUE.sub(r"\1", page) for page in again]
    assert all(CSRF_VALUE.search(page) for page in pages)
    assert set(attempt.orders) >= {"pick-one", "pick-many"}


@pytest.mark.parametrize("quiz_key", ["alpha-check", "beta-check", "final"])
def test_answer_keys_never_reach_the_attempt_pages(client, course, student, quiz_key):
    attempt = start(client, quiz_key)
    for page in all_attempt_pages(client, attempt):
        body = page.split('<main id="main"', 1)[1]
        for secret in SECRETS:
            assert secret not in body, secret
    if quiz_key == "beta-check":
        # The ordering question is never shown in its correct order.
        page = all_attempt_pages(client, attempt)[0]
        shown = re.findall(r"selected>(\w+-item)</option>", page)
        assert shown and shown != ["first-item", "second-item", "third-item"]


def test_review_options_follow_the_quiz_phase(client, course, student):
    attempt = start(client, "final")
    save(client, attempt, answers_for(attempt))
    submit(client, attempt)
    review = html(client, f"/attempts/{attempt.id}/review")
    assert "Grade: <strong>100%" in review
    assert "Correct" not in review and "Correct answer" not in review
    # Once the quiz closes, the after_close options apply.
    version = db.session.get(QuizVersion, attempt.quiz_version_id)
    rewrite_settings(version, closes=(utcnow() - timedelta(minutes=1)).isoformat())
    db.session.commit()
    review = html(client, f"/attempts/{attempt.id}/review")
    assert review.count("✔</span> Correct") == 3 and "Correct answer" in review


def test_immediate_mode_checks_and_penalises_extra_tries(client, course, student):
    attempt = start(client, "beta-check")
    assert attempt.question_ids == ["tf", "match", "order", "blanks"]  # shuffle_questions: false
    token = csrf_token(client, f"/attempts/{attempt.id}")
    wrong = client.post(f"/attempts/{attempt.id}/save",
                        data={"csrf_token": token, "go": "check:tf", "page": 1, "tf:answer": "false"})
    assert wrong.headers["Location"].endswith(f"/attempts/{attempt.id}?page=1#question-tf")
    page = html(client, f"/attempts/{attempt.id}")
    assert "✘</span> Incorrect" in page and "FEEDBACK-TF-WRONG" in page and "Tries: 1" in page
    assert f'href="{COURSE}/lessons/beta#the-beta-idea"' in page
    client.post(f"/attempts/{attempt.id}/save",
                data={"csrf_token": token, "go": "check:tf", "page": 1, "tf:answer": "true"})
    page = html(client, f"/attempts/{attempt.id}")
    assert "✔</span> Correct" in page and "this question is finished" in page
    # A finished question cannot be changed any more.
    save(client, attempt, {"questions": ["tf"], "tf:answer": "false"})
    assert db.session.scalars(select(Response.raw).where(Response.question_id == "tf")).one() == {"answer": ["true"]}
    submit(client, attempt)
    db.session.expire_all()
    marks = dict(db.session.execute(select(Response.question_id, Response.marks)
                                    .where(Response.attempt_id == attempt.id)).all())
    assert marks["tf"] == 0.75  # right on the second try, penalty 0.25


def test_double_submit_grades_once(client, course, student, monkeypatch):
    attempt = start(client, "alpha-check")
    save(client, attempt, answers_for(attempt))
    first = submit(client, attempt)
    db.session.expire_all()
    graded = db.session.get(Attempt, attempt.id)
    stamp, score = graded.submitted_at, graded.score
    second = submit(client, attempt)  # the back button, or a second click
    assert first.status_code == second.status_code == 302
    db.session.expire_all()
    again = db.session.get(Attempt, attempt.id)
    assert (again.submitted_at, again.score) == (stamp, score)


def test_concurrent_submits_from_two_tabs_grade_exactly_once(app, course, make_user, monkeypatch):
    make_user(email="tabs@example.org")
    tabs = [app.test_client() for _ in range(4)]
    auth = AuthActions(tabs[0])
    assert auth.login("tabs@example.org").status_code == 302
    cookie = tabs[0].get_cookie("session", domain="parley.test")
    for tab in tabs[1:]:
        tab.set_cookie(cookie.key, cookie.value, domain=cookie.domain)
    attempt = start(tabs[0], "alpha-check")
    save(tabs[0], attempt, answers_for(attempt))
    tokens = [csrf_token(tab, "/auth/login") for tab in tabs]
    graded = []
    original = attempt_service.submit_attempt

    def counting(*args, **kwargs):
        result = original(*args, **kwargs)
        graded.append(result)
        return result

    monkeypatch.setattr(attempt_service, "submit_attempt", counting)
    barrier = threading.Barrier(len(tabs))
    statuses = []

    url = f"/attempts/{attempt.id}/submit"  # worker threads have no app context to load the row

    def go(index):
        barrier.wait()
        statuses.append(tabs[index].post(url,
                                         data={"csrf_token": tokens[index]}).status_code)

    threads = [threading.Thread(target=go, args=(i,)) for i in range(len(tabs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [302] * len(tabs)
    assert sorted(graded) == [False] * (len(tabs) - 1) + [True]
    # End the test's own read transaction and forget its copies, so it sees what the workers wrote.
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Attempt, attempt.id).percent == 100
    assert db.session.scalar(select(func.count()).select_from(Response)
                             .where(Response.attempt_id == attempt.id)) == 4


def test_concurrent_starts_make_one_attempt(app, course, make_user):
    make_user(email="starter@example.org")
    tabs = [app.test_client() for _ in range(4)]
    assert AuthActions(tabs[0]).login("starter@example.org").status_code == 302
    cookie = tabs[0].get_cookie("session", domain="parley.test")
    for tab in tabs[1:]:
        tab.set_cookie(cookie.key, cookie.value, domain=cookie.domain)
    tokens = [csrf_token(tab, quiz_url("alpha-check")) for tab in tabs]
    barrier = threading.Barrier(len(tabs))
    locations: list[str | None] = []

    def go(index):
        barrier.wait()
        response = tabs[index].post(f"{quiz_url('alpha-check')}/start",
                                    data={"csrf_token": tokens[index], "confirm": "1"})
        locations.append(response.headers.get("Location"))

    threads = [threading.Thread(target=go, args=(i,)) for i in range(len(tabs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    db.session.commit()
    rows = db.session.execute(select(Attempt.id, Attempt.user_id, Attempt.number, Attempt.state,
                                     Attempt.started_at, Attempt.quiz_id)).all()
    assert len(rows) == 1, (rows, locations)
    assert len(set(locations)) == 1


def test_other_students_cannot_touch_an_attempt_but_staff_can_review(client, course, student, auth, make_user):
    attempt = start(client, "alpha-check")
    auth.logout()
    make_user(email="nosy@example.org")
    auth.login("nosy@example.org")
    token = csrf_token(client)
    # 404, as for an attempt that does not exist: another student's attempts are not even known to exist.
    for url in (f"/attempts/{attempt.id}", f"/attempts/{attempt.id}/summary", f"/attempts/{attempt.id}/review"):
        assert client.get(url).status_code == 404, url
        assert client.get(url.replace(str(attempt.id), str(attempt.id + 100))).status_code == 404
    assert client.post(f"/attempts/{attempt.id}/save", data={"csrf_token": token}).status_code == 404
    assert client.post(f"/attempts/{attempt.id}/submit", data={"csrf_token": token}).status_code == 404
    auth.logout()
    submit_as_owner = AuthActions(client)
    submit_as_owner.login("learner@example.org")
    submit(client, attempt)
    auth.logout()
    make_user("instructor", email="teacher@example.org")
    auth.login("teacher@example.org")
    assert client.get(f"/attempts/{attempt.id}/review").status_code == 200


def test_quiz_that_has_not_opened_refuses_to_start(client, course, student):
    version = db.session.scalars(select(QuizVersion).join(Quiz, Quiz.current_version_id == QuizVersion.id)
                                 .where(Quiz.key == "alpha-check")).one()
    rewrite_settings(version, opens=(utcnow() + timedelta(days=2)).isoformat())
    db.session.commit()
    page = html(client, quiz_url("alpha-check"))
    assert "This quiz opens on" in page
    token = csrf_token(client, quiz_url("alpha-check"))
    client.post(f"{quiz_url('alpha-check')}/start", data={"csrf_token": token})
    assert db.session.scalar(select(func.count()).select_from(Attempt)) == 0


def test_editing_a_quiz_never_changes_a_past_attempt(app, client, course, student, runner):
    attempt = start(client, "alpha-check")
    save(client, attempt, answers_for(attempt))
    submit(client, attempt)
    path = Path(app.config["QUIZZES_DIR"]) / "alpha-check.yaml"
    path.write_text(path.read_text().replace('text: "zetasecretword"', 'text: "anotherword"')
                    .replace("Which letter is alpha?", "Which letter is truly alpha?"))
    result = runner.invoke(args=["content", "sync"])
    assert "changed: quiz alpha-check" in result.output, result.output
    db.session.expire_all()
    quiz = db.session.scalars(select(Quiz).where(Quiz.key == "alpha-check")).one()
    assert len(quiz.versions) == 2 and quiz.current_version_id != attempt.quiz_version_id
    review = html(client, f"/attempts/{attempt.id}/review")
    assert "Which letter is alpha?" in review and "Grade: <strong>100%" in review
    second = start(client, "alpha-check")
    assert second.quiz_version_id == quiz.current_version_id
    assert "Which letter is truly alpha?" in "".join(all_attempt_pages(client, second))


def test_attempt_pages_run_a_fixed_number_of_queries(client, course, student, count_queries):
    attempt = start(client, "alpha-check")
    url = f"/attempts/{attempt.id}"  # read before counting: the test's own queries are not the page's
    data = answers_for(attempt)
    client.get(url)
    with count_queries() as empty:
        client.get(url)
    save(client, attempt, data)
    with count_queries() as answered:
        client.get(f"{url}?page=2")
    final_url = f"/attempts/{start(client, 'final').id}"
    with count_queries() as other_quiz:
        client.get(final_url)
    assert len(empty) == len(answered) == len(other_quiz), (empty, answered)
    assert len(empty) <= 4  # (BEGIN,) the user, the attempt with its version, quiz and course, the answers


def test_saving_one_answer_is_one_small_write(client, course, student, count_queries):
    attempt = start(client, "alpha-check")
    token = csrf_token(client, f"/attempts/{attempt.id}")
    with count_queries() as statements:
        response = client.post(f"/attempts/{attempt.id}/save", headers={"X-Parley-Autosave": "1"},
                               data={"csrf_token": token, "go": "save", "page": 1, "type-it:answer": "draft"})
    assert response.status_code == 204
    writes = [s for s in statements if s.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    assert len(writes) == 1 and "response" in writes[0].lower()


def test_lesson_page_links_to_its_quiz(client, course, student):
    page = html(client, f"{COURSE}/lessons/alpha")
    assert f'href="{quiz_url("alpha-check")}"' in page
    assert db.session.scalars(select(Lesson.quiz_key).where(Lesson.key == "alpha")).one() == "alpha-check"


def test_course_complete_needs_every_lesson_mastered_and_the_final(client, course, student):
    token = csrf_token(client, COURSE)
    for key in ("alpha", "beta", "gamma"):
        client.post(f"{COURSE}/lessons/{key}/complete", data={"csrf_token": token})
    for quiz_key in ("alpha-check", "beta-check"):
        attempt = start(client, quiz_key)
        save(client, attempt, answers_for(attempt))
        submit(client, attempt)
    page = html(client, COURSE)
    assert "3 of 3 lessons mastered (100%)" in page and "Course complete" not in page
    final = start(client, "final")
    save(client, final, answers_for(final))
    submit(client, final)
    assert "Course complete" in html(client, COURSE)


def test_enter_in_an_answer_saves_rather_than_going_back(client, course, student):
    attempt = start(client, "alpha-check")
    page_two = html(client, f"/attempts/{attempt.id}?page=2")
    form = page_two.split('id="attempt-form"', 1)[1]
    # Implicit submission (Enter in a text field) presses the form's first submit button.
    first_button = re.search(r'<button type="submit" name="go" value="([^"]+)"', form).group(1)
    assert first_button == "save"
    assert 'value="previous"' in form


def test_a_save_racing_a_submit_never_changes_a_graded_answer(app, course, make_user):
    make_user(email="racer@example.org")
    tabs = [app.test_client() for _ in range(2)]
    assert AuthActions(tabs[0]).login("racer@example.org").status_code == 302
    attempt = start(tabs[0], "alpha-check")
    right = answers_for(attempt)
    save(tabs[0], attempt, right)
    wrong = {"questions": list(attempt.question_ids), "type-it:answer": ["late change"]}
    token = csrf_token(tabs[0], "/auth/login")
    # The second tab shares the session as it is now, CSRF token included.
    cookie = tabs[0].get_cookie("session", domain="parley.test")
    tabs[1].set_cookie(cookie.key, cookie.value, domain=cookie.domain)
    attempt_id = attempt.id
    barrier = threading.Barrier(2)

    statuses = []

    def late_save():
        barrier.wait()
        statuses.append(tabs[0].post(f"/attempts/{attempt_id}/save",
                                     data={**wrong, "csrf_token": token, "go": "save", "page": 1}).status_code)

    def submit_now():
        barrier.wait()
        statuses.append(tabs[1].post(f"/attempts/{attempt_id}/submit", data={"csrf_token": token}).status_code)

    threads = [threading.Thread(target=late_save), threading.Thread(target=submit_now)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    db.session.commit()
    db.session.expire_all()
    response = db.session.scalars(select(Response).where(Response.attempt_id == attempt_id,
                                                         Response.question_id == "type-it")).one()
    graded_as_typed = (response.raw == {"answer": ["late change"]}) == (response.marks == 0)
    assert statuses == [302, 302]
    assert graded_as_typed, (response.raw, response.marks)


def test_quiz_page_queries_do_not_grow_with_attempts(client, course, student, count_queries):
    url = quiz_url("beta-check")  # unlimited attempts
    first = start(client, "beta-check")
    submit(client, first)
    client.get(url)
    with count_queries() as one:
        client.get(url)
    for _ in range(3):
        submit(client, start(client, "beta-check"))
    with count_queries() as four:
        client.get(url)
    assert len(four) == len(one), four
