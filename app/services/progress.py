"""Lesson progress: visits, time spent, completion, and the course overview built from them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from app.engine.mastery import course_complete, course_progress, lesson_state
from app.models import Course, Lesson, LessonProgress, LessonVisit, User, utcnow
from app.services.grades import QuizGrade, course_quiz_grades

# A heartbeat credits at most this much time, so a tab left open overnight is not "studying".
MAX_CREDIT_SECONDS = 90


@dataclass(frozen=True)
class LessonRow:
    """A lesson as the course page lists it, with this learner's state."""

    lesson: Lesson
    state: str
    progress: LessonProgress | None
    quiz: QuizGrade | None = None

    @property
    def done(self) -> bool:
        """Read to the end, and its quiz (if it has one) passed."""
        return self.state == "completed" and (self.quiz is None or self.quiz.passed)


@dataclass(frozen=True)
class CourseOverview:
    """Everything the course page shows one learner."""

    course: Course
    rows: tuple[LessonRow, ...]
    completed: int
    fraction: float
    resume: LessonRow | None
    final: QuizGrade | None = None
    complete: bool = False

    @property
    def done(self) -> int:
        """Lessons read and, where they have a quiz, mastered."""
        return sum(row.done for row in self.rows)


def live_lessons(course_id: int):
    """A select of a course's current lessons in order."""
    return (select(Lesson)
            .where(Lesson.course_id == course_id, Lesson.retired_at.is_(None))
            .order_by(Lesson.position))


def course_overview(session: Session, course: Course, user_id: int) -> CourseOverview:
    """The course's lessons with this learner's progress and quiz grades, in three queries."""
    query = (live_lessons(course.id)
             .add_columns(LessonProgress)
             .outerjoin(LessonProgress, and_(LessonProgress.lesson_id == Lesson.id,
                                             LessonProgress.user_id == user_id)))
    grades = course_quiz_grades(session, course.id, user_id)
    by_lesson = {grade.quiz.lesson_id: grade for grade in grades.values() if grade.quiz.kind == "lesson"}
    final = next((grade for grade in grades.values() if grade.quiz.kind == "final"), None)
    rows = tuple(
        LessonRow(lesson, _state(progress), progress, by_lesson.get(lesson.id))
        for lesson, progress in session.execute(query)
    )
    completed = sum(row.state == "completed" for row in rows)
    mastered = {row.lesson.key: row.quiz.passed for row in rows if row.quiz is not None}
    return CourseOverview(
        course=course,
        rows=rows,
        completed=completed,
        fraction=course_progress({row.lesson.key: row.state == "completed" for row in rows}, mastered),
        resume=_resume_point(rows),
        final=final,
        complete=bool(rows) and all(row.state == "completed" for row in rows)
        and course_complete(mastered, final.passed if final else True),
    )


def _state(progress: LessonProgress | None) -> str:
    completed = progress is not None and progress.completed_at is not None
    return lesson_state(opened=progress is not None, completed=completed)


def _resume_point(rows: tuple[LessonRow, ...]) -> LessonRow | None:
    """Where to continue: the unread lesson opened last, else the first unread, else the first quiz to pass."""
    unread = [row for row in rows if row.state != "completed"]
    opened = [row for row in unread if row.progress is not None]
    if opened:
        return max(opened, key=lambda row: row.progress.last_opened_at)
    if unread:
        return unread[0]
    return next((row for row in rows if not row.done), None)


def record_visit(session: Session, user_id: int, lesson_id: int,
                 now: datetime | None = None) -> tuple[LessonVisit, LessonProgress]:
    """Log an opening of a lesson and update the learner's summary for it."""
    now = now or utcnow()
    _ensure_progress(session, user_id, lesson_id, now)
    progress = _progress_for_update(session, user_id, lesson_id)
    progress.visits += 1
    progress.last_opened_at = now
    visit = LessonVisit(user_id=user_id, lesson_id=lesson_id, started_at=now, last_seen_at=now)
    session.add(visit)
    session.flush()
    return visit, progress


def credit_time(session: Session, visit: LessonVisit, now: datetime | None = None) -> int:
    """Add the time since the learner's last heartbeat on any page (capped) to the visit and the lesson summary.

    Counting from the latest heartbeat of all the learner's visits, not just this one, means ten open
    tabs earn what one would: reading time never runs faster than the clock.
    """
    now = now or utcnow()
    # Serialise one learner's heartbeats (PostgreSQL; SQLite's IMMEDIATE transactions already do).
    session.execute(select(User.id).where(User.id == visit.user_id).with_for_update())
    latest_elsewhere = session.scalar(
        select(func.max(LessonVisit.last_seen_at))
        .where(LessonVisit.user_id == visit.user_id, LessonVisit.id != visit.id)
    )
    since = max(visit.last_seen_at, latest_elsewhere) if latest_elsewhere else visit.last_seen_at
    seconds = int(max(0.0, min((now - since).total_seconds(), MAX_CREDIT_SECONDS)))
    visit.last_seen_at = now
    visit.seconds += seconds
    progress = _progress_for_update(session, visit.user_id, visit.lesson_id)
    progress.seconds_spent += seconds
    session.flush()
    return seconds


def mark_complete(session: Session, user_id: int, lesson_id: int, now: datetime | None = None) -> bool:
    """Mark a lesson completed for a learner; returns False if it already was."""
    now = now or utcnow()
    _ensure_progress(session, user_id, lesson_id, now)
    progress = _progress_for_update(session, user_id, lesson_id)
    if progress.completed_at is not None:
        return False
    progress.completed_at = now
    session.flush()
    return True


def progress_for(session: Session, user_id: int, lesson_id: int) -> LessonProgress | None:
    """A learner's summary for one lesson, if they ever opened it."""
    return session.scalars(
        select(LessonProgress).where(LessonProgress.user_id == user_id, LessonProgress.lesson_id == lesson_id)
    ).one_or_none()


def _ensure_progress(session: Session, user_id: int, lesson_id: int, now: datetime) -> None:
    # Two tabs may open a lesson at once: let the unique constraint pick one insert, not a race.
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(
        insert(LessonProgress)
        .values(user_id=user_id, lesson_id=lesson_id, first_opened_at=now, last_opened_at=now,
                visits=0, seconds_spent=0)
        .on_conflict_do_nothing(index_elements=["user_id", "lesson_id"])
    )


def _progress_for_update(session: Session, user_id: int, lesson_id: int) -> LessonProgress:
    return session.scalars(
        select(LessonProgress)
        .where(LessonProgress.user_id == user_id, LessonProgress.lesson_id == lesson_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
