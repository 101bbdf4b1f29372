"""Lesson progress: visits, time spent, marking read, and the course overview built from them."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Executable, Row, and_, bindparam, func, insert, select
from sqlalchemy.orm import Session, contains_eager, load_only, undefer

from app.database import begin_writing, dialect_insert
from app.engine.mastery import (
    MASTERY_RULE,
    STATE_KEY,
    FinalStanding,
    LessonStanding,
    LessonState,
    NextStep,
    StateLabels,
    course_complete,
    lesson_state,
    mastered_count,
    mastered_fraction,
    next_step,
    quiz_failed,
    read_count,
)
from app.engine.quiz_rules import start_refusal
from app.models import Course, Lesson, LessonProgress, LessonVisit, User, utcnow
from app.services.grades import QuizGrade, course_quiz_grades, lesson_quiz_grade

# A heartbeat credits at most this much time, so a tab left open overnight is not "studying".
MAX_CREDIT_SECONDS = 90


@dataclass(frozen=True)
class LessonRow(StateLabels):
    """A lesson as the course and lesson pages show it, with this learner's state and check-quiz grade."""

    lesson: Lesson
    state: LessonState
    progress: LessonProgress | None
    quiz: QuizGrade | None = None

    @property
    def quiz_submitted(self) -> bool:
        """Whether an attempt at the lesson's quiz has been submitted."""
        return self.quiz is not None and self.quiz.best_percent is not None

    @property
    def quiz_failed(self) -> bool:
        """Whether the lesson's quiz was submitted and is not passed (the course page flags it)."""
        return self.quiz is not None and quiz_failed(self.quiz_submitted, self.quiz.passed)


@dataclass(frozen=True)
class CourseOverview:
    """Everything the course page shows one learner: lessons, counts, the one next step, the final."""

    course: Course
    rows: tuple[LessonRow, ...]
    lessons_read: int
    lessons_mastered: int
    mastered_fraction: float
    next_step: NextStep
    final: QuizGrade | None = None
    course_complete: bool = False
    rule: str = MASTERY_RULE

    @property
    def step_row(self) -> LessonRow | None:
        """The lesson the next step concerns, if it concerns one."""
        return next((row for row in self.rows if row.lesson.key == self.next_step.lesson), None)

    @property
    def next_step_label(self) -> str:
        """The main button's text: the step in words and the lesson (or final assessment) it concerns."""
        row = self.step_row
        if row is not None:
            return f"{self.next_step.words}: {row.lesson.title}"
        if self.next_step.kind in ("take_final", "retake_final") and self.final is not None:
            return f"{self.next_step.words}: {self.final.quiz.title}"
        return self.next_step.words

    @property
    def state_key(self) -> tuple[tuple[str, str, str], ...]:
        """Every lesson state as (code, symbol, words), for the page's key."""
        return STATE_KEY

    @property
    def failed(self) -> tuple[LessonRow, ...]:
        """The lessons whose quiz was submitted and not passed."""
        return tuple(row for row in self.rows if row.quiz_failed)


@dataclass(frozen=True)
class LessonNeighbours:
    """A lesson's place in its course: the previous and next lessons (key, title) and its number of the total."""

    previous: Row | None
    following: Row | None
    position: int | None
    total: int


def lesson_row(lesson: Lesson, progress: LessonProgress | None, quiz: QuizGrade | None) -> LessonRow:
    """A lesson with its state by the engine's rule, from its progress summary and check-quiz grade."""
    state = lesson_state(opened=progress is not None,
                         read=progress is not None and progress.completed_at is not None,
                         quiz_passed=quiz.passed if quiz is not None else None)
    return LessonRow(lesson, state, progress, quiz)


# Built once: the course page runs them on every request. The lesson list loads only what lists show, but
# the Review page names sections, so it asks for the headings too.
_COURSE_BY_KEY = select(Course).where(Course.key == bindparam("course_key"))
_LESSONS_WITH_PROGRESS = (
    select(Lesson, LessonProgress)
    .outerjoin(LessonProgress, and_(LessonProgress.lesson_id == Lesson.id,
                                    LessonProgress.user_id == bindparam("user_id")))
    .where(Lesson.course_id == bindparam("course_id"), Lesson.retired_at.is_(None))
    .order_by(Lesson.position)
)
_LISTED = (Lesson.course_id, Lesson.key, Lesson.title, Lesson.position, Lesson.minutes, Lesson.quiz_key,
           Lesson.retired_at)
_LESSON_LIST = _LESSONS_WITH_PROGRESS.options(load_only(*_LISTED))
_LESSON_LIST_WITH_HEADINGS = _LESSONS_WITH_PROGRESS.options(load_only(*_LISTED, Lesson.headings))


def all_courses(session: Session) -> list[Course]:
    """Every course, oldest first (Parley normally holds one)."""
    return list(session.scalars(select(Course).order_by(Course.id)))


def course_by_key(session: Session, course_key: str) -> Course | None:
    """A course by the key in its address."""
    return session.scalars(_COURSE_BY_KEY, {"course_key": course_key}).one_or_none()


def course_overview(session: Session, course: Course, user_id: int, now: datetime | None = None,
                    with_headings: bool = False) -> CourseOverview:
    """The course's lessons with this learner's states, counts and next step, in two queries.

    `with_headings` also loads each lesson's headings (the Review page names sections by them).
    """
    now = now or utcnow()
    query = _LESSON_LIST_WITH_HEADINGS if with_headings else _LESSON_LIST
    grades = course_quiz_grades(session, course.id, user_id)
    by_lesson = {grade.quiz.lesson_id: grade for grade in grades.values() if grade.quiz.kind == "lesson"}
    final = next((grade for grade in grades.values() if grade.quiz.kind == "final"), None)
    rows = tuple(lesson_row(lesson, progress, by_lesson.get(lesson.id))
                 for lesson, progress in session.execute(query, {"course_id": course.id, "user_id": user_id}))
    states = [row.state for row in rows]
    standings = [
        LessonStanding(
            key=row.lesson.key, state=row.state, has_quiz=row.quiz is not None,
            quiz_passed=row.quiz is not None and row.quiz.passed, quiz_submitted=row.quiz_submitted,
            quiz_open=row.quiz is not None and _may_start(row.quiz, now),
            last_opened=row.progress.last_opened_at if row.progress else None)
        for row in rows
    ]
    final_standing = (FinalStanding(passed=final.passed, submitted=final.best_percent is not None,
                                    open=_may_start(final, now)) if final else None)
    return CourseOverview(
        course=course,
        rows=rows,
        lessons_read=read_count(states),
        lessons_mastered=mastered_count(states),
        mastered_fraction=mastered_fraction(states),
        next_step=next_step(standings, final_standing),
        final=final,
        course_complete=bool(rows) and course_complete(states, final.passed if final else True),
    )


def lesson_standing(session: Session, lesson: Lesson, progress: LessonProgress | None, user_id: int) -> LessonRow:
    """One lesson's state for the lesson page, with its check-quiz grade (two queries)."""
    return lesson_row(lesson, progress, lesson_quiz_grade(session, lesson.id, user_id))


_LESSON_PAGE = (select(Lesson).join(Lesson.course).options(contains_eager(Lesson.course), undefer(Lesson.body_html))
                .where(Course.key == bindparam("course_key"), Lesson.key == bindparam("lesson_key")))
_SIBLINGS = (select(Lesson.key, Lesson.title, Lesson.position)
             .where(Lesson.course_id == bindparam("course_id"), Lesson.retired_at.is_(None)).order_by(Lesson.position))


def lesson_by_key(session: Session, course_key: str, lesson_key: str) -> Lesson | None:
    """A lesson (with its body and course) by the keys in its address, retired or not."""
    return session.scalars(_LESSON_PAGE, {"course_key": course_key, "lesson_key": lesson_key}).one_or_none()


def lesson_neighbours(session: Session, lesson: Lesson) -> LessonNeighbours:
    """Where a lesson stands among its course's current lessons, and the lessons before and after it."""
    siblings = session.execute(_SIBLINGS, {"course_id": lesson.course_id}).all()
    keys = [row.key for row in siblings]
    if lesson.key not in keys:
        return LessonNeighbours(None, None, None, len(siblings))
    index = keys.index(lesson.key)
    return LessonNeighbours(
        previous=siblings[index - 1] if index else None,
        following=siblings[index + 1] if index + 1 < len(siblings) else None,
        position=index + 1, total=len(siblings),
    )


def _may_start(grade: QuizGrade, now: datetime) -> bool:
    """Whether the learner may start an attempt now (open, and attempts left)."""
    return start_refusal(grade.settings, grade.attempts, now) is None


def record_visit(session: Session, user_id: int, lesson_id: int,
                 now: datetime | None = None) -> tuple[int, LessonProgress]:
    """Log an opening of a lesson and bump the learner's summary: two statements in one short write.

    Returns the new visit's id (its heartbeats name it) and a read-only copy of the summary as it now stands.
    """
    now = now or utcnow()
    begin_writing(session)
    values = {"user_id": user_id, "lesson_id": lesson_id, "now": now}
    bump_summary, log_visit = _visit_statements(session.get_bind().dialect.name)
    summary = session.execute(bump_summary, values).one()
    visit_id = session.execute(log_visit, values).scalar_one()
    return visit_id, LessonProgress(**summary._asdict())


@functools.cache
def _visit_statements(dialect: str) -> tuple[Executable, Executable]:
    """The upsert of a learner's lesson summary and the insert of a visit, built once per dialect."""
    summary = dialect_insert(dialect)(LessonProgress.__table__).values(
        user_id=bindparam("user_id"), lesson_id=bindparam("lesson_id"), first_opened_at=bindparam("now"),
        last_opened_at=bindparam("now"), visits=1, seconds_spent=0)
    # Two tabs opening a lesson at once both count: the unique constraint makes one row, the update adds.
    summary = summary.on_conflict_do_update(
        index_elements=["user_id", "lesson_id"],
        set_={"visits": LessonProgress.__table__.c.visits + 1, "last_opened_at": bindparam("now")},
    ).returning(*LessonProgress.__table__.c)
    visit = insert(LessonVisit.__table__).values(
        user_id=bindparam("user_id"), lesson_id=bindparam("lesson_id"), started_at=bindparam("now"),
        last_seen_at=bindparam("now"), seconds=0).returning(LessonVisit.__table__.c.id)
    return summary, visit


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
    """Mark a lesson read for a learner (its `completed_at`); returns False if it already was."""
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
    session.execute(
        dialect_insert(session.get_bind().dialect.name)(LessonProgress)
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
