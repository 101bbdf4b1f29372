"""The report exports' rows: progress, attempts, responses and users, each a header, a count and a stream.

Rows are read from a server-side cursor (`yield_per`) so memory stays flat whatever the number of students.
`viewer` is the signed-in user whose `permissions.visible_students` decide who appears, or None for the
command line, which runs with the server's own rights and sees every student.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from itertools import groupby
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from app.models import Attempt, Cohort, CohortMember, Course, Quiz, QuizVersion, Response, User
from app.permissions import is_admin
from app.services.attempts import engine_questions
from app.services.progress_matrix import (
    EXPORT_BATCH,
    Layout,
    MatrixQuery,
    MatrixRow,
    QuizColumn,
    QuizStanding,
    course_quiz_ids,
    matrix_query,
    roster,
    students_of,
)
from app.services.student_records import answer_text


@dataclass(frozen=True)
class Export:
    """A table to export: its header, a COUNT of its rows, and its rows streamed from the database."""

    header: tuple[str, ...]
    count: Callable[[], int]
    rows: Callable[[], Iterator[tuple]]


def _stream(session: Session, statement: Select) -> Iterator[Any]:
    result = session.execute(statement.execution_options(yield_per=EXPORT_BATCH))
    try:
        yield from result
    finally:
        result.close()


def _count(session: Session, statement: Select) -> int:
    return session.scalar(select(func.count()).select_from(statement.order_by(None).subquery())) or 0


def progress_header(layout: Layout) -> tuple[str, ...]:
    """The progress export's columns: the student, then per lesson its state and its quiz, then the final.

    A lesson's state is the engine's code (not_started, reading, read, mastered); `lessons_read` counts
    lessons marked read (read or mastered) and `lessons_mastered` those mastered.
    """
    header = ["student_id", "name", "email", "active", "last_active", "lessons_read", "lessons_mastered"]
    for lesson in layout.lessons:
        header.append(f"{lesson.key}: state")
        if lesson.quiz is not None:
            header.extend(_quiz_header(lesson.quiz))
    if layout.final is not None:
        header.extend(_quiz_header(layout.final))
    return tuple(header)


def _quiz_header(quiz: QuizColumn) -> list[str]:
    return [f"{quiz.key}: attempts", f"{quiz.key}: best percent", f"{quiz.key}: grade percent",
            f"{quiz.key}: passed"]


def progress_record(row: MatrixRow) -> tuple:
    """A matrix row as a flat export row, in `progress_header`'s order."""
    values: list[Any] = [row.student_id, row.name, row.email, row.active, row.last_active, row.lessons_read,
                         row.lessons_mastered]
    for cell in row.cells:
        values.append(cell.state)
        if cell.quiz is not None:
            values.extend(_quiz_values(cell.quiz))
    if row.final is not None:
        values.extend(_quiz_values(row.final))
    return tuple(values)


def _quiz_values(standing: QuizStanding) -> list[Any]:
    return [standing.attempts, standing.best_percent, standing.grade_percent, standing.passed]


def progress_export(session: Session, viewer: User | None, course: Course, *, cohort_id: int | None = None,
                    active_from: date | None = None, active_to: date | None = None,
                    sort: str = "name") -> tuple[MatrixQuery, Export]:
    """The whole matrix as an export (its query, for JSON, and flat rows, for CSV)."""
    query = matrix_query(session, viewer, course, cohort_id=cohort_id, active_from=active_from,
                         active_to=active_to, sort=sort)
    return query, Export(progress_header(query.layout), lambda: query.count(session),
                         lambda: (progress_record(row) for row in query.stream(session)))


ATTEMPT_HEADER = ("student_id", "name", "email", "quiz", "attempt", "version", "state", "started_at",
                  "submitted_at", "score", "max_score", "percent")


def attempts_export(session: Session, viewer: User | None, course: Course, *, quiz: Quiz | None = None,
                    cohort_id: int | None = None) -> Export:
    """Every attempt at the course's quizzes (or one quiz) by the students the viewer may see."""
    students = roster(viewer, course, cohort_id=cohort_id)
    statement = (
        select(User.id, User.name, User.email, Quiz.key, Attempt.number, QuizVersion.number, Attempt.state,
               Attempt.started_at, Attempt.submitted_at, Attempt.score, Attempt.max_score, Attempt.percent)
        .join(User, User.id == Attempt.user_id)
        .join(Quiz, Quiz.id == Attempt.quiz_id)
        .join(QuizVersion, QuizVersion.id == Attempt.quiz_version_id)
        .where(Quiz.course_id == course.id, Attempt.user_id.in_(students))
        .order_by(func.lower(User.name), User.id, Quiz.key, Attempt.number)
    )
    if quiz is not None:
        statement = statement.where(Attempt.quiz_id == quiz.id)
    return Export(ATTEMPT_HEADER, lambda: _count(session, statement),
                  lambda: (tuple(row) for row in _stream(session, statement)))


RESPONSE_HEADER = ("student_id", "name", "email", "quiz", "attempt", "version", "state", "question_number",
                   "question", "question_type", "marks", "max_marks", "fraction", "answer")


def responses_export(session: Session, viewer: User | None, course: Course, *, quiz: Quiz | None = None,
                     cohort_id: int | None = None) -> Export:
    """One row per answered question of every attempt: its marks, maximum, fraction and the answer as text.

    Questions come in the order the attempt showed them. The versions' questions are read once (one
    query), not per row; the rows stream, and only one attempt's answers are held at a time to order them.
    """
    students = roster(viewer, course, cohort_id=cohort_id)
    quiz_ids = [quiz.id] if quiz is not None else course_quiz_ids(course)
    statement = (
        select(Attempt.id, User.id, User.name, User.email, Quiz.key, Attempt.number, Attempt.quiz_version_id,
               Attempt.state, Attempt.question_ids, Response.question_id, Response.raw, Response.marks,
               Response.fraction)
        .select_from(Response)
        .join(Attempt, Attempt.id == Response.attempt_id)
        .join(User, User.id == Attempt.user_id)
        .join(Quiz, Quiz.id == Attempt.quiz_id)
        .where(Attempt.quiz_id.in_(quiz_ids), Attempt.user_id.in_(students))
        .order_by(func.lower(User.name), User.id, Quiz.key, Attempt.number, Attempt.id)
    )

    def rows() -> Iterator[tuple]:
        """The rows, streamed; each attempt's answers put in the order the attempt showed its questions."""
        versions = {version.id: version for version in session.scalars(
            select(QuizVersion).where(QuizVersion.quiz_id.in_(quiz_ids)))}
        definitions = {version_id: {q["id"]: q for q in version.questions} for version_id, version in versions.items()}
        for _, answers in groupby(_stream(session, statement), key=lambda row: row[0]):
            answers = list(answers)
            order = {qid: number for number, qid in enumerate(answers[0].question_ids, start=1)}
            for (_, user_id, name, email, quiz_key, number, version_id, state, _, qid, raw, marks,
                 fraction) in sorted(answers, key=lambda row: order.get(row.question_id, len(order) + 1)):
                version, definition = versions[version_id], definitions[version_id][qid]
                yield (user_id, name, email, quiz_key, number, version.number, state, order.get(qid), qid,
                       definition["type"], marks, float(definition["points"]), fraction,
                       answer_text(engine_questions(version)[qid], raw))

    return Export(RESPONSE_HEADER, lambda: _count(session, statement), rows)


USER_HEADER = ("user_id", "name", "email", "role", "active", "cohorts", "created_at")


def users_export(session: Session, viewer: User | None) -> Export:
    """The accounts the viewer may see: every account for admins (and the command line), else their students."""
    cohorts = func.aggregate_strings(Cohort.name, "; ")
    statement = (
        select(User.id, User.name, User.email, User.role, User.active, cohorts, User.created_at)
        .outerjoin(CohortMember, CohortMember.user_id == User.id)
        .outerjoin(Cohort, Cohort.id == CohortMember.cohort_id)
        .group_by(User.id, User.name, User.email, User.role, User.active, User.created_at)
        .order_by(func.lower(User.name), User.id)
    )
    if viewer is not None and not is_admin(viewer):
        statement = statement.where(User.id.in_(students_of(viewer)))

    def rows() -> Iterator[tuple]:
        """The rows, streamed."""
        for user_id, name, email, role, active, names, created_at in _stream(session, statement):
            # Aggregated strings come in no particular order: sort them so the export is stable.
            yield (user_id, name, email, role, active, "; ".join(sorted((names or "").split("; "))), created_at)

    return Export(USER_HEADER, lambda: _count(session, statement), rows)
