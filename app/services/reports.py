"""Progress reports: the course matrix, who needs help, one student's record, and the exports' rows.

Everything is aggregated in SQL, so a page or an export runs a fixed number of queries whatever the number
of students: the matrix reads lesson progress, attempts and visits once each, grouped by student, and pivots
them into one row per student; exports read their rows from a server-side cursor (`yield_per`) so memory
stays flat.

`viewer` is the signed-in user whose `permissions.visible_students` decide who appears, or None for the
command line, which runs with the server's own rights and sees every student.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import groupby
from typing import Any

from sqlalchemy import Select, and_, case, func, literal, or_, select
from sqlalchemy.orm import Session, aliased

from app.engine import QuestionType, lesson_mastered, lesson_state
from app.engine.mastery import LessonState
from app.engine.quiz_rules import QuizSettings, review_items
from app.engine.responses import field_value, field_values
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
    ResponseTry,
    User,
)
from app.permissions import is_admin, is_staff, visible_students
from app.services.attempts import engine_questions
from app.services.grades import QuizGrade, course_quiz_grades

SORTS = ("name", "-name", "progress", "-progress", "last_active", "-last_active")
PER_PAGE = 100
EXPORT_BATCH = 500
# The engine's pass rule forgives rounding errors of this size (app.engine.scoring); the SQL sort does too.
PASS_EPSILON = 1e-9
STATE_WORDS: dict[str, str] = {"not_started": "Not started", "in_progress": "Opened", "completed": "Completed"}


# --- The course's columns -------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuizColumn:
    """A live quiz of the course, with the pass mark and grading method of its current version."""

    id: int
    key: str
    title: str
    kind: str
    lesson_id: int | None
    pass_mark: float
    grading: str


@dataclass(frozen=True)
class LessonColumn:
    """A live lesson of the course, in order, and the quiz that checks it."""

    id: int
    key: str
    title: str
    position: int
    quiz: QuizColumn | None


@dataclass(frozen=True)
class Layout:
    """The matrix's columns: the course's live lessons in order, then the final assessment."""

    course: Course
    lessons: tuple[LessonColumn, ...]
    final: QuizColumn | None

    @property
    def quizzes(self) -> tuple[QuizColumn, ...]:
        """The quizzes the matrix shows: each lesson's check, then the final."""
        checks = tuple(lesson.quiz for lesson in self.lessons if lesson.quiz is not None)
        return (*checks, self.final) if self.final is not None else checks


def course_layout(session: Session, course: Course) -> Layout:
    """The course's live lessons with their quizzes, and its final assessment (two queries)."""
    quizzes = []
    for quiz_id, key, title, kind, lesson_id, settings_json in session.execute(
        select(Quiz.id, Quiz.key, Quiz.title, Quiz.kind, Quiz.lesson_id, QuizVersion.settings)
        .join(QuizVersion, QuizVersion.id == Quiz.current_version_id)
        .where(Quiz.course_id == course.id, Quiz.retired_at.is_(None))
        .order_by(Quiz.key)
    ):
        settings = QuizSettings.from_json(settings_json)
        quizzes.append(QuizColumn(quiz_id, key, title, kind, lesson_id, settings.pass_mark, settings.grading))
    # As the course page does: a lesson's check is the live lesson quiz pointing at it.
    checks = {quiz.lesson_id: quiz for quiz in quizzes if quiz.kind == "lesson" and quiz.lesson_id is not None}
    lessons = tuple(
        LessonColumn(lesson_id, key, title, position, checks.get(lesson_id))
        for lesson_id, key, title, position in session.execute(
            select(Lesson.id, Lesson.key, Lesson.title, Lesson.position)
            .where(Lesson.course_id == course.id, Lesson.retired_at.is_(None))
            .order_by(Lesson.position)
        )
    )
    final = next((quiz for quiz in quizzes if quiz.kind == "final"), None)
    return Layout(course, lessons, final)


# --- Who is in a report ---------------------------------------------------------------------------------


def students_of(viewer: User | None) -> Select:
    """A select of the ids of the students a report shows this viewer (None: every student)."""
    if viewer is None:
        return select(User.id).where(User.role == "student")
    return visible_students(viewer)


def day_bounds(active_from: date | None, active_to: date | None) -> tuple[datetime | None, datetime | None]:
    """A range of whole UTC days as [start, end) instants (either side may be open)."""
    start = datetime.combine(active_from, time.min, UTC) if active_from else None
    end = datetime.combine(active_to + timedelta(days=1), time.min, UTC) if active_to else None
    return start, end


def roster(viewer: User | None, course: Course, *, cohort_id: int | None = None, active_from: date | None = None,
           active_to: date | None = None) -> Select:
    """A select of the student ids a report covers: visible to the viewer, in the cohort, active in the dates.

    Active means a lesson of the course was open, or an attempt at one of its quizzes was going, at some
    moment of the range (a lesson visit runs from its opening to its last heartbeat; an attempt from its
    start to its submission).
    """
    ids = students_of(viewer)
    if cohort_id is not None:
        ids = ids.where(User.id.in_(select(CohortMember.user_id).where(CohortMember.cohort_id == cohort_id)))
    start, end = day_bounds(active_from, active_to)
    if start is None and end is None:
        return ids
    visits = select(LessonVisit.user_id).where(LessonVisit.lesson_id.in_(_course_lesson_ids(course)))
    attempts = select(Attempt.user_id).where(Attempt.quiz_id.in_(_course_quiz_ids(course)))
    if start is not None:
        visits = visits.where(LessonVisit.last_seen_at >= start)
        attempts = attempts.where(func.coalesce(Attempt.submitted_at, Attempt.started_at) >= start)
    if end is not None:
        visits = visits.where(LessonVisit.started_at < end)
        attempts = attempts.where(Attempt.started_at < end)
    return ids.where(or_(User.id.in_(visits), User.id.in_(attempts)))


def _course_lesson_ids(course: Course) -> Select:
    return select(Lesson.id).where(Lesson.course_id == course.id)


def _course_quiz_ids(course: Course) -> Select:
    return select(Quiz.id).where(Quiz.course_id == course.id)


# --- The progress matrix --------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuizStanding:
    """One student's standing on one quiz: attempts, best and graded percent, failed attempts."""

    quiz: QuizColumn
    attempts: int
    submitted: int
    best_percent: float | None
    grade_percent: float | None
    failed: int

    @property
    def passed(self) -> bool:
        """Whether the grade (by the quiz's grading method) reaches the pass mark, as on the course page."""
        return lesson_mastered(self.grade_percent, self.quiz.pass_mark)


@dataclass(frozen=True)
class Cell:
    """One lesson of one student: its state and the standing on its quiz."""

    lesson: LessonColumn
    state: LessonState
    quiz: QuizStanding | None

    @property
    def done(self) -> bool:
        """Read to the end and, if it has a quiz, the quiz passed (the course page's rule)."""
        return self.state == "completed" and (self.quiz is None or self.quiz.passed)

    @property
    def state_words(self) -> str:
        """The state as a reader says it."""
        return STATE_WORDS[self.state]


@dataclass(frozen=True)
class MatrixRow:
    """One student's line of the matrix."""

    student_id: int
    name: str
    email: str
    active: bool
    last_active: datetime | None
    cells: tuple[Cell, ...]
    final: QuizStanding | None

    @property
    def completed(self) -> int:
        """Lessons read to the end."""
        return sum(cell.state == "completed" for cell in self.cells)

    @property
    def done(self) -> int:
        """Lessons read and, where they have a quiz, mastered."""
        return sum(cell.done for cell in self.cells)

    def standings(self) -> Iterator[QuizStanding]:
        """This student's standing on every quiz of the matrix (lesson checks, then the final)."""
        for cell in self.cells:
            if cell.quiz is not None:
                yield cell.quiz
        if self.final is not None:
            yield self.final


@dataclass(frozen=True)
class ProgressMatrix:
    """A page of the matrix: the columns, the rows and where this page stands among all of them."""

    layout: Layout
    rows: tuple[MatrixRow, ...]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        """How many pages the rows fill (at least one)."""
        return max(1, -(-self.total // self.per_page))


class MatrixQuery:
    """The SQL behind the matrix: one row per student, lessons and quizzes pivoted into columns.

    Each table is read once, grouped by student: lesson progress, attempts (every quiz's counts, best,
    grade and failures in one pass) and lesson visits (for the last activity). A page first picks its
    students' ids in the chosen order, then aggregates only theirs.
    """

    def __init__(self, layout: Layout, students: Select, sort: str = "name") -> None:
        if sort not in SORTS:
            raise ValueError(f"unknown sort {sort!r} (expected one of {', '.join(SORTS)})")
        self.layout = layout
        self.quizzes = layout.quizzes
        self.students = students
        self.sort = sort
        self.statement = self._select(students, rows=True)

    def _select(self, students: Select, *, rows: bool) -> Select:
        """The matrix rows of these students in the chosen order, or (rows=False) only their ids."""
        layout = self.layout
        lessons = _pivot_lessons(layout.lessons, students)
        attempts = _pivot_attempts(layout, students)
        visits = (select(LessonVisit.user_id.label("user_id"), func.max(LessonVisit.last_seen_at).label("at"))
                  .where(LessonVisit.lesson_id.in_(_course_lesson_ids(layout.course)),
                         LessonVisit.user_id.in_(students))
                  .group_by(LessonVisit.user_id).subquery("visits"))
        last_active = _later(visits.c.at, attempts.c.last_at)
        grades, joins = {}, []
        for index, quiz in enumerate(layout.quizzes):
            if quiz.grading in ("first", "latest"):
                edge = aliased(Attempt)
                joins.append((edge, and_(edge.user_id == attempts.c.user_id, edge.quiz_id == quiz.id,
                                         edge.number == attempts.c[f"q{index}_edge"])))
                grades[quiz.id] = edge.percent
            else:
                grades[quiz.id] = attempts.c[f"q{index}_{'average' if quiz.grading == 'average' else 'best'}"]
        if rows:  # in the order `row` reads them
            columns = [User.id, User.name, User.email, User.active, last_active,
                       *[lessons.c[f"l{index}"] for index in range(len(layout.lessons))]]
            for index, quiz in enumerate(layout.quizzes):
                columns += [attempts.c[f"q{index}_{name}"] for name in ("started", "submitted", "best", "failed")]
                columns.append(grades[quiz.id])
        else:
            columns = [User.id]
        statement = select(*columns).where(User.id.in_(students))
        # Ordering by name needs no aggregate: the page's ids come from the user table alone.
        if rows or self.sort not in ("name", "-name"):
            statement = (statement.outerjoin(lessons, lessons.c.user_id == User.id)
                         .outerjoin(attempts, attempts.c.user_id == User.id)
                         .outerjoin(visits, visits.c.user_id == User.id))
            for edge, condition in joins:
                statement = statement.outerjoin(edge, condition)
        return statement.order_by(*self._order(lessons, grades, last_active))

    def _order(self, lessons, grades, last_active) -> list:
        name = (func.lower(User.name), User.id)
        never = case((last_active.is_(None), 0), else_=1)
        if self.sort == "name":
            return [*name]
        if self.sort == "-name":
            return [func.lower(User.name).desc(), User.id.desc()]
        if self.sort in ("progress", "-progress"):
            done, completed = self._done_sql(lessons, grades), self._completed_sql(lessons)
            if self.sort == "progress":
                return [done, completed, *name]
            return [done.desc(), completed.desc(), *name]
        if self.sort == "last_active":  # the longest inactive first, those never active before them
            return [never, last_active, *name]
        return [never.desc(), last_active.desc(), *name]

    def _done_sql(self, lessons, grades):
        """The course page's "done" count in SQL, so the matrix can sort by it before paging."""
        terms = []
        for index, lesson in enumerate(self.layout.lessons):
            completed = lessons.c[f"l{index}"] == 2
            if lesson.quiz is not None:
                completed = and_(completed, grades[lesson.quiz.id] >= lesson.quiz.pass_mark - PASS_EPSILON)
            terms.append(case((completed, 1), else_=0))
        return sum(terms[1:], terms[0]) if terms else literal(0)

    def _completed_sql(self, lessons):
        terms = [case((lessons.c[f"l{index}"] == 2, 1), else_=0) for index in range(len(self.layout.lessons))]
        return sum(terms[1:], terms[0]) if terms else literal(0)

    def count(self, session: Session) -> int:
        """How many students the matrix has (one COUNT query)."""
        return session.scalar(select(func.count()).select_from(User).where(User.id.in_(self.students))) or 0

    def page(self, session: Session, page: int, per_page: int = PER_PAGE) -> list[MatrixRow]:
        """One page of rows: the page's ids in order (one query), then their rows (one query)."""
        ids = list(session.scalars(self._select(self.students, rows=False)
                                   .limit(per_page).offset((page - 1) * per_page)))
        if not ids:
            return []
        statement = self._select(select(User.id).where(User.id.in_(ids)), rows=True)
        rows = {row.student_id: row for row in map(self.row, session.execute(statement))}
        return [rows[student_id] for student_id in ids]

    def stream(self, session: Session) -> Iterator[MatrixRow]:
        """Every row, read from a server-side cursor in batches."""
        result = session.execute(self.statement.execution_options(yield_per=EXPORT_BATCH))
        try:
            for values in result:
                yield self.row(values)
        finally:
            result.close()

    def row(self, values: Sequence[Any]) -> MatrixRow:
        """A result row of `statement` as a MatrixRow."""
        student_id, name, email, active, last_active = values[:5]
        lessons = len(self.layout.lessons)
        standings = {}
        for index, quiz in enumerate(self.quizzes):
            start = 5 + lessons + 5 * index
            started, submitted, best, failed, grade = values[start:start + 5]
            standings[quiz.id] = QuizStanding(quiz, started or 0, submitted or 0, best, _float(grade), failed or 0)
        cells = tuple(
            Cell(lesson, lesson_state(opened=bool(code), completed=code == 2),
                 standings[lesson.quiz.id] if lesson.quiz else None)
            for lesson, code in zip(self.layout.lessons, values[5:5 + lessons], strict=True))
        final = self.layout.final
        return MatrixRow(student_id, name, email, active, last_active, cells, standings[final.id] if final else None)


def _float(value) -> float | None:
    # PostgreSQL's avg() of floats is a float, but of numerics a Decimal: grades are always floats here.
    return None if value is None else float(value)


def _later(first, second):
    """The later of two nullable instants, in SQL (SQLite's max(a, b) and PostgreSQL's greatest differ on NULL)."""
    return case((first.is_(None), second), (second.is_(None), first), (first > second, first), else_=second)


def _pivot_lessons(lessons: tuple[LessonColumn, ...], students: Select):
    """A subquery with one row per student: per lesson l<i>, 0 (or NULL) never opened, 1 opened, 2 completed."""
    completed = LessonProgress.completed_at.is_not(None)
    columns = [func.max(case((and_(LessonProgress.lesson_id == lesson.id, completed), 2),
                             (LessonProgress.lesson_id == lesson.id, 1), else_=0)).label(f"l{index}")
               for index, lesson in enumerate(lessons)]
    return (select(LessonProgress.user_id.label("user_id"), *columns)
            .where(LessonProgress.lesson_id.in_([lesson.id for lesson in lessons]),
                   LessonProgress.user_id.in_(students))
            .group_by(LessonProgress.user_id).subquery("lessons"))


def _pivot_attempts(layout: Layout, students: Select):
    """A subquery with one row per student, from one pass over their attempts at the course's quizzes.

    Per quiz q<i>: attempts started and submitted, the best percent, how many were submitted below the pass
    mark, and what its grading method needs besides the best: the average, or the number of the first or
    latest submitted attempt (whose percent the matrix then joins). Also their latest start or submission.
    """
    submitted = Attempt.state == "submitted"
    columns = [func.max(func.coalesce(Attempt.submitted_at, Attempt.started_at)).label("last_at")]
    for index, quiz in enumerate(layout.quizzes):
        mine = Attempt.quiz_id == quiz.id
        graded = and_(mine, submitted)
        columns += [
            func.count(case((mine, 1))).label(f"q{index}_started"),
            func.count(case((graded, 1))).label(f"q{index}_submitted"),
            func.max(case((graded, Attempt.percent))).label(f"q{index}_best"),
            func.count(case((and_(graded, Attempt.percent < quiz.pass_mark - PASS_EPSILON), 1)))
            .label(f"q{index}_failed"),
        ]
        if quiz.grading == "average":
            columns.append(func.avg(case((graded, Attempt.percent))).label(f"q{index}_average"))
        elif quiz.grading in ("first", "latest"):
            edge = func.min if quiz.grading == "first" else func.max
            columns.append(edge(case((graded, Attempt.number))).label(f"q{index}_edge"))
    return (select(Attempt.user_id.label("user_id"), *columns)
            .where(Attempt.quiz_id.in_(_course_quiz_ids(layout.course)), Attempt.user_id.in_(students))
            .group_by(Attempt.user_id).subquery("attempts"))


def matrix_query(session: Session, viewer: User | None, course: Course, *, cohort_id: int | None = None,
                 active_from: date | None = None, active_to: date | None = None, sort: str = "name") -> MatrixQuery:
    """The matrix's statement for these filters (runs the two queries that read the course's columns)."""
    students = roster(viewer, course, cohort_id=cohort_id, active_from=active_from, active_to=active_to)
    return MatrixQuery(course_layout(session, course), students, sort)


def progress_matrix(session: Session, viewer: User | None, course: Course, *, cohort_id: int | None = None,
                    active_from: date | None = None, active_to: date | None = None, sort: str = "name",
                    page: int = 1, per_page: int = PER_PAGE) -> ProgressMatrix:
    """One page of the course's progress matrix for the students this viewer may see (five queries)."""
    query = matrix_query(session, viewer, course, cohort_id=cohort_id, active_from=active_from,
                         active_to=active_to, sort=sort)
    total = query.count(session)
    page = min(max(page, 1), max(1, -(-total // per_page)))
    return ProgressMatrix(query.layout, tuple(query.page(session, page, per_page)), total, page, per_page)


# --- Who needs help -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HelpEntry:
    """A student who may need help, and why, in words."""

    row: MatrixRow
    reasons: tuple[str, ...]
    cohorts: tuple[str, ...] = ()


def students_needing_help(session: Session, viewer: User | None, course: Course, *, now: datetime,
                          inactive_days: int = 14, failed_attempts: int = 3,
                          cohort_id: int | None = None) -> list[HelpEntry]:
    """Students inactive for `inactive_days` (or never active), stuck on a quiz, or behind their cohort's median.

    Stuck: `failed_attempts` or more submitted attempts below the pass mark at one quiz, which they have
    not passed. Behind: fewer lessons completed than the median of a cohort they belong to (students in no
    cohort are compared with the other students in none). Four queries whatever the number of students.
    """
    query = matrix_query(session, viewer, course, cohort_id=cohort_id)
    medians, cohorts_of, names = _cohort_medians(session, query)
    since = now - timedelta(days=inactive_days)
    entries = []
    for row in query.stream(session):
        reasons = []
        if row.last_active is None:
            reasons.append("Has not opened a lesson or started a quiz yet.")
        elif row.last_active < since:
            days = (now - row.last_active).days
            reasons.append(f"Inactive for {days} days (last active {row.last_active:%d %B %Y}).")
        for standing in row.standings():
            if standing.failed >= failed_attempts and not standing.passed:
                reasons.append(f"{standing.failed} attempts below the pass mark ({standing.quiz.pass_mark:g}%) "
                               f"at “{standing.quiz.title}”, not passed yet.")
        for group in cohorts_of.get(row.student_id, (None,)):
            median = medians.get(group)
            if median is not None and row.completed < median:
                where = f"in {names[group]}" if group is not None else "of students in no cohort"
                reasons.append(f"Completed {row.completed} of {len(row.cells)} lessons; the median {where} "
                               f"is {median:g}.")
        if reasons:
            groups = tuple(names[group] for group in cohorts_of.get(row.student_id, ()) if group is not None)
            entries.append(HelpEntry(row, tuple(reasons), groups))
    return entries


def _cohort_medians(session: Session, query: MatrixQuery):
    """Each cohort's median number of lessons completed, from one grouped query of per-student counts.

    A cohort's median counts all of its students, also those the viewer does not see; the group of
    students in no cohort (key None) counts only the students of the report.
    """
    lesson_ids = [lesson.id for lesson in query.layout.lessons]
    their_cohorts = select(CohortMember.cohort_id).where(CohortMember.user_id.in_(query.students))
    completed = func.count(LessonProgress.completed_at)
    rows = session.execute(
        select(CohortMember.cohort_id, Cohort.name, User.id, completed)
        .select_from(User)
        .outerjoin(CohortMember, CohortMember.user_id == User.id)
        .outerjoin(Cohort, Cohort.id == CohortMember.cohort_id)
        .outerjoin(LessonProgress, and_(LessonProgress.user_id == User.id, LessonProgress.lesson_id.in_(lesson_ids)))
        .where(User.role == "student", or_(CohortMember.cohort_id.in_(their_cohorts),
                                           and_(CohortMember.cohort_id.is_(None), User.id.in_(query.students))))
        .group_by(CohortMember.cohort_id, Cohort.name, User.id)
    )
    counts: dict[int | None, list[int]] = defaultdict(list)
    cohorts_of: dict[int, list[int | None]] = defaultdict(list)
    names: dict[int | None, str] = {None: "no cohort"}
    for cohort_id, name, user_id, done in rows:
        counts[cohort_id].append(done)
        cohorts_of[user_id].append(cohort_id)
        names[cohort_id] = name or names.get(cohort_id, "")
    medians = {group: statistics.median(values) for group, values in counts.items()}
    for groups in cohorts_of.values():
        groups.sort(key=lambda group: names.get(group) or "")
    return medians, cohorts_of, names


# --- One student ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LessonRecord:
    """One lesson of one student: state, first and last opened, time spent, completion, quiz grade."""

    lesson: LessonColumn
    state: LessonState
    first_opened_at: datetime | None
    last_opened_at: datetime | None
    visits: int
    seconds_spent: int
    completed_at: datetime | None
    quiz: QuizGrade | None

    @property
    def state_words(self) -> str:
        """The state as a reader says it."""
        return STATE_WORDS[self.state]


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
    def completed(self) -> int:
        """Lessons read to the end."""
        return sum(lesson.state == "completed" for lesson in self.lessons)

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
        lessons.append(LessonRecord(
            lesson=lesson,
            state=lesson_state(opened=row is not None, completed=row is not None and row.completed_at is not None),
            first_opened_at=row.first_opened_at if row else None, last_opened_at=row.last_opened_at if row else None,
            visits=row.visits if row else 0, seconds_spent=row.seconds_spent if row else 0,
            completed_at=row.completed_at if row else None, quiz=by_lesson.get(lesson.id),
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


# --- Export rows ----------------------------------------------------------------------------------------


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
    """The progress export's columns: the student, then per lesson its state and its quiz, then the final."""
    header = ["student_id", "name", "email", "active", "last_active", "lessons_completed", "lessons_done"]
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
    values: list[Any] = [row.student_id, row.name, row.email, row.active, row.last_active, row.completed, row.done]
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
    quiz_ids = [quiz.id] if quiz is not None else _course_quiz_ids(course)
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


# --- Lookups for filters --------------------------------------------------------------------------------


def visible_cohorts(session: Session, viewer: User | None) -> list[Cohort]:
    """The cohorts a filter offers: those holding a student this viewer may see, and those the viewer teaches."""
    statement = select(Cohort).order_by(Cohort.name)
    if viewer is not None and not is_admin(viewer):
        holding = select(CohortMember.cohort_id).where(
            or_(CohortMember.user_id.in_(students_of(viewer)), CohortMember.user_id == viewer.id))
        statement = statement.where(Cohort.id.in_(holding))
    return list(session.scalars(statement))
