"""Taking a timed or limited quiz: the confirmation step, the timer's markup, local times, ordering answers
that repeat an item, and Enter in a text answer keeping the student's place."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Attempt, Quiz, QuizVersion, Response, ResponseTry, utcnow
from app.services import attempts as attempt_service
from tests.conftest import csrf_token
from tests.web.test_quiz import answers_for, html, quiz_url, save, start, submit
from tests.web.version_settings import rewrite_settings

TIME = re.compile(r'<time class="local-time" datetime="(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)" '
                  r'data-local="(\w+)">([^<]+)</time>')


def attempts_count() -> int:
    """How many attempts the database holds now."""
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Attempt))


def post_start(client, key: str, **extra):
    """POST the start form of a quiz with a valid CSRF token and any extra fields."""
    token = csrf_token(client, quiz_url(key))
    return client.post(f"{quiz_url(key)}/start", data={"csrf_token": token, **extra})


def set_settings(quiz_key: str, **changes) -> None:
    """Change settings of a quiz's current version in place (as an edit that made no new version)."""
    version = db.session.scalars(select(QuizVersion).join(Quiz, Quiz.current_version_id == QuizVersion.id)
                                 .where(Quiz.key == quiz_key)).one()
    rewrite_settings(version, **changes)
    db.session.commit()


# --------------------------------------------------------------------------- the confirmation step


def test_limited_quiz_start_button_leads_to_a_confirmation_that_starts_nothing(client, course, student):
    page = html(client, quiz_url("alpha-check"))
    # The quiz page's button only asks (GET ?start=1); it cannot start an attempt itself.
    form = page.split('<section class="card" aria-labelledby="standing-heading">', 1)[1].split("</form>", 1)[0]
    assert 'method="get"' in form and 'name="start" value="1"' in form and "Start the quiz" in form
    confirm = html(client, f"{quiz_url('alpha-check')}?start=1")
    assert "This uses attempt 1 of 2." in confirm and "1 attempt will be left" in confirm
    assert "clock" not in confirm  # alpha-check has no time limit
    assert re.search(r'<form method="post" action="/courses/test-course/quizzes/alpha-check/start"', confirm)
    assert '<input id="confirm" name="confirm" type="hidden" value="1">' in confirm
    assert 'name="csrf_token"' in confirm and ">Start now</button>" in confirm
    assert f'<a href="{quiz_url("alpha-check")}">Not now</a>' in confirm
    assert attempts_count() == 0


def test_timed_final_states_its_clock_and_last_attempt(client, course, student):
    confirm = html(client, f"{quiz_url('final')}?start=1")
    assert "This uses attempt 1 of 1." in confirm and "It is your last attempt." in confirm
    assert "A 10-minute clock starts and does not stop." in confirm
    assert attempts_count() == 0


def test_confirmation_names_the_close_date_in_utc_markup(client, course, student):
    set_settings("final", closes="2031-03-04T15:30:00+02:00")
    confirm = html(client, f"{quiz_url('final')}?start=1")
    assert '<time class="local-time" datetime="2031-03-04T13:30:00Z" data-local="datetime">04 March 2031, 13:30 UTC' \
        in confirm


@pytest.mark.parametrize("quiz_key", ["alpha-check", "final"])
@pytest.mark.parametrize("confirm", [None, "", "0", "yes"])
def test_a_post_without_confirmation_never_starts_a_limited_or_timed_attempt(client, course, student, quiz_key,
                                                                              confirm):
    extra = {} if confirm is None else {"confirm": confirm}
    response = post_start(client, quiz_key, **extra)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"{quiz_url(quiz_key)}?start=1")
    assert attempts_count() == 0


def test_confirmed_start_begins_the_attempt(client, course, student):
    response = post_start(client, "final", confirm="1")
    assert re.search(r"/attempts/\d+$", response.headers["Location"])
    assert attempts_count() == 1


def test_unlimited_untimed_quiz_keeps_its_one_click_start(client, course, student):
    page = html(client, quiz_url("beta-check"))
    assert 'action="/courses/test-course/quizzes/beta-check/start"' in page and 'name="start"' not in page
    # Asking for the confirmation step of a quiz that needs none shows the quiz page.
    assert "Start now" not in html(client, f"{quiz_url('beta-check')}?start=1")
    response = post_start(client, "beta-check")
    assert re.search(r"/attempts/\d+$", response.headers["Location"]) and attempts_count() == 1


def test_resuming_an_open_attempt_needs_no_confirmation(client, course, student):
    attempt = start(client, "alpha-check")
    response = post_start(client, "alpha-check")  # a second tab's old quiz page
    assert response.headers["Location"].endswith(f"/attempts/{attempt.id}")
    page = html(client, f"{quiz_url('alpha-check')}?start=1")
    assert "Continue attempt 1" in page and "Start now" not in page
    assert attempts_count() == 1


def test_no_confirmation_is_offered_once_attempts_are_used_up(client, course, student):
    submit(client, start(client, "final"))
    page = html(client, f"{quiz_url('final')}?start=1")
    assert "You have used all 1 attempt this quiz allows." in page and "Start now" not in page
    response = post_start(client, "final", confirm="1")
    assert response.headers["Location"].endswith(quiz_url("final")) and attempts_count() == 1


# --------------------------------------------------------------------------- timer and local times


def test_timed_attempt_has_a_sticky_timer_with_a_utc_deadline_and_silent_live_regions(client, course, student):
    attempt = start(client, "final")
    page = html(client, f"/attempts/{attempt.id}")
    deadline = attempt.deadline.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert f'<div class="attempt-timer" id="attempt-timer" data-deadline="{deadline}">' in page
    times = TIME.findall(page)
    assert (deadline, "time", f"{deadline[11:16]} UTC") in times
    # Announced only at 5 and 1 minutes left, by attempt.js: empty until then; the countdown is a timer (not live).
    assert '<p class="visually-hidden" id="timer-announce-polite" aria-live="polite" aria-atomic="true"></p>' in page
    assert '<p class="visually-hidden" id="timer-announce-assertive" aria-live="assertive" aria-atomic="true"></p>' \
        in page
    assert 'id="time-left" role="timer" hidden' in page
    summary = html(client, f"/attempts/{attempt.id}/summary")
    assert 'class="attempt-timer"' in summary and (deadline, "time", f"{deadline[11:16]} UTC") in TIME.findall(summary)
    assert "js/attempt.js" in summary


def test_untimed_attempt_has_no_timer(client, course, student):
    attempt = start(client, "alpha-check")
    assert "attempt-timer" not in html(client, f"/attempts/{attempt.id}")


def test_quiz_page_dates_are_time_elements_in_utc(client, course, student):
    set_settings("alpha-check", opens="2020-01-02T09:00:00-05:00", closes="2039-06-30T23:45:00+01:00")
    start(client, "alpha-check")
    page = html(client, quiz_url("alpha-check"))
    times = TIME.findall(page)
    assert ("2020-01-02T14:00:00Z", "datetime", "02 January 2020, 14:00 UTC") in times
    assert ("2039-06-30T22:45:00Z", "datetime", "30 June 2039, 22:45 UTC") in times
    assert len(times) == 3  # opens, closes and the attempt's start
    assert "js/attempt.js" in page


# --------------------------------------------------------------------------- ordering with a repeated item


def order_attempt(client) -> tuple[Attempt, list[str]]:
    """A beta-check attempt and its ordering question's item ids in the right order."""
    attempt = start(client, "beta-check")
    items = list(attempt_service.engine_questions(attempt.version)["order"].correct_response())
    return attempt, items


def saved_order(attempt: Attempt) -> Response:
    """The saved response to the ordering question."""
    db.session.expire_all()
    return db.session.scalars(select(Response).where(Response.attempt_id == attempt.id,
                                                     Response.question_id == "order")).one()


def saved_raw(attempt: Attempt, qid: str) -> dict:
    """The saved fields of one question's answer."""
    db.session.expire_all()
    return db.session.scalars(select(Response.raw).where(Response.attempt_id == attempt.id,
                                                         Response.question_id == qid)).one()


MESSAGE = "Each position needs a different item: \u2018first-item\u2019 is in positions 1 and 3."


@pytest.mark.parametrize("go", ["save", "next", "finish"])
def test_saving_a_repeated_item_keeps_it_as_typed_and_stays_at_the_question(client, course, student, go):
    attempt, (first, second, _third) = order_attempt(client)
    response = save(client, attempt, {"questions": ["order"], "order:answer": [first, second, first]}, go=go)
    assert response.headers["Location"].endswith(f"/attempts/{attempt.id}?page=1#question-order")
    assert saved_order(attempt).raw == {"answer": [first, second, first]}
    page = html(client, f"/attempts/{attempt.id}")
    problem = re.search(r'<p class="answer-problem" id="problem-order" aria-live="polite">(.*?)</p>', page, re.S)
    assert problem and MESSAGE in problem.group(1) and "⚠" in problem.group(1)
    # The positions show what was typed, not a silently repaired order.
    card = page.split('id="question-order"', 1)[1].split("</section>")[0]
    shown = re.findall(r'<option value="([^"]+)" selected>', card)
    assert shown == [first, second, first]


def test_a_fixed_order_clears_the_message(client, course, student):
    attempt, (first, second, third) = order_attempt(client)
    save(client, attempt, {"questions": ["order"], "order:answer": [first, second, first]})
    response = save(client, attempt, {"questions": ["order"], "order:answer": [first, second, third]}, go="finish")
    assert response.headers["Location"].endswith(f"/attempts/{attempt.id}/summary")
    assert "Each position needs a different item" not in html(client, f"/attempts/{attempt.id}")


def test_checking_a_repeated_item_grades_nothing_and_costs_no_try(client, course, student):
    attempt, (first, second, _third) = order_attempt(client)
    token = csrf_token(client, f"/attempts/{attempt.id}")
    response = client.post(f"/attempts/{attempt.id}/save", data={
        "csrf_token": token, "go": "check:order", "page": 1, "questions": ["order"],
        "order:answer": [second, second, first]})
    assert response.headers["Location"].endswith(f"/attempts/{attempt.id}?page=1#question-order")
    row = saved_order(attempt)
    assert row.raw == {"answer": [second, second, first]} and row.tries == 0 and row.checked_raw is None
    assert db.session.scalar(select(func.count()).select_from(ResponseTry)) == 0
    page = html(client, f"/attempts/{attempt.id}")
    assert "saved but not checked" in page and "\u2018second-item\u2019 is in positions 1 and 2." in page
    assert "Tries:" not in page.split('id="question-order"', 1)[1].split("</section>")[0]


def test_submit_is_refused_until_the_repeated_item_is_fixed(client, course, student):
    attempt, (first, second, third) = order_attempt(client)
    save(client, attempt, {"questions": ["order"], "order:answer": [first, second, first]})
    response = submit(client, attempt)
    assert response.headers["Location"].endswith(f"/attempts/{attempt.id}/summary")
    db.session.expire_all()
    assert db.session.get(Attempt, attempt.id).state == "in_progress"
    summary = html(client, f"/attempts/{attempt.id}/summary")
    assert "Not submitted yet: 1 answer needs fixing first" in summary
    assert "Needs fixing:</strong> " + MESSAGE in summary
    save(client, attempt, {"questions": ["order"], "order:answer": [first, second, third]})
    assert submit(client, attempt).headers["Location"].endswith(f"/attempts/{attempt.id}/review")
    db.session.expire_all()
    assert db.session.get(Attempt, attempt.id).state == "submitted"


def test_autosave_keeps_a_repeated_item_without_complaint(client, course, student):
    attempt, (first, _second, _third) = order_attempt(client)
    token = csrf_token(client, f"/attempts/{attempt.id}")
    response = client.post(f"/attempts/{attempt.id}/save", headers={"X-Parley-Autosave": "1"}, data={
        "csrf_token": token, "go": "save", "page": 1, "order:answer": [first, first, first]})
    assert response.status_code == 204 and saved_order(attempt).raw == {"answer": [first, first, first]}


def test_time_running_out_grades_a_repeated_item_as_it_stands(client, course, student):
    attempt, (first, second, _third) = order_attempt(client)
    save(client, attempt, {"questions": ["order"], "order:answer": [first, second, first]})
    db.session.expire_all()
    attempt = db.session.get(Attempt, attempt.id)
    attempt.deadline = utcnow() - timedelta(hours=1)
    assert attempt_service.close_if_overdue(db.session, attempt) is True
    db.session.commit()
    assert attempt.closed_by == "timeout" and saved_order(attempt).marks == 0.5  # the first-second pair kept


def test_ordering_problem_names_every_repeated_item():
    items = [{"id": "a", "text": "Alpha"}, {"id": "b", "text": "Beta"}, {"id": "c", "text": "Gamma"},
             {"id": "d", "text": "Delta"}]
    assert attempt_service.ordering_problem(items, ["a", "b", "c", "d"]) is None
    assert attempt_service.ordering_problem(items, []) is None
    assert attempt_service.ordering_problem(items, ["a", "a", "b", "a"]) == (
        "Each position needs a different item: \u2018Alpha\u2019 is in positions 1, 2 and 4.")
    assert attempt_service.ordering_problem(items, "b,b,c,c") == (
        "Each position needs a different item: \u2018Beta\u2019 is in positions 1 and 2; "
        "\u2018Gamma\u2019 is in positions 3 and 4.")
    assert attempt_service.ordering_problem(items, ["a", "zz", "zz", "b"]) is None  # unknown ids are not items


# --------------------------------------------------------------------------- Enter keeps the student's place


def place_of(attempt: Attempt, qid: str) -> tuple[int, int]:
    """A question's number in the attempt and the page it is on."""
    number = attempt.question_ids.index(qid) + 1
    per_page = attempt_service.settings_of(attempt.version).questions_per_page
    return number, (number - 1) // per_page + 1


def test_enter_in_a_text_answer_returns_to_the_same_field(client, course, student):
    attempt = start(client, "alpha-check")
    number, page = place_of(attempt, "type-it")
    field = f"q{number}-a-answer"
    assert f'id="{field}"' in html(client, f"/attempts/{attempt.id}?page={page}")
    token = csrf_token(client, f"/attempts/{attempt.id}")
    response = client.post(f"/attempts/{attempt.id}/save", data={
        "csrf_token": token, "go": "save", "page": page, "focus": field, "questions": ["type-it"],
        "type-it:answer": "draft"})
    assert response.headers["Location"].endswith(
        f"/attempts/{attempt.id}?page={page}&focus={field}#question-type-it")
    assert saved_raw(attempt, "type-it") == {"answer": ["draft"]}


def test_cloze_blank_focus_names_its_question(client, course, student):
    attempt = start(client, "beta-check")
    number, page = place_of(attempt, "blanks")
    field = f"q{number}-a-blank-2"
    assert f'id="{field}"' in html(client, f"/attempts/{attempt.id}?page={page}")
    response = save(client, attempt, {"questions": ["blanks"], "blanks:2": "x", "focus": field}, page=page)
    assert response.headers["Location"].endswith(f"?page={page}&focus={field}#question-blanks")


@pytest.mark.parametrize("focus", ["", "q99-a-answer", "q0-a-answer", "<script>", "q1-yours-answer", "q1-a-"])
def test_a_save_without_a_known_field_returns_to_the_page_only(client, course, student, focus):
    attempt = start(client, "alpha-check")
    response = save(client, attempt, {"questions": [], "focus": focus})
    assert response.headers["Location"].endswith(f"/attempts/{attempt.id}?page=1")


def test_moving_between_pages_ignores_the_focus_field(client, course, student):
    attempt = start(client, "alpha-check")
    response = save(client, attempt, {"questions": [], "focus": "q1-a-answer"}, go="next")
    assert response.headers["Location"].endswith(f"/attempts/{attempt.id}?page=2")


def test_the_confirmed_attempt_uses_the_right_number(client, course, student):
    first = start(client, "alpha-check")
    submit(client, first)
    confirm = html(client, f"{quiz_url('alpha-check')}?start=1")
    assert "This uses attempt 2 of 2." in confirm and "It is your last attempt." in confirm
    second = start(client, "alpha-check")
    assert second.number == 2 and answers_for(second)


def test_start_terms_need_confirmation_only_for_limits_and_clocks():
    from app.engine.quiz_rules import QuizSettings

    assert not attempt_service.start_terms(QuizSettings(), 3).needs_confirmation
    assert attempt_service.start_terms(QuizSettings(attempts=2), 1).needs_confirmation
    assert attempt_service.start_terms(QuizSettings(time_limit_seconds=60), 7).needs_confirmation
    closes = datetime(2030, 1, 1, tzinfo=UTC)
    assert not attempt_service.start_terms(QuizSettings(closes=closes), 0).needs_confirmation
    terms = attempt_service.start_terms(QuizSettings(attempts=3), 1)
    assert (terms.number, terms.allowed, terms.left_after) == (2, 3, 1)
