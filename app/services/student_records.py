"""One student's record in a course: lessons, grades, attempts, answers and checked tries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from app.engine import QuestionType, lesson_mastered, lesson_state, mastered_count, read_count
from app.engine.form_fields import field_value, field_values
from app.engine.mastery import LessonState, StateLabels
from app.engine.quiz_rules import QuizSettings, review_items
from app.models import (
    Attempt,
    Cohort,
    CohortMember,
    Course,
    LessonProgress,
    Quiz,
    QuizVersion,
    Response,
    ResponseTry,
    User,
)
from app.permissions import is_staff
from app.services.attempts import engine_questions
from app.services.grades import QuizGrade, course_quiz_grades
from app.services.progress_matrix import LessonColumn, course_layout


@dataclass(frozen=True)
class LessonRecord(StateLabels):
    """One lesson of one student: state, first and last opened, time spent, when marked read, quiz grade."""

    lesson: LessonColumn
    state: LessonState
    first_opened_at: datetime | None
    last_opened_at: datetime | None
    visits: int
    seconds_spent: int
    completed_at: datetime | None
    quiz: QuizGrade | None


@dataclass(frozen=True)
class TryRecord:
    """One Check of an immediate-feedback question: the answer checked, its grade, and when."""

    number: int
    answer: str
    fraction: float | None
    penalised_fraction: float | None
    checked_at: datetime


@dataclass(frozen=True)
class AnswerRecord:
    """One question of an attempt: what the student answered and what it earned."""

    number: int
    question_id: str
    kind: str
    prompt_html: str
    answer: str
    points: float
    marks: float | None
    fraction: float | None
    tries: tuple[TryRecord, ...] = ()


@dataclass(frozen=True)
class AttemptRecord:
    """One attempt with its version, state, score and every answer."""

    id: int
    quiz_key: str
    quiz_title: str
    number: int
    version: int
    state: str
    closed_by: str | None
    started_at: datetime
    submitted_at: datetime | None
    score: float | None
    max_score: float | None
    percent: float | None
    passed: bool | None
    answers: tuple[AnswerRecord, ...]
    # What the viewer may see of it: everything for staff; the quiz's review options now for the student.
    shows: frozenset[str] = frozenset({"score", "correctness"})


@dataclass(frozen=True)
class StudentRecord:
    """Everything a report shows of one student in one course."""

    student: User
    course: Course
    lessons: tuple[LessonRecord, ...]
    final: QuizGrade | None
    attempts: tuple[AttemptRecord, ...]
    staff_view: bool
    cohorts: tuple[str, ...] = field(default=())

    @property
    def lessons_read(self) -> int:
        """Lessons marked read (read, or mastered)."""
        return read_count(lesson.state for lesson in self.lessons)

    @property
    def lessons_mastered(self) -> int:
        """Lessons mastered: read and, where they have a quiz, the quiz passed."""
        return mastered_count(lesson.state for lesson in self.lessons)

    @property
    def seconds_spent(self) -> int:
        """Time spent on the course's lessons."""
        return sum(lesson.seconds_spent for lesson in self.lessons)

    def grade_shown(self, grade: QuizGrade) -> bool:
        """Whether this view may show a quiz's percentages: always to staff, to the student as the course page does."""
        return self.staff_view or grade.score_shown


def student_record(session: Session, viewer: User, student: User, course: Course, *, now: datetime) -> StudentRecord:
    """One student's lessons, grades, attempts, answers and tries in a course (nine queries, however many attempts).

    Staff see everything; a student looking at their own record sees scores and right or wrong only where
    the quiz's review options show them now, as the attempt review does.
    """
    staff_view = is_staff(viewer) and viewer.id != student.id
    layout = course_layout(session, course)
    grades = course_quiz_grades(session, course.id, student.id)
    by_lesson = {grade.quiz.lesson_id: grade for grade in grades.values() if grade.quiz.kind == "lesson"}
    progress = {row.lesson_id: row for row in session.scalars(
        select(LessonProgress).where(LessonProgress.user_id == student.id,
                                     LessonProgress.lesson_id.in_([lesson.id for lesson in layout.lessons])))}
    lessons = []
    for lesson in layout.lessons:
        row = progress.get(lesson.id)
        quiz = by_lesson.get(lesson.id) if lesson.quiz is not None else None
        lessons.append(LessonRecord(
            lesson=lesson,
            state=lesson_state(opened=row is not None, read=row is not None and row.completed_at is not None,
                               quiz_passed=quiz.passed if quiz is not None else None),
            first_opened_at=row.first_opened_at if row else None, last_opened_at=row.last_opened_at if row else None,
            visits=row.visits if row else 0, seconds_spent=row.seconds_spent if row else 0,
            completed_at=row.completed_at if row else None, quiz=quiz,
        ))
    final = next((grade for grade in grades.values() if grade.quiz.kind == "final"), None)
    cohorts = tuple(session.scalars(
        select(Cohort.name).join(CohortMember, CohortMember.cohort_id == Cohort.id)
        .where(CohortMember.user_id == student.id).order_by(Cohort.name)))
    return StudentRecord(student, course, tuple(lessons), final,
                         tuple(_attempt_records(session, student, course, staff_view, now)), staff_view, cohorts)


def _attempt_records(session: Session, student: User, course: Course, staff_view: bool,
                     now: datetime) -> list[AttemptRecord]:
    """Every attempt of the student in the course with its answers and tries: three queries, not one per attempt."""
    current = aliased(QuizVersion)
    attempts = session.execute(
        select(Attempt, QuizVersion, Quiz.key, Quiz.title, current.settings)
        .join(QuizVersion, QuizVersion.id == Attempt.quiz_version_id)
        .join(Quiz, Quiz.id == Attempt.quiz_id)
        .outerjoin(current, current.id == Quiz.current_version_id)
        .where(Attempt.user_id == student.id, Quiz.course_id == course.id)
        .order_by(Quiz.kind.desc(), Quiz.key, Attempt.number)
    ).all()
    mine = (select(Attempt.id).join(Quiz, Quiz.id == Attempt.quiz_id)
            .where(Attempt.user_id == student.id, Quiz.course_id == course.id))
    responses = {(row.attempt_id, row.question_id): row
                 for row in session.scalars(select(Response).where(Response.attempt_id.in_(mine)))}
    tries: dict[int, list[ResponseTry]] = defaultdict(list)
    for check in session.scalars(
        select(ResponseTry).join(Response, Response.id == ResponseTry.response_id)
        .where(Response.attempt_id.in_(mine)).order_by(ResponseTry.response_id, ResponseTry.number)
    ):
        tries[check.response_id].append(check)
    records = []
    for attempt, version, quiz_key, quiz_title, settings_json in attempts:
        settings = QuizSettings.from_json(settings_json) if settings_json else QuizSettings()
        shows = frozenset({"score", "correctness"}) if staff_view else review_items(settings, now)
        questions = engine_questions(version)
        definitions = {q["id"]: q for q in version.questions}
        answers = []
        for number, qid in enumerate(attempt.question_ids, start=1):
            definition, question = definitions[qid], questions[qid]
            response = responses.get((attempt.id, qid))
            answers.append(AnswerRecord(
                number=number, question_id=qid, kind=definition["type"], prompt_html=definition["prompt_html"],
                answer=answer_text(question, response.raw if response else {}),
                points=float(definition["points"]),
                marks=response.marks if response and "score" in shows else None,
                fraction=response.fraction if response and "correctness" in shows else None,
                tries=tuple(
                    TryRecord(check.number, answer_text(question, check.raw),
                              check.fraction if "correctness" in shows else None,
                              check.penalised_fraction if "correctness" in shows else None, check.checked_at)
                    for check in (tries.get(response.id, ()) if response else ())),
            ))
        score_shown = "score" in shows and attempt.state == "submitted"
        records.append(AttemptRecord(
            id=attempt.id, quiz_key=quiz_key, quiz_title=quiz_title, number=attempt.number, version=version.number,
            state=attempt.state, closed_by=attempt.closed_by, started_at=attempt.started_at,
            submitted_at=attempt.submitted_at,
            score=attempt.score if score_shown else None, max_score=attempt.max_score if score_shown else None,
            percent=attempt.percent if score_shown else None,
            # As the attempt's review says: against the pass mark of the version it was taken on.
            passed=lesson_mastered(attempt.percent, QuizSettings.from_json(version.settings).pass_mark)
            if score_shown else None,
            answers=tuple(answers), shows=shows,
        ))
    return records


def answer_text(question: QuestionType, raw: Mapping[str, Any]) -> str:
    """A student's answer as plain text: the texts of the choices picked, matched or ordered, or what was typed.

    Uses the question's public view (author order), so the text is the same whatever order the student saw.
    """
    if not raw:
        return ""
    public = question.public(None)
    response = question.normalize(raw)
    kind = question.kind
    if kind in ("single", "multiple"):
        picked = {response} if kind == "single" else set(response)
        return "; ".join(choice["text"] for choice in public["choices"] if choice["id"] in picked)
    if kind == "true_false":
        return {True: "True", False: "False"}.get(response, "")
    if kind in ("short", "numerical"):
        # What was typed, units and all: the normalized number would hide a unit or a typo.
        return (field_value(raw, "answer") or "").strip()
    if kind == "matching":
        options = {option["id"]: option["text"] for option in public["right"]}
        return "; ".join(f"{left['text']} → {options[response[left['id']]]}"
                         for left in public["left"] if left["id"] in response)
    if kind == "ordering":
        texts = {item["id"]: item["text"] for item in public["items"]}
        return " | ".join(texts[item] for item in response)
    if kind == "cloze":
        return "; ".join(f"[{blank}] {response[blank]}" for blank in public["blanks"] if response.get(blank))
    # A question type this function does not know yet: the posted values, which are still the answer.
    return "; ".join(value for name in sorted(raw) for value in field_values(raw, name) if value)
