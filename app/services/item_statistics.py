"""Item statistics of a quiz over the attempts a viewer may see: Moodle's figures, answer tallies, flags.

A fixed number of queries whatever the cohort's size (five at most, plus one for a cohort): the chosen attempts
are picked in SQL with a window function (row_number() per student), the marks come back pivoted in SQL
as one row per attempt with a column per question, and the answer frequencies and the score distribution
are counted with GROUP BY. Python only shapes the marks for the engine (app.engine.statistics), which
computes every figure, and reads the few distinct answers (app.engine.item_quality).

Attempts may have been taken on different versions of the quiz. The report describes the current
version's questions: marks on a question whose points changed are rescaled to its current points, and
marks on questions the current version no longer has are left out (counted in `ItemReport.skipped`),
so an attempt's total here is its sum over the current questions.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, Text, and_, case, cast, distinct, func, literal, select
from sqlalchemy.orm import Session

from app.engine import QuestionStatistics, QuizStatistics, quiz_statistics
from app.engine.draws import drawn_count
from app.engine.item_quality import (
    AnswerTally,
    Flag,
    answer_tallies,
    few_attempts,
    intended_weights,
    question_flags,
    wilson_interval,
)
from app.engine.quiz_rules import QuizSettings
from app.models import Attempt, Cohort, CohortMember, Course, Quiz, QuizVersion, Response, User
from app.permissions import visible_students
from app.services.attempts import engine_questions, pool_groups

WHICH = ("all", "first", "last", "best")
WHICH_LABELS = {"all": "all attempts", "first": "each student's first attempt",
                "last": "each student's last attempt", "best": "each student's best attempt"}
# The score distribution's bins: 0-10%, 10-20%, ..., 90-100% (100% falls in the last).
BINS = 10
# Rows fetched per round trip for the marks: memory stays flat on a large cohort.
BATCH = 5000


@dataclass(frozen=True)
class QuestionReport:
    """One question's figures, interval, weights, answer tallies and flags."""

    id: str
    number: int
    type: str
    prompt_html: str
    points: float
    stats: QuestionStatistics
    intended_weight: float
    facility_interval: tuple[float, float] | None
    tallies: tuple[AnswerTally, ...]
    flags: tuple[Flag, ...]

    @property
    def few_attempts(self) -> bool:
        """Whether this question's figures rest on fewer than 10 attempts."""
        return few_attempts(self.stats.attempts)

    @property
    def problems(self) -> tuple[Flag, ...]:
        """The flags that name a likely problem (not the few-attempts caveat)."""
        return tuple(flag for flag in self.flags if flag.problem)


@dataclass(frozen=True)
class ItemReport:
    """A quiz's item statistics over the chosen attempts of the students a viewer may see."""

    quiz: Quiz
    version: QuizVersion
    which: str
    cohort: Cohort | None
    statistics: QuizStatistics
    questions: tuple[QuestionReport, ...]
    distribution: tuple[int, ...]  # attempts per 10% band of the attempt's score
    selected_attempts: int  # every chosen attempt, including those with no mark on a current question
    skipped: dict[str, int]  # question id not in the current version -> marks left out
    max_total: float | None  # an attempt's maximum mark (None when each attempt draws some of the questions)

    @property
    def few_attempts(self) -> bool:
        """Whether the quiz-level figures rest on fewer than 10 attempts."""
        return few_attempts(self.statistics.overall.attempts)

    def question(self, question_id: str) -> QuestionReport | None:
        """Return one question's report, or None when the current version does not have it."""
        return next((q for q in self.questions if q.id == question_id), None)


def student_scope(viewer: User | None) -> Select:
    """The students whose attempts count: those the viewer may see, or every student (viewer None: the CLI)."""
    if viewer is None:
        return select(User.id).where(User.role == "student")
    return visible_students(viewer)


def chosen_attempts(quiz_id: int, viewer: User | None, which: str = "all", cohort_id: int | None = None):
    """A subquery of the submitted attempts counted: all, or each student's first, last or best (ties: earliest)."""
    if which not in WHICH:
        raise ValueError(f"which must be one of {', '.join(WHICH)}, not {which!r}")
    conditions = [Attempt.quiz_id == quiz_id, Attempt.state == "submitted",
                  Attempt.user_id.in_(student_scope(viewer))]
    if cohort_id is not None:
        conditions.append(Attempt.user_id.in_(select(CohortMember.user_id).where(CohortMember.cohort_id == cohort_id)))
    columns = [Attempt.id, Attempt.user_id, Attempt.quiz_version_id, Attempt.percent]
    if which == "all":
        return select(*columns).where(*conditions).subquery("chosen")
    order = {
        "first": [Attempt.number],
        "last": [Attempt.number.desc()],
        "best": [Attempt.percent.desc().nulls_last(), Attempt.number],
    }[which]
    ranked = select(*columns, func.row_number().over(partition_by=Attempt.user_id, order_by=order).label("rank")
                    ).where(*conditions).subquery("ranked")
    return select(ranked.c.id, ranked.c.user_id, ranked.c.quiz_version_id, ranked.c.percent).where(
        ranked.c.rank == 1).subquery("chosen")


def quiz_item_report(session: Session, quiz: Quiz, viewer: User | None, *, which: str = "all",
                     cohort_id: int | None = None) -> ItemReport | None:
    """Compute the item statistics of a published quiz over the chosen attempts (None: never published)."""
    if quiz.current_version_id is None:
        return None
    version = session.get(QuizVersion, quiz.current_version_id)
    cohort = session.get(Cohort, cohort_id) if cohort_id is not None else None
    chosen = chosen_attempts(quiz.id, viewer, which, cohort_id)
    points = {q["id"]: float(q["points"]) for q in version.questions}

    attempts, skipped = _marks(session, chosen, version, points)
    questions = engine_questions(version)
    guesses = {qid: questions[qid].random_guess_score() for qid in points}
    stats = quiz_statistics(attempts, points, guesses)
    tallies = _tallies(session, chosen, questions)
    # A draw by group holds its total count of questions (the groups' counts plus `any`).
    drawn = drawn_count(QuizSettings.from_json(version.settings).draw, pool_groups(version))
    weights = intended_weights(points, drawn)
    distribution = _distribution(session, chosen)

    reports = []
    for number, stored in enumerate(version.questions, start=1):
        qid = stored["id"]
        item = stats.question(qid)
        facility_interval = (wilson_interval(item.facility * item.attempts, item.attempts)
                             if item.facility is not None else None)
        reports.append(QuestionReport(
            id=qid, number=number, type=stored["type"], prompt_html=stored.get("prompt_html", ""),
            points=points[qid], stats=item, intended_weight=weights[qid], facility_interval=facility_interval,
            tallies=tallies.get(qid, ()), flags=question_flags(item, tallies.get(qid, ())),
        ))
    return ItemReport(quiz=quiz, version=version, which=which, cohort=cohort, statistics=stats,
                      questions=tuple(reports), distribution=distribution, selected_attempts=sum(distribution),
                      skipped=dict(skipped),
                      max_total=sum(points.values()) if drawn is None or drawn >= len(points) else None)


def _marks(session: Session, chosen, version: QuizVersion, points: dict[str, float]):
    """Each chosen attempt's marks on the current questions, rescaled to their current points (2 queries).

    Returns the attempts' {question: mark} (those with no mark on a current question left out) and, per
    question the current version no longer has, how many marks were left out.
    """
    older = session.execute(
        select(QuizVersion.id, QuizVersion.questions).where(
            QuizVersion.id.in_(select(chosen.c.quiz_version_id).distinct()), QuizVersion.id != version.id)
    ).all()
    gone = sorted({q["id"] for _, questions in older for q in questions} - set(points))
    scale = _rescaling(chosen, older, points)
    mark = Response.marks if scale is None else Response.marks * scale
    ids = [*points, *gone]
    # One row per attempt and a column per question (the marks pivoted in SQL): a tenth of the rows of an
    # (attempt, question, mark) listing, which is what Python would otherwise spend its time on.
    columns = [func.max(case((Response.question_id == qid, mark))) for qid in ids]
    rows = session.execute(
        select(Response.attempt_id, *columns)
        .join(chosen, chosen.c.id == Response.attempt_id)
        .group_by(Response.attempt_id)
        .execution_options(yield_per=BATCH)
    )
    current = list(points)
    attempts: list[dict[str, float]] = []
    skipped: defaultdict[str, int] = defaultdict(int)
    for _, *values in rows:
        marks = {qid: value for qid, value in zip(current, values, strict=False) if value is not None}
        if marks:
            attempts.append(marks)
        for qid, value in zip(gone, values[len(current):], strict=True):
            if value is not None:
                skipped[qid] += 1
    return attempts, skipped


def _rescaling(chosen, older, points: dict[str, float]) -> Any:
    """A SQL factor turning marks earned on older versions into marks out of the current points, or None."""
    factors = [
        (version_id, q["id"], points[q["id"]] / float(q["points"]))
        for version_id, questions in older for q in questions
        if q["id"] in points and float(q["points"]) and float(q["points"]) != points[q["id"]]
    ]
    if not factors:
        return None
    return case(*((and_(chosen.c.quiz_version_id == version_id, Response.question_id == qid), literal(factor))
                  for version_id, qid, factor in factors), else_=literal(1.0))


def _tallies(session: Session, chosen, questions) -> dict[str, tuple[AnswerTally, ...]]:
    """How often each answer was given per question, counted in SQL over the distinct posted answers."""
    # JSON has no equality on PostgreSQL, so answers are grouped by their text; spellings that differ
    # only in key order are merged by the engine when it reads them.
    answer = cast(Response.raw, Text)
    rows = session.execute(
        select(Response.question_id, answer, func.count())
        .join(chosen, chosen.c.id == Response.attempt_id)
        .group_by(Response.question_id, answer)
    ).all()
    given: defaultdict[str, list[tuple[str, int]]] = defaultdict(list)
    for question_id, text, count in rows:
        given[question_id].append((text, count))
    return {qid: answer_tallies(question, given[qid]) for qid, question in questions.items()}


def _distribution(session: Session, chosen) -> tuple[int, ...]:
    """Chosen attempts per 10% band of their score, counted in SQL."""
    # A ladder of comparisons rather than a cast: CAST rounds on PostgreSQL but truncates on SQLite.
    band = case(*((chosen.c.percent < 10 * (index + 1), index) for index in range(BINS - 1)), else_=BINS - 1)
    counts = dict(session.execute(
        select(band.label("band"), func.count()).select_from(chosen).group_by(band)).all())
    return tuple(int(counts.get(index, 0)) for index in range(BINS))


def quiz_attempt_counts(session: Session, viewer: User | None, course_id: int | None = None) -> list[dict[str, Any]]:
    """Every published quiz with its submitted attempts and students among those the viewer may see (1 query)."""
    counted = select(Attempt.quiz_id, func.count(Attempt.id).label("attempts"),
                     func.count(distinct(Attempt.user_id)).label("students")).where(
        Attempt.state == "submitted", Attempt.user_id.in_(student_scope(viewer))).group_by(
        Attempt.quiz_id).subquery()
    query = (select(Quiz, Course.title, func.coalesce(counted.c.attempts, 0), func.coalesce(counted.c.students, 0))
             .join(Course, Course.id == Quiz.course_id)
             .outerjoin(counted, counted.c.quiz_id == Quiz.id)
             .where(Quiz.current_version_id.is_not(None))
             .order_by(Course.title, Quiz.kind.desc(), Quiz.key))
    if course_id is not None:
        query = query.where(Quiz.course_id == course_id)
    return [{"quiz": quiz, "course": course, "attempts": attempts, "students": students}
            for quiz, course, attempts, students in session.execute(query)]
