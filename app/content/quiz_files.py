"""Quizzes in the file format (quizzes/*.yaml, browser drafts, imports): one parser for every source."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Protocol

from app.content.course_files import SLUG, CourseFiles
from app.content.problems import ContentProblem, ProblemLog
from app.content.rendering import render_inline, render_markdown
from app.content.yaml_lines import YamlSyntaxError, check_keys, line_for, load_with_lines
from app.engine import GRADING_METHODS, QuestionError, build_question
from app.engine.draws import DRAW_KEYS, DrawRule, question_group
from app.engine.quiz_rules import FEEDBACK_MODES, REVIEW_ITEMS, QuizSettings

QUIZ_KEYS = ("id", "title", "kind", "lesson", "description", "settings", "questions")
QUESTION_KEYS = ("id", "type", "prompt", "points", "source", "group", "objective", "general_feedback")
QUESTION_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,79}$")
FIELD_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")
# Strings in a definition that are not shown to anyone as text.
NON_TEXT_KEYS = {"id", "type", "group", "objective", "weight", "value", "tolerance", "min", "max", "correct", "shuffle"}
_DEFAULTS = {item.name: item.default for item in fields(QuizSettings)}


class Outline(Protocol):
    """What the parser needs of a lesson: its id, its headings (each with `id` and `text`) and its objectives."""

    key: str
    headings: Any
    objectives: tuple[str, ...]


@dataclass(frozen=True)
class Setting:
    """One quiz setting as the file format writes it: its check, its message, and the QuizSettings field(s) it sets.

    The defaults are QuizSettings' own, so they are written once.
    """

    key: str
    rule: str
    read: Callable[[Any], dict[str, Any] | None]


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_whole(value: Any, low: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= low


def _number(target: str, low: float, high: float) -> Callable[[Any], dict[str, Any] | None]:
    return lambda value: {target: float(value)} if _is_number(value) and low <= value <= high else None


def _whole(target: str, low: int, scale: int = 1) -> Callable[[Any], dict[str, Any] | None]:
    return lambda value: {target: value * scale} if _is_whole(value, low) else None


def _choice(target: str, allowed) -> Callable[[Any], dict[str, Any] | None]:
    return lambda value: {target: value} if value in allowed else None


def _attempts(value: Any) -> dict[str, Any] | None:
    if value == "unlimited" or value is None:
        return {"attempts": None}
    return {"attempts": value} if _is_whole(value, 1) else None


def _moment(target: str) -> Callable[[Any], dict[str, Any] | None]:
    def read(value: Any) -> dict[str, Any] | None:
        if value is None:
            return {}
        moment = as_datetime(value)
        return {target: moment} if moment else None
    return read


def _draw(value: Any) -> dict[str, Any] | None:
    """`draw: N`, or a mapping by group: {per_group: n, groups: {name: n}, any: n} (see app.engine.draws)."""
    if _is_whole(value, 1):
        return {"draw": value}
    if not isinstance(value, dict) or not value or any(key not in DRAW_KEYS for key in value):
        return None
    groups = value.get("groups", {})
    if not isinstance(groups, dict) or ("groups" in value and not groups):
        return None
    counts = [value.get("per_group", 0), value.get("any", 0), *groups.values()]
    if not all(_is_whole(count, 0) for count in counts):
        return None
    return {"draw": {key: dict(groups) if key == "groups" else value[key] for key in DRAW_KEYS if key in value}}


def _review(value: Any) -> dict[str, Any] | None:
    if not isinstance(value, dict) or any(phase not in ("after_submit", "after_close") for phase in value):
        return None
    out = {}
    for phase, items in value.items():
        if not isinstance(items, list) or any(item not in REVIEW_ITEMS for item in items):
            return None
        out[f"review_{phase}"] = tuple(items)
    return out


SETTINGS: tuple[Setting, ...] = (
    Setting("pass_mark", "must be a percentage from 0 to 100", _number("pass_mark", 0, 100)),
    Setting("attempts", "must be a whole number from 1, or `unlimited`", _attempts),
    Setting("grading", f"must be one of {', '.join(GRADING_METHODS)}", _choice("grading", GRADING_METHODS)),
    Setting("time_limit_minutes", "must be a whole number from 1", _whole("time_limit_seconds", 1, 60)),
    Setting("grace_seconds", "must be a whole number from 0", _whole("grace_seconds", 0)),
    Setting("opens", "must be an ISO 8601 date-time with a time zone, e.g. 2026-01-31T17:00:00Z", _moment("opens")),
    Setting("closes", "must be an ISO 8601 date-time with a time zone, e.g. 2026-01-31T17:00:00Z",
            _moment("closes")),
    Setting("draw", "must be a whole number from 1, or a mapping by group such as `{per_group: 2, any: 4}` or "
                    "`{groups: {lesson-1: 2, lesson-2: 3}, any: 4}` (counts are whole numbers from 0)", _draw),
    Setting("shuffle_questions", "must be true or false", _choice("shuffle_questions", (True, False))),
    Setting("questions_per_page", "must be a whole number from 1", _whole("questions_per_page", 1)),
    Setting("feedback", f"must be one of {', '.join(FEEDBACK_MODES)}", _choice("feedback", FEEDBACK_MODES)),
    Setting("penalty", "must be a fraction from 0 to 1 (0.1 = 10% per extra try)", _number("penalty", 0, 1)),
    Setting("review", "must be a mapping with `after_submit` and/or `after_close`, each a list of some of: "
                      + ", ".join(REVIEW_ITEMS), _review),
)
SETTING_KEYS = tuple(setting.key for setting in SETTINGS)


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
    # The quiz as its author wrote it (file format, JSON-able): what export writes back and the editor edits.
    document: dict[str, Any] = field(default_factory=dict, compare=False)
    # Where each key path of the document was written (empty for a browser draft), for file:line warnings.
    lines: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def content_hash(self) -> str:
        """A fingerprint of what a version stores: a new version is made only when it changes."""
        payload = {
            "title": self.title, "kind": self.kind, "lesson": self.lesson, "description": self.description_html,
            "settings": self.settings.to_json(), "questions": [q.to_json() for q in self.questions],
        }
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


@dataclass(frozen=True)
class ParsedQuiz:
    """The outcome of parsing one quiz: the quiz if it is valid, and every problem found."""

    quiz: QuizFile | None
    document: Any
    problems: tuple[ContentProblem, ...]
    lines: dict = field(default_factory=dict, compare=False)


def parse_quiz(text: str, lessons: Mapping[str, Outline] | None, path: str = "quiz") -> ParsedQuiz:
    """Parse and validate one quiz in the file format; problems name `path`, the line and the fix."""
    problems: list[ContentProblem] = []
    log = ProblemLog(path, problems)
    try:
        data, lines = load_with_lines(text)
    except YamlSyntaxError as exc:
        log.add(exc.line, f"{exc.message} (fix the YAML syntax)")
        return ParsedQuiz(None, None, tuple(problems))
    return parse_quiz_document(data, lessons, path, lines)


def parse_quiz_document(data: Any, lessons: Mapping[str, Outline] | None, path: str = "quiz",
                        lines: dict | None = None, draft: bool = False) -> ParsedQuiz:
    """Validate a quiz already read into a mapping (a file, a browser draft, an import).

    A draft may have no questions yet; everything else is checked as for a file.
    """
    problems: list[ContentProblem] = []
    log = ProblemLog(path, problems)
    lines = lines or {}
    if not isinstance(data, dict):
        log.add(1, "a quiz must be a mapping with id, title, settings and questions")
        return ParsedQuiz(None, data, tuple(problems), lines)
    document = normalize_document(data)
    quiz = _read_quiz(document, lines, lessons, log, draft)
    return ParsedQuiz(quiz if not problems else None, document, tuple(problems), lines)


def read_quizzes(quizzes_dir: Path, course: CourseFiles | None, problems: list[ContentProblem],
                 shown) -> tuple[QuizFile, ...]:
    """Parse every quiz file; problems are appended, and cross-checks against the course run if it is valid."""
    if not quizzes_dir.is_dir():
        return ()
    lessons = {lesson.key: lesson for lesson in course.lessons} if course else None
    parsed: list[ParsedQuiz] = []
    for path in sorted(quizzes_dir.glob("*.y*ml")):
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            problems.append(ContentProblem(shown(path), 1, "the file is not UTF-8 text: save it as UTF-8"))
            continue
        result = parse_quiz(text, lessons, shown(path))
        problems.extend(result.problems)
        if result.quiz is not None:
            parsed.append(result)
    _check_across(parsed, problems)
    return tuple(result.quiz for result in parsed)


def normalize_document(data: dict[str, Any]) -> dict[str, Any]:
    """The document as JSON-able values: YAML's dates and date-times become ISO 8601 text."""
    def clean(value: Any) -> Any:
        if isinstance(value, datetime):
            moment = value.astimezone(UTC) if value.tzinfo else value
            return moment.isoformat().replace("+00:00", "Z")
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, dict):
            return {str(key): clean(child) for key, child in value.items()}
        if isinstance(value, list | tuple):
            return [clean(child) for child in value]
        return value

    return clean(data)


def _read_quiz(data: dict[str, Any], lines: dict, lessons: Mapping[str, Outline] | None,
               log: ProblemLog, draft: bool = False) -> QuizFile | None:
    before = len(log.problems)
    check_keys(data, lines, (), QUIZ_KEYS, ("id", "title", "questions"), log)
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
    if lesson is not None and lessons is not None and lesson not in lessons:
        log.add(line_for(lines, ("lesson",)), f"`lesson` {lesson!r} names no lesson in course/: use a lesson's id")
    description = data.get("description", "")
    if not isinstance(description, str):
        log.add(line_for(lines, ("description",)), "`description` must be Markdown text")
        description = ""
    settings = read_settings(data.get("settings") or {}, lines, log)
    if draft and data.get("questions") == []:
        questions: tuple[QuestionFile, ...] | None = ()
    else:
        questions = _read_questions(data.get("questions"), lines, lesson if kind == "lesson" else None, lessons, log)
    rule = DrawRule.of(settings.draw) if settings is not None else None
    if rule is not None and questions:
        for where, message in rule.problems([question_group(q.definition) for q in questions]):
            log.add(line_for(lines, ("settings", "draw", *where)), message)
    if len(log.problems) > before or settings is None or questions is None:
        return None
    return QuizFile(
        key=key, title=data["title"].strip(), kind=kind, lesson=lesson,
        description_html=render_markdown(description).html if description else "",
        settings=settings, questions=questions, source_path=log.path, document=data, lines=lines,
    )


def read_settings(raw: Any, lines: dict, log: ProblemLog) -> QuizSettings | None:
    """Check the `settings` mapping against SETTINGS and build QuizSettings (unset ones keep their defaults)."""
    where = ("settings",)
    if not isinstance(raw, dict):
        log.add(line_for(lines, where), "`settings` must be a mapping of setting: value")
        return None
    values = dict(_DEFAULTS)
    ok = True

    def bad(key: str, message: str) -> None:
        nonlocal ok
        log.add(line_for(lines, (*where, key)), f"setting `{key}` {message}")
        ok = False

    for key in raw:
        if key not in SETTING_KEYS:
            bad(key, f"is unknown: the settings are {', '.join(SETTING_KEYS)}")
    for setting in SETTINGS:
        if setting.key not in raw:
            continue
        read = setting.read(raw[setting.key])
        if read is None:
            bad(setting.key, setting.rule)
        else:
            values.update(read)
    if values["opens"] and values["closes"] and values["closes"] <= values["opens"]:
        bad("closes", "must be after `opens`")
    if values["penalty"] and values["feedback"] != "immediate":
        bad("penalty", "only applies with `feedback: immediate`: remove it or switch the mode")
    return QuizSettings(**values) if ok else None


def _read_questions(raw: Any, lines: dict, default_lesson: str | None, lessons: Mapping[str, Outline] | None,
                    log: ProblemLog) -> tuple[QuestionFile, ...] | None:
    if not isinstance(raw, list) or not raw:
        log.add(line_for(lines, ("questions",)), "`questions` must be a non-empty list of questions")
        return None
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
        group = item.get("group")
        if "group" in item and not (isinstance(group, str) and group.strip() and group == group.strip()):
            log.add(line_for(lines, (*where, "group")), "`group` must be a name (text, no surrounding spaces) "
                                                        "that questions drawn together share, e.g. `lesson-1`")
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
        if heading and lessons is not None and "objective" in item:
            _check_objective(item["objective"], lessons[heading[0]], lines, where, log)
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


def question_objectives(definition: Mapping[str, Any]) -> tuple[int, ...]:
    """The numbers (1-based, in the source lesson's front matter) of the objectives a question assesses."""
    value = definition.get("objective")
    if value is None:
        return ()
    return tuple(value) if isinstance(value, list) else (value,)


def _check_objective(value: Any, lesson: Outline, lines, where, log: ProblemLog) -> None:
    count = len(lesson.objectives)
    numbers = value if isinstance(value, list) else [value]
    if not numbers or not all(_is_whole(number, 1) and number <= count for number in numbers):
        log.add(line_for(lines, (*where, "objective")),
                f"`objective` must be the number of an objective of lesson {lesson.key!r} (1 to {count}), "
                "or a list of such numbers: the lesson's front matter lists them in order")


def _check_across(parsed: list[ParsedQuiz], problems: list[ContentProblem]) -> None:
    """Quiz ids are unique, a lesson has one check quiz, and a course one final."""
    keys: dict[str, str] = {}
    by_lesson: dict[str, str] = {}
    final: str | None = None
    for result in parsed:
        quiz, lines = result.quiz, result.lines
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


def as_datetime(value: Any) -> datetime | None:
    """A date-time with a time zone, from YAML's own value or ISO 8601 text; None for anything else."""
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
