"""Read and validate quiz files (quizzes/*.yaml) against the engine and the course they test."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from app.content.course_files import SLUG, CourseFiles
from app.content.problems import ContentProblem, ProblemLog
from app.content.rendering import render_inline, render_markdown
from app.content.yaml_lines import line_for, read_mapping_file
from app.engine import GRADING_METHODS, QuestionError, build_question
from app.engine.quiz_rules import FEEDBACK_MODES, REVIEW_ITEMS, QuizSettings

QUIZ_KEYS = {"id", "title", "kind", "lesson", "description", "settings", "questions"}
QUESTION_KEYS = {"id", "type", "prompt", "points", "source", "general_feedback"}
SETTING_KEYS = {
    "pass_mark", "attempts", "grading", "time_limit_minutes", "grace_seconds", "opens", "closes", "draw",
    "shuffle_questions", "questions_per_page", "feedback", "penalty", "review",
}
QUESTION_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,79}$")
FIELD_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")
# Strings in a definition that are not shown to anyone as text.
NON_TEXT_KEYS = {"id", "type", "weight", "value", "tolerance", "min", "max", "correct", "shuffle"}


@dataclass(frozen=True)
class QuestionFile:
    """A validated question, with its author text rendered once."""

    id: str
    type: str
    points: float
    prompt_html: str
    general_feedback_html: str
    source_lesson: str
    source_heading: str
    definition: dict[str, Any]
    html: dict[str, str]

    def to_json(self) -> dict[str, Any]:
        """The form stored in a quiz version."""
        return {
            "id": self.id, "type": self.type, "points": self.points, "prompt_html": self.prompt_html,
            "general_feedback_html": self.general_feedback_html,
            "source": {"lesson": self.source_lesson, "heading": self.source_heading},
            "definition": self.definition, "html": self.html,
        }


@dataclass(frozen=True)
class QuizFile:
    """A validated quiz file."""

    key: str
    title: str
    kind: str
    lesson: str | None
    description_html: str
    settings: QuizSettings
    questions: tuple[QuestionFile, ...]
    source_path: str

    @property
    def content_hash(self) -> str:
        """A fingerprint of what a version stores: a new version is made only when it changes."""
        payload = {
            "title": self.title, "kind": self.kind, "lesson": self.lesson, "description": self.description_html,
            "settings": self.settings.to_json(), "questions": [q.to_json() for q in self.questions],
        }
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def read_quizzes(quizzes_dir: Path, course: CourseFiles | None, problems: list[ContentProblem],
                 shown) -> tuple[QuizFile, ...]:
    """Parse every quiz file; problems are appended, and cross-checks against the course run if it is valid."""
    if not quizzes_dir.is_dir():
        return ()
    quizzes: list[tuple[QuizFile, dict]] = []
    for path in sorted(quizzes_dir.glob("*.y*ml")):
        log = ProblemLog(shown(path), problems)
        parsed = _read_quiz(path, course, log)
        if parsed is not None:
            quizzes.append(parsed)
    _check_across(quizzes, course, problems)
    return tuple(quiz for quiz, _ in quizzes)


def _read_quiz(path: Path, course: CourseFiles | None, log: ProblemLog):
    loaded = read_mapping_file(path, log, "id, title, settings and questions")
    if loaded is None:
        return None
    data, lines = loaded
    before = len(log.problems)
    for key in data:
        if key not in QUIZ_KEYS:
            log.add(line_for(lines, (key,)), f"unknown key {key!r}: allowed are {', '.join(sorted(QUIZ_KEYS))}")
    for key in ("id", "title", "questions"):
        if key not in data:
            log.add(1, f"missing key `{key}`: add `{key}: ...` at the top level")
    key = data.get("id")
    if "id" in data and not (isinstance(key, str) and SLUG.match(key)):
        log.add(line_for(lines, ("id",)), "`id` must be lowercase letters, digits and single hyphens")
    if "title" in data and not (isinstance(data["title"], str) and data["title"].strip()):
        log.add(line_for(lines, ("title",)), "`title` must be non-empty text")
    kind = data.get("kind", "lesson")
    if kind not in ("lesson", "final"):
        log.add(line_for(lines, ("kind",)), f"unknown kind {kind!r}: use `lesson` or `final`")
    lesson = data.get("lesson")
    if kind == "lesson" and lesson is None:
        log.add(1, "a lesson quiz needs `lesson: <lesson id>` (or `kind: final` for a final assessment)")
    if kind == "final" and lesson is not None:
        log.add(line_for(lines, ("lesson",)), "a final assessment tests the whole course: remove `lesson`")
    if lesson is not None and course is not None and lesson not in {item.key for item in course.lessons}:
        log.add(line_for(lines, ("lesson",)), f"`lesson` {lesson!r} names no lesson in course/: use a lesson's id")
    description = data.get("description", "")
    if not isinstance(description, str):
        log.add(line_for(lines, ("description",)), "`description` must be Markdown text")
        description = ""
    settings = _read_settings(data.get("settings") or {}, lines, log)
    questions = _read_questions(data.get("questions"), lines, lesson if kind == "lesson" else None, course, log)
    if settings is not None and settings.draw is not None and questions is not None \
            and settings.draw > len(questions):
        log.add(line_for(lines, ("settings", "draw")),
                f"`draw: {settings.draw}` is more than the {len(questions)} questions in the pool: "
                "lower it or add questions")
    if len(log.problems) > before or settings is None or questions is None:
        return None
    quiz = QuizFile(
        key=key, title=data["title"].strip(), kind=kind, lesson=lesson,
        description_html=render_markdown(description).html if description else "",
        settings=settings, questions=questions, source_path=log.path,
    )
    return quiz, lines


def _read_settings(raw: Any, lines: dict, log: ProblemLog) -> QuizSettings | None:
    where = ("settings",)
    if not isinstance(raw, dict):
        log.add(line_for(lines, where), "`settings` must be a mapping of setting: value")
        return None
    ok = True

    def bad(key: str, message: str) -> None:
        nonlocal ok
        log.add(line_for(lines, (*where, key)), f"setting `{key}` {message}")
        ok = False

    for key in raw:
        if key not in SETTING_KEYS:
            bad(key, f"is unknown: the settings are {', '.join(sorted(SETTING_KEYS))}")
    values: dict[str, Any] = {}
    pass_mark = raw.get("pass_mark", 70)
    if not _is_number(pass_mark) or not 0 <= pass_mark <= 100:
        bad("pass_mark", "must be a percentage from 0 to 100")
    values["pass_mark"] = float(pass_mark) if _is_number(pass_mark) else 70.0
    attempts = raw.get("attempts", "unlimited")
    if attempts == "unlimited" or attempts is None:
        values["attempts"] = None
    elif isinstance(attempts, int) and not isinstance(attempts, bool) and attempts >= 1:
        values["attempts"] = attempts
    else:
        bad("attempts", "must be a whole number from 1, or `unlimited`")
    grading = raw.get("grading", "highest")
    if grading not in GRADING_METHODS:
        bad("grading", f"must be one of {', '.join(GRADING_METHODS)}")
    values["grading"] = grading
    for key, target, low in (("time_limit_minutes", "time_limit_seconds", 1), ("grace_seconds", "grace_seconds", 0),
                             ("draw", "draw", 1), ("questions_per_page", "questions_per_page", 1)):
        if key not in raw or raw[key] is None:
            continue
        value = raw[key]
        if not isinstance(value, int) or isinstance(value, bool) or value < low:
            bad(key, f"must be a whole number from {low}")
            continue
        values[target] = value * 60 if key == "time_limit_minutes" else value
    for key in ("opens", "closes"):
        if raw.get(key) is None:
            continue
        moment = _as_datetime(raw[key])
        if moment is None:
            bad(key, "must be an ISO 8601 date-time with a time zone, e.g. 2026-01-31T17:00:00Z")
        values[key] = moment
    if values.get("opens") and values.get("closes") and values["closes"] <= values["opens"]:
        bad("closes", "must be after `opens`")
    for key in ("shuffle_questions",):
        if key in raw and not isinstance(raw[key], bool):
            bad(key, "must be true or false")
        elif key in raw:
            values[key] = raw[key]
    feedback = raw.get("feedback", "deferred")
    if feedback not in FEEDBACK_MODES:
        bad("feedback", f"must be one of {', '.join(FEEDBACK_MODES)}")
    values["feedback"] = feedback
    penalty = raw.get("penalty", 0)
    if not _is_number(penalty) or not 0 <= penalty <= 1:
        bad("penalty", "must be a fraction from 0 to 1 (0.1 = 10% per extra try)")
    elif penalty and feedback != "immediate":
        bad("penalty", "only applies with `feedback: immediate`: remove it or switch the mode")
    values["penalty"] = float(penalty) if _is_number(penalty) else 0.0
    review = raw.get("review", {})
    if not isinstance(review, dict):
        bad("review", "must be a mapping with after_submit and after_close lists")
        review = {}
    for key in review:
        if key not in ("after_submit", "after_close"):
            log.add(line_for(lines, (*where, "review", key)), f"unknown review phase {key!r}: "
                                                              "use after_submit or after_close")
            ok = False
    for phase in ("after_submit", "after_close"):
        if phase not in review:
            continue
        items = review[phase]
        if not isinstance(items, list) or any(item not in REVIEW_ITEMS for item in items):
            log.add(line_for(lines, (*where, "review", phase)),
                    f"review.{phase} must list some of: {', '.join(REVIEW_ITEMS)}")
            ok = False
            continue
        values[f"review_{phase}"] = tuple(items)
    return QuizSettings(**values) if ok else None


def _read_questions(raw: Any, lines: dict, default_lesson: str | None, course: CourseFiles | None,
                    log: ProblemLog) -> tuple[QuestionFile, ...] | None:
    if not isinstance(raw, list) or not raw:
        log.add(line_for(lines, ("questions",)), "`questions` must be a non-empty list of questions")
        return None
    lessons = {lesson.key: lesson for lesson in course.lessons} if course else None
    questions: list[QuestionFile] = []
    seen: dict[str, int] = {}
    ok = True
    for index, item in enumerate(raw):
        where = ("questions", index)
        problems_before = len(log.problems)
        if not isinstance(item, dict):
            log.add(line_for(lines, where), "each question must be a mapping with id, type, prompt and source")
            ok = False
            continue
        qid = item.get("id")
        if not isinstance(qid, str) or not QUESTION_ID.match(qid):
            log.add(line_for(lines, (*where, "id") if "id" in item else where),
                    "each question needs an `id`: letters, digits, - or _ (keep it stable)")
        elif qid in seen:
            log.add(line_for(lines, (*where, "id")), f"question id {qid!r} repeats line {seen[qid]}: "
                                                     "give each question its own id")
        else:
            seen[qid] = line_for(lines, (*where, "id"))
        for key in ("prompt", "source"):
            if not isinstance(item.get(key), str) or not item[key].strip():
                log.add(line_for(lines, where if key not in item else (*where, key)),
                        f"the question needs `{key}:` ({'Markdown text' if key == 'prompt' else 'lesson-id#heading'})")
        points = item.get("points", 1)
        if not _is_number(points) or points <= 0:
            log.add(line_for(lines, (*where, "points")), "`points` must be a positive number")
        general = item.get("general_feedback", "")
        if not isinstance(general, str):
            log.add(line_for(lines, (*where, "general_feedback")), "`general_feedback` must be Markdown text")
        definition = {key: value for key, value in item.items() if key != "general_feedback"}
        try:
            question = build_question(definition)
        except QuestionError as exc:
            path = (*where, *_field_path(exc.field)) if exc.field else where
            log.add(line_for(lines, path), f"{exc.field + ': ' if exc.field else ''}{exc.message}")
            question = None
        heading = _resolve_source(item.get("source"), default_lesson, lessons, lines, where, log)
        if len(log.problems) > problems_before or question is None:
            ok = False
            continue
        lesson_key, heading_id = heading if heading else (default_lesson or "", "")
        questions.append(QuestionFile(
            id=qid, type=item["type"], points=float(points),
            prompt_html=render_markdown(item["prompt"]).html,
            general_feedback_html=render_markdown(general).html if general else "",
            source_lesson=lesson_key, source_heading=heading_id,
            definition=definition, html=_render_texts(definition, question),
        ))
    return tuple(questions) if ok else None


def _resolve_source(source: Any, default_lesson: str | None, lessons, lines, where, log: ProblemLog):
    if not isinstance(source, str) or not source.strip():
        return None
    lesson_key, _, anchor = source.strip().partition("#")
    lesson_key = lesson_key.strip() or (default_lesson or "")
    if lessons is None:
        return lesson_key, anchor.strip()
    line = line_for(lines, (*where, "source"))
    lesson = lessons.get(lesson_key)
    if lesson is None:
        log.add(line, f"`source` names lesson {lesson_key!r}, which does not exist: "
                      f"use one of {', '.join(sorted(lessons))}")
        return None
    anchor = anchor.strip()
    if not anchor:
        log.add(line, f"`source` must name a heading too: `{lesson_key}#<heading>`")
        return None
    for heading in lesson.headings:
        if anchor == heading.id or anchor.casefold() == heading.text.casefold():
            return lesson_key, heading.id
    choices = ", ".join(f"#{heading.id}" for heading in lesson.headings)
    log.add(line, f"`source` names heading {anchor!r}, which lesson {lesson_key!r} does not have: "
                  f"use one of {choices}")
    return None


def _check_across(quizzes: list[tuple[QuizFile, dict]], course: CourseFiles | None,
                  problems: list[ContentProblem]) -> None:
    keys: dict[str, str] = {}
    by_lesson: dict[str, str] = {}
    final: str | None = None
    for quiz, lines in quizzes:
        log = ProblemLog(quiz.source_path, problems)
        if quiz.key in keys:
            log.add(line_for(lines, ("id",)), f"quiz id {quiz.key!r} is already used by {keys[quiz.key]}")
        keys.setdefault(quiz.key, quiz.source_path)
        if quiz.lesson:
            if quiz.lesson in by_lesson:
                log.add(line_for(lines, ("lesson",)), f"lesson {quiz.lesson!r} already has a quiz in "
                                                      f"{by_lesson[quiz.lesson]}: a lesson has one check quiz")
            by_lesson.setdefault(quiz.lesson, quiz.source_path)
        if quiz.kind == "final":
            if final is not None:
                log.add(line_for(lines, ("kind",)), f"the course already has a final assessment in {final}")
            final = final or quiz.source_path


def _render_texts(definition: dict[str, Any], question) -> dict[str, str]:
    """Render every piece of author text a page may show, keyed by the text itself."""
    texts: set[str] = set()

    def collect(value: Any, key: str | None = None) -> None:
        if isinstance(value, str):
            if key not in NON_TEXT_KEYS:
                texts.add(value)
        elif isinstance(value, dict):
            for child_key, child in value.items():
                collect(child, str(child_key))
        elif isinstance(value, list):
            for child in value:
                collect(child, key)

    collect({key: value for key, value in definition.items() if key not in ("prompt", "source")})
    collect(question.public())
    return {text: render_inline(text) for text in sorted(texts)}


def _field_path(field: str) -> tuple[str | int, ...]:
    path: list[str | int] = []
    for name, index in FIELD_PART.findall(field):
        if index:
            path.append(int(index))
        else:
            path.append(name)
    return tuple(path)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _as_datetime(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value.astimezone(UTC) if value.tzinfo else None
    if isinstance(value, date):
        return None
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
        return parsed.astimezone(UTC) if parsed.tzinfo else None
    return None
