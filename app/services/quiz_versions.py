"""Publishing quizzes: one way to make a new immutable version, whether it comes from a file or the browser."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.content.quiz_files import QuizFile
from app.models import Quiz, QuizVersion, utcnow
from app.services import audit

ORIGINS = ("file", "browser")


def publish(session: Session, quiz: Quiz, parsed: QuizFile, *, origin: str, actor_id: int | None = None,
            now: datetime | None = None) -> QuizVersion | None:
    """Make `parsed` the quiz's current version, unless it already is; returns the new version or None.

    Attempts in progress keep the version they started on; only new attempts get this one.
    """
    if origin not in ORIGINS:
        raise ValueError(f"unknown origin {origin!r}")
    now = now or utcnow()
    current = session.get(QuizVersion, quiz.current_version_id) if quiz.current_version_id else None
    quiz.title, quiz.kind = parsed.title, parsed.kind
    quiz.origin = origin
    if current is not None and current.content_hash == parsed.content_hash:
        if current.document is None:
            current.document = parsed.document  # versions made before documents were kept
        return None
    number = (session.scalar(select(func.max(QuizVersion.number)).where(QuizVersion.quiz_id == quiz.id)) or 0) + 1
    version = QuizVersion(
        quiz_id=quiz.id, number=number, content_hash=parsed.content_hash, description_html=parsed.description_html,
        settings=parsed.settings.to_json(), questions=[question.to_json() for question in parsed.questions],
        created_at=now, origin=origin, created_by_id=actor_id, document=parsed.document,
        changes=describe_changes(current, parsed),
    )
    session.add(version)
    session.flush()
    quiz.current_version_id = version.id
    quiz.retired_at, quiz.retired_by_id = None, None
    quiz.changed_at, quiz.changed_by_id = now, actor_id
    session.expire(quiz, ["current_version"])
    audit.record(session, "publish", f"quiz {quiz.key}", actor_id=actor_id, quiz=quiz, version_number=number,
                 origin=origin, changes=version.changes)
    return version


def describe_changes(previous: QuizVersion | None, parsed: QuizFile) -> list[str]:
    """What a new version changes, in words: questions added, removed and edited, and settings changed."""
    if previous is None:
        return [f"first version: {len(parsed.questions)} question{'s' if len(parsed.questions) != 1 else ''}"]
    changes: list[str] = []
    if previous.document is not None and previous.document.get("title") != parsed.document.get("title"):
        changes.append("title changed")
    if previous.description_html != parsed.description_html:
        changes.append("description changed")
    old_settings, new_settings = previous.settings, parsed.settings.to_json()
    changed = [key for key in new_settings if old_settings.get(key) != new_settings[key]]
    if changed:
        changes.append("settings changed: " + ", ".join(changed))
    old = {question["id"]: question for question in previous.questions}
    new = {question.id: question.to_json() for question in parsed.questions}
    added = [qid for qid in new if qid not in old]
    removed = [qid for qid in old if qid not in new]
    edited = [qid for qid in new if qid in old and _question_content(old[qid]) != _question_content(new[qid])]
    for label, ids in (("added", added), ("removed", removed), ("edited", edited)):
        if ids:
            changes.append(f"question{'s' if len(ids) > 1 else ''} {label}: {', '.join(ids)}")
    if list(old) != [qid for qid in new if qid in old] and not (added or removed):
        changes.append("questions reordered")
    return changes or ["no change to questions or settings"]


def _question_content(stored: dict) -> dict:
    return {key: stored[key] for key in ("type", "points", "prompt_html", "general_feedback_html", "source",
                                         "definition")}
