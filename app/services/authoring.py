"""Authoring quizzes in the browser: drafts in the file format, validated by the file parser, then published.

A quiz's working copy is a *document*: the mapping a quiz file holds. Every change an instructor makes
is a new document, checked by the same `parse_quiz_document` that checks files, and stored as the
quiz's draft; publishing turns the draft into a new immutable version. Each saved change bumps the
quiz's edit counter, and a change made from a page read at an older count is refused (two editors
never overwrite each other).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.content.problems import ContentProblem
from app.content.quiz_files import ParsedQuiz, parse_quiz_document
from app.content.quiz_quality import content_warnings
from app.content.rendering import Heading
from app.models import Attempt, Course, Lesson, Quiz, QuizVersion, User, utcnow
from app.services import audit
from app.services.attempts import submit_attempt
from app.services.quiz_versions import publish


class DraftInvalid(Exception):
    """The changed quiz breaks a rule of the file format; nothing was saved."""

    def __init__(self, problems: tuple[ContentProblem, ...]):
        super().__init__("; ".join(problem.message for problem in problems))
        self.problems = problems


class EditConflict(Exception):
    """Someone else saved a change since the editor's page was read; nothing was saved."""

    def __init__(self, who: str, when: datetime | None):
        moment = f"{when:%d %B %Y at %H:%M} UTC" if when else "just now"
        super().__init__(f"{who} changed this quiz on {moment}, after you opened this page. Your text is kept "
                         "below: reload the quiz to see their change, then apply yours again.")
        self.who, self.when = who, when


@dataclass(frozen=True)
class LessonOutline:
    """A lesson as the quiz parser needs it: its id, headings and objectives."""

    key: str
    title: str
    headings: tuple[Heading, ...]
    objectives: tuple[str, ...] = ()


def lesson_outlines(session: Session, course_id: int) -> dict[str, LessonOutline]:
    """The course's live lessons, in order, with their headings (what a question's `source` may name)."""
    lessons = session.scalars(select(Lesson).where(Lesson.course_id == course_id, Lesson.retired_at.is_(None))
                              .order_by(Lesson.position))
    return {
        lesson.key: LessonOutline(lesson.key, lesson.title,
                                  tuple(Heading(h["id"], h["level"], h["text"]) for h in lesson.headings),
                                  tuple(lesson.objectives or ()))
        for lesson in lessons
    }


def writing_warnings(document: dict[str, Any], outlines: dict[str, LessonOutline]) -> list[str]:
    """What `flask content check` would warn about in this quiz (answers given away, length cues, objectives).

    Empty while the quiz has format problems or no questions yet: saving reports those first.
    """
    if not document.get("questions"):
        return []
    parsed = parse_quiz_document(document, outlines, path=f"quiz {document.get('id')}", draft=True)
    if parsed.quiz is None:
        return []
    objectives = {key: outline.objectives for key, outline in outlines.items()}
    return [warning.message for warning in content_warnings([parsed.quiz], objectives)]


def working_document(session: Session, quiz: Quiz) -> dict[str, Any]:
    """The quiz as the editor shows it: the pending draft, else the current version's document."""
    if quiz.draft is not None:
        return copy.deepcopy(quiz.draft)
    version = session.get(QuizVersion, quiz.current_version_id) if quiz.current_version_id else None
    if version is not None and version.document is not None:
        return copy.deepcopy(version.document)
    return new_document(quiz.key, quiz.title, quiz.kind, _lesson_key(session, quiz))


def new_document(key: str, title: str, kind: str, lesson: str | None) -> dict[str, Any]:
    """An empty quiz in the file format."""
    document: dict[str, Any] = {"id": key, "title": title, "kind": kind}
    if kind == "lesson" and lesson:
        document["lesson"] = lesson
    document.update({"settings": {}, "questions": []})
    return document


def check_document(session: Session, course: Course, document: dict[str, Any], *, quiz: Quiz | None = None,
                   draft: bool = True) -> ParsedQuiz:
    """Validate a document with the file parser, plus the rules across quizzes; raise DraftInvalid if it breaks any.

    A draft may have no questions yet; publishing needs at least one.
    """
    parsed = parse_quiz_document(document, lesson_outlines(session, course.id), path=f"quiz {document.get('id')}",
                                 draft=draft)
    problems = list(parsed.problems) + _clashes(session, course, document, quiz)
    if problems:
        raise DraftInvalid(tuple(problems))
    return parsed


def create_quiz(session: Session, course: Course, document: dict[str, Any], actor_id: int) -> Quiz:
    """A new quiz, made in the browser: a draft only, invisible to students until published."""
    check_document(session, course, document)
    lessons = {lesson.key: lesson.id for lesson in session.scalars(select(Lesson).where(Lesson.course_id == course.id))}
    quiz = Quiz(course_id=course.id, key=document["id"], kind=document.get("kind", "lesson"),
                title=document["title"].strip(), lesson_id=lessons.get(document.get("lesson")), origin="browser",
                draft=document, edit_count=1, changed_at=utcnow(), changed_by_id=actor_id)
    session.add(quiz)
    session.flush()
    audit.record(session, "create", f"quiz {quiz.key}", actor_id=actor_id, quiz=quiz, origin="browser")
    return quiz


def save_draft(session: Session, quiz: Quiz, document: dict[str, Any], *, actor_id: int, read_at_count: int,
               what: str = "edit") -> ParsedQuiz:
    """Store a changed document as the quiz's draft, if it is valid and nobody saved since the editor read it."""
    _lock(session, quiz)
    if quiz.edit_count != read_at_count:
        raise EditConflict(_name(session, quiz.changed_by_id), quiz.changed_at)
    if document.get("id") != quiz.key:
        raise DraftInvalid((ContentProblem(f"quiz {quiz.key}", 1, "a quiz's id cannot change: it is its identity"),))
    parsed = check_document(session, quiz.course, document, quiz=quiz)
    quiz.draft = document
    quiz.title = document["title"].strip()
    _touch(quiz, actor_id)
    audit.record(session, "edit", f"quiz {quiz.key}", actor_id=actor_id, quiz=quiz, change=what)
    return parsed


def publish_draft(session: Session, quiz: Quiz, *, actor_id: int, read_at_count: int) -> QuizVersion | None:
    """Make the draft the quiz's new current version (attempts in progress keep theirs); the draft is cleared."""
    _lock(session, quiz)
    if quiz.edit_count != read_at_count:
        raise EditConflict(_name(session, quiz.changed_by_id), quiz.changed_at)
    if quiz.draft is None:
        return None
    parsed = check_document(session, quiz.course, quiz.draft, quiz=quiz, draft=False)
    lessons = {lesson.key: lesson for lesson in
               session.scalars(select(Lesson).where(Lesson.course_id == quiz.course_id))}
    version = publish(session, quiz, parsed.quiz, origin="browser", actor_id=actor_id)
    quiz.lesson_id = lessons[parsed.quiz.lesson].id if parsed.quiz.lesson else None
    if parsed.quiz.lesson:
        lessons[parsed.quiz.lesson].quiz_key = quiz.key
    quiz.draft = None
    _touch(quiz, actor_id)
    return version


def discard_draft(session: Session, quiz: Quiz, *, actor_id: int, read_at_count: int) -> None:
    """Drop unpublished changes, going back to the current version."""
    _lock(session, quiz)
    if quiz.edit_count != read_at_count:
        raise EditConflict(_name(session, quiz.changed_by_id), quiz.changed_at)
    quiz.draft = None
    _touch(quiz, actor_id)
    audit.record(session, "edit", f"quiz {quiz.key}", actor_id=actor_id, quiz=quiz, change="draft discarded")


def retire_quiz(session: Session, quiz: Quiz, *, actor_id: int) -> bool:
    """Hide a quiz from students, keeping its history; open attempts are submitted with what was saved."""
    if quiz.retired_at is not None:
        return False
    quiz.retired_at, quiz.retired_by_id = utcnow(), actor_id
    for attempt in session.scalars(select(Attempt).where(Attempt.quiz_id == quiz.id,
                                                         Attempt.state == "in_progress")).all():
        submit_attempt(session, attempt, closed_by="retired")
    _touch(quiz, actor_id)
    audit.record(session, "retire", f"quiz {quiz.key}", actor_id=actor_id, quiz=quiz)
    return True


def restore_quiz(session: Session, quiz: Quiz, *, actor_id: int) -> bool:
    """Show a retired quiz to students again."""
    if quiz.retired_at is None or quiz.current_version_id is None:
        return False
    quiz.retired_at, quiz.retired_by_id = None, None
    _touch(quiz, actor_id)
    audit.record(session, "restore", f"quiz {quiz.key}", actor_id=actor_id, quiz=quiz)
    return True


def attempts_per_version(session: Session, quiz_id: int) -> dict[int, int]:
    """How many attempts each version of a quiz was taken on."""
    rows = session.execute(select(Attempt.quiz_version_id, func.count()).where(Attempt.quiz_id == quiz_id)
                           .group_by(Attempt.quiz_version_id))
    return dict(rows.all())


def status(quiz: Quiz) -> str:
    """Draft (never published), published or retired."""
    if quiz.retired_at is not None:
        return "retired"
    return "draft" if quiz.current_version_id is None else "published"


def _clashes(session: Session, course: Course, document: dict[str, Any], quiz: Quiz | None) -> list[ContentProblem]:
    """The rules across quizzes that files check together: unique ids, one check per lesson, one final."""
    where = f"quiz {document.get('id')}"
    course_quizzes = session.scalars(select(Quiz).where(Quiz.course_id == course.id)).all()
    others = [other for other in course_quizzes if other.retired_at is None and other is not quiz]
    problems = []
    if quiz is None and any(other.key == document.get("id") for other in course_quizzes):
        problems.append(ContentProblem(where, 1, f"quiz id {document.get('id')!r} is already used: choose another"))
    lesson_id = session.scalar(select(Lesson.id).where(Lesson.course_id == course.id,
                                                       Lesson.key == document.get("lesson")))
    if document.get("kind", "lesson") == "lesson" and lesson_id is not None:
        taken = next((other for other in others if other.lesson_id == lesson_id and other.kind == "lesson"), None)
        if taken is not None:
            problems.append(ContentProblem(where, 1, f"lesson {document.get('lesson')!r} already has a check quiz "
                                                     f"({taken.key}): a lesson has one check quiz"))
    if document.get("kind") == "final":
        taken = next((other for other in others if other.kind == "final"), None)
        if taken is not None:
            problems.append(ContentProblem(where, 1, f"the course already has a final assessment ({taken.key})"))
    return problems


def _lock(session: Session, quiz: Quiz) -> None:
    # Two editors saving at once: the row lock orders them, so the second sees the first's count (PostgreSQL;
    # SQLite's IMMEDIATE write transactions already serialise them).
    session.execute(select(Quiz.id).where(Quiz.id == quiz.id).with_for_update())
    session.refresh(quiz, ["edit_count", "changed_at", "changed_by_id", "draft"])


def _touch(quiz: Quiz, actor_id: int) -> None:
    quiz.edit_count += 1
    quiz.changed_at = utcnow()
    quiz.changed_by_id = actor_id


def _name(session: Session, user_id: int | None) -> str:
    user = session.get(User, user_id) if user_id else None
    return user.name if user else "Someone"


def _lesson_key(session: Session, quiz: Quiz) -> str | None:
    lesson = session.get(Lesson, quiz.lesson_id) if quiz.lesson_id else None
    return lesson.key if lesson else None
