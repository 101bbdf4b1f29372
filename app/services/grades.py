"""Quiz grades per learner: attempts combined by each quiz's grading method, and mastery."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.engine import combine_attempts, lesson_mastered
from app.engine.quiz_rules import QuizSettings, review_items
from app.models import Attempt, Quiz, QuizVersion, utcnow


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


def course_quiz_grades(session: Session, course_id: int, user_id: int) -> dict[int, QuizGrade]:
    """Every live quiz of a course with this learner's grade, in two queries whatever the numbers."""
    quizzes = session.execute(
        select(Quiz, QuizVersion.settings)
        .join(QuizVersion, QuizVersion.id == Quiz.current_version_id)
        .where(Quiz.course_id == course_id, Quiz.retired_at.is_(None))
    ).all()
    scores: dict[int, list[float | None]] = defaultdict(list)
    started: dict[int, int] = defaultdict(int)
    rows = session.execute(
        select(Attempt.quiz_id, Attempt.state, Attempt.percent)
        .join(Quiz, Quiz.id == Attempt.quiz_id)
        .where(Quiz.course_id == course_id, Attempt.user_id == user_id)
        .order_by(Attempt.quiz_id, Attempt.number)
    )
    for quiz_id, state, value in rows:
        started[quiz_id] += 1
        scores[quiz_id].append(value if state == "submitted" else None)
    grades = {}
    for quiz, settings_json in quizzes:
        settings = QuizSettings.from_json(settings_json)
        finished = [value for value in scores[quiz.id] if value is not None]
        grades[quiz.id] = QuizGrade(
            quiz=quiz, settings=settings, attempts=started[quiz.id],
            best_percent=max(finished) if finished else None,
            grade_percent=combine_attempts(scores[quiz.id], settings.grading),
        )
    return grades


def quiz_passed(session: Session, lesson, user_id: int) -> bool:
    """Whether the learner has passed the quiz that checks this lesson."""
    grades = course_quiz_grades(session, lesson.course_id, user_id)
    return any(grade.passed for grade in grades.values() if grade.quiz.lesson_id == lesson.id)
