"""Report exports as text streams: CSV one row at a time, JSON one student at a time (for the web and the CLI)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from app.services.grades import QuizGrade
from app.services.progress_matrix import Layout, MatrixRow, QuizStanding
from app.services.student_records import StudentRecord


def _json_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def standing_json(standing: QuizStanding | None) -> dict[str, Any] | None:
    """A student's standing on a quiz as JSON."""
    if standing is None:
        return None
    return {"quiz": standing.quiz.key, "attempts": standing.attempts, "submitted": standing.submitted,
            "best_percent": standing.best_percent, "grade_percent": standing.grade_percent,
            "passed": standing.passed, "failed_attempts": standing.failed}


def matrix_row_json(row: MatrixRow) -> dict[str, Any]:
    """One student of the matrix as JSON."""
    return {
        "id": row.student_id, "name": row.name, "email": row.email, "active": row.active,
        "last_active": _json_value(row.last_active), "lessons_read": row.lessons_read,
        "lessons_mastered": row.lessons_mastered,
        "lessons": [{"lesson": cell.lesson.key, "state": cell.state, "quiz": standing_json(cell.quiz)}
                    for cell in row.cells],
        "final": standing_json(row.final),
    }


def matrix_json(layout: Layout, rows: Iterable[MatrixRow], filters: dict[str, Any]) -> Iterator[str]:
    """The matrix as one JSON document, written a student at a time so a large cohort never sits in memory."""
    head = {
        "course": layout.course.key,
        "filters": {key: _json_value(value) for key, value in filters.items()},
        "lessons": [{"key": lesson.key, "title": lesson.title, "quiz": lesson.quiz.key if lesson.quiz else None}
                    for lesson in layout.lessons],
        "final": ({"key": layout.final.key, "title": layout.final.title, "pass_mark": layout.final.pass_mark}
                  if layout.final else None),
    }
    opening = json.dumps(head, ensure_ascii=False)
    yield opening[:-1] + ', "students": ['
    for index, row in enumerate(rows):
        yield ("," if index else "") + "\n" + json.dumps(matrix_row_json(row), ensure_ascii=False)
    yield "\n]}\n"


def grade_json(record: StudentRecord, grade: QuizGrade | None) -> dict[str, Any] | None:
    """A student's grade on a quiz as JSON, its percentages only where the view may show them (as the course page)."""
    if grade is None:
        return None
    shown = record.grade_shown(grade)
    return {"quiz": grade.quiz.key, "attempts": grade.attempts,
            "best_percent": grade.best_percent if shown else None,
            "grade_percent": grade.grade_percent if shown else None, "passed": grade.passed}


def student_json(record: StudentRecord) -> dict[str, Any]:
    """One student's record (lessons, grades, attempts, answers and tries) as JSON."""
    return {
        "student": {"id": record.student.id, "name": record.student.name, "email": record.student.email,
                    "cohorts": list(record.cohorts)},
        "course": record.course.key,
        "lessons": [{
            "lesson": lesson.lesson.key, "title": lesson.lesson.title, "state": lesson.state,
            "first_opened_at": _json_value(lesson.first_opened_at),
            "last_opened_at": _json_value(lesson.last_opened_at),
            "visits": lesson.visits, "seconds_spent": lesson.seconds_spent,
            "completed_at": _json_value(lesson.completed_at),
            "quiz": grade_json(record, lesson.quiz),
        } for lesson in record.lessons],
        "final": grade_json(record, record.final),
        "attempts": [{
            "quiz": attempt.quiz_key, "attempt": attempt.number, "version": attempt.version, "state": attempt.state,
            "started_at": _json_value(attempt.started_at), "submitted_at": _json_value(attempt.submitted_at),
            "score": attempt.score, "max_score": attempt.max_score, "percent": attempt.percent,
            "passed": attempt.passed,
            "answers": [{
                "question": answer.question_id, "type": answer.kind, "answer": answer.answer,
                "marks": answer.marks, "max_marks": answer.points, "fraction": answer.fraction,
                "tries": [{"try": check.number, "answer": check.answer, "fraction": check.fraction,
                           "penalised_fraction": check.penalised_fraction,
                           "checked_at": _json_value(check.checked_at)} for check in answer.tries],
            } for answer in attempt.answers],
        } for attempt in record.attempts],
    }
