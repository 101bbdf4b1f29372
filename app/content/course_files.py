"""Read and validate a course folder: course.yaml, one Markdown file per lesson, an About page."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from app.content.front_matter import split_front_matter
from app.content.problems import ContentInvalid, ContentProblem, ProblemLog
from app.content.rendering import Heading, render_markdown
from app.content.yaml_lines import check_keys, line_for, read_mapping_file

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LESSON_KEYS = {"id", "title", "order", "minutes", "objectives", "source_sections"}
REQUIRED_LESSON_KEYS = ("id", "title", "order", "minutes", "objectives", "source_sections")
PAGE_KEYS = {"id", "title", "kind"}
COURSE_KEYS = {"id", "title", "summary", "source", "lessons"}
REQUIRED_COURSE_KEYS = ("id", "title", "summary", "source")
SOURCE_KEYS = {"title", "dated", "sections"}
# A course's own rules for its lessons' sections (`lessons:` in course.yaml); every key is optional.
LESSON_RULE_KEYS = {"required_sections", "content_after", "numbered_list"}
NUMBERED_LIST_KEYS = {"section", "min", "max"}
H2 = re.compile(r"^##\s+(.+?)\s*#*\s*$")
NUMBERED_ITEM = re.compile(r"^\d+[.)]\s+\S")


@dataclass(frozen=True)
class NumberedList:
    """A section that must hold a numbered list of `min` to `max` items (`max` None: no upper limit)."""

    section: str
    min: int = 1
    max: int | None = None


@dataclass(frozen=True)
class LessonRules:
    """The sections a course asks of each lesson, from `lessons:` in course.yaml; the defaults ask nothing."""

    required_sections: tuple[str, ...] = ()
    # Content sections (any other `##` heading) go after this one and before the next required one.
    content_after: str | None = None
    numbered_list: NumberedList | None = None


@dataclass(frozen=True)
class LessonFile:
    """A validated lesson, rendered and ready to store."""

    key: str
    title: str
    order: int
    minutes: int
    objectives: tuple[str, ...]
    source_sections: tuple[str, ...]
    body_html: str
    headings: tuple[Heading, ...]
    source_path: str

    @property
    def content_hash(self) -> str:
        """A fingerprint of everything stored, so sync can tell changed from unchanged."""
        return _fingerprint(asdict(self))


@dataclass(frozen=True)
class PageFile:
    """A non-lesson page of the course, such as "About this module"."""

    key: str
    title: str
    body_html: str
    source_path: str


@dataclass(frozen=True)
class CourseFiles:
    """A whole validated course folder."""

    key: str
    title: str
    summary_html: str
    source_title: str
    source_dated: str
    sections: tuple[str, ...]
    lessons: tuple[LessonFile, ...]
    about: PageFile | None
    lesson_rules: LessonRules = field(default_factory=LessonRules)

    @property
    def content_hash(self) -> str:
        """A fingerprint of the course's own fields, lesson rules and About page (lessons are hashed apart)."""
        fields = asdict(self)
        fields.pop("lessons")
        return _fingerprint(fields)


def _fingerprint(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()


def read_course(course_dir: Path, display_root: Path | None = None) -> CourseFiles:
    """Parse and validate every file of a course folder; raise ContentInvalid listing all problems."""
    problems: list[ContentProblem] = []
    course = collect_course(course_dir, problems, display_namer(display_root or course_dir.parent))
    if problems or course is None:
        raise ContentInvalid(problems)
    return course


def display_namer(root: Path):
    """A function naming files relative to root, as problems show them."""

    def shown(path: Path) -> str:
        try:
            return str(path.relative_to(root))
        except ValueError:
            return str(path)

    return shown


def collect_course(course_dir: Path, problems: list[ContentProblem], shown) -> CourseFiles | None:
    """Parse a course folder, appending problems; returns None if it cannot be used."""
    start = len(problems)
    course_path = course_dir / "course.yaml"
    course_log = ProblemLog(shown(course_path), problems)
    loaded = _load_course_yaml(course_path, course_log)
    meta = _check_course_yaml(*loaded, course_log) if loaded else None
    rules = _read_lesson_rules(*loaded, course_log) if loaded else None
    lessons: list[tuple[LessonFile, dict]] = []
    pages: list[tuple[PageFile, dict]] = []
    for path in sorted(course_dir.glob("*.md")):
        log = ProblemLog(shown(path), problems)
        # Rules that could not be read are reported in course.yaml (so nothing loads); checking the
        # lessons against no rules meanwhile keeps their own problems without guessing at the course's.
        parsed = _read_markdown_file(path, log, rules or LessonRules())
        if isinstance(parsed, tuple) and isinstance(parsed[0], LessonFile):
            lessons.append(parsed)
        elif parsed is not None:
            pages.append(parsed)
    if meta is not None:
        _check_course(meta, lessons, pages, problems, shown(course_path))
    if meta is None or rules is None or len(problems) > start:
        return None
    course_meta, _ = meta
    about = next((page for page, _ in pages if page.key == "about"), None)
    return CourseFiles(
        key=course_meta["id"],
        title=course_meta["title"],
        summary_html=render_markdown(course_meta["summary"]).html,
        source_title=course_meta["source"]["title"],
        source_dated=str(course_meta["source"]["dated"]),
        sections=tuple(course_meta["source"]["sections"]),
        lessons=tuple(sorted((lesson for lesson, _ in lessons), key=lambda item: item.order)),
        about=about,
        lesson_rules=rules,
    )


def _load_course_yaml(path: Path, log: ProblemLog) -> tuple[dict, dict] | None:
    if not path.is_file():
        log.add(1, "missing course.yaml: create it with keys id, title, summary and source")
        return None
    return read_mapping_file(path, log, "keys id, title, summary and source")


def _check_course_yaml(data: dict, lines: dict, log: ProblemLog) -> tuple[dict, dict] | None:
    ok = check_keys(data, lines, (), COURSE_KEYS, REQUIRED_COURSE_KEYS, log)
    ok &= _check_slug(data, lines, log)
    for key in ("title", "summary"):
        ok &= _check_text(data, lines, key, log)
    source = data.get("source")
    if not isinstance(source, dict):
        log.add(line_for(lines, ("source",)), "`source` must be a mapping with title, dated and sections")
        return None
    ok &= check_keys(source, lines, ("source",), SOURCE_KEYS, SOURCE_KEYS, log)
    sections = source.get("sections")
    if not isinstance(sections, list) or not sections or not all(isinstance(s, str) and s for s in sections):
        log.add(line_for(lines, ("source", "sections")), "`source.sections` must list the source's section headings")
        return None
    for index, section in enumerate(sections):
        if sections.index(section) != index:
            log.add(line_for(lines, ("source", "sections", index)), f"section {section!r} is listed twice: remove one")
            ok = False
    return (data, lines) if ok else None


def _read_lesson_rules(data: dict, lines: dict, log: ProblemLog) -> LessonRules | None:
    """Read course.yaml's `lessons:` rules; None (with problems logged) if they are malformed."""
    if "lessons" not in data:
        return LessonRules()
    rules = data["lessons"]
    if not isinstance(rules, dict):
        log.add(line_for(lines, ("lessons",)),
                f"`lessons` must be a mapping with any of {', '.join(sorted(LESSON_RULE_KEYS))}")
        return None
    start = len(log.problems)
    check_keys(rules, lines, ("lessons",), LESSON_RULE_KEYS, (), log)
    required = rules.get("required_sections", [])
    if not isinstance(required, list) or not all(isinstance(name, str) and name.strip() for name in required):
        log.add(line_for(lines, ("lessons", "required_sections")),
                "`lessons.required_sections` must list section headings without `##`, in lesson order "
                "(`[Key terms, Summary]`)")
        return None
    for index, name in enumerate(required):
        if required.index(name) != index:
            log.add(line_for(lines, ("lessons", "required_sections", index)),
                    f"section {name!r} is listed twice in lessons.required_sections: remove one")
    listed = f"one of lessons.required_sections ({', '.join(required) or 'none listed'})"
    content_after = rules.get("content_after")
    if "content_after" in rules and content_after not in required:
        log.add(line_for(lines, ("lessons", "content_after")),
                f"`lessons.content_after` must be {listed}: content sections go after it")
    numbered = None
    if "numbered_list" in rules:
        numbered = _read_numbered_list(rules["numbered_list"], lines, required, listed, log)
    if len(log.problems) > start:
        return None
    return LessonRules(tuple(required), content_after, numbered)


def _read_numbered_list(spec, lines: dict, required: list, listed: str, log: ProblemLog) -> NumberedList | None:
    path = ("lessons", "numbered_list")
    if not isinstance(spec, dict):
        log.add(line_for(lines, path), "`lessons.numbered_list` must be a mapping with section, min and max")
        return None
    ok = check_keys(spec, lines, path, NUMBERED_LIST_KEYS, ("section",), log)
    # The list's section must be required: otherwise a lesson without it would skip the count silently.
    if "section" in spec and spec["section"] not in required:
        log.add(line_for(lines, (*path, "section")), f"`lessons.numbered_list.section` must be {listed}")
        ok = False
    for key in ("min", "max"):
        value = spec.get(key)
        if key in spec and (not isinstance(value, int) or isinstance(value, bool) or value < 1):
            log.add(line_for(lines, (*path, key)), f"`lessons.numbered_list.{key}` must be a whole number, 1 or more")
            ok = False
    low, high = spec.get("min", 1), spec.get("max")
    if ok and high is not None and low > high:
        log.add(line_for(lines, (*path, "min")),
                f"`lessons.numbered_list.min` ({low}) is more than `max` ({high}): lower min or raise max")
        ok = False
    return NumberedList(spec["section"], low, high) if ok else None


def _read_markdown_file(path: Path, log: ProblemLog, rules: LessonRules):
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        log.add(1, "the file is not UTF-8 text: save it as UTF-8")
        return None
    doc = split_front_matter(text, log)
    if doc is None:
        return None
    meta, lines = doc.meta, doc.lines
    kind = meta.get("kind", "lesson")
    if kind == "page":
        ok = check_keys(meta, lines, (), PAGE_KEYS, ("id", "title", "kind"), log, top="the front matter")
        ok &= _check_slug(meta, lines, log) and _check_text(meta, lines, "title", log)
        if not doc.body.strip():
            log.add(doc.body_first_line, "the page has no content: write it below the front matter")
            ok = False
        if not ok:
            return None
        page = PageFile(meta["id"], meta["title"].strip(), render_markdown(doc.body).html, log.path)
        return page, lines
    if kind != "lesson":
        log.add(line_for(lines, ("kind",)), f"unknown kind {kind!r}: use `kind: page` or leave it out for a lesson")
        return None
    return _read_lesson(meta, lines, doc.body, doc.body_first_line, log, rules)


def _read_lesson(meta: dict, lines: dict, body: str, body_line: int, log: ProblemLog, rules: LessonRules):
    ok = check_keys(meta, lines, (), LESSON_KEYS, REQUIRED_LESSON_KEYS, log, top="the front matter")
    ok &= _check_slug(meta, lines, log)
    ok &= _check_text(meta, lines, "title", log)
    for key, low, high in (("order", 1, 10_000), ("minutes", 1, 600)):
        value = meta.get(key)
        if key in meta and (not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high):
            log.add(line_for(lines, (key,)), f"`{key}` must be a whole number from {low} to {high}")
            ok = False
    for key in ("objectives", "source_sections"):
        value = meta.get(key)
        if key in meta and (not isinstance(value, list) or not value
                            or not all(isinstance(item, str) and item.strip() for item in value)):
            log.add(line_for(lines, (key,)), f"`{key}` must be a non-empty list of text items (`- ...`)")
            ok = False
    ok &= _check_body(body, body_line, log, rules)
    if not ok:
        return None
    rendered = render_markdown(body)
    lesson = LessonFile(
        key=meta["id"],
        title=meta["title"].strip(),
        order=meta["order"],
        minutes=meta["minutes"],
        objectives=tuple(item.strip() for item in meta["objectives"]),
        source_sections=tuple(meta["source_sections"]),
        body_html=rendered.html,
        headings=rendered.headings,
        source_path=log.path,
    )
    return lesson, lines


def _check_body(body: str, first_line: int, log: ProblemLog, rules: LessonRules) -> bool:
    headings: list[tuple[int, str]] = []
    in_fence = False
    for offset, line in enumerate(body.splitlines()):
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
        match = None if in_fence else H2.match(line)
        if match:
            headings.append((first_line + offset, match.group(1)))
    names = [name for _, name in headings]
    ok = True
    position = -1
    order = ", ".join(rules.required_sections)
    for required in rules.required_sections:
        if required not in names:
            log.add(first_line, f"the lesson has no `## {required}` section: add one "
                                f"(course.yaml's lessons.required_sections: {order}, in this order)")
            ok = False
            continue
        index = names.index(required)
        if index < position:
            log.add(headings[index][0], f"`## {required}` is out of order: course.yaml's "
                                        f"lessons.required_sections puts them in the order {order}")
            ok = False
        position = max(position, index)
    # Unique headings are universal: each one is an anchor that quiz feedback links to.
    seen: dict[str, int] = {}
    for line_no, name in headings:
        if name in seen:
            log.add(line_no, f"heading `## {name}` repeats line {seen[name]}: give each section its own title")
            ok = False
        seen.setdefault(name, line_no)
    # Both checks below locate required sections, so they run only once each is there, once, in order.
    if ok and rules.content_after is not None:
        ok = _check_content_place(headings, rules, log)
    if ok and rules.numbered_list is not None:
        ok = _check_numbered_list(body, first_line, headings, rules.numbered_list, log)
    return ok


def _check_content_place(headings: list[tuple[int, str]], rules: LessonRules, log: ProblemLog) -> bool:
    required = rules.required_sections
    names = [name for _, name in headings]
    following = required[required.index(rules.content_after) + 1:]
    first, last = names.index(rules.content_after), names.index(following[0]) if following else len(names)
    where = f"after `## {rules.content_after}`" + (f" and before `## {following[0]}`" if following else "")
    ok = True
    for index, (line, name) in enumerate(headings):
        if name not in required and not first < index < last:
            log.add(line, f"`## {name}` is out of place: content sections go {where} "
                          "(course.yaml's lessons.content_after)")
            ok = False
    return ok


def _check_numbered_list(body: str, first_line: int, headings: list[tuple[int, str]], rule: NumberedList,
                         log: ProblemLog) -> bool:
    start = next(line for line, name in headings if name == rule.section)
    following = [line for line, _ in headings if line > start]
    body_lines = body.splitlines()
    end = following[0] if following else first_line + len(body_lines)
    count = sum(1 for n in range(start + 1, end) if NUMBERED_ITEM.match(body_lines[n - first_line].strip()))
    if count < rule.min or (rule.max is not None and count > rule.max):
        log.add(start, f"`## {rule.section}` has {count} numbered item(s): write {_how_many(rule)} (`1. ...`), "
                       "as course.yaml's lessons.numbered_list asks")
        return False
    return True


def _how_many(rule: NumberedList) -> str:
    if rule.max is None:
        return f"{rule.min} or more"
    if rule.max == rule.min:
        return f"exactly {rule.min}"
    return f"{rule.min} {'or' if rule.max == rule.min + 1 else 'to'} {rule.max}"


def _check_slug(data: dict, lines: dict, log: ProblemLog) -> bool:
    value = data.get("id")
    if "id" in data and not (isinstance(value, str) and SLUG.match(value)):
        log.add(line_for(lines, ("id",)),
                "`id` must be lowercase letters, digits and single hyphens (e.g. `us-interests`); "
                "keep it stable once learners use it")
        return False
    return True


def _check_text(data: dict, lines: dict, key: str, log: ProblemLog) -> bool:
    value = data.get(key)
    if key in data and not (isinstance(value, str) and value.strip()):
        log.add(line_for(lines, (key,)), f"`{key}` must be non-empty text")
        return False
    return True


def _check_course(meta, lessons, pages, problems: list[ContentProblem], course_path: str) -> None:
    course, course_lines = meta
    sections = course["source"]["sections"]
    covered: dict[str, str] = {}
    keys: dict[str, str] = {}
    orders: dict[int, str] = {}
    for lesson, lines in lessons:
        log = ProblemLog(lesson.source_path, problems)
        if lesson.key in keys:
            log.add(line_for(lines, ("id",)), f"id {lesson.key!r} is already used by {keys[lesson.key]}: "
                                              "give each lesson its own id")
        keys.setdefault(lesson.key, lesson.source_path)
        if lesson.order in orders:
            log.add(line_for(lines, ("order",)), f"order {lesson.order} is already used by "
                                                 f"{orders[lesson.order]}: give each lesson its own place")
        orders.setdefault(lesson.order, lesson.source_path)
        for index, section in enumerate(lesson.source_sections):
            line = line_for(lines, ("source_sections", index))
            if section not in sections:
                log.add(line, f"source section {section!r} is not in course.yaml's source.sections: "
                              "copy the heading exactly as listed there")
            elif section in covered:
                log.add(line, f"source section {section!r} is already covered by {covered[section]}: "
                              "cover each section in one lesson")
            else:
                covered[section] = lesson.source_path
    for page, lines in pages:
        if page.key in keys:
            ProblemLog(page.source_path, problems).add(
                line_for(lines, ("id",)), f"id {page.key!r} is already used by {keys[page.key]}")
        keys.setdefault(page.key, page.source_path)
    if lessons and not any(problem.path != course_path for problem in problems):
        course_log = ProblemLog(course_path, problems)
        for index, section in enumerate(sections):
            if section not in covered:
                course_log.add(line_for(course_lines, ("source", "sections", index)),
                               f"source section {section!r} is covered by no lesson: "
                               "add it to a lesson's source_sections")
    if not lessons:
        ProblemLog(course_path, problems).add(1, "the course has no lessons: add Markdown files beside course.yaml")
