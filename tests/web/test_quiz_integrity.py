"""Exam integrity: immediate feedback is no free oracle, and the quiz's current dates and review options
govern attempts begun on any version (closing, extending, reopening, withdrawing)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Attempt, Quiz, Response, utcnow
from app.services import attempts as attempt_service
from tests.conftest import csrf_token
from tests.web.test_quiz import COURSE, answers_for, html, save, start, submit

# --------------------------------------------------------------------------- helpers


def publish(app, runner, quiz_key: str, settings: dict[str, str]) -> None:
    """Write settings into a quiz's file and sync it, as an instructor publishing a new version would."""
    path = Path(app.config["QUIZZES_DIR"]) / f"{quiz_key}.yaml"
    text = path.read_text()
    head, rest = text.split("settings:\n", 1)
    extra = "".join(f"  {key}: {value}\n" for key, value in settings.items())
    lines = [line for line in rest.splitlines(keepends=True)
             if not any(line.startswith(f"  {key}:") for key in settings)]
    path.write_text(head + "settings:\n" + extra + "".join(lines))
    result = runner.invoke(args=["content", "sync"])
    assert result.exit_code == 0 and f"changed: quiz {quiz_key}" in result.output, result.output


def stamp(moment) -> str:
    """A date-time as the quiz file format writes it."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def fresh(attempt: Attempt) -> Attempt:
    """The attempt as the database has it now."""
    db.session.expire_all()
    return db.session.get(Attempt, attempt.id)


def grouped(data: dict) -> dict[str, dict[str, list[str]]]:
    """Form fields named `<question>:<field>` grouped by question, as the save route hands them on."""
    answers: dict[str, dict[str, list[str]]] = {}
    for name, values in data.items():
        qid, _, field = name.partition(":")
        if field:
            answers.setdefault(qid, {})[field] = list(values)
    return answers


def saved_raw(attempt: Attempt, qid: str) -> dict | None:
    """What is stored for one question of an attempt."""
    db.session.expire_all()
    return db.session.scalars(select(Response.raw).where(Response.attempt_id == attempt.id,
                                                         Response.question_id == qid)).one_or_none()


# --------------------------------------------------------------------------- immediate feedback


def check(client, attempt: Attempt, qid: str, answer: str):
    """Press a question's Check button with an answer."""
    token = csrf_token(client, f"/attempts/{attempt.id}")
    return client.post(f"/attempts/{attempt.id}/save",
                       data={"csrf_token": token, "go": f"check:{qid}", "page": 1, f"{qid}:answer": answer})


def test_saving_a_changed_answer_shows_no_verdict_until_it_is_checked(client, course, student):
    attempt = start(client, "beta-check")
    check(client, attempt, "tf", "false")
    page = html(client, f"/attempts/{attempt.id}")
    assert "✘</span> Incorrect" in page and "FEEDBACK-TF-WRONG" in page

    # The oracle: change the answer with a plain save, then with an autosave, and read the page.
    save(client, attempt, {"questions": ["tf"], "tf:answer": "true"})
    page = html(client, f"/attempts/{attempt.id}")
    assert "Correct" not in page and "Incorrect" not in page and "FEEDBACK-TF-WRONG" not in page
    assert "Your answer has changed since you last checked it" in page
    token = csrf_token(client, f"/attempts/{attempt.id}")
    autosaved = client.post(f"/attempts/{attempt.id}/save", headers={"X-Parley-Autosave": "1"},
                            data={"csrf_token": token, "page": 1, "questions": ["tf"], "tf:answer": "false"})
    assert autosaved.status_code == 204 and autosaved.get_data() == b""
    # Back to the answer that was checked: its verdict shows again, and no try was spent.
    page = html(client, f"/attempts/{attempt.id}")
    assert "✘</span> Incorrect" in page and "Tries: 1" in page

    save(client, attempt, {"questions": ["tf"], "tf:answer": "true"})
    assert "Correct" not in html(client, f"/attempts/{attempt.id}")
    check(client, attempt, "tf", "true")
    page = html(client, f"/attempts/{attempt.id}")
    assert "✔</span> Correct" in page and "Tries: 2" in page
    row = db.session.scalars(select(Response).where(Response.attempt_id == attempt.id,
                                                    Response.question_id == "tf")).one()
    assert row.tries == 2 and row.checked_raw == {"answer": ["true"]} and row.locked


def test_every_checked_try_is_kept_in_order_and_plain_saves_add_none(client, course, student):
    from app.models import ResponseTry

    attempt = start(client, "beta-check")
    check(client, attempt, "tf", "false")
    save(client, attempt, {"questions": ["tf"], "tf:answer": "true"})  # a plain save is not a try
    check(client, attempt, "tf", "true")
    db.session.expire_all()
    tries = db.session.scalars(select(ResponseTry).join(Response, Response.id == ResponseTry.response_id)
                               .where(Response.attempt_id == attempt.id, Response.question_id == "tf")
                               .order_by(ResponseTry.number)).all()
    assert [(t.number, t.raw, t.fraction, t.penalised_fraction) for t in tries] == [
        (1, {"answer": ["false"]}, 0.0, 0.0), (2, {"answer": ["true"]}, 1.0, 0.75)]
    assert tries[0].checked_at <= tries[1].checked_at


def test_unchecked_answers_show_nothing_in_immediate_mode(client, course, student):
    attempt = start(client, "beta-check")
    save(client, attempt, {"questions": ["tf", "blanks"], "tf:answer": "false", "blanks:1": "wrong"})
    page = html(client, f"/attempts/{attempt.id}")
    assert "Incorrect" not in page and "FEEDBACK-TF-WRONG" not in page and "changed since" not in page


# --------------------------------------------------------------------------- dates follow the quiz


def test_an_extended_close_date_extends_attempts_begun_before(app, client, runner, course, student):
    now = utcnow()
    publish(app, runner, "alpha-check", {"closes": stamp(now + timedelta(hours=1))})
    attempt = start(client, "alpha-check")
    assert attempt.deadline is None  # no time limit: the close date is the quiz's, read when it matters
    publish(app, runner, "alpha-check", {"closes": stamp(now + timedelta(days=2))})
    assert fresh(attempt).quiz_version_id != db.session.get(Quiz, attempt.quiz_id).current_version_id

    # Two hours on, past the first close date but before the extended one, answers still count.
    later = now + timedelta(hours=2)
    saved = attempt_service.save_answers(db.session, fresh(attempt), grouped(answers_for(attempt)), now=later)
    db.session.commit()
    assert saved == len(attempt.question_ids)
    assert fresh(attempt).state == "in_progress"
    # And once the extended date passes, they no longer do.
    with pytest.raises(attempt_service.AttemptClosed):
        attempt_service.save_answers(db.session, fresh(attempt), grouped(answers_for(attempt)),
                                     now=now + timedelta(days=3))
    db.session.commit()
    assert fresh(attempt).state == "submitted" and fresh(attempt).closed_by == "timeout"


def test_a_close_date_added_later_closes_open_attempts(app, client, runner, course, student):
    attempt = start(client, "alpha-check")
    save(client, attempt, answers_for(attempt))
    publish(app, runner, "alpha-check", {"closes": stamp(utcnow() - timedelta(minutes=5))})

    response = save(client, attempt, answers_for(attempt, right=False))
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/attempts/{attempt.id}/review")
    closed = fresh(attempt)
    assert closed.state == "submitted" and closed.percent == 100.0  # graded with what was saved in time
    assert client.get(f"/attempts/{attempt.id}").headers["Location"].endswith("/review")


def test_an_open_date_added_later_pauses_open_attempts(app, client, runner, course, student):
    attempt = start(client, "alpha-check")
    first = attempt.question_ids[0]
    save(client, attempt, {"questions": [first], f"{first}:answer": ["kept"]})
    publish(app, runner, "alpha-check", {"opens": stamp(utcnow() + timedelta(days=1))})

    response = save(client, attempt, {"questions": [first], f"{first}:answer": ["changed"]})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"{COURSE}/quizzes/alpha-check")
    token = csrf_token(client, f"{COURSE}/quizzes/alpha-check")
    autosave = client.post(f"/attempts/{attempt.id}/save", headers={"X-Parley-Autosave": "1"},
                           data={"csrf_token": token, "questions": [first], f"{first}:answer": "changed"})
    assert autosave.status_code == 409 and "does not open until" in autosave.get_json()["message"]
    assert saved_raw(attempt, first) == {"answer": ["kept"]}
    assert fresh(attempt).state == "in_progress"  # paused, not graded
    assert client.get(f"/attempts/{attempt.id}").headers["Location"].endswith(f"{COURSE}/quizzes/alpha-check")
    page = html(client, f"{COURSE}/quizzes/alpha-check")
    assert "is waiting" in page and "does not open until" in page


def test_retiring_a_quiz_closes_its_open_attempts(app, client, runner, course, student):
    attempt = start(client, "alpha-check")
    save(client, attempt, answers_for(attempt))
    (Path(app.config["QUIZZES_DIR"]) / "alpha-check.yaml").unlink()
    result = runner.invoke(args=["content", "sync"])
    assert "retired: quiz alpha-check" in result.output, result.output
    closed = fresh(attempt)
    assert closed.state == "submitted" and closed.closed_by == "retired" and closed.percent == 100.0
    response = save(client, attempt, answers_for(attempt, right=False))
    assert response.headers["Location"].endswith("/review")


# --------------------------------------------------------------------------- review phases follow the quiz


def test_reopening_a_quiz_hides_the_keys_in_old_reviews(app, client, runner, course, student):
    attempt = start(client, "alpha-check")
    save(client, attempt, answers_for(attempt))
    submit(client, attempt)
    review = html(client, f"/attempts/{attempt.id}/review")
    assert "Correct answer" not in review

    publish(app, runner, "alpha-check", {"closes": stamp(utcnow() - timedelta(hours=1))})
    assert "Correct answer" in html(client, f"/attempts/{attempt.id}/review")

    # Reopened (closed later, or no close date at all): the keys are hidden again, on the old attempt too.
    publish(app, runner, "alpha-check", {"closes": stamp(utcnow() + timedelta(days=7))})
    review = html(client, f"/attempts/{attempt.id}/review")
    assert "Correct answer" not in review


def test_review_options_of_the_current_version_apply_to_old_attempts(app, client, runner, course, student):
    attempt = start(client, "alpha-check")
    save(client, attempt, answers_for(attempt))
    submit(client, attempt)
    assert "Grade: <strong>100%" in html(client, f"/attempts/{attempt.id}/review")
    path = Path(app.config["QUIZZES_DIR"]) / "alpha-check.yaml"
    path.write_text(path.read_text().replace("after_submit: [score, correctness, feedback]", "after_submit: []"))
    assert "changed: quiz alpha-check" in runner.invoke(args=["content", "sync"]).output
    review = html(client, f"/attempts/{attempt.id}/review")
    assert "Grade: <strong>100%" not in review and "Correct" not in review
