"""Progress reports in the browser: the matrix, who needs help, one student's record, who may see what, and
query counts that do not grow with the number of students."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, time, timedelta

import pytest

from app.engine import GRADING_METHODS
from app.extensions import db
from app.models import QuizVersion, utcnow
from app.services import attempts as attempt_service
from app.services import progress_matrix as matrix_service
from app.services.grades import course_quiz_grades
from tests.web.report_world import add_crowd, add_student, build_world, quiz, take, visit
from tests.web.version_settings import rewrite_settings

NAMES = ["Ana Example", "Ben Bloggs", "Cleo Clay", "Dan Doe"]


@pytest.fixture()
def world(app, course, make_user):
    """The small school, its story starting sixty days ago (so "inactive for 14 days" holds whatever the date)."""
    return build_world(make_user, datetime.combine(utcnow().date() - timedelta(days=60), time(9), UTC))


def sign_in(auth, email: str) -> None:
    assert auth.login(email).status_code == 302


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def text_of(fragment: str) -> str:
    """What a reader reads in some HTML: the text, with runs of white space as one space."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def table_rows(page_html: str) -> dict[str, str]:
    """The text of each body row of the page's tables, by the student's name in its header cell."""
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", page_html, flags=re.S):
        header = re.search(r'<th scope="row">(.*?)</th>', row, flags=re.S)
        if header:  # every name in the school is two words long
            rows[" ".join(text_of(header.group(1)).split()[:2])] = text_of(row)
    return rows


def names(matrix) -> list[str]:
    return [row.name for row in matrix.rows]


# --- The matrix -----------------------------------------------------------------------------------------


def test_matrix_cells_give_states_and_best_scores_in_words_and_symbols(client, auth, world):
    sign_in(auth, "admin@example.org")
    body = page(client, "/reports/")
    assert "<caption" in body and '<th scope="col">' in body and '<th scope="row">' in body
    rows = table_rows(body)
    assert "1 of 3 1 read ✔ Mastered 100% ✔ passed 1 attempt ◔ Reading not taken ○ Not started not taken" \
        in rows["Ana Example"]
    assert "◔ Reading not taken ○ Not started 0% ✘ not passed 3 attempts ○ Not started not taken" in rows["Ben Bloggs"]
    assert rows["Cleo Clay"].endswith("○ Not started not taken never")
    assert "3 of 3 3 read ✔ Mastered 100% ✔ passed 1 attempt ✔ Mastered 100% ✔ passed 1 attempt ✔ Mastered " \
           "100% ✔ passed 1 attempt" in rows["Dan Doe"]
    # Each student links to their page; the final assessment has its own column.
    assert f'href="/reports/students/{world.students["ana"].id}?course=test-course"' in body
    assert "Final test" in body and "final, pass mark 50%" in body


def test_matrix_names_states_as_the_course_page_does(client, auth, world):
    """Read with the quiz failed is its own state; the key lists the engine's words and symbols."""
    visit(world.students["ben"], "alpha", world.t0 + timedelta(days=2), complete=True)
    take(world.students["ben"], "alpha-check", world.t0 + timedelta(days=2, hours=1), right=False)
    db.session.commit()
    sign_in(auth, "admin@example.org")
    body = page(client, "/reports/")
    assert "0 of 3 1 read ◑ Read, quiz not yet passed 0% ✘ not passed 1 attempt" in table_rows(body)["Ben Bloggs"]
    assert ("Key: ○ Not started, ◔ Reading, ◑ Read, quiz not yet passed, ✔ Mastered. A lesson is mastered when"
            in text_of(body))
    record = text_of(page(client, f"/reports/students/{world.students['ben'].id}"))
    assert "Lessons mastered 0 of 3 Lessons read 1 of 3" in record
    assert "1. Alpha lesson ◑ Read, quiz not yet passed" in record


def test_matrix_service_gives_each_cell(world, course):
    matrix = matrix_service.progress_matrix(db.session, world.admin, course)
    assert names(matrix) == NAMES and matrix.total == 4 and matrix.pages == 1
    ana, ben, cleo, dan = matrix.rows
    assert [cell.state for cell in ana.cells] == ["mastered", "reading", "not_started"]
    assert (ana.cells[0].quiz.best_percent, ana.cells[0].quiz.passed, ana.cells[0].quiz.attempts) == (100.0, True, 1)
    assert ana.cells[2].quiz is None  # gamma has no quiz
    assert (ben.cells[1].quiz.attempts, ben.cells[1].quiz.failed, ben.cells[1].quiz.passed) == (3, 3, False)
    assert cleo.last_active is None and cleo.lessons_mastered == 0
    assert (dan.lessons_mastered, dan.lessons_read, dan.final.passed) == (3, 3, True)
    assert ana.last_active == world.t0 + timedelta(hours=2)
    assert ben.last_active == world.t0 + timedelta(days=1, hours=3, minutes=5)


def test_an_unsubmitted_attempt_is_started_not_scored(client, auth, world):
    take(world.students["cleo"], "alpha-check", world.t0, submit=False)
    db.session.commit()
    sign_in(auth, "admin@example.org")
    assert "○ Not started started, not submitted 1 attempt" in table_rows(page(client, "/reports/"))["Cleo Clay"]


@pytest.mark.parametrize("method", GRADING_METHODS)
def test_passed_follows_the_grading_method_as_on_the_course_page(world, course, method):
    version = db.session.get(QuizVersion, quiz("beta-check").current_version_id)
    rewrite_settings(version, grading=method)
    eve = add_student("Eve Early", "eve@example.org")
    for hour, right in enumerate([False, True, {"tf"}]):  # 0%, 100%, 25%
        take(eve, "beta-check", world.t0 + timedelta(hours=hour), right=right)
    take(eve, "beta-check", world.t0 + timedelta(hours=5), submit=False)  # unfinished: never counts
    db.session.commit()
    matrix = matrix_service.progress_matrix(db.session, world.admin, course)
    for row in matrix.rows:
        grades = course_quiz_grades(db.session, course.id, row.student_id)
        for standing in row.standings():
            grade = grades[standing.quiz.id]
            assert standing.grade_percent == pytest.approx(grade.grade_percent), (row.name, standing.quiz.key)
            assert standing.passed == grade.passed
            assert standing.best_percent == grade.best_percent and standing.attempts == grade.attempts
    eve_row = next(row for row in matrix.rows if row.name == "Eve Early")
    expected = {"highest": 100.0, "latest": 25.0, "first": 0.0, "average": 125 / 3}[method]
    assert eve_row.cells[1].quiz.grade_percent == pytest.approx(expected)
    assert eve_row.cells[1].quiz.passed is (method == "highest")


def test_matrix_filters_by_cohort_and_by_dates(world, course):
    def matrix(**filters):
        return names(matrix_service.progress_matrix(db.session, world.admin, course, **filters))

    day = world.t0.date()
    assert matrix(cohort_id=world.cohort_a.id) == ["Ana Example", "Ben Bloggs"]
    assert matrix(cohort_id=world.cohort_b.id) == ["Cleo Clay"]
    assert matrix(active_from=day, active_to=day) == ["Ana Example"]
    assert matrix(active_from=day + timedelta(days=1), active_to=day + timedelta(days=1)) == ["Ben Bloggs"]
    assert matrix(active_from=day + timedelta(days=2)) == ["Dan Doe"]
    assert matrix(active_to=day + timedelta(days=1)) == ["Ana Example", "Ben Bloggs"]
    assert matrix(active_from=day + timedelta(days=2), active_to=day + timedelta(days=4)) == []
    assert matrix(cohort_id=world.cohort_a.id, active_from=day + timedelta(days=1)) == ["Ben Bloggs"]


def test_matrix_page_applies_the_filters_and_carries_them_to_the_exports(client, auth, world):
    sign_in(auth, "admin@example.org")
    day = (world.t0.date() + timedelta(days=1)).isoformat()
    body = page(client, f"/reports/?cohort={world.cohort_a.id}&active_from={day}&sort=-name")
    assert list(table_rows(body)) == ["Ben Bloggs"]
    assert f'value="{day}"' in body  # the form shows what was asked
    export = re.search(r'href="(/reports/export/progress\.csv\?[^"]+)"', body).group(1)
    assert f"cohort={world.cohort_a.id}" in export and f"active_from={day}" in export and "sort=-name" in export
    csv_text = client.get(html.unescape(export)).get_data(as_text=True)
    assert "Ben Bloggs" in csv_text and "Ana Example" not in csv_text


@pytest.mark.parametrize(("sort", "expected"), [
    ("name", NAMES),
    ("-name", NAMES[::-1]),
    ("progress", ["Ben Bloggs", "Cleo Clay", "Ana Example", "Dan Doe"]),
    ("-progress", ["Dan Doe", "Ana Example", "Ben Bloggs", "Cleo Clay"]),
    ("last_active", ["Cleo Clay", "Ana Example", "Ben Bloggs", "Dan Doe"]),
    ("-last_active", ["Dan Doe", "Ben Bloggs", "Ana Example", "Cleo Clay"]),
])
def test_matrix_sorts(world, course, sort, expected):
    assert names(matrix_service.progress_matrix(db.session, world.admin, course, sort=sort)) == expected


def test_progress_sort_counts_mastery_not_only_reading(world, course):
    """Ben reads alpha to the end but fails its quiz: Ana (alpha mastered) still has more progress."""
    visit(world.students["ben"], "alpha", world.t0 + timedelta(days=2), complete=True)
    visit(world.students["ben"], "gamma", world.t0 + timedelta(days=2), complete=True)
    take(world.students["ben"], "alpha-check", world.t0 + timedelta(days=2), right=False)
    db.session.commit()
    matrix = matrix_service.progress_matrix(db.session, world.admin, course, sort="-progress")
    # Ben: 2 read, 1 mastered (gamma, no quiz); Ana: 1 read, 1 mastered; the tie on mastery goes to reading.
    assert names(matrix) == ["Dan Doe", "Ben Bloggs", "Ana Example", "Cleo Clay"]
    assert [(row.lessons_mastered, row.lessons_read) for row in matrix.rows] == [(3, 3), (1, 2), (1, 1), (0, 0)]


def test_matrix_pages(client, auth, world, course):
    matrix = matrix_service.progress_matrix(db.session, world.admin, course, page=2, per_page=3)
    assert (names(matrix), matrix.total, matrix.pages, matrix.page) == (["Dan Doe"], 4, 2, 2)
    # A page past the end shows the last one.
    assert matrix_service.progress_matrix(db.session, world.admin, course, page=9, per_page=3).page == 2


def test_matrix_and_help_pages_link_to_their_next_pages_keeping_the_filters(client, auth, world, monkeypatch):
    monkeypatch.setattr(matrix_service, "PER_PAGE", 2)
    sign_in(auth, "admin@example.org")
    body = page(client, "/reports/?sort=-name")
    assert list(table_rows(body)) == ["Dan Doe", "Cleo Clay"] and "page 1 of 2" in body
    next_page = html.unescape(re.search(r'<a rel="next" href="([^"]+)"', body).group(1))
    assert "sort=-name" in next_page and "page=2" in next_page
    assert list(table_rows(page(client, next_page))) == ["Ben Bloggs", "Ana Example"]
    body = page(client, "/reports/help?inactive_days=30")
    assert list(table_rows(body)) == ["Ana Example", "Ben Bloggs"] and "page 1 of 2" in body
    next_page = html.unescape(re.search(r'<a rel="next" href="([^"]+)"', body).group(1))
    assert "inactive_days=30" in next_page
    assert list(table_rows(page(client, next_page))) == ["Cleo Clay", "Dan Doe"]


def test_bad_filters_say_what_is_wrong_and_show_no_table(client, auth, world):
    sign_in(auth, "admin@example.org")
    day = world.t0.date()
    body = page(client, f"/reports/?active_from={day}&active_to={day - timedelta(days=3)}&cohort=nope")
    assert "The end date must be on or after the start date." in body
    assert "Not a valid choice" in body or "Invalid Choice" in body
    assert 'aria-invalid="true"' in body and f'value="{day}"' in body
    assert "<table" not in body
    assert client.get("/reports/?sort=dangerous").status_code == 200
    assert client.get("/reports/?course=no-such-course").status_code == 404


# --- Who needs help -------------------------------------------------------------------------------------


def reasons(entries) -> dict[str, tuple[str, ...]]:
    return {entry.row.name: entry.reasons for entry in entries}


def test_who_needs_help_and_why(world, course):
    now = world.t0 + timedelta(days=20)
    found = reasons(matrix_service.students_needing_help(db.session, world.admin, course, now=now))
    assert found["Ana Example"] == ("Inactive for 19 days (last active "
                                    f"{(world.t0 + timedelta(hours=2)):%d %B %Y}).",)
    assert found["Ben Bloggs"][1:] == ("3 attempts below the pass mark (50%) at “Check: Beta”, not passed yet.",
                                       "Read 0 of 3 lessons; the median in Cohort A is 0.5.")
    assert found["Cleo Clay"] == ("Has not opened a lesson or started a quiz yet.",)
    assert found["Dan Doe"][0].startswith("Inactive for 14 days")
    # Thirty days of grace: only the one stuck on a quiz and behind their cohort, and the one who never came.
    found = reasons(matrix_service.students_needing_help(db.session, world.admin, course, now=now,
                                                         inactive_days=30))
    assert set(found) == {"Ben Bloggs", "Cleo Clay"}
    found = reasons(matrix_service.students_needing_help(db.session, world.admin, course, now=now,
                                                         inactive_days=30, failed_attempts=4))
    assert found["Ben Bloggs"] == ("Read 0 of 3 lessons; the median in Cohort A is 0.5.",)


def test_a_passed_quiz_is_not_a_sign_however_many_failures_before(world, course):
    take(world.students["ben"], "beta-check", world.t0 + timedelta(days=2))
    db.session.commit()
    found = reasons(matrix_service.students_needing_help(db.session, world.admin, course,
                                                         now=world.t0 + timedelta(days=3)))
    assert not any("pass mark" in reason for reason in found.get("Ben Bloggs", ()))


def test_help_page_lists_reasons_and_takes_the_thresholds(client, auth, world):
    sign_in(auth, "teacher@example.org")
    rows = table_rows(page(client, "/reports/help"))
    assert set(rows) == {"Ana Example", "Ben Bloggs"}  # an instructor sees their cohort only
    assert re.search(r"Inactive for \d+ days", rows["Ben Bloggs"])
    assert "3 attempts below the pass mark (50%) at “Check: Beta”, not passed yet." in rows["Ben Bloggs"]
    rows = table_rows(page(client, "/reports/help?inactive_days=365&failed_attempts=3"))
    assert set(rows) == {"Ben Bloggs"}
    body = page(client, "/reports/help?inactive_days=0&failed_attempts=x")
    assert "From 1 to 365 days." in body and "Not a valid integer value." in body and "<table" not in body


# --- One student ----------------------------------------------------------------------------------------


def test_student_page_shows_lessons_attempts_answers_and_marks(client, auth, world):
    sign_in(auth, "teacher@example.org")
    body = page(client, f"/reports/students/{world.students['ana'].id}")
    text = text_of(body)
    assert "<h1>Ana Example</h1>" in body
    first = f"{world.t0:%d %b %Y %H:%M}"
    assert f"1. Alpha lesson ✔ Mastered {first} {first} 1 5 min" in text
    assert "100% ✔ passed 1 attempt" in text and "3. Gamma lesson ○ Not started — — 0 — — no quiz" in text
    assert "Check: Alpha: attempt 1 Quiz version 1 State submitted" in text and "Score 5 of 5 (100%) ✔ passed" in text
    assert "Omega; Delta 2 of 2" in text and "Alpha letter 1 of 1" in text and "zetasecretword 1 of 1" in text
    attempt_id = re.search(r'href="/attempts/(\d+)/review"', body).group(1)
    assert client.get(f"/attempts/{attempt_id}/review").status_code == 200


def test_every_checked_try_is_on_the_student_page(client, auth, world):
    ana = world.students["ana"]
    attempt = attempt_service.start_attempt(db.session, ana.id, quiz("beta-check"), now=world.t0)
    for minute, answer in ((1, "false"), (2, "true")):
        attempt_service.check_answer(db.session, attempt, "tf", {"answer": [answer]},
                                     now=world.t0 + timedelta(minutes=minute))
    attempt_service.submit_attempt(db.session, attempt, now=world.t0 + timedelta(minutes=3))
    db.session.commit()
    sign_in(auth, "admin@example.org")
    text = text_of(page(client, f"/reports/students/{ana.id}"))
    assert (f"“False”: 0% right, {world.t0 + timedelta(minutes=1):%d %b %Y %H:%M} "
            f"“True”: 100% right, 75% after the penalty, {world.t0 + timedelta(minutes=2):%d %b %Y %H:%M}") in text
    data = client.get(f"/reports/students/{ana.id}/progress.json").get_json()
    beta = next(attempt for attempt in data["attempts"] if attempt["quiz"] == "beta-check")
    tf = next(answer for answer in beta["answers"] if answer["question"] == "tf")
    assert [(t["answer"], t["fraction"], t["penalised_fraction"]) for t in tf["tries"]] == [
        ("False", 0.0, 0.0), ("True", 1.0, 0.75)]
    assert tf["marks"] == 0.75


def test_a_student_sees_their_own_record_as_the_review_options_allow(client, auth, world):
    ana = world.students["ana"]
    take(ana, "final", world.t0 + timedelta(days=1), right={"f1"})
    db.session.commit()
    sign_in(auth, "ana@example.org")
    body = page(client, f"/reports/students/{ana.id}")
    assert "(your record)" in body
    data = client.get(f"/reports/students/{ana.id}/progress.json").get_json()
    final = next(attempt for attempt in data["attempts"] if attempt["quiz"] == "final")
    # The final shows scores after submission but not right or wrong, until it closes.
    assert final["percent"] is not None and all(answer["fraction"] is None for answer in final["answers"])
    alpha = next(attempt for attempt in data["attempts"] if attempt["quiz"] == "alpha-check")
    assert all(answer["fraction"] == 1.0 for answer in alpha["answers"])
    auth.logout()
    sign_in(auth, "admin@example.org")
    data = client.get(f"/reports/students/{ana.id}/progress.json").get_json()
    final = next(attempt for attempt in data["attempts"] if attempt["quiz"] == "final")
    assert [answer["fraction"] is not None for answer in final["answers"]] == [True] * 3


def test_student_json_has_lessons_grades_and_attempts(client, auth, world):
    sign_in(auth, "admin@example.org")
    response = client.get(f"/reports/students/{world.students['dan'].id}/progress.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    data = response.get_json()
    assert data["student"]["name"] == "Dan Doe" and data["course"] == "test-course"
    assert [(lesson["lesson"], lesson["state"]) for lesson in data["lessons"]] == [
        ("alpha", "mastered"), ("beta", "mastered"), ("gamma", "mastered")]
    assert data["lessons"][0]["quiz"]["passed"] is True and data["final"]["grade_percent"] == 100.0
    assert [(a["quiz"], a["attempt"], a["version"], a["percent"]) for a in data["attempts"]] == [
        ("alpha-check", 1, 1, 100.0), ("beta-check", 1, 1, 100.0), ("final", 1, 1, 100.0)]


# --- The attempt review names the student to staff ------------------------------------------------------


def test_staff_reviewing_an_attempt_read_the_students_name(client, auth, world):
    attempt_id = take(world.students["ana"], "alpha-check", world.t0 + timedelta(days=1), right=False).id
    db.session.commit()
    sign_in(auth, "teacher@example.org")
    body = page(client, f"/attempts/{attempt_id}/review")
    assert "<h1>Review of Ana Example's attempt 2</h1>" in body
    assert "Ana Example&#39;s answer" in body and "Your answer" not in body
    assert f'href="/reports/students/{world.students["ana"].id}?course=test-course"' in body
    auth.logout()
    sign_in(auth, "ana@example.org")
    body = page(client, f"/attempts/{attempt_id}/review")
    assert "<h1>Review of attempt 2</h1>" in body and "Your answer" in body and "Ana Example&#39;s answer" not in body


# --- Who may see what -----------------------------------------------------------------------------------


STAFF_ONLY = ["/reports/", "/reports/help", "/reports/export/progress.csv", "/reports/export/progress.json",
              "/reports/export/attempts.csv", "/reports/export/responses.csv", "/reports/export/users.csv"]


def test_students_see_only_their_own_record(client, auth, world):
    sign_in(auth, "ana@example.org")
    for url in STAFF_ONLY:
        assert client.get(url).status_code == 403, url
    ana, ben = world.students["ana"].id, world.students["ben"].id
    assert client.get(f"/reports/students/{ana}").status_code == 200
    assert client.get(f"/reports/students/{ana}/progress.json").status_code == 200
    for url in (f"/reports/students/{ben}", f"/reports/students/{ben}/progress.json",
                f"/reports/students/{world.admin.id}", "/reports/students/999999"):
        assert client.get(url).status_code == 404, url


def test_instructors_see_only_their_cohorts_students(client, auth, world):
    sign_in(auth, "teacher@example.org")
    body = page(client, "/reports/")
    assert list(table_rows(body)) == ["Ana Example", "Ben Bloggs"]
    assert "Cohort B" not in body  # nor is another cohort offered as a filter
    for student in ("cleo", "dan"):
        assert client.get(f"/reports/students/{world.students[student].id}").status_code == 404
    assert client.get(f"/reports/students/{world.students['ben'].id}").status_code == 200
    csv_text = client.get("/reports/export/users.csv").get_data(as_text=True)
    assert "ana@example.org" in csv_text and "cleo@example.org" not in csv_text and "admin@" not in csv_text
    # Another cohort is not a choice of the filter.
    body = page(client, f"/reports/?cohort={world.cohort_b.id}")
    assert "Not a valid choice" in body and list(table_rows(body)) == []


def test_an_instructor_teaching_no_cohort_sees_every_student(client, auth, world, make_user):
    make_user("instructor", email="new@example.org", name="Nia New")
    sign_in(auth, "new@example.org")
    assert list(table_rows(page(client, "/reports/"))) == NAMES
    assert client.get(f"/reports/students/{world.students['cleo'].id}").status_code == 200


# --- Query counts ---------------------------------------------------------------------------------------


def statements_for(client, count_queries, url: str) -> int:
    with count_queries() as statements:
        response = client.get(url)
        response.get_data()
    assert response.status_code == 200, url
    return len(statements)


@pytest.mark.parametrize("url", ["/reports/", "/reports/help", "/reports/?sort=-progress&active_from=2000-01-01",
                                 "/reports/?sort=last_active&cohort=COHORT"])
def test_report_pages_run_the_same_queries_for_3_and_30_students(client, auth, world, count_queries, url):
    sign_in(auth, "admin@example.org")
    url = url.replace("COHORT", str(world.cohort_a.id))
    few = statements_for(client, count_queries, url)
    add_crowd(27, world.cohort_a, world.t0)
    many = statements_for(client, count_queries, url)
    assert "Crowd 026" in client.get(url).get_data(as_text=True)
    assert few == many, (few, many)


def test_student_page_queries_do_not_grow_with_attempts_or_tries(client, auth, world, count_queries):
    sign_in(auth, "admin@example.org")
    ana = world.students["ana"]
    urls = [f"/reports/students/{ana.id}", f"/reports/students/{ana.id}/progress.json"]
    few = [statements_for(client, count_queries, url) for url in urls]
    take(ana, "alpha-check", world.t0 + timedelta(days=1), right=False)
    for day in range(2, 6):
        attempt = attempt_service.start_attempt(db.session, ana.id, quiz("beta-check"), now=world.t0 + timedelta(day))
        attempt_service.check_answer(db.session, attempt, "tf", {"answer": ["false"]}, now=world.t0 + timedelta(day))
        attempt_service.submit_attempt(db.session, attempt, now=world.t0 + timedelta(days=day, minutes=1))
    take(ana, "final", world.t0 + timedelta(days=7))
    add_crowd(10, world.cohort_a, world.t0)
    many = [statements_for(client, count_queries, url) for url in urls]
    assert few == many
