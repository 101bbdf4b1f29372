"""Quiz grades per learner: attempts combined by each quiz's grading method, and mastery."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import and_, bindparam, select
from sqlalchemy.orm import Session

from app.engine import combine_attempts, lesson_mastered
from app.engine.quiz_rules import QuizSettings, review_items
from app.models import Attempt, Quiz, QuizVersion, utcnow
from app.services.attempts import stored_settings


@dataclass(frozen=True)
class QuizGrade:
    """One learner's standing on one quiz."""

    quiz: Quiz
    settings: QuizSettings
    attempts: int
    best_percent: float | None
    grade_percent: float | None

    @property
    def score_shown(self) -> bool:
        """Whether the quiz's review options let the learner see scores now."""
        return "score" in review_items(self.settings, utcnow())

    @property
    def passed(self) -> bool:
        """Whether the grade (by the quiz's grading method) reaches the pass mark."""
        return lesson_mastered(self.grade_percent, self.settings.pass_mark)


# Each live, published quiz with its current version's settings and the learner's attempts (none: one row
# with no attempt), in attempt order. Built once: the course and lesson pages run them on every request.
_QUIZ_ATTEMPTS = (
    select(Quiz, QuizVersion.id, QuizVersion.content_hash, QuizVersion.settings, Attempt.state, Attempt.percent)
    .join(QuizVersion, QuizVersion.id == Quiz.current_version_id)
    .outerjoin(Attempt, and_(Attempt.quiz_id == Quiz.id, Attempt.user_id == bindparam("user_id")))
    .where(Quiz.retired_at.is_(None))
    .order_by(Quiz.id, Attempt.number)
)
COURSE_QUIZ_ATTEMPTS = _QUIZ_ATTEMPTS.where(Quiz.course_id == bindparam("course_id"))
LESSON_QUIZ_ATTEMPTS = _QUIZ_ATTEMPTS.where(Quiz.lesson_id == bindparam("lesson_id"), Quiz.kind == "lesson")


def course_quiz_grades(session: Session, course_id: int, user_id: int) -> dict[int, QuizGrade]:
    """Every live quiz of a course with this learner's grade, in one query whatever the numbers."""
    return _grades(session.execute(COURSE_QUIZ_ATTEMPTS, {"course_id": course_id, "user_id": user_id}))


def lesson_quiz_grade(session: Session, lesson_id: int, user_id: int) -> QuizGrade | None:
    """The learner's grade on the live quiz that checks this lesson, if it has one (one query)."""
    grades = _grades(session.execute(LESSON_QUIZ_ATTEMPTS, {"lesson_id": lesson_id, "user_id": user_id}))
    return next(iter(grades.values()), None)


def quiz_grade(quiz: Quiz, settings: QuizSettings, attempts: list[Attempt]) -> QuizGrade:
    """The learner's grade on one quiz from their attempts at it (in attempt order), without a query."""
    scores = [attempt.percent if attempt.state == "submitted" else None for attempt in attempts]
    return _grade(quiz, settings, len(attempts), scores)


def _grade(quiz: Quiz, settings: QuizSettings, started: int, scores: list[float | None]) -> QuizGrade:
    """A grade from the attempts started and each one's percent (None while not submitted)."""
    finished = [value for value in scores if value is not None]
    return QuizGrade(quiz=quiz, settings=settings, attempts=started,
                     best_percent=max(finished) if finished else None,
                     grade_percent=combine_attempts(scores, settings.grading))


def _grades(rows) -> dict[int, QuizGrade]:
    """Grades from rows of (quiz, version id, content hash, settings, attempt state, attempt percent)."""
    quizzes: dict[int, tuple[Quiz, QuizSettings]] = {}
    scores: dict[int, list[float | None]] = defaultdict(list)
    for quiz, version_id, content_hash, settings_json, state, value in rows:
        if quiz.id not in quizzes:
            quizzes[quiz.id] = (quiz, stored_settings(version_id, content_hash, settings_json))
        if state is not None:
            scores[quiz.id].append(value if state == "submitted" else None)
    return {quiz_id: _grade(quiz, settings, len(scores[quiz_id]), scores[quiz_id])
            for quiz_id, (quiz, settings) in quizzes.items()}
