"""The progress matrix: the course's columns, who is in a report, each student's row, and who needs help.

Everything is aggregated in SQL, so a page runs a fixed number of queries whatever the number of students:
the matrix reads lesson progress, attempts and visits once each, grouped by student, and pivots them into
one row per student.

`viewer` is the signed-in user whose `permissions.visible_students` decide who appears, or None for the
command line, which runs with the server's own rights and sees every student.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, and_, case, func, literal, or_, select
from sqlalchemy.orm import Session, aliased

from app.engine import lesson_mastered, lesson_state, mastered_count, read_count
from app.engine.mastery import STATE_KEY, LessonState, StateLabels
from app.engine.quiz_rules import QuizSettings
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
    User,
)
from app.permissions import is_admin, visible_students

SORTS = ("name", "-name", "progress", "-progress", "last_active", "-last_active")
PER_PAGE = 100
EXPORT_BATCH = 500
# The engine's pass rule forgives rounding errors of this size (app.engine.scoring); the SQL sort does too.
PASS_EPSILON = 1e-9
# Lesson states and their words and symbols are the engine's (StateLabels, STATE_KEY): every page says them alike.


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
    visits = select(LessonVisit.user_id).where(LessonVisit.lesson_id.in_(course_lesson_ids(course)))
    attempts = select(Attempt.user_id).where(Attempt.quiz_id.in_(course_quiz_ids(course)))
    if start is not None:
        visits = visits.where(LessonVisit.last_seen_at >= start)
        attempts = attempts.where(func.coalesce(Attempt.submitted_at, Attempt.started_at) >= start)
    if end is not None:
        visits = visits.where(LessonVisit.started_at < end)
        attempts = attempts.where(Attempt.started_at < end)
    return ids.where(or_(User.id.in_(visits), User.id.in_(attempts)))


def course_lesson_ids(course: Course) -> Select:
    """A select of the ids of the course's lessons, retired ones included (their history still counts)."""
    return select(Lesson.id).where(Lesson.course_id == course.id)


def course_quiz_ids(course: Course) -> Select:
    """A select of the ids of the course's quizzes, retired ones included."""
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
class Cell(StateLabels):
    """One lesson of one student: its state (the engine's rule, as on the course page) and its quiz standing."""

    lesson: LessonColumn
    state: LessonState
    quiz: QuizStanding | None


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
    def lessons_read(self) -> int:
        """Lessons marked read (read, or mastered)."""
        return read_count(cell.state for cell in self.cells)

    @property
    def lessons_mastered(self) -> int:
        """Lessons mastered: read and, where they have a quiz, the quiz passed."""
        return mastered_count(cell.state for cell in self.cells)

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

    @property
    def state_key(self) -> tuple[tuple[str, str, str], ...]:
        """Every lesson state as (code, symbol, words), for the matrix's key."""
        return STATE_KEY


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
                  .where(LessonVisit.lesson_id.in_(course_lesson_ids(layout.course)),
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
            mastered, read = self._mastered_sql(lessons, grades), self._read_sql(lessons)
            if self.sort == "progress":
                return [mastered, read, *name]
            return [mastered.desc(), read.desc(), *name]
        if self.sort == "last_active":  # the longest inactive first, those never active before them
            return [never, last_active, *name]
        return [never.desc(), last_active.desc(), *name]

    def _mastered_sql(self, lessons, grades):
        """The lessons mastered (the engine's rule) counted in SQL, so the matrix can sort by it before paging."""
        terms = []
        for index, lesson in enumerate(self.layout.lessons):
            mastered = lessons.c[f"l{index}"] == 2
            if lesson.quiz is not None:
                mastered = and_(mastered, grades[lesson.quiz.id] >= lesson.quiz.pass_mark - PASS_EPSILON)
            terms.append(case((mastered, 1), else_=0))
        return sum(terms[1:], terms[0]) if terms else literal(0)

    def _read_sql(self, lessons):
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
        cells = []
        for lesson, code in zip(self.layout.lessons, values[5:5 + lessons], strict=True):
            standing = standings[lesson.quiz.id] if lesson.quiz else None
            state = lesson_state(opened=bool(code), read=code == 2,
                                 quiz_passed=standing.passed if standing is not None else None)
            cells.append(Cell(lesson, state, standing))
        final = self.layout.final
        return MatrixRow(student_id, name, email, active, last_active, tuple(cells),
                         standings[final.id] if final else None)


def _float(value) -> float | None:
    # PostgreSQL's avg() of floats is a float, but of numerics a Decimal: grades are always floats here.
    return None if value is None else float(value)


def _later(first, second):
    """The later of two nullable instants, in SQL (SQLite's max(a, b) and PostgreSQL's greatest differ on NULL)."""
    return case((first.is_(None), second), (second.is_(None), first), (first > second, first), else_=second)


def _pivot_lessons(lessons: tuple[LessonColumn, ...], students: Select):
    """A subquery with one row per student: per lesson l<i>, 0 (or NULL) never opened, 1 opened, 2 marked read."""
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
            .where(Attempt.quiz_id.in_(course_quiz_ids(layout.course)), Attempt.user_id.in_(students))
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
    not passed. Behind: fewer lessons read than the median of a cohort they belong to (students in no
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
            if median is not None and row.lessons_read < median:
                where = f"in {names[group]}" if group is not None else "of students in no cohort"
                reasons.append(f"Read {row.lessons_read} of {len(row.cells)} lessons; the median {where} "
                               f"is {median:g}.")
        if reasons:
            groups = tuple(names[group] for group in cohorts_of.get(row.student_id, ()) if group is not None)
            entries.append(HelpEntry(row, tuple(reasons), groups))
    return entries


def _cohort_medians(session: Session, query: MatrixQuery):
    """Each cohort's median number of lessons read, from one grouped query of per-student counts.

    A cohort's median counts all of its students, also those the viewer does not see; the group of
    students in no cohort (key None) counts only the students of the report.
    """
    lesson_ids = [lesson.id for lesson in query.layout.lessons]
    their_cohorts = select(CohortMember.cohort_id).where(CohortMember.user_id.in_(query.students))
    read = func.count(LessonProgress.completed_at)
    rows = session.execute(
        select(CohortMember.cohort_id, Cohort.name, User.id, read)
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
    for cohort_id, name, user_id, lessons_read in rows:
        counts[cohort_id].append(lessons_read)
        cohorts_of[user_id].append(cohort_id)
        names[cohort_id] = name or names.get(cohort_id, "")
    medians = {group: statistics.median(values) for group, values in counts.items()}
    for groups in cohorts_of.values():
        groups.sort(key=lambda group: names.get(group) or "")
    return medians, cohorts_of, names


# --- Lookups for filters --------------------------------------------------------------------------------


def visible_cohorts(session: Session, viewer: User | None) -> list[Cohort]:
    """The cohorts a filter offers: those holding a student this viewer may see, and those the viewer teaches."""
    statement = select(Cohort).order_by(Cohort.name)
    if viewer is not None and not is_admin(viewer):
        holding = select(CohortMember.cohort_id).where(
            or_(CohortMember.user_id.in_(students_of(viewer)), CohortMember.user_id == viewer.id))
        statement = statement.where(Cohort.id.in_(holding))
    return list(session.scalars(statement))
