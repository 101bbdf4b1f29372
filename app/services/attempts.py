"""Taking quizzes: start, save as you go, check (immediate mode), submit exactly once, close when time is up."""

from __future__ import annotations

import functools
import secrets
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import Insert, bindparam, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, contains_eager, defer, joinedload
from sqlalchemy.orm.attributes import set_committed_value

from app.database import begin_writing, dialect_insert
from app.engine import (
    Grade,
    QuestionType,
    apply_penalty,
    attempt_rng,
    attempt_score,
    build_question,
    grade_response,
    percent,
    shuffle_questions,
)
from app.engine.draws import DrawRule, question_group
from app.engine.quiz_rules import (
    QuizSettings,
    accepts_answers,
    deadline_for,
    effective_deadline,
    not_open_refusal,
    start_refusal,
)
from app.models import Attempt, Course, Quiz, QuizVersion, Response, ResponseTry, utcnow


class AttemptRefused(Exception):
    """A new attempt may not start; the message says why, for the student."""


class AttemptClosed(Exception):
    """The attempt no longer takes answers (submitted, its time ran out, the quiz closed or was retired)."""


class AttemptPaused(Exception):
    """The attempt is still open but takes no answers now: its quiz has not opened (yet, or again)."""


class ConfirmationNeeded(Exception):
    """A new attempt would use up a limited attempt or start a clock: the student must confirm first."""

    def __init__(self, terms: StartTerms):
        super().__init__("Please confirm before starting: this attempt counts against your limit or is timed.")
        self.terms = terms


class AnswerNeedsFixing(Exception):
    """An answer cannot be checked or submitted as it stands; `problems` says why, by question id."""

    def __init__(self, problems: dict[str, str]):
        super().__init__(" ".join(problems.values()))
        self.problems = problems


@dataclass(frozen=True)
class StartTerms:
    """What starting a new attempt commits the student to, shown on the confirmation step."""

    number: int
    allowed: int | None  # None: unlimited attempts
    time_limit_seconds: int | None
    closes: datetime | None

    @property
    def needs_confirmation(self) -> bool:
        """Whether starting spends one of a limited number of attempts or starts a clock."""
        return self.allowed is not None or bool(self.time_limit_seconds)

    @property
    def left_after(self) -> int | None:
        """How many attempts remain once this one has started (None: unlimited)."""
        return None if self.allowed is None else max(0, self.allowed - self.number)


@dataclass(frozen=True)
class NotTaking:
    """Why an attempt's pages cannot be shown now: where the student goes instead, and what to tell them."""

    to_review: bool  # True: the attempt is submitted (maybe just now); False: back to the quiz page (paused)
    message: str | None


class PerVersion:
    """What a process derives from a quiz version, kept by (id, content hash): a version never changes.

    The content hash in the key keeps two databases in one process (tests, two apps) from mixing.
    """

    def __init__(self, size: int = 256):
        self._kept: OrderedDict[tuple[int, str], Any] = OrderedDict()
        self._size = size

    def get(self, version_id: int | None, content_hash: str | None, derive: Callable[[], Any]) -> Any:
        """The kept value for this version, derived now if it is not kept (or the version has no id yet)."""
        if version_id is None or content_hash is None:
            return derive()
        key = (version_id, content_hash)
        value = self._kept.get(key)
        if value is None:
            value = self._kept[key] = derive()
            while len(self._kept) > self._size:
                self._kept.popitem(last=False)
        return value


_DEFINITIONS = PerVersion()
_BUILT = PerVersion()
_SETTINGS = PerVersion()


def question_definitions(version: QuizVersion) -> dict[str, dict[str, Any]]:
    """A version's stored questions by id, in order (read from the database once per process)."""
    return _DEFINITIONS.get(version.id, version.content_hash, lambda: {q["id"]: q for q in version.questions})


def engine_questions(version: QuizVersion) -> dict[str, QuestionType]:
    """The engine's question objects of a quiz version, by question id (built once per process)."""
    return _BUILT.get(version.id, version.content_hash, lambda: {
        qid: build_question(q["definition"]) for qid, q in question_definitions(version).items()})


def settings_of(version: QuizVersion) -> QuizSettings:
    """The settings stored with a version."""
    return stored_settings(version.id, version.content_hash, version.settings)


def stored_settings(version_id: int | None, content_hash: str | None, settings_json: dict[str, Any]) -> QuizSettings:
    """A version's settings from their stored JSON, parsed once per process."""
    return _SETTINGS.get(version_id, content_hash, lambda: QuizSettings.from_json(settings_json))


def current_settings(quiz: Quiz) -> QuizSettings:
    """The quiz's settings as they are now: its dates and review options govern attempts on every version."""
    version = quiz.current_version
    return settings_of(version) if version is not None else QuizSettings()


def attempt_deadline(attempt: Attempt) -> datetime | None:
    """When this attempt stops taking answers: its time limit or the quiz's current close date."""
    return effective_deadline(attempt.deadline, current_settings(attempt.quiz).closes)


def attempts_used(session: Session, user_id: int, quiz_id: int) -> int:
    """How many attempts this student has started at this quiz."""
    return session.scalar(select(func.count()).select_from(Attempt)
                          .where(Attempt.user_id == user_id, Attempt.quiz_id == quiz_id)) or 0


def open_attempt(session: Session, user_id: int, quiz_id: int) -> Attempt | None:
    """The student's attempt in progress at this quiz, if any."""
    return session.scalars(select(Attempt).where(Attempt.user_id == user_id, Attempt.quiz_id == quiz_id,
                                                 Attempt.state == "in_progress")).first()


def start_terms(settings: QuizSettings, used: int) -> StartTerms:
    """The terms of the attempt a student who has used `used` attempts would start now."""
    return StartTerms(number=used + 1, allowed=settings.attempts, time_limit_seconds=settings.time_limit_seconds,
                      closes=settings.closes)


# A version without its questions and document: pages read those through question_definitions, once per process.
_LIGHT_VERSION = (defer(QuizVersion.questions), defer(QuizVersion.document), defer(QuizVersion.changes))


# Built once: every attempt page, autosave and submit runs it.
_ATTEMPT_WITH_QUIZ = (select(Attempt).where(Attempt.id == bindparam("attempt_id"))
                      .options(joinedload(Attempt.version).options(*_LIGHT_VERSION),
                               joinedload(Attempt.quiz).joinedload(Quiz.course)))
_STUDENT_ATTEMPTS = (select(Attempt).options(joinedload(Attempt.version).options(*_LIGHT_VERSION))
                     .where(Attempt.user_id == bindparam("user_id"), Attempt.quiz_id == bindparam("quiz_id"))
                     .order_by(Attempt.number))


_QUIZ_BY_KEY = (select(Quiz).join(Quiz.course).options(contains_eager(Quiz.course))
                .where(Course.key == bindparam("course_key"), Quiz.key == bindparam("quiz_key")))


def quiz_by_key(session: Session, course_key: str, quiz_key: str) -> Quiz | None:
    """A quiz (with its course) by the keys in its address, published or not."""
    return session.scalars(_QUIZ_BY_KEY, {"course_key": course_key, "quiz_key": quiz_key}).one_or_none()


def attempt_with_quiz(session: Session, attempt_id: int) -> Attempt | None:
    """One attempt with its version, quiz and course, which every attempt page shows: one query."""
    return session.scalars(_ATTEMPT_WITH_QUIZ, {"attempt_id": attempt_id}).unique().one_or_none()


def light_version(session: Session, version_id: int) -> QuizVersion:
    """A version without its questions and document (pages read those through question_definitions)."""
    return session.get(QuizVersion, version_id, options=_LIGHT_VERSION)


def student_attempts(session: Session, user_id: int, quiz_id: int) -> list[Attempt]:
    """The student's attempts at this quiz in order, each with its version (for its review rules), in one query."""
    return list(session.scalars(_STUDENT_ATTEMPTS, {"user_id": user_id, "quiz_id": quiz_id}))


def current_attempt(session: Session, attempts: list[Attempt],
                    now: datetime | None = None) -> tuple[Attempt | None, str | None]:
    """The attempt in progress among a student's attempts at a quiz, closing it first if it may take no more answers.

    Returns the attempt (None if there is none, or it was just closed) and, when it was closed now, the
    message that tells the student why.
    """
    current = next((attempt for attempt in attempts if attempt.state == "in_progress"), None)
    if current is not None and close_if_overdue(session, current, now):
        return None, CLOSED_MESSAGES.get(current.closed_by, CLOSED_MESSAGES["timeout"])
    return current, None


def quiz_refusal(settings: QuizSettings, current: Attempt | None, used: int, now: datetime) -> str | None:
    """Why the quiz page offers neither continue (quiz paused) nor start (closed, not open, no attempts left)."""
    return not_open_refusal(settings, now) if current is not None else start_refusal(settings, used, now)


def not_taking(session: Session, attempt: Attempt, now: datetime | None = None) -> NotTaking | None:
    """None if the attempt takes answers now; else (closing it if its time ran out) where the student goes."""
    now = now or utcnow()
    if attempt.state == "in_progress" and close_if_overdue(session, attempt, now):
        return NotTaking(to_review=True, message=CLOSED_MESSAGES.get(attempt.closed_by, CLOSED_MESSAGES["timeout"]))
    if attempt.state != "in_progress":
        return NotTaking(to_review=True, message=None)
    paused = not_open_refusal(current_settings(attempt.quiz), now)
    if paused:
        return NotTaking(to_review=False, message=paused)
    return None


def start_attempt(session: Session, user_id: int, quiz: Quiz, now: datetime | None = None,
                  confirmed: bool = True) -> Attempt:
    """Resume the open attempt, or start a new one with its draw, order and deadline fixed now.

    A handler acting on a student's click passes `confirmed` as the student gave it: a new attempt that
    spends a limited attempt or starts a clock is then refused (ConfirmationNeeded) until they confirm.
    """
    now = now or utcnow()
    current = open_attempt(session, user_id, quiz.id)
    if current is not None and close_if_overdue(session, current, now):
        current = None
    if current is not None:
        return current
    if quiz.retired_at is not None or quiz.current_version_id is None:
        raise AttemptRefused("This quiz is no longer available.")
    version = session.get(QuizVersion, quiz.current_version_id)
    settings = settings_of(version)
    used = attempts_used(session, user_id, quiz.id)
    refusal = start_refusal(settings, used, now)
    if refusal:
        raise AttemptRefused(refusal)
    terms = start_terms(settings, used)
    if not confirmed and terms.needs_confirmation:
        raise ConfirmationNeeded(terms)
    seed = secrets.randbelow(2**31)
    ids, orders = draw_questions(version, settings, seed)
    attempt = Attempt(
        user_id=user_id, quiz_id=quiz.id, quiz_version_id=version.id, number=used + 1, seed=seed,
        question_ids=list(ids), orders=orders, started_at=now, deadline=deadline_for(settings, now),
    )
    try:
        with session.begin_nested():
            session.add(attempt)
    except IntegrityError:
        # Another tab started the same attempt number first: use that one.
        session.expire_all()
        winner = open_attempt(session, user_id, quiz.id)
        if winner is None:
            raise AttemptRefused("Another attempt was started at the same moment. Please try again.") from None
        return winner
    return attempt


def draw_questions(version, settings: QuizSettings, seed: int) -> tuple[list[str], dict[str, Any]]:
    """The question ids (drawn and shuffled) and per-question presentation orders that this seed gives."""
    questions = engine_questions(version)
    ids = list(question_definitions(version))
    rule = DrawRule.of(settings.draw)
    if rule is not None:
        ids = rule.draw(ids, pool_groups(version), attempt_rng(seed, "draw"))
    if settings.shuffle_questions:
        ids = shuffle_questions(ids, attempt_rng(seed, "questions"))
    orders = {}
    for qid in ids:
        order = questions[qid].shuffle_order(attempt_rng(seed, f"question:{qid}"))
        if order is not None:
            orders[qid] = jsonable(order)
    return list(ids), orders


def pool_groups(version) -> list[str | None]:
    """Each question's draw group (or None), in the version's order."""
    return [question_group(q["definition"]) for q in question_definitions(version).values()]


def close_if_overdue(session: Session, attempt: Attempt, now: datetime | None = None) -> bool:
    """Submit an attempt that may take no more answers, with those saved in time; True if it was closed now.

    That is one whose time ran out, whose quiz has closed (by the quiz's close date now, whatever the
    version the attempt began on), or whose quiz was retired.
    """
    now = now or utcnow()
    if attempt.state != "in_progress":
        return False
    if attempt.quiz.retired_at is not None:
        closed_by = "retired"
    elif accepts_answers(attempt_deadline(attempt), settings_of(attempt.version).grace_seconds, now):
        return False
    else:
        closed_by = "timeout"
    # A page found it overdue while reading; the claim in submit_attempt re-checks under the write lock.
    begin_writing(session)
    return submit_attempt(session, attempt, now, closed_by=closed_by)


_ATTEMPT_STATE_FOR_UPDATE = select(Attempt.state).where(Attempt.id == bindparam("attempt_id")).with_for_update()


def _ensure_open(session: Session, attempt: Attempt, now: datetime) -> None:
    begin_writing(session)
    # Lock the attempt row (PostgreSQL; SQLite's IMMEDIATE transaction already serialises writers) so a
    # save can never land after a concurrent submit has graded the answers.
    state = session.scalar(_ATTEMPT_STATE_FOR_UPDATE, {"attempt_id": attempt.id})
    if state != attempt.state:
        session.refresh(attempt)
    if attempt.state != "in_progress":
        raise AttemptClosed("This attempt has been submitted; its answers can no longer change.")
    if close_if_overdue(session, attempt, now):
        raise AttemptClosed(CLOSED_MESSAGES.get(attempt.closed_by, CLOSED_MESSAGES["timeout"]))
    refusal = not_open_refusal(current_settings(attempt.quiz), now)
    if refusal:
        raise AttemptPaused(refusal)


CLOSED_MESSAGES = {
    "timeout": "Time is up: the attempt was submitted with the answers saved before the deadline.",
    "retired": "This quiz has been withdrawn: the attempt was submitted with the answers saved so far.",
}


def save_answers(session: Session, attempt: Attempt, posted: Mapping[str, Mapping[str, list[str]]],
                 now: datetime | None = None) -> int:
    """Store the posted fields of the attempt's questions in one statement; returns how many were saved.

    An answer locked by a right Check keeps what was checked.
    """
    now = now or utcnow()
    _ensure_open(session, attempt, now)
    rows = [{"attempt_id": attempt.id, "question_id": qid, "raw": clean_fields(posted[qid]), "now": now}
            for qid in attempt.question_ids if qid in posted]
    if not rows:
        return 0
    # Counted from what the upsert returns: drivers do not all count rows over an executemany.
    return len(session.execute(_response_upsert(session.get_bind().dialect.name), rows).all())


def check_answer(session: Session, attempt: Attempt, qid: str, fields: Mapping[str, list[str]],
                 now: datetime | None = None) -> tuple[Grade, Response]:
    """Immediate mode: save and grade one answer now, counting a try; a right answer locks the question."""
    now = now or utcnow()
    _ensure_open(session, attempt, now)
    settings = settings_of(attempt.version)
    if not settings.immediate or qid not in attempt.question_ids:
        raise AttemptClosed("This question cannot be checked before the attempt is submitted.")
    question = engine_questions(attempt.version)[qid]
    response = _response_for_update(session, attempt.id, qid)
    if response is not None and response.locked:
        return grade_response(question, response.raw), response
    _upsert_response(session, attempt.id, qid, clean_fields(fields), now)
    problems = answer_problems(attempt, {qid: fields})
    if problems:
        # Kept as typed, but not graded: a repeated item would be graded as a half-right order and cost a try.
        session.flush()
        raise AnswerNeedsFixing(problems)
    response = _response_for_update(session, attempt.id, qid)
    grade = grade_response(question, response.raw)
    response.tries += 1
    response.checked_raw = dict(response.raw)
    response.checked_fraction = apply_penalty(grade.fraction, response.tries, settings.penalty)
    response.locked = grade.correct is True
    session.add(ResponseTry(response_id=response.id, number=response.tries, raw=dict(response.raw),
                            fraction=grade.fraction, penalised_fraction=response.checked_fraction, checked_at=now))
    session.flush()
    return grade, response


# Built once: every submit runs them. The claim is the lock: of two concurrent submits, only one changes
# the row. The marks are written with plain UPDATEs (one executemany for the answers), not through the
# unit of work, which cost a submit more than the grading.
_ATTEMPTS = Attempt.__table__
_RESPONSES = Response.__table__
_CLAIM = (update(_ATTEMPTS)
          .where(_ATTEMPTS.c.id == bindparam("attempt_id"), _ATTEMPTS.c.state == "in_progress")
          .values(state="submitted", submitted_at=bindparam("now"), closed_by=bindparam("closer")))
_ANSWERS_TO_GRADE = (select(_RESPONSES.c.id, _RESPONSES.c.question_id, _RESPONSES.c.raw, _RESPONSES.c.tries,
                            _RESPONSES.c.locked, _RESPONSES.c.checked_fraction)
                     .where(_RESPONSES.c.attempt_id == bindparam("attempt_id")))
_RECORD_MARKS = (update(_RESPONSES).where(_RESPONSES.c.id == bindparam("response_id"))
                 .values(fraction=bindparam("new_fraction"), marks=bindparam("new_marks")))
# No values(): the SET clause takes the columns its parameters name (score, max_score, percent).
_RECORD_SCORE = update(_ATTEMPTS).where(_ATTEMPTS.c.id == bindparam("attempt_id"))


@dataclass(frozen=True)
class UnansweredQuestion:
    """A question the attempt never saved an answer to: graded as a blank answer."""

    raw: dict[str, list[str]]
    tries: int = 0
    locked: bool = False
    checked_fraction: float | None = None


def submit_attempt(session: Session, attempt: Attempt, now: datetime | None = None,
                   closed_by: str = "student") -> bool:
    """Grade and close the attempt exactly once; False if it was already submitted (double click, second tab).

    A student's own submit is refused (AnswerNeedsFixing) while an answer needs fixing; closing by the
    clock or by withdrawal grades the answers as they stand.
    """
    now = now or utcnow()
    if closed_by == "student" and attempt.state == "in_progress":
        problems = saved_answer_problems(session, attempt)
        if problems:
            raise AnswerNeedsFixing(problems)
    begin_writing(session)
    claimed = session.execute(_CLAIM, {"attempt_id": attempt.id, "now": now, "closer": closed_by}).rowcount
    if claimed != 1:
        session.refresh(attempt)
        return False
    # Read under the claim: an answer saved before it counts, and none can be saved after it.
    version = attempt.version
    settings = settings_of(version)
    questions = engine_questions(version)
    points = {qid: float(q["points"]) for qid, q in question_definitions(version).items()}
    saved = {row.question_id: row for row in session.execute(_ANSWERS_TO_GRADE, {"attempt_id": attempt.id})}
    marks: dict[str, tuple[float, float]] = {}
    for qid in attempt.question_ids:
        fraction = final_fraction(questions[qid], saved.get(qid) or UnansweredQuestion(raw={}), settings)
        marks[qid] = (fraction, round(fraction * points[qid], 7))
    graded = [{"response_id": saved[qid].id, "new_fraction": fraction, "new_marks": mark}
              for qid, (fraction, mark) in marks.items() if qid in saved]
    if graded:
        session.execute(_RECORD_MARKS, graded)
    blank = [{"attempt_id": attempt.id, "question_id": qid, "raw": {}, "saved_at": now, "tries": 0, "locked": False,
              "fraction": fraction, "marks": mark}
             for qid, (fraction, mark) in marks.items() if qid not in saved]
    if blank:
        session.execute(insert(_RESPONSES), blank)
    total = attempt_score(mark for _, mark in marks.values())
    maximum = sum(points[qid] for qid in attempt.question_ids)
    score = {"score": total, "max_score": maximum, "percent": round(percent(total, maximum), 7)}
    session.execute(_RECORD_SCORE, {"attempt_id": attempt.id, **score})
    claim = {"state": "submitted", "submitted_at": now, "closed_by": closed_by}
    _show_in_session(session, attempt, claim | score, marks)
    return True


def _show_in_session(session: Session, attempt: Attempt, score: dict[str, Any],
                     marks: dict[str, tuple[float, float]]) -> None:
    """Let the attempt, and any of its answers this session holds, show what the plain UPDATEs wrote."""
    for key, value in score.items():
        set_committed_value(attempt, key, value)
    for held in list(session.identity_map.values()):
        if isinstance(held, Response) and held.attempt_id == attempt.id and held.question_id in marks:
            fraction, mark = marks[held.question_id]
            set_committed_value(held, "fraction", fraction)
            set_committed_value(held, "marks", mark)


# The question kinds whose answer can need fixing before it is graded (see answer_problems).
ANSWERS_WITH_PROBLEMS = frozenset({"ordering"})


def answer_problems(attempt: Attempt, answers: Mapping[str, Mapping[str, list[str]]]) -> dict[str, str]:
    """What must be fixed in these answers before they are checked or submitted, by question id.

    Today that is an ordering that puts one item in two positions: graded, it would silently earn the
    pairs it happens to keep, so the student is asked to choose a different item instead.
    """
    questions = engine_questions(attempt.version)
    problems = {}
    for qid, fields in answers.items():
        question = questions.get(qid)
        if question is None or question.kind not in ANSWERS_WITH_PROBLEMS:
            continue
        message = ordering_problem(question.public(attempt.orders.get(qid))["items"], fields.get("answer", []))
        if message:
            problems[qid] = message
    return problems


def ordering_problem(items: list[dict[str, str]], values: list[str] | str) -> str | None:
    """The message for an ordering answer that places one item in several positions, or None."""
    if isinstance(values, str):
        values = [values]
    if len(values) == 1 and "," in values[0]:
        values = values[0].split(",")
    texts = {item["id"]: item["text"] for item in items}
    positions: dict[str, list[int]] = {}
    for position, value in enumerate(values, start=1):
        if isinstance(value, str) and value.strip() in texts:
            positions.setdefault(value.strip(), []).append(position)
    repeated = [f"‘{texts[item]}’ is in positions {_and_list(places)}"
                for item, places in positions.items() if len(places) > 1]
    if not repeated:
        return None
    return f"Each position needs a different item: {'; '.join(repeated)}."


def _and_list(numbers: list[int]) -> str:
    words = [str(number) for number in numbers]
    return ", ".join(words[:-1]) + " and " + words[-1]


_SAVED_RESPONSES = select(Response).where(Response.attempt_id == bindparam("attempt_id"),
                                          Response.question_id.in_(bindparam("question_ids", expanding=True)))


def saved_responses(session: Session, attempt_id: int, qids: list[str]) -> dict[str, Response]:
    """The attempt's saved answers to these questions, by question id (a question never answered is absent)."""
    rows = session.scalars(_SAVED_RESPONSES, {"attempt_id": attempt_id, "question_ids": list(qids)})
    return {row.question_id: row for row in rows}


_SAVED_RAWS = select(Response.question_id, Response.raw).where(Response.attempt_id == bindparam("attempt_id"))


def saved_answer_problems(session: Session, attempt: Attempt) -> dict[str, str]:
    """What must be fixed in the attempt's saved answers before it can be submitted, by question id."""
    questions = engine_questions(attempt.version)
    if not any(questions[qid].kind in ANSWERS_WITH_PROBLEMS for qid in attempt.question_ids):
        return {}
    return answer_problems(attempt, dict(session.execute(_SAVED_RAWS, {"attempt_id": attempt.id}).all()))


def answered_questions(responses: Mapping[str, Response]) -> set[str]:
    """The questions whose saved answer holds something (a blank or cleared answer does not count)."""
    return {qid for qid, response in responses.items()
            if any(str(value).strip() for values in (response.raw or {}).values() for value in values)}


class GradableAnswer(Protocol):
    """What grading at submit reads of a saved answer: a response row, a preview's answer, a blank."""

    raw: dict[str, list[str]] | None
    tries: int
    locked: bool
    checked_fraction: float | None


def final_fraction(question: QuestionType, response: GradableAnswer, settings: QuizSettings) -> float:
    """The fraction a response earns at submit: its locked checked grade, else its answer graded with penalties."""
    if settings.immediate and response.locked and response.checked_fraction is not None:
        return response.checked_fraction
    grade = grade_response(question, response.raw or {})
    # In immediate mode submitting counts as one more try (Moodle's interactive behaviour).
    tries = response.tries + 1 if settings.immediate else 1
    return apply_penalty(grade.fraction, tries, settings.penalty)


def _upsert_response(session: Session, attempt_id: int, qid: str, fields: dict[str, list[str]], now) -> None:
    session.execute(_response_upsert(session.get_bind().dialect.name),
                    {"attempt_id": attempt_id, "question_id": qid, "raw": fields, "now": now})


@functools.cache
def _response_upsert(dialect: str) -> Insert:
    """Upsert an answer unless a right Check locked it, returning each saved question's id; built once per dialect."""
    table = Response.__table__
    statement = dialect_insert(dialect)(table).values(
        attempt_id=bindparam("attempt_id"), question_id=bindparam("question_id"),
        raw=bindparam("raw", type_=table.c.raw.type), saved_at=bindparam("now"), tries=0, locked=False)
    return statement.on_conflict_do_update(
        index_elements=["attempt_id", "question_id"],
        set_={"raw": statement.excluded.raw, "saved_at": statement.excluded.saved_at},
        where=table.c.locked.is_(False),
    ).returning(table.c.question_id)


def _response_for_update(session: Session, attempt_id: int, qid: str) -> Response | None:
    return session.scalars(
        select(Response).where(Response.attempt_id == attempt_id, Response.question_id == qid)
        .with_for_update().execution_options(populate_existing=True)
    ).one_or_none()


MAX_FIELD_LENGTH = 2000
MAX_FIELD_VALUES = 50


def clean_fields(fields: Mapping[str, list[str]]) -> dict[str, list[str]]:
    """Bound what one answer may store: a few dozen values of a couple of thousand characters."""
    clean: dict[str, list[str]] = {}
    for name, values in list(fields.items())[:MAX_FIELD_VALUES]:
        if isinstance(values, str):
            values = [values]
        clean[str(name)[:80]] = [str(value)[:MAX_FIELD_LENGTH] for value in list(values)[:MAX_FIELD_VALUES]]
    return clean


def jsonable(order):
    """A stored presentation order with tuples turned into lists, as JSON keeps them."""
    if isinstance(order, tuple | list):
        return [jsonable(item) for item in order]
    return order
