"""Report exports over HTTP: CSV and JSON contents, streaming, formula injection, filters, and query counts."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import select

from app.csv_export import csv_cell, csv_lines
from app.extensions import db
from app.models import Attempt, utcnow
from app.services import attempts as attempt_service
from tests.web.report_world import add_crowd, add_student, build_world, quiz

EXPORTS = ["/reports/export/progress.csv", "/reports/export/progress.json", "/reports/export/attempts.csv",
           "/reports/export/responses.csv", "/reports/export/responses.csv?quiz=alpha-check",
           "/reports/export/users.csv"]


@pytest.fixture()
def world(app, course, make_user):
    """The small school of the report tests, its story starting sixty days ago."""
    return build_world(make_user, datetime.combine(utcnow().date() - timedelta(days=60), time(9), UTC))


@pytest.fixture()
def admin(auth, world):
    """The client signed in as the administrator."""
    assert auth.login("admin@example.org").status_code == 302
    return world.admin


def rows_of(client, url: str) -> list[dict[str, str]]:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


@pytest.mark.parametrize("url", EXPORTS)
def test_exports_stream_as_attachments(client, admin, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response.is_streamed
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_data(as_text=True)
    if url.endswith(".json"):
        assert response.mimetype == "application/json" and json.loads(body)["course"] == "test-course"
    else:
        assert response.mimetype == "text/csv" and body.count("\n") >= 2


def test_progress_csv_has_a_column_per_lesson_and_quiz(client, admin):
    rows = rows_of(client, "/reports/export/progress.csv")
    assert [row["name"] for row in rows] == ["Ana Example", "Ben Bloggs", "Cleo Clay", "Dan Doe"]
    ana = rows[0]
    assert (ana["alpha: state"], ana["alpha-check: best percent"], ana["alpha-check: passed"]) == (
        "mastered", "100.0", "yes")
    assert (ana["beta: state"], ana["beta-check: attempts"], ana["gamma: state"]) == ("reading", "0", "not_started")
    assert ana["lessons_read"] == "1" and ana["lessons_mastered"] == "1"
    # Ben failed beta's quiz without reading beta: the state follows reading, the quiz columns the quiz.
    assert (rows[1]["beta: state"], rows[1]["lessons_read"], rows[1]["lessons_mastered"]) == ("not_started", "0", "0")
    assert rows[3]["lessons_mastered"] == "3" and rows[3]["gamma: state"] == "mastered"
    ben = rows[1]
    assert (ben["beta-check: attempts"], ben["beta-check: best percent"], ben["beta-check: passed"]) == (
        "3", "0.0", "no")
    assert rows[2]["last_active"] == "" and rows[3]["final: passed"] == "yes"


def test_progress_json_has_every_student_with_lessons_and_final(client, admin, world):
    day = (world.t0 + timedelta(days=1)).date().isoformat()
    data = client.get(f"/reports/export/progress.json?cohort={world.cohort_a.id}&sort=-name&active_to={day}").get_json()
    assert [lesson["key"] for lesson in data["lessons"]] == ["alpha", "beta", "gamma"]
    assert data["final"]["key"] == "final"
    assert data["filters"] == {"cohort": world.cohort_a.id, "active_from": None, "active_to": day, "sort": "-name"}
    assert [student["name"] for student in data["students"]] == ["Ben Bloggs", "Ana Example"]
    ana = data["students"][1]
    assert (ana["lessons_read"], ana["lessons_mastered"]) == (1, 1)
    assert ana["lessons"][0] == {"lesson": "alpha", "state": "mastered", "quiz": {
        "quiz": "alpha-check", "attempts": 1, "submitted": 1, "best_percent": 100.0, "grade_percent": 100.0,
        "passed": True, "failed_attempts": 0}}
    assert ana["final"]["attempts"] == 0


def test_attempts_csv_lists_every_attempt_and_filters_by_quiz_and_cohort(client, admin, world):
    rows = rows_of(client, "/reports/export/attempts.csv")
    assert [(row["name"], row["quiz"], row["attempt"]) for row in rows] == [
        ("Ana Example", "alpha-check", "1"), ("Ben Bloggs", "beta-check", "1"), ("Ben Bloggs", "beta-check", "2"),
        ("Ben Bloggs", "beta-check", "3"), ("Dan Doe", "alpha-check", "1"), ("Dan Doe", "beta-check", "1"),
        ("Dan Doe", "final", "1")]
    assert rows[0] == {
        "student_id": str(world.students["ana"].id), "name": "Ana Example", "email": "ana@example.org",
        "quiz": "alpha-check", "attempt": "1", "version": "1", "state": "submitted",
        "started_at": (world.t0 + timedelta(hours=1)).isoformat(),
        "submitted_at": (world.t0 + timedelta(hours=1, minutes=5)).isoformat(),
        "score": "5.0", "max_score": "5.0", "percent": "100.0"}
    assert len(rows_of(client, "/reports/export/attempts.csv?quiz=beta-check")) == 4
    rows = rows_of(client, f"/reports/export/attempts.csv?cohort={world.cohort_a.id}&quiz=alpha-check")
    assert [row["name"] for row in rows] == ["Ana Example"]


def test_responses_csv_has_one_row_per_question_in_the_attempts_order(client, admin, world):
    rows = rows_of(client, "/reports/export/responses.csv?quiz=alpha-check")
    ana = [row for row in rows if row["name"] == "Ana Example"]
    attempt = db.session.scalars(select(Attempt).where(Attempt.user_id == world.students["ana"].id)).one()
    assert [row["question"] for row in ana] == list(attempt.question_ids)
    assert [row["question_number"] for row in ana] == ["1", "2", "3", "4"]
    by_question = {row["question"]: row for row in ana}
    assert (by_question["pick-many"]["marks"], by_question["pick-many"]["max_marks"],
            by_question["pick-many"]["answer"]) == ("2.0", "2.0", "Omega; Delta")
    assert by_question["count-it"]["answer"] == "4242" and by_question["pick-one"]["answer"] == "Alpha letter"
    assert {row["quiz"] for row in rows} == {"alpha-check"}
    every = rows_of(client, "/reports/export/responses.csv")
    assert len(every) == 4 + 3 * 4 + 4 + 4 + 3  # Ana, Ben's three, Dan's two checks and his final's draw of 3


def test_answers_of_every_question_type_read_as_text(client, admin, world):
    ana = world.students["ana"]
    attempt = attempt_service.start_attempt(db.session, ana.id, quiz("beta-check"), now=world.t0)
    attempt_service.save_answers(db.session, attempt, {
        "tf": {"answer": ["true"]},
        "match": {pair: [option] for pair, option in zip(
            [item["id"] for item in attempt_service.engine_questions(attempt.version)["match"].public()["left"]],
            [item["id"] for item in attempt_service.engine_questions(attempt.version)["match"].public()["right"]],
            strict=False)},
        "order": {"answer": [item["id"] for item in reversed(
            attempt_service.engine_questions(attempt.version)["order"].public()["items"])]},
        "blanks": {"1": ["blankanswerone"], "2": ["gamma"]},
    }, now=world.t0)
    attempt_service.submit_attempt(db.session, attempt, now=world.t0 + timedelta(minutes=1))
    db.session.commit()
    rows = {row["question"]: row for row in rows_of(client, "/reports/export/responses.csv?quiz=beta-check")
            if row["name"] == "Ana Example"}
    assert rows["tf"]["answer"] == "True"
    assert rows["match"]["answer"].count("→") == 2 and rows["match"]["answer"].startswith("A → ")
    assert rows["order"]["answer"].count(" | ") == 2
    assert rows["blanks"]["answer"] == "[1] blankanswerone; [2] gamma"


def test_csv_cells_that_start_a_formula_are_quoted(client, admin, world):
    add_student('=HYPERLINK("http://evil.example","click")', "evil@example.org")
    add_student("+1 Plus", "plus@example.org")
    add_student("@SUM(A1)", "at@example.org")
    add_student("-2 Minus", "minus@example.org")
    # A typed answer is the student's own text, and goes to the responses export.
    attempt = attempt_service.start_attempt(db.session, world.students["ana"].id, quiz("alpha-check"), now=world.t0)
    attempt_service.save_answers(db.session, attempt, {"type-it": {"answer": ["=cmd|' /C calc'!A0"]}}, now=world.t0)
    attempt_service.submit_attempt(db.session, attempt, now=world.t0)
    db.session.commit()
    for url in ("/reports/export/progress.csv", "/reports/export/users.csv", "/reports/export/attempts.csv",
                "/reports/export/responses.csv"):
        text = client.get(url).get_data(as_text=True)
        if "users" in url or "progress" in url:
            assert '"\'=HYPERLINK(""http://evil.example"",""click"")"' in text, url
            for name in ("'+1 Plus", "'@SUM(A1)", "'-2 Minus"):
                assert name in text, (url, name)
        for row in csv.reader(io.StringIO(text)):
            assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row), (url, row)
    assert "'=cmd|' /C calc'!A0" in client.get("/reports/export/responses.csv").get_data(as_text=True)


def test_csv_cell_rules():
    assert csv_cell("=1+1") == "'=1+1" and csv_cell("\t=x") == "'\t=x" and csv_cell("-x") == "'-x"
    assert csv_cell(-5) == -5 and csv_cell(-2.5) == -2.5  # numbers are numbers, negative or not
    assert csv_cell(None) == "" and csv_cell(True) == "yes" and csv_cell("plain") == "plain"
    assert list(csv_lines(["a", "b"], [[1, "x,y"], [2, None]])) == ["a,b\r\n", '1,"x,y"\r\n', "2,\r\n"]


def test_users_csv_lists_accounts_with_cohorts(client, admin, world):
    rows = {row["email"]: row for row in rows_of(client, "/reports/export/users.csv")}
    assert set(rows) == {"admin@example.org", "teacher@example.org", "other@example.org", "ana@example.org",
                         "ben@example.org", "cleo@example.org", "dan@example.org"}
    assert (rows["ana@example.org"]["role"], rows["ana@example.org"]["cohorts"]) == ("student", "Cohort A")
    assert rows["teacher@example.org"]["cohorts"] == "Cohort A" and rows["dan@example.org"]["cohorts"] == ""
    assert rows["admin@example.org"]["active"] == "yes"


def test_bad_export_filters_are_refused_with_the_reason(client, admin):
    response = client.get("/reports/export/attempts.csv?quiz=no-such-quiz")
    assert response.status_code == 400 and "Quiz: Not a valid choice." in response.get_data(as_text=True)
    response = client.get("/reports/export/progress.csv?active_from=2026-02-30")
    assert response.status_code == 400 and "Active on or after: Not a valid date value." in \
        response.get_data(as_text=True)


@pytest.mark.parametrize("url", EXPORTS)
def test_exports_run_the_same_queries_for_3_and_30_students(client, admin, world, count_queries, url):
    def statements() -> int:
        with count_queries() as recorded:
            response = client.get(url)
            response.get_data()
        assert response.status_code == 200
        return len(recorded)

    few = statements()
    add_crowd(27, world.cohort_a, world.t0)
    many = statements()
    assert "Crowd 026" in client.get(url).get_data(as_text=True)
    assert few == many, (few, many)
