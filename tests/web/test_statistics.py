"""Item statistics pages, charts, exports and the authoring flags: figures, filters, scope, query counts."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from app.engine import quiz_statistics
from app.extensions import db
from app.models import Attempt, Cohort, CohortMember, Lesson, LessonProgress, Quiz, QuizVersion, Response
from app.services.attempts import engine_questions
from app.services.item_statistics import quiz_item_report
from app.statistics.commands import stats as stats_command

WHEN = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
# alpha-check: pick-one (single, 1 point), pick-many (multiple, 2), type-it (short, 1), count-it (numerical, 1).
POINTS = {"pick-one": 1.0, "pick-many": 2.0, "type-it": 1.0, "count-it": 1.0}


def quiz_row(key: str = "alpha-check") -> Quiz:
    return db.session.scalars(select(Quiz).where(Quiz.key == key)).one()


def choice_id(text: str, key: str = "alpha-check", qid: str = "pick-one") -> str:
    quiz = quiz_row(key)
    question = engine_questions(db.session.get(QuizVersion, quiz.current_version_id))[qid]
    return next(choice.id for choice in question.choices if choice.text == text)


def take(user, marks: dict[str, float], number: int = 1, raw: dict | None = None, key: str = "alpha-check"):
    """Insert a submitted attempt with these marks (out of POINTS) and optional posted answers."""
    quiz = quiz_row(key)
    version = db.session.get(QuizVersion, quiz.current_version_id)
    points = {q["id"]: float(q["points"]) for q in version.questions}
    total = sum(marks.values())
    attempt = Attempt(user_id=user.id, quiz_id=quiz.id, quiz_version_id=version.id, number=number, seed=number,
                      question_ids=list(marks), orders={}, state="submitted", started_at=WHEN, submitted_at=WHEN,
                      closed_by="student", score=total, max_score=sum(points[q] for q in marks),
                      percent=100 * total / sum(points[q] for q in marks))
    db.session.add(attempt)
    db.session.flush()
    for qid, mark in marks.items():
        db.session.add(Response(attempt_id=attempt.id, question_id=qid, raw=(raw or {}).get(qid, {}),
                                saved_at=WHEN, fraction=mark / points[qid], marks=mark))
    db.session.commit()
    return attempt


# Four students, one attempt each: totals 5, 3, 2.5, 0.5.
MARKS = [
    {"pick-one": 1, "pick-many": 2, "type-it": 1, "count-it": 1},
    {"pick-one": 1, "pick-many": 1, "type-it": 0, "count-it": 1},
    {"pick-one": 0, "pick-many": 2, "type-it": 0.5, "count-it": 0},
    {"pick-one": 0, "pick-many": 0.5, "type-it": 0, "count-it": 0},
]


@pytest.fixture()
def admin(make_user, auth, course):
    user = make_user("admin", email="admin@example.org", name="Ada Admin")
    auth.login("admin@example.org")
    return user


@pytest.fixture()
def four(make_user, course):
    """Four students with one attempt each (MARKS), picking Alpha, Alpha, Beta and nothing at pick-one."""
    picks = ["Alpha letter", "Alpha letter", "Beta letter", None]
    users = []
    for index, (marks, pick) in enumerate(zip(MARKS, picks, strict=True)):
        user = make_user("student", name=f"Student {index}")
        raw = {"pick-one": {"answer": [choice_id(pick)]} if pick else {},
               "type-it": {"answer": ["=HYPERLINK(evil)"]} if index == 3 else {"answer": ["zetasecretword"]}}
        take(user, marks, raw=raw)
        users.append(user)
    return users


def page(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    return response.get_data(as_text=True)


def csv_rows(client, url: str) -> list[dict[str, str]]:
    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


# --------------------------------------------------------------------------- figures


def test_the_page_shows_the_engines_figures(client, admin, four):
    quiz = quiz_row()
    version = db.session.get(QuizVersion, quiz.current_version_id)
    guesses = {qid: q.random_guess_score() for qid, q in engine_questions(version).items()}
    expected = quiz_statistics(MARKS, POINTS, guesses)
    html = page(client, f"/statistics/quizzes/{quiz.id}")
    assert f"<td>{expected.overall.mean:.2f} ({100 * expected.overall.mean / 5:.1f}%)</td>" in html
    assert f"<td>{expected.overall.median:.2f}</td>" in html
    assert f"<td>{expected.overall.cic:.1f}%" in html
    for qid in POINTS:
        item = expected.question(qid)
        row = re.search(rf'<tr id="q-{qid}">(.*?)</tr>', html, re.S).group(1)
        assert f"<td>{100 * item.facility:.1f}%</td>" in row
        assert f"<td>{100 * item.sd:.1f}%</td>" in row
        for value in (item.discrimination_index, item.discriminative_efficiency, item.effective_weight):
            assert (f"<td>{value:.1f}%</td>" if value is not None else "<td>—</td>") in row
    # Random guess: a third for single choice (1 right of 3), none for multiple response.
    assert "<td>33.3%</td>" in re.search(r'<tr id="q-pick-one">(.*?)</tr>', html, re.S).group(1)
    # Intended weight: 2 of 5 points.
    assert "<td>40.0%</td>" in re.search(r'<tr id="q-pick-many">(.*?)</tr>', html, re.S).group(1)
    assert "fewer than 10 attempts" in html


def test_the_csv_carries_the_engines_figures_at_full_precision(client, admin, four):
    quiz = quiz_row()
    expected = quiz_statistics(MARKS, POINTS)
    rows = {row["question"]: row for row in csv_rows(client, f"/statistics/quizzes/{quiz.id}/stats.csv")}
    assert list(rows) == list(POINTS)
    for qid, row in rows.items():
        item = expected.question(qid)
        assert float(row["facility"]) == pytest.approx(100 * item.facility, rel=1e-12)
        assert float(row["sd"]) == pytest.approx(100 * item.sd, rel=1e-12)
        if item.discrimination_index is not None:
            assert float(row["discrimination_index"]) == pytest.approx(item.discrimination_index, rel=1e-12)
        assert row["fewer_than_10_attempts"] == "yes"
        low, high = float(row["facility_low_95"]), float(row["facility_high_95"])
        assert low <= float(row["facility"]) <= high
    figures = {row["figure"]: row["value"] for row in csv_rows(client, f"/statistics/quizzes/{quiz.id}/stats.csv"
                                                                       "?table=quiz")}
    assert float(figures["mean"]) == pytest.approx(expected.overall.mean)
    assert float(figures["coefficient_of_internal_consistency"]) == pytest.approx(expected.overall.cic)


def test_the_csv_is_streamed_and_cannot_run_formulas(client, admin, four):
    quiz = quiz_row()
    response = client.get(f"/statistics/quizzes/{quiz.id}/stats.csv?table=answers")
    assert response.is_streamed
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert "'=hyperlink(evil)" in text
    assert ",=hyperlink" not in text


def test_each_choice_is_counted_and_flags_follow(client, admin, four):
    report = quiz_item_report(db.session, quiz_row(), admin)
    (tally,) = report.question("pick-one").tallies
    assert tally.counts == {"Alpha letter": 2, "Beta letter": 1, "Gamma letter": 0, "(no answer)": 1}
    kinds = [flag.kind for flag in report.question("pick-one").flags]
    assert "unpicked-distractor" in kinds and "few-attempts" in kinds
    html = page(client, f"/statistics/quizzes/{quiz_row().id}")
    assert "⚠ distractor nobody picks: “Gamma letter”" in html
    answers = html[html.index('id="answers-pick-one"'):html.index('id="answers-pick-many"')]
    assert re.search(r"Alpha letter</th>\s*<td><span class=\"answer-key\">✔ key</span></td>\s*<td>2</td>\s*"
                     r"<td>50.0%</td>", answers)


def test_a_quiz_without_attempts_shows_empty_figures(client, admin):
    html = page(client, f"/statistics/quizzes/{quiz_row().id}")
    assert "No finished attempts yet" in html
    assert "fewer than 10 attempts" in html


# --------------------------------------------------------------------------- which attempts


@pytest.fixture()
def two_tries(make_user, course):
    """Student A scores 40% then 80%; student B 90% then 30%; C only 60%."""
    a, b, c = (make_user("student", name=name) for name in "ABC")
    low = {"pick-one": 0, "pick-many": 1, "type-it": 1, "count-it": 0}  # 2 of 5
    high = {"pick-one": 1, "pick-many": 2, "type-it": 1, "count-it": 0}  # 4 of 5
    best = {"pick-one": 1, "pick-many": 2, "type-it": 1, "count-it": 0.5}  # 4.5 of 5
    worst = {"pick-one": 0, "pick-many": 0.5, "type-it": 1, "count-it": 0}  # 1.5 of 5
    middle = {"pick-one": 1, "pick-many": 1, "type-it": 1, "count-it": 0}  # 3 of 5
    take(a, low, 1)
    take(a, high, 2)
    take(b, best, 1)
    take(b, worst, 2)
    take(c, middle, 1)
    return a, b, c


@pytest.mark.parametrize(("which", "totals"), [
    ("all", [2, 4, 4.5, 1.5, 3]), ("first", [2, 4.5, 3]), ("last", [4, 1.5, 3]), ("best", [4, 4.5, 3])])
def test_first_last_best_and_all_attempts_are_chosen_in_sql(app, make_user, two_tries, which, totals):
    admin = make_user("admin")
    report = quiz_item_report(db.session, quiz_row(), admin, which=which)
    assert report.statistics.overall.attempts == len(totals)
    assert report.statistics.overall.mean == pytest.approx(sum(totals) / len(totals))
    assert sum(report.distribution) == len(totals)


def test_the_choice_of_attempts_is_a_checked_filter(client, admin, two_tries):
    quiz = quiz_row()
    html = page(client, f"/statistics/quizzes/{quiz.id}?attempts=best")
    assert "each student&#39;s best attempt" in html
    assert '<option selected value="best">' in html
    assert "Test-level figures over 3 attempts" in html
    bad = page(client, f"/statistics/quizzes/{quiz.id}?attempts=worst", status=400)
    assert "Not a valid choice" in bad
    assert client.get(f"/statistics/quizzes/{quiz.id}/stats.csv?attempts=worst").status_code == 400


def test_the_score_distribution_is_counted_in_bands(app, make_user, two_tries):
    report = quiz_item_report(db.session, quiz_row(), make_user("admin"))
    # 40, 80, 90, 30, 60 percent.
    assert report.distribution == (0, 0, 0, 1, 1, 0, 1, 0, 1, 1)


def test_marks_on_a_question_whose_points_changed_are_rescaled(app, make_user, course):
    """An attempt on an older version where pick-one was worth 2 counts as out of today's 1 point."""
    student = make_user("student")
    quiz = quiz_row()
    current = db.session.get(QuizVersion, quiz.current_version_id)
    older = QuizVersion(quiz_id=quiz.id, number=current.number + 1, content_hash="old", settings=current.settings,
                        questions=[dict(q, points=2) if q["id"] == "pick-one" else q for q in current.questions]
                        + [dict(current.questions[0], id="gone")])
    db.session.add(older)
    db.session.commit()
    attempt = take(student, {"pick-one": 1, "pick-many": 2, "type-it": 1, "count-it": 1})
    attempt.quiz_version_id = older.id
    db.session.add(Response(attempt_id=attempt.id, question_id="gone", raw={}, saved_at=WHEN, fraction=1, marks=1))
    db.session.query(Response).filter_by(attempt_id=attempt.id, question_id="pick-one").update({"marks": 1.0})
    db.session.commit()
    report = quiz_item_report(db.session, quiz, make_user("admin"))
    assert report.question("pick-one").stats.facility == 0.5
    assert report.skipped == {"gone": 1}


# --------------------------------------------------------------------------- scope, refusals, query counts


@pytest.fixture()
def cohorts(make_user, course):
    """Cohort North (two students) and South (one), each with one attempt per student."""
    north = Cohort(name="North", starts_on=date(2025, 1, 6))
    south = Cohort(name="South", starts_on=date(2025, 2, 3))
    db.session.add_all([north, south])
    db.session.commit()
    for cohort, count in ((north, 2), (south, 1)):
        for index in range(count):
            user = make_user("student", name=f"{cohort.name} {index}")
            db.session.add(CohortMember(cohort_id=cohort.id, user_id=user.id))
            take(user, MARKS[index])
    db.session.commit()
    return north, south


def test_instructors_see_only_their_cohorts(client, make_user, auth, cohorts):
    north, south = cohorts
    teacher = make_user("instructor", email="teacher@example.org")
    db.session.add(CohortMember(cohort_id=north.id, user_id=teacher.id))
    db.session.commit()
    auth.login("teacher@example.org")
    quiz = quiz_row()
    assert "Test-level figures over 2 attempts" in page(client, f"/statistics/quizzes/{quiz.id}")
    index = page(client, "/statistics/")
    assert re.search(r"Check: Alpha<span class=\"visually-hidden\">: statistics</span></a>.*?</th>\s*<td>[^<]*</td>"
                     r"\s*<td>Lesson check</td>\s*<td>2 ", index, re.S)
    # Another cohort is not offered, and asking for it is refused rather than answered empty.
    html = page(client, f"/statistics/quizzes/{quiz.id}?cohort={north.id}")
    assert f'<option value="{south.id}">' not in html
    page(client, f"/statistics/quizzes/{quiz.id}?cohort={south.id}", status=400)


def test_admins_filter_by_any_cohort(client, admin, cohorts):
    north, south = cohorts
    quiz = quiz_row()
    assert "Test-level figures over 3 attempts" in page(client, f"/statistics/quizzes/{quiz.id}")
    assert "Test-level figures over 1 attempt," in page(client, f"/statistics/quizzes/{quiz.id}?cohort={south.id}")
    rows = csv_rows(client, f"/statistics/quizzes/{quiz.id}/stats.csv?table=quiz&cohort={north.id}")
    assert {"figure": "attempts", "value": "2"} in rows


def test_an_instructor_teaching_no_cohort_sees_every_student(client, make_user, auth, cohorts):
    make_user("instructor", email="new@example.org")
    auth.login("new@example.org")
    assert "Test-level figures over 3 attempts" in page(client, f"/statistics/quizzes/{quiz_row().id}")


@pytest.mark.parametrize("url", ["/statistics/", "/statistics/quizzes/{id}", "/statistics/quizzes/{id}/stats.csv",
                                 "/statistics/completion"])
def test_students_are_refused(client, student, url):
    assert client.get(url.format(id=1)).status_code == 403


@pytest.mark.parametrize("url", ["/statistics/", "/statistics/quizzes/1", "/statistics/completion"])
def test_anonymous_visitors_sign_in_first(client, url):
    response = client.get(url)
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_an_unknown_quiz_is_not_found(client, admin):
    assert client.get("/statistics/quizzes/999999").status_code == 404
    assert client.get("/statistics/quizzes/999999/stats.csv").status_code == 404


def test_the_statistics_page_runs_the_same_queries_for_3_or_30_students(client, admin, make_user, count_queries):
    quiz_id = quiz_row().id
    url = f"/statistics/quizzes/{quiz_id}?attempts=best"

    def add(count):
        for index in range(count):
            take(make_user("student"), MARKS[index % 4], raw={"pick-one": {"answer": [choice_id("Beta letter")]}})

    add(3)
    with count_queries() as few:
        page(client, url)
    add(27)
    with count_queries() as many:
        page(client, url)
    assert len(few) == len(many)
    export_url = f"/statistics/quizzes/{quiz_id}/stats.csv?table=answers"
    with count_queries() as export:
        client.get(export_url)
    # The same report; the page alone also loads the quiz's course, to name it in the site header.
    assert len(export) == len(many) - 1


def test_the_authoring_page_runs_the_same_queries_for_3_or_30_students(client, admin, make_user, count_queries):
    url = f"/author/quizzes/{quiz_row().id}"
    for index in range(3):
        take(make_user("student"), MARKS[index])
    with count_queries() as few:
        page(client, url)
    for index in range(27):
        take(make_user("student"), MARKS[index % 4])
    with count_queries() as many:
        html = page(client, url)
    assert len(few) == len(many)
    assert "Facility" in html


# --------------------------------------------------------------------------- charts on the pages


def test_the_quiz_page_draws_both_charts_with_summaries_and_tables(client, admin, two_tries):
    html = page(client, f"/statistics/quizzes/{quiz_row().id}")
    assert html.count("<figure") == 2
    assert 'role="img" aria-labelledby="score-distribution-title score-distribution-summary"' in html
    assert html.count('<rect class="chart-bar"') == 10
    # One marker per question with both figures: everyone got type-it right, so it has no discrimination.
    assert html.count('class="chart-marker chart-marker-') == 3
    assert "3 questions plotted" in html and "1 not plotted for want of figures (type-it)" in html
    assert "5 attempts; the most common band is" in html
    assert "too hard" in html and "too easy" in html
    assert "style=" not in html


def test_the_authoring_page_shows_facility_discrimination_and_flags(client, admin, four):
    quiz = quiz_row()
    html = page(client, f"/author/quizzes/{quiz.id}")
    expected = quiz_statistics(MARKS, POINTS).question("pick-one")
    assert f"Facility {100 * expected.facility:.0f}%" in html
    assert f"discrimination {expected.discrimination_index:.0f}%" in html
    assert "⚠ distractor nobody picks: “Gamma letter”" in html
    assert f'/statistics/quizzes/{quiz.id}#q-pick-one' in html


def test_the_authoring_page_of_an_unattempted_quiz_says_so(client, admin):
    html = page(client, f"/author/quizzes/{quiz_row().id}")
    assert "No finished attempts at this question yet" in html


# --------------------------------------------------------------------------- completion over time


def test_completion_over_time_counts_each_day_for_the_chosen_cohort(client, admin, make_user, cohorts):
    north, south = cohorts
    lessons = db.session.scalars(select(Lesson).order_by(Lesson.position)).all()
    members = {cohort: db.session.scalars(select(CohortMember.user_id).where(CohortMember.cohort_id == cohort.id)
                                          ).all() for cohort in (north, south)}
    # Late evening UTC: the day is the UTC day, whatever the database session's time zone.
    day = datetime(2025, 3, 3, 23, 30, tzinfo=UTC)
    completions = [(members[north][0], 0, 0), (members[north][0], 1, 0), (members[north][1], 0, 2),
                   (members[south][0], 0, 1), (members[north][1], 2, None)]
    for user_id, lesson, offset in completions:
        db.session.add(LessonProgress(user_id=user_id, lesson_id=lessons[lesson].id, first_opened_at=day,
                                      last_opened_at=day,
                                      completed_at=None if offset is None else day + timedelta(days=offset)))
    db.session.commit()
    html = page(client, f"/statistics/completion?cohort={north.id}")
    assert "3 lessons completed between 3 Mar 2025 and 5 Mar 2025" in html
    assert re.search(r"<th scope=\"row\">3 Mar 2025</th><td>2</td><td>2</td>", html)
    assert re.search(r"<th scope=\"row\">5 Mar 2025</th><td>1</td><td>3</td>", html)
    assert html.count('class="chart-marker chart-marker-ok"') == 2
    everyone = page(client, "/statistics/completion")
    assert "4 lessons completed" in everyone
    assert "Not a valid choice" in page(client, "/statistics/completion?cohort=abc", status=400)


def test_completion_with_nothing_completed(client, admin):
    assert "No lesson has been completed yet." in page(client, "/statistics/completion")


# --------------------------------------------------------------------------- the command line


def test_the_stats_command_writes_csv_and_json(app, runner, four, tmp_path):
    result = runner.invoke(stats_command, ["--quiz", "alpha-check", "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert [row["question"] for row in rows] == list(POINTS)
    out = tmp_path / "stats.json"
    result = runner.invoke(stats_command, ["--quiz", "alpha-check", "--attempts", "best", "--format", "json",
                                           "--out", str(out)])
    assert result.exit_code == 0, result.output
    document = json.loads(out.read_text())
    assert document["overall"]["attempts"] == 4
    assert document["overall"]["mean"] == pytest.approx(quiz_statistics(MARKS, POINTS).overall.mean)
    assert document["questions"][0]["answers"][0] == {"part": "", "answer": "Alpha letter", "count": 2,
                                                      "credit": 1.0, "key": True}


def test_the_stats_command_names_what_it_cannot_find(app, runner, course):
    result = runner.invoke(stats_command, ["--quiz", "nope"])
    assert result.exit_code != 0 and "no quiz has the key 'nope'" in result.output
    result = runner.invoke(stats_command, ["--quiz", "alpha-check", "--cohort", "Nobody"])
    assert result.exit_code != 0 and "no cohort is named 'Nobody'" in result.output


# --------------------------------------------------------------------------- Moodle's oracle, end to end

ORACLE = Path(__file__).resolve().parents[3] / "shared" / "corpora" / "moodle-quiz-statistics"


def test_moodles_figures_come_out_of_the_database_unchanged(client, admin, make_user, course):
    """The oracle's 25 attempts stored as attempts and responses: the report (and the page) give Moodle's figures."""
    if not (ORACLE / "results00.csv").exists():
        pytest.skip(f"Moodle statistics oracle not present at {ORACLE}")
    with open(ORACLE / "results00.csv", newline="") as handle:
        results = list(csv.DictReader(handle))
    with open(ORACLE / "qstats00.csv", newline="") as handle:
        expected = {row["slot"]: row for row in csv.DictReader(handle)}
    slots = sorted(expected, key=int)
    quiz = Quiz(course_id=course.id, key="moodle-oracle", title="Moodle oracle", kind="lesson")
    db.session.add(quiz)
    db.session.flush()
    questions = [{"id": slot, "type": "true_false", "points": 1, "prompt_html": f"<p>Slot {slot}</p>",
                  "definition": {"type": "true_false", "answer": True}} for slot in slots]
    version = QuizVersion(quiz_id=quiz.id, number=1, content_hash="oracle", settings={}, questions=questions)
    db.session.add(version)
    db.session.flush()
    quiz.current_version_id = version.id
    db.session.commit()
    for row in results:
        marks = {slot: float(row[f"slots.{slot}.mark"]) for slot in slots}
        take(make_user("student"), marks, key="moodle-oracle")
    report = quiz_item_report(db.session, quiz, admin)
    overall = report.statistics.overall
    assert overall.attempts == 25
    assert overall.median == pytest.approx(4.5)
    assert overall.mean == pytest.approx(4.617333332, rel=1e-6)
    assert overall.cic == pytest.approx(-87.2230935542, rel=1e-6)  # negative, never clamped
    columns = {"facility": "facility", "sd": "sd", "effectiveweight": "effective_weight",
               "discriminationindex": "discrimination_index",
               "discriminativeefficiency": "discriminative_efficiency"}
    for slot in slots:
        item = report.question(slot)
        for column, attribute in columns.items():
            assert getattr(item.stats, attribute) == pytest.approx(float(expected[slot][column]), rel=1e-6,
                                                                   abs=1e-12), (slot, column)
        assert item.intended_weight == pytest.approx(100 / 7)
        assert item.stats.random_guess_score == 0.5
    html = page(client, f"/statistics/quizzes/{quiz.id}")
    assert "<td>-87.2%" in html and "⚠ negative: the questions work against each other" in html
    row = re.search(r'<tr id="q-1">(.*?)</tr>', html, re.S).group(1)
    assert f"<td>{100 * float(expected['1']['facility']):.1f}%</td>" in row
    assert f"<td>{float(expected['1']['discriminationindex']):.1f}%</td>" in row


def test_a_never_published_quiz_has_no_statistics(client, admin, course):
    draft = Quiz(course_id=course.id, key="draft-only", title="Draft only", kind="lesson", origin="browser")
    db.session.add(draft)
    db.session.commit()
    assert "has never been published" in page(client, f"/statistics/quizzes/{draft.id}")
    assert client.get(f"/statistics/quizzes/{draft.id}/stats.csv").status_code == 404
    assert "Draft only" not in page(client, "/statistics/")
