"""A small school for the report tests: cohorts, students and their lesson visits and attempts, made through
the same services the pages use, at times given (never the clock's)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select

from app.engine.form_fields import response_fields
from app.extensions import db
from app.models import Attempt, Cohort, CohortMember, Lesson, LessonVisit, Quiz, User, utcnow
from app.services import attempts as attempt_service
from app.services import progress as progress_service


def add_student(name: str, email: str, cohort: Cohort | None = None, role: str = "student") -> User:
    """A user without a usable password (these never sign in), straight into the table: hashing is slow."""
    user = User(email=email, name=name, role=role, password_hash="!")
    db.session.add(user)
    db.session.flush()
    if cohort is not None:
        db.session.add(CohortMember(cohort_id=cohort.id, user_id=user.id))
    return user


def add_cohort(name: str, *members: User) -> Cohort:
    """A cohort with these members (students or instructors)."""
    cohort = Cohort(name=name, starts_on=utcnow().date())
    db.session.add(cohort)
    db.session.flush()
    for member in members:
        db.session.add(CohortMember(cohort_id=cohort.id, user_id=member.id))
    return cohort


def visit(user: User, lesson_key: str, at: datetime, complete: bool = False, seconds: int = 0) -> None:
    """Open a lesson (and read it for some seconds, and mark it complete)."""
    lesson = db.session.scalars(select(Lesson).where(Lesson.key == lesson_key)).one()
    opened = db.session.get(LessonVisit, progress_service.record_visit(db.session, user.id, lesson.id, now=at)[0])
    for step in range(0, seconds, 60):
        progress_service.credit_time(db.session, opened, now=at + timedelta(seconds=step + 60))
    if complete:
        progress_service.mark_complete(db.session, user.id, lesson.id, now=at + timedelta(seconds=seconds + 1))


def quiz(key: str) -> Quiz:
    """The quiz with this id."""
    return db.session.scalars(select(Quiz).where(Quiz.key == key)).one()


def answers(attempt: Attempt, right: bool | set[str]) -> dict[str, dict[str, list[str]]]:
    """Fields answering the attempt's questions: the key for those in `right` (or all/none), else a wrong answer."""
    questions = attempt_service.engine_questions(attempt.version)
    posted = {}
    for qid in attempt.question_ids:
        is_right = right if isinstance(right, bool) else qid in right
        posted[qid] = (response_fields(questions[qid].correct_response(attempt.orders.get(qid))) if is_right
                       else {"answer": ["certainly-wrong"]})
    return posted


def take(user: User, quiz_key: str, at: datetime, right: bool | set[str] = True, submit: bool = True) -> Attempt:
    """Start an attempt, answer every question, and submit it five minutes later."""
    attempt = attempt_service.start_attempt(db.session, user.id, quiz(quiz_key), now=at)
    attempt_service.save_answers(db.session, attempt, answers(attempt, right), now=at + timedelta(minutes=1))
    if submit:
        attempt_service.submit_attempt(db.session, attempt, now=at + timedelta(minutes=5))
    return attempt


@dataclass
class World:
    """Who is who in the small school."""

    t0: datetime
    admin: User
    instructor: User
    other_instructor: User
    cohort_a: Cohort
    cohort_b: Cohort
    students: dict[str, User] = field(default_factory=dict)


def build_world(make_user, t0: datetime) -> World:
    """Staff who sign in, two cohorts and four students with different stories.

    - Ana (cohort A): alpha read and its quiz passed at 100%, beta opened.
    - Ben (cohort A): alpha opened a day later, three failed attempts at beta's quiz.
    - Cleo (cohort B): never came.
    - Dan (no cohort): every lesson read, every quiz and the final passed, five days later.
    """
    admin = make_user("admin", email="admin@example.org", name="Ada Admin")
    instructor = make_user("instructor", email="teacher@example.org", name="Tess Teacher")
    other = make_user("instructor", email="other@example.org", name="Otto Other")
    ana = make_user("student", email="ana@example.org", name="Ana Example")
    ben = add_student("Ben Bloggs", "ben@example.org")
    cleo = add_student("Cleo Clay", "cleo@example.org")
    dan = add_student("Dan Doe", "dan@example.org")
    cohort_a = add_cohort("Cohort A", instructor, ana, ben)
    cohort_b = add_cohort("Cohort B", other, cleo)

    visit(ana, "alpha", t0, complete=True, seconds=300)
    take(ana, "alpha-check", t0 + timedelta(hours=1))
    visit(ana, "beta", t0 + timedelta(hours=2))

    visit(ben, "alpha", t0 + timedelta(days=1))
    for hour in range(3):
        take(ben, "beta-check", t0 + timedelta(days=1, hours=hour + 1), right=False)

    later = t0 + timedelta(days=5)
    for step, lesson in enumerate(("alpha", "beta", "gamma")):
        visit(dan, lesson, later + timedelta(minutes=10 * step), complete=True, seconds=120)
    take(dan, "alpha-check", later + timedelta(hours=1))
    take(dan, "beta-check", later + timedelta(hours=2))
    take(dan, "final", later + timedelta(hours=3))
    db.session.commit()
    return World(t0, admin, instructor, other, cohort_a, cohort_b,
                 {"ana": ana, "ben": ben, "cleo": cleo, "dan": dan})


def add_crowd(count: int, cohort: Cohort, t0: datetime, prefix: str = "crowd") -> list[User]:
    """Many more students of one cohort, each with a visit, a completion and a graded attempt."""
    crowd = []
    for index in range(count):
        student = add_student(f"{prefix.title()} {index:03d}", f"{prefix}{index}@example.org", cohort)
        visit(student, "alpha", t0 + timedelta(minutes=index), complete=index % 2 == 0)
        take(student, "alpha-check", t0 + timedelta(hours=1, minutes=index), right=index % 3 == 0)
        crowd.append(student)
    db.session.commit()
    return crowd
