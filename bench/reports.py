"""How long Parley's progress reports take on a large course, against a trivial query on the same data.

Run:
    .venv/bin/python bench/reports.py                      # SQLite (temp file), then PostgreSQL; full size
    .venv/bin/python bench/reports.py --students 200       # a quick try (seconds)
    .venv/bin/python bench/reports.py --database postgresql://postgres@127.0.0.1:5432/bench_reports --reuse
    .venv/bin/python bench/reports.py --database sqlite:////tmp/bench.sqlite3 [--reuse]

Without --database it runs twice: on a throwaway SQLite file, and on the PostgreSQL database
`postgresql://postgres@127.0.0.1:5432/bench_reports` (created if missing; skipped with a message when no
server answers). A database given with --database must be empty or one this script seeded: it refuses to
touch anything else. A seeded database is left in place; --reuse times it again without seeding when it
holds the same number of students and quizzes (otherwise PostgreSQL is emptied and seeded afresh). The
full default run takes about 6 minutes on the 2-core machine, seeding included.

What it seeds (the schema by migrations, the course by the content sync, the rest by bulk inserts: COPY on
PostgreSQL, then VACUUM ANALYZE as autovacuum would; executemany with journal_mode=MEMORY and
synchronous=OFF on SQLite, during the seed only):
    a course of --quizzes lessons, every lesson but the last checked by a quiz, plus a final assessment
    (--quizzes quizzes in all), each of --questions single-choice questions with 4 choices; --students
    students in 10 cohorts, 2 instructors teaching 5 cohorts each, 1 admin; lesson progress (90% of
    lessons opened, 76% completed, 1 to 3 visit rows per lesson opened; 15% of students idle for 8 to 45
    days); for every student and quiz 1 or 2 submitted attempts, each with one response per question (the
    raw field the form posts, fraction, marks; score and percent to match), answers drawn from an
    item-response model so the statistics have something to find (one far too hard question, a
    distractor almost nobody picks). The default 10,000 students x 9 quizzes x 10 questions is about 135,000
    attempts and 1.35 million responses. Every date is fixed (NOW), so the reports get `now=NOW`.

What it times (median of --runs runs after one warm-up, each run in a fresh transaction, an admin viewing
unless the line names the instructor, whose 5 cohorts hold half the students):
    the reference query (count one quiz's attempts); the cohort x lesson matrix as its page shows it
    (first page, by name and by progress) for one cohort of 1,000, for all 10,000 and for the instructor,
    and whole as CSV; one quiz's item statistics over all attempts, over each student's best, and for the
    instructor; who needs help; one student's record; one quiz's attempts and responses as CSV. CSV is
    generated to the last line. For the streamed exports it also prints rows per second and the peak
    Python memory (tracemalloc, in one extra run), which stays flat from 15,000 to 150,000 rows.
It prints one table per database: report, rows, median seconds, ratio to the reference, and PASS/FAIL
against issue 8's target (the cohort matrix and one quiz's statistics each within 1 second), with the
load average before and after: the machine is shared, so read the seconds with the load in mind.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import secrets
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import JSON, func, inspect, select, text
from sqlalchemy.engine import make_url

from app import create_app
from app.content.bundle import read_content
from app.csv_export import csv_lines
from app.extensions import db
from app.models import (
    Attempt,
    Cohort,
    CohortMember,
    Course,
    Lesson,
    LessonProgress,
    LessonVisit,
    Quiz,
    QuizVersion,
    Response,
    User,
)
from app.services.accounts import create_user
from app.services.content_sync import sync_content
from app.services.item_statistics import quiz_item_report
from app.services.progress_matrix import progress_matrix, students_needing_help
from app.services.report_exports import attempts_export, progress_export, responses_export
from app.services.student_records import student_record

DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/bench_reports"
COURSE_KEY = "bench-course"
COHORTS = 10
TARGET_SECONDS = 1.0
# Every date is relative to this fixed moment, so two runs seed the same course and the reports get `now=`.
NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
CHOICES = ("a", "b", "c", "d")
# One password hash shared by every seeded account: hashing 10,000 passwords would take longer than the seed.
PASSWORD = "benchmark-password"


# ---------------------------------------------------------------------------------------------- content


def write_course(folder: Path, quizzes: int, questions: int) -> tuple[Path, Path]:
    """A course in the file format: one lesson per quiz, lesson checks on all but the last, and a final."""
    course_dir, quiz_dir = folder / "course", folder / "quizzes"
    course_dir.mkdir()
    quiz_dir.mkdir()
    lessons = quizzes
    sections = "".join(f"\n    - Section {n}" for n in range(1, lessons + 1))
    (course_dir / "course.yaml").write_text(
        f"id: {COURSE_KEY}\ntitle: Benchmark Course\nsummary: A large synthetic course for bench/reports.py.\n"
        f"source:\n  title: Benchmark source\n  dated: \"2026\"\n  sections:{sections}\n")
    for n in range(1, lessons + 1):
        (course_dir / f"{n:02d}-lesson-{n:02d}.md").write_text(
            f"---\nid: lesson-{n:02d}\ntitle: Lesson {n}\norder: {n}\nminutes: 15\n"
            f"objectives:\n  - Explain idea {n}\nsource_sections:\n  - Section {n}\n---\n"
            f"Lesson {n} opens here.\n\n## Idea {n}\n\nWhat idea {n} says.\n\n## Summary\n\nIdea {n} matters.\n")
    for n in range(1, quizzes + 1):
        final = n == quizzes
        head = ("id: final-assessment\ntitle: Final assessment\nkind: final\n" if final
                else f"id: lesson-{n:02d}-check\ntitle: \"Check: Lesson {n}\"\nlesson: lesson-{n:02d}\n")
        # Nothing shuffled: every attempt's question_ids are the author's order and its orders empty, as the
        # engine would draw them, so the seeded attempts are valid without drawing 135,000 of them.
        body = [head, "settings:\n  pass_mark: 60\n  attempts: 2\n  grading: highest\n  shuffle_questions: false\n",
                "questions:\n"]
        for q in range(1, questions + 1):
            key = CHOICES[(n + q) % len(CHOICES)]
            body.append(f"  - id: q{q:02d}\n    type: single\n    prompt: Question {q} of quiz {n}?\n"
                        f"    source: lesson-{n:02d}#idea-{n}\n    shuffle: false\n    choices:\n")
            body.extend(f"      - {{id: {choice}, text: \"Option {choice.upper()} of {q}\""
                        f"{', correct: true' if choice == key else ''}}}\n" for choice in CHOICES)
        name = "final-assessment" if final else f"lesson-{n:02d}-check"
        (quiz_dir / f"{name}.yaml").write_text("".join(body))
    return course_dir, quiz_dir


# ---------------------------------------------------------------------------------------------- bulk load


class BulkLoader:
    """Appends rows to tables as fast as the database takes them: COPY on PostgreSQL, executemany on SQLite.

    Rows are tuples of Python values in the order of `columns`; JSON columns take Python objects and
    datetimes must be aware UTC, as the models ask. Runs on one raw connection in one transaction.
    """

    def __init__(self, engine) -> None:
        self.engine = engine
        self.dialect = engine.dialect
        self.postgres = self.dialect.name == "postgresql"
        self.raw = engine.raw_connection()
        self.driver = self.raw.driver_connection
        self.rows_loaded: dict[str, int] = {}
        if self.postgres:
            with self.driver.cursor() as cursor:
                cursor.execute("SET statement_timeout = 0")
        else:
            # Durability does not matter for a throwaway benchmark database; restored in finish().
            self.driver.execute("PRAGMA journal_mode = MEMORY")
            self.driver.execute("PRAGMA synchronous = OFF")
            self.driver.execute("BEGIN")

    def _converters(self, table, columns: tuple[str, ...]) -> list[Callable | None]:
        converters: list[Callable | None] = []
        for name in columns:
            column_type = table.c[name].type
            if isinstance(column_type, JSON):
                converters.append(lambda value: None if value is None else json.dumps(value))
            elif self.postgres:
                converters.append(None)  # psycopg adapts ints, floats, bools, strings and aware datetimes
            else:
                converters.append(column_type.dialect_impl(self.dialect).bind_processor(self.dialect))
        return converters

    def load(self, model, columns: tuple[str, ...], rows: Iterable[tuple]) -> int:
        """Insert the rows; returns how many."""
        table = model.__table__
        converters = self._converters(table, columns)
        converted = (tuple(value if convert is None or value is None else convert(value)
                           for convert, value in zip(converters, row, strict=True)) for row in rows)
        quoted = ", ".join(f'"{name}"' for name in columns)
        count = 0
        if self.postgres:
            with self.driver.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({quoted}) FROM STDIN') as copy:
                for row in converted:
                    copy.write_row(row)
                    count += 1
        else:
            batch = list(converted)
            marks = ", ".join("?" for _ in columns)
            self.driver.executemany(f'INSERT INTO "{table.name}" ({quoted}) VALUES ({marks})', batch)
            count = len(batch)
        self.rows_loaded[table.name] = self.rows_loaded.get(table.name, 0) + count
        return count

    def finish(self) -> None:
        """Commit, move id sequences past the inserted ids and refresh the planner's statistics."""
        if self.postgres:
            with self.driver.cursor() as cursor:
                for name in self.rows_loaded:
                    cursor.execute(f"SELECT setval(pg_get_serial_sequence('\"{name}\"', 'id'), "
                                   f"(SELECT max(id) FROM \"{name}\"))")
            self.driver.commit()
            # What autovacuum would do soon after a bulk load anyway: statistics and the visibility map.
            self.driver.autocommit = True
            with self.driver.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
            self.driver.autocommit = False
        else:
            self.driver.execute("COMMIT")
            self.driver.execute("PRAGMA synchronous = NORMAL")
            self.driver.execute("PRAGMA journal_mode = WAL")
        self.raw.close()


# ---------------------------------------------------------------------------------------------- seeding

FIRST_NAMES = ("Ada", "Bola", "Chen", "Dara", "Elif", "Femi", "Goran", "Hana", "Ines", "Jonas", "Kofi", "Lena",
               "Mei", "Nour", "Olu", "Pita", "Quinn", "Rosa", "Sami", "Tariq", "Uma", "Vera", "Wen", "Yusuf")
LAST_NAMES = ("Abara", "Brown", "Costa", "Dubois", "Eze", "Fischer", "Garcia", "Haddad", "Ivanova", "Jensen",
              "Kim", "Larsen", "Moreau", "Nakamura", "Okafor", "Petrov", "Quispe", "Rossi", "Silva", "Tanaka")


@dataclass
class Seeded:
    """What the timings need to find in a seeded database."""

    course_id: int
    admin_id: int
    instructor_ids: list[int]
    cohort_ids: list[int]
    quiz_ids: list[int]
    student_id: int
    seconds: float = 0.0
    rows: dict[str, int] = field(default_factory=dict)


def seed(app, students: int, quizzes: int, questions: int) -> Seeded:
    """Build the schema with migrations and load the synthetic course, people, progress and attempts."""
    started = time.perf_counter()
    with app.app_context():
        upgrade()
        with tempfile.TemporaryDirectory() as folder:
            sync_content(db.session, read_content(*write_course(Path(folder), quizzes, questions)))
        admin = create_user(db.session, email="admin@bench.example", name="Bench Admin", password=PASSWORD,
                            role="admin")
        db.session.commit()
        password_hash = admin.password_hash
        course = db.session.scalars(select(Course).where(Course.key == COURSE_KEY)).one()
        lessons = db.session.scalars(select(Lesson).where(Lesson.course_id == course.id)
                                     .order_by(Lesson.position)).all()
        quiz_rows = db.session.execute(
            select(Quiz.id, Quiz.current_version_id).where(Quiz.course_id == course.id).order_by(Quiz.id)).all()
        versions = {version.id: version for version in db.session.scalars(select(QuizVersion))}
        lesson_ids = [lesson.id for lesson in lessons]
        course_id, admin_id = course.id, admin.id
        db.session.remove()
        loader = BulkLoader(db.engine)
        rng = random.Random(8)
        people = seed_people(loader, rng, students, password_hash, first_id=admin_id + 1)
        seed_progress(loader, rng, people, lesson_ids)
        seed_attempts(loader, rng, people, [(quiz_id, versions[version_id]) for quiz_id, version_id in quiz_rows])
        loader.finish()
        db.engine.dispose()  # fresh connections get the app's own PRAGMAs and timeouts again
    return Seeded(course_id=course_id, admin_id=admin_id, instructor_ids=people.instructor_ids,
                  cohort_ids=people.cohort_ids, quiz_ids=[quiz_id for quiz_id, _ in quiz_rows],
                  student_id=people.students[len(people.students) // 2].id,
                  seconds=time.perf_counter() - started, rows=dict(loader.rows_loaded))


@dataclass
class Student:
    """A seeded student: when they started and were last active, and how able they are (for answers)."""

    id: int
    cohort_id: int
    start: datetime
    last_active: datetime
    ability: float


@dataclass
class People:
    """The seeded accounts and cohorts."""

    students: list[Student]
    instructor_ids: list[int]
    cohort_ids: list[int]


def seed_people(loader: BulkLoader, rng: random.Random, students: int, password_hash: str, first_id: int) -> People:
    """Students in 10 cohorts of equal size, and 2 instructors teaching 5 cohorts each."""
    cohort_ids = list(range(1, COHORTS + 1))
    starts = {cohort: (NOW - timedelta(days=160 - 10 * cohort)).date() for cohort in cohort_ids}
    loader.load(Cohort, ("id", "name", "starts_on", "ends_on", "created_at"),
                [(cohort, f"Cohort {cohort:02d}", starts[cohort], starts[cohort] + timedelta(days=240),
                  _at(starts[cohort]) - timedelta(days=14)) for cohort in cohort_ids])
    users, members, seeded = [], [], []
    instructor_ids = [first_id, first_id + 1]
    for index, user_id in enumerate(instructor_ids):
        users.append((user_id, f"instructor{index + 1}@bench.example", f"Instructor {index + 1}", password_hash,
                      "instructor", True, NOW - timedelta(days=200), secrets.token_urlsafe(24)))
        half = COHORTS // 2
        members.extend((user_id, cohort) for cohort in cohort_ids[index * half:(index + 1) * half])
    for n in range(students):
        user_id = first_id + len(instructor_ids) + n
        cohort = cohort_ids[n * COHORTS // students]
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        start = _at(starts[cohort]) + timedelta(hours=rng.uniform(0, 7 * 24))
        # Most learners were active within the week; some stopped coming weeks ago.
        idle_days = rng.uniform(0, 6) if rng.random() < 0.85 else rng.uniform(8, 45)
        last_active = max(start + timedelta(days=1), NOW - timedelta(days=idle_days))
        users.append((user_id, f"student{n + 1:05d}@bench.example", name, password_hash, "student", True,
                      start - timedelta(days=3), secrets.token_urlsafe(24)))
        members.append((user_id, cohort))
        seeded.append(Student(user_id, cohort, start, last_active, rng.gauss(0, 1)))
    loader.load(User, ("id", "email", "name", "password_hash", "role", "active", "created_at", "session_token"),
                users)
    loader.load(CohortMember, ("id", "cohort_id", "user_id", "added_at"),
                [(n + 1, cohort, user_id, _at(starts[cohort]) - timedelta(days=7))
                 for n, (user_id, cohort) in enumerate(members)])
    return People(seeded, instructor_ids, cohort_ids)


def seed_progress(loader: BulkLoader, rng: random.Random, people: People, lesson_ids: list[int]) -> None:
    """Lesson progress and visits: most students opened most lessons and completed about 70% of them."""
    progress, visits = [], []
    for student in people.students:
        opened = len(lesson_ids) if rng.random() < 0.8 else rng.randint(1, len(lesson_ids) - 1)
        span = student.last_active - student.start
        for position, lesson_id in enumerate(lesson_ids[:opened]):
            first = student.start + span * (position + 0.2) / len(lesson_ids)
            count = rng.randint(1, 3)
            lengths = [rng.randint(120, 1500) for _ in range(count)]
            last = first
            for number, seconds in enumerate(lengths):
                begun = first + span * number / (4 * len(lesson_ids))
                last = begun
                visits.append((len(visits) + 1, student.id, lesson_id, begun, begun + timedelta(seconds=seconds),
                               seconds))
            completed = last + timedelta(seconds=lengths[-1]) if rng.random() < 0.85 else None
            progress.append((len(progress) + 1, student.id, lesson_id, first, last, count, sum(lengths), completed))
    loader.load(LessonProgress, ("id", "user_id", "lesson_id", "first_opened_at", "last_opened_at", "visits",
                                 "seconds_spent", "completed_at"), progress)
    loader.load(LessonVisit, ("id", "user_id", "lesson_id", "started_at", "last_seen_at", "seconds"), visits)


ATTEMPT_COLUMNS = ("id", "user_id", "quiz_id", "quiz_version_id", "number", "seed", "question_ids", "orders", "state",
                   "started_at", "deadline", "submitted_at", "closed_by", "score", "max_score", "percent")
RESPONSE_COLUMNS = ("id", "attempt_id", "question_id", "raw", "saved_at", "tries", "checked_fraction",
                    "checked_raw", "locked", "fraction", "marks")


def seed_attempts(loader: BulkLoader, rng: random.Random, people: People, quizzes: list[tuple[int, QuizVersion]],
                  students_per_batch: int = 500) -> None:
    """For every student and quiz 1 or 2 submitted attempts, answers drawn from a 3-parameter logistic model."""
    items = []
    for index, (quiz_id, version) in enumerate(quizzes):
        questions = []
        for question in version.questions:
            choices = [choice["id"] for choice in question["definition"]["choices"]]
            key = next(choice["id"] for choice in question["definition"]["choices"] if choice.get("correct"))
            wrong = [choice for choice in choices if choice != key]
            # Difficulty from very easy to hard; one question of the first quiz far too hard (a likely miskey).
            difficulty = -2.0 + 3.5 * rng.random() if not (index == 0 and question is version.questions[-1]) else 3.5
            questions.append((question["id"], key, wrong, difficulty, float(question["points"])))
        items.append((quiz_id, version.id, [q[0] for q in questions], questions))
    attempt_id = response_id = 0
    for begin in range(0, len(people.students), students_per_batch):
        attempts, responses = [], []
        for student in people.students[begin:begin + students_per_batch]:
            span = student.last_active - student.start
            for position, (quiz_id, version_id, question_ids, questions) in enumerate(items):
                tries = 1 if rng.random() < 0.5 else 2
                for number in range(1, tries + 1):
                    attempt_id += 1
                    started = student.start + span * (position + 0.5 + 0.3 * (number - 1)) / len(items)
                    submitted = started + timedelta(minutes=rng.uniform(4, 25))
                    ability = student.ability + 0.4 * (number - 1)
                    total = maximum = 0.0
                    for qid, key, wrong, difficulty, points in questions:
                        response_id += 1
                        roll = rng.random()
                        if roll < 0.02:
                            raw, fraction = {}, 0.0  # left blank
                        elif roll < 0.25 + 0.75 / (1 + math.exp(-1.3 * (ability - difficulty))):
                            raw, fraction = {"answer": [key]}, 1.0
                        else:
                            # Distractors unevenly attractive: the last is almost never picked.
                            raw, fraction = {"answer": [rng.choices(wrong, (6, 3, 0.2))[0]]}, 0.0
                        marks = round(fraction * points, 7)
                        total += marks
                        maximum += points
                        responses.append((response_id, attempt_id, qid, raw, submitted, 0, None, None, False,
                                          fraction, marks))
                    attempts.append((attempt_id, student.id, quiz_id, version_id, number, rng.randrange(2**31),
                                     question_ids, {}, "submitted", started, None, submitted, "student",
                                     round(total, 7), maximum, round(100 * total / maximum, 7)))
        loader.load(Attempt, ATTEMPT_COLUMNS, attempts)
        loader.load(Response, RESPONSE_COLUMNS, responses)


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC)


# ---------------------------------------------------------------------------------------------- databases


def prepare_postgres(url: str, fresh: bool) -> bool:
    """Create the database if missing (and empty it when `fresh`); False when no server answers."""
    import psycopg

    parts = make_url(url)
    params = {"host": parts.host or "127.0.0.1", "port": parts.port or 5432, "user": parts.username,
              "password": parts.password, "connect_timeout": 3}
    try:
        server = psycopg.connect(dbname="postgres", autocommit=True, **params)
    except psycopg.OperationalError as error:
        print(f"PostgreSQL at {parts.host}:{parts.port or 5432} is not reachable, skipped: {error}".strip())
        return False
    with server:
        exists = server.execute("SELECT 1 FROM pg_database WHERE datname = %s", (parts.database,)).fetchone()
        if exists is None:
            server.execute(f'CREATE DATABASE "{parts.database}"')
            return True
    if fresh:
        with psycopg.connect(dbname=parts.database, autocommit=True, **params) as database:
            database.execute("DROP SCHEMA public CASCADE")
            database.execute("CREATE SCHEMA public")
    return True


def seeded_state(app, students: int, quizzes: int) -> str:
    """'empty', 'same' (a bench database of this size), 'other-size' (a bench database) or 'foreign'."""
    with app.app_context():
        tables = set(inspect(db.engine).get_table_names())
        if "course" not in tables:
            return "empty" if not tables - {"alembic_version"} else "foreign"
        keys = set(db.session.scalars(select(Course.key)))
        if keys != {COURSE_KEY}:
            return "empty" if not keys and not db.session.scalar(select(func.count(User.id))) else "foreign"
        found = (db.session.scalar(select(func.count(User.id)).where(User.role == "student")),
                 db.session.scalar(select(func.count(Quiz.id))))
        db.session.remove()
        db.engine.dispose()
        return "same" if found == (students, quizzes) else "other-size"


def find_seeded(app) -> Seeded:
    """Read back the ids the timings need from a database seeded earlier."""
    with app.app_context():
        course_id = db.session.scalar(select(Course.id).where(Course.key == COURSE_KEY))
        admin_id = db.session.scalar(select(User.id).where(User.role == "admin").order_by(User.id))
        instructor_ids = list(db.session.scalars(select(User.id).where(User.role == "instructor").order_by(User.id)))
        cohort_ids = list(db.session.scalars(select(Cohort.id).order_by(Cohort.id)))
        quiz_ids = list(db.session.scalars(select(Quiz.id).where(Quiz.course_id == course_id).order_by(Quiz.id)))
        student_ids = list(db.session.scalars(select(User.id).where(User.role == "student").order_by(User.id)))
        db.session.remove()
        return Seeded(course_id, admin_id, instructor_ids, cohort_ids, quiz_ids, student_ids[len(student_ids) // 2])


# ---------------------------------------------------------------------------------------------- timing


@dataclass
class Timing:
    """One report's result: rows produced, median seconds, and for exports the traced peak memory."""

    name: str
    rows: int
    seconds: float
    target: float | None = None
    peak_bytes: int | None = None
    error: str | None = None


@dataclass
class Case:
    """A report to time: a function returning how many rows it produced; `target` seconds, if the issue sets one."""

    name: str
    run: Callable[[], int]
    target: float | None = None
    trace_memory: bool = False


def time_case(case: Case, runs: int) -> Timing:
    """Median of `runs` runs after one warm-up, each in a fresh transaction; memory traced in one more run."""
    try:
        rows = case.run()
        db.session.rollback()
        samples = []
        for _ in range(runs):
            start = time.perf_counter()
            rows = case.run()
            samples.append(time.perf_counter() - start)
            db.session.rollback()
        peak = None
        if case.trace_memory:
            tracemalloc.start()
            case.run()
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            db.session.rollback()
        return Timing(case.name, rows, statistics.median(samples), case.target, peak)
    except Exception as error:  # a report that breaks is a result to print, not a reason to stop the others
        db.session.rollback()
        return Timing(case.name, 0, math.nan, case.target, error=f"{type(error).__name__}: {error}"[:200])


def count(items: Iterator | Iterable) -> int:
    """Drain an iterable (an export generator) and count what it yielded."""
    total = 0
    for _ in items:
        total += 1
    return total


def cases(seeded: Seeded) -> list[Case]:
    """The reference query, then every report of issue 8 as its page, the CLI or its export calls it."""
    cohort_id = seeded.cohort_ids[0]
    reference = text("SELECT count(*) FROM attempt WHERE quiz_id = :quiz")

    def admin() -> User:
        return db.session.get(User, seeded.admin_id)

    def instructor() -> User:
        return db.session.get(User, seeded.instructor_ids[0])

    def course() -> Course:
        return db.session.get(Course, seeded.course_id)

    def quiz() -> Quiz:
        return db.session.get(Quiz, seeded.quiz_ids[0])

    def matrix_page(viewer: Callable[[], User] = admin, **filters) -> int:
        return len(progress_matrix(db.session, viewer(), course(), **filters).rows)

    def matrix_csv(**filters) -> int:
        _, export = progress_export(db.session, admin(), course(), **filters)
        return count(csv_lines(export.header, export.rows())) - 1

    def item_report(which: str, viewer: Callable[[], User] = admin) -> int:
        return quiz_item_report(db.session, quiz(), viewer(), which=which).selected_attempts

    def needing_help(viewer: Callable[[], User] = admin, **filters) -> int:
        return len(students_needing_help(db.session, viewer(), course(), now=NOW, **filters))

    def record() -> int:
        found = student_record(db.session, admin(), db.session.get(User, seeded.student_id), course(), now=NOW)
        return sum(len(attempt.answers) for attempt in found.attempts)

    def quiz_csv(make_export) -> int:
        export = make_export(db.session, admin(), course(), quiz=quiz())
        return count(csv_lines(export.header, export.rows())) - 1

    return [
        Case("reference: count one quiz's attempts",
             lambda: db.session.execute(reference, {"quiz": seeded.quiz_ids[0]}).scalar()),
        Case("matrix, one cohort, first page", lambda: matrix_page(cohort_id=cohort_id), TARGET_SECONDS),
        Case("matrix, one cohort, first page by progress",
             lambda: matrix_page(cohort_id=cohort_id, sort="-progress"), TARGET_SECONDS),
        Case("matrix, one cohort, whole (CSV)", lambda: matrix_csv(cohort_id=cohort_id), TARGET_SECONDS),
        Case("matrix, all students, first page", matrix_page, TARGET_SECONDS),
        Case("matrix, all, first page by progress", lambda: matrix_page(sort="-progress"), TARGET_SECONDS),
        Case("matrix, instructor of 5 cohorts, first page", lambda: matrix_page(instructor), TARGET_SECONDS),
        Case("matrix, all students, whole (CSV)", matrix_csv, trace_memory=True),
        Case("item statistics, one quiz, all attempts", lambda: item_report("all"), TARGET_SECONDS),
        Case("item statistics, one quiz, best attempts", lambda: item_report("best"), TARGET_SECONDS),
        Case("item statistics, instructor of 5 cohorts", lambda: item_report("all", instructor), TARGET_SECONDS),
        Case("who needs help, one cohort", lambda: needing_help(cohort_id=cohort_id)),
        Case("who needs help, all students", needing_help),
        Case("who needs help, instructor of 5 cohorts", lambda: needing_help(instructor)),
        Case("one student's record (answers)", record),
        Case("attempts CSV, one quiz", lambda: quiz_csv(attempts_export), trace_memory=True),
        Case("responses CSV, one quiz", lambda: quiz_csv(responses_export), trace_memory=True),
    ]


def print_table(label: str, timings: list[Timing]) -> None:
    """One row per report: rows, median seconds, ratio to the reference, and the verdict against the target."""
    base = timings[0].seconds
    print(f"\n{label}")
    print(f"{'report':<48}{'rows':>9}{'seconds':>10}{'x ref':>9}{'rows/s':>11}{'peak MB':>9}  target")
    for timing in timings:
        if timing.error:
            print(f"{timing.name:<48}{'':>9}{'error':>10}  {timing.error}")
            continue
        per_second = f"{timing.rows / timing.seconds:,.0f}" if timing.peak_bytes is not None and timing.seconds else ""
        peak = f"{timing.peak_bytes / 2**20:.1f}" if timing.peak_bytes is not None else ""
        verdict = ""
        if timing.target is not None:
            verdict = f"{'PASS' if timing.seconds <= timing.target else 'FAIL'} (<= {timing.target:g} s)"
        print(f"{timing.name:<48}{timing.rows:>9,}{timing.seconds:>10.4f}{timing.seconds / base:>9.0f}"
              f"{per_second:>11}{peak:>9}  {verdict}")


def bench(url: str, args: argparse.Namespace) -> None:
    """Seed (or reuse) one database and print its table."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    name = make_url(app.config["SQLALCHEMY_DATABASE_URI"]).get_backend_name()
    state = seeded_state(app, args.students, args.quizzes)
    if state == "foreign":
        print(f"{url} holds data this script did not seed: refusing to touch it.")
        return
    if state == "same" and args.reuse:
        seeded = find_seeded(app)
        print(f"{name}: reusing the database seeded earlier")
    else:
        if state != "empty":
            if name != "postgresql":
                print(f"{url} was seeded at another size: remove it or run with its size and --reuse.")
                return
            prepare_postgres(url, fresh=True)
        seeded = seed(app, args.students, args.quizzes, args.questions)
        loaded = ", ".join(f"{table} {rows:,}" for table, rows in seeded.rows.items())
        print(f"{name}: seeded in {seeded.seconds:.1f} s ({loaded})")
    load_before = os.getloadavg()[0]
    with app.app_context():
        timings = [time_case(case, args.runs) for case in cases(seeded)]
        db.session.remove()
        db.engine.dispose()
    # The machine is shared: the load says how far to trust the absolute times (the ratios move less).
    print_table(f"{name}: {args.students:,} students, {args.quizzes} quizzes x {args.questions} questions, "
                f"median of {args.runs} runs; load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after "
                f"({os.cpu_count()} cores)", timings)


def main() -> None:
    """Run the benchmark on the database given, or on SQLite and PostgreSQL."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", help="a database URL (default: a temporary SQLite file, then "
                                           f"{DEFAULT_POSTGRES})")
    parser.add_argument("--students", type=int, default=10_000)
    parser.add_argument("--quizzes", type=int, default=9, help="quizzes (the last is the final) and lessons")
    parser.add_argument("--questions", type=int, default=10, help="questions per quiz")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per report, after one warm-up")
    parser.add_argument("--reuse", action="store_true", help="keep a database seeded earlier at this size")
    args = parser.parse_args()
    if args.students < COHORTS or args.quizzes < 2 or args.questions < 1:
        parser.error(f"need at least {COHORTS} students, 2 quizzes and 1 question")
    if args.database:
        if args.database.startswith("postgres") and not prepare_postgres(args.database, fresh=False):
            return
        bench(args.database, args)
        return
    with tempfile.TemporaryDirectory() as folder:
        bench(f"sqlite:///{Path(folder) / 'bench.sqlite3'}", args)
    if prepare_postgres(DEFAULT_POSTGRES, fresh=False):
        bench(DEFAULT_POSTGRES, args)


if __name__ == "__main__":
    main()
