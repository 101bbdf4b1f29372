"""`flask reports progress|attempts|responses`: every student, CSV or JSON, to standard output or a file."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, time, timedelta

import pytest

from app.models import utcnow
from tests.web.report_world import build_world


@pytest.fixture()
def world(app, course, make_user):
    """The small school of the report tests, its story starting sixty days ago."""
    return build_world(make_user, datetime.combine(utcnow().date() - timedelta(days=60), time(9), UTC))


def run(runner, *args: str):
    return runner.invoke(args=["reports", *args])


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_progress_csv_to_standard_output_covers_every_student(runner, world):
    result = run(runner, "progress")
    assert result.exit_code == 0, result.output
    rows = csv_rows(result.stdout)
    assert [row["name"] for row in rows] == ["Ana Example", "Ben Bloggs", "Cleo Clay", "Dan Doe"]
    assert rows[0]["alpha-check: best percent"] == "100.0" and rows[3]["final: passed"] == "yes"


def test_progress_json_and_a_cohort(runner, world):
    result = run(runner, "progress", "--format", "json", "--cohort", "Cohort A")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [student["name"] for student in data["students"]] == ["Ana Example", "Ben Bloggs"]
    assert data["filters"] == {"cohort": "Cohort A"} and data["final"]["key"] == "final"


def test_attempts_and_responses_for_one_quiz(runner, world):
    result = run(runner, "attempts", "--quiz", "beta-check", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert [(row["name"], row["attempt"]) for row in csv_rows(result.stdout)] == [
        ("Ben Bloggs", "1"), ("Ben Bloggs", "2"), ("Ben Bloggs", "3"), ("Dan Doe", "1")]
    result = run(runner, "responses", "--quiz", "alpha-check", "--cohort", "Cohort A")
    assert result.exit_code == 0, result.output
    rows = csv_rows(result.stdout)
    assert len(rows) == 4 and {row["name"] for row in rows} == {"Ana Example"}
    assert {row["answer"] for row in rows} == {"Alpha letter", "Omega; Delta", "zetasecretword", "4242"}


def test_out_writes_the_file_with_a_progress_bar(runner, world, tmp_path):
    out = tmp_path / "responses.csv"
    result = run(runner, "responses", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert f"Writing answers to {out}" in result.stderr and f"wrote: {out}" in result.stderr
    rows = csv_rows(out.read_text(encoding="utf-8"))
    assert len(rows) == 4 + 3 * 4 + 4 + 4 + 3
    out = tmp_path / "progress.json"
    assert run(runner, "progress", "--format", "json", "--out", str(out)).exit_code == 0
    assert len(json.loads(out.read_text(encoding="utf-8"))["students"]) == 4


@pytest.mark.parametrize(("args", "message"), [
    (["attempts", "--quiz", "no-such-quiz"], "no quiz 'no-such-quiz' in course 'test-course' (quizzes: "
                                             "alpha-check, beta-check, final)"),
    (["responses", "--quiz", "no-such-quiz"], "no quiz 'no-such-quiz'"),
    (["progress", "--cohort", "Cohort Z"], "no cohort named 'Cohort Z' (cohorts: Cohort A, Cohort B)"),
    (["attempts", "--cohort", "Cohort Z"], "no cohort named 'Cohort Z'"),
    (["progress", "--course", "nope"], "no course 'nope' in the database (courses: test-course)"),
])
def test_unknown_quiz_cohort_or_course_is_a_clear_error(runner, world, args, message):
    result = run(runner, *args)
    assert result.exit_code == 1 and message in result.output and result.stdout == ""


@pytest.mark.parametrize("command", ["attempts", "responses"])
def test_json_is_for_progress_only(runner, world, command):
    result = run(runner, command, "--format", "json")
    assert result.exit_code == 2 and f"the {command} export is CSV only" in result.output


def test_an_unwritable_file_is_a_clear_error(runner, world, tmp_path):
    result = run(runner, "attempts", "--out", str(tmp_path / "missing-folder" / "attempts.csv"))
    assert result.exit_code == 1 and "cannot write" in result.output
