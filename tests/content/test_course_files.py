"""Validation of course folders: every problem names the file, the line and the fix."""

import shutil
from pathlib import Path

import pytest

from app.content.course_files import LessonRules, NumberedList, read_course
from app.content.problems import ContentInvalid

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "course"
REPO_COURSE = Path(__file__).resolve().parents[2] / "course"


@pytest.fixture()
def course_dir(tmp_path):
    target = tmp_path / "course"
    shutil.copytree(FIXTURE, target)
    return target


def problems_for(course_dir) -> list[str]:
    with pytest.raises(ContentInvalid) as caught:
        read_course(course_dir)
    return [str(problem) for problem in caught.value.problems]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"fixture text {old!r} not found in {path.name}"
    path.write_text(text.replace(old, new, 1))


def test_fixture_course_reads(course_dir):
    course = read_course(course_dir)
    assert course.key == "test-course"
    assert [lesson.key for lesson in course.lessons] == ["alpha", "beta", "gamma"]
    assert course.about is not None and course.about.title == "About this module"
    alpha = course.lessons[0]
    assert alpha.objectives == ("Explain the alpha idea", "Compare it with the others")
    assert [h.text for h in alpha.headings][:2] == ["Key terms", "The alpha idea"]
    assert "<em>emphasis</em>" in alpha.body_html
    assert course.lesson_rules == LessonRules(
        required_sections=("Key terms", "Summary", "Discussion questions"),
        content_after="Key terms",
        numbered_list=NumberedList("Discussion questions", 2, 3),
    )


def test_the_real_course_is_valid():
    course = read_course(REPO_COURSE)
    assert len(course.lessons) >= 6
    covered = [section for lesson in course.lessons for section in lesson.source_sections]
    assert sorted(covered) == sorted(course.sections)
    assert len(course.sections) == 17
    assert course.about is not None


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        ("01-alpha.md", "minutes: 10", "minutes: ten", "course/01-alpha.md:5: `minutes` must be a whole number"),
        ("01-alpha.md", "id: alpha", "id: Alpha Lesson", "course/01-alpha.md:2: `id` must be lowercase"),
        ("01-alpha.md", "order: 1\n", "", "course/01-alpha.md:2: missing key `order`"),
        ("01-alpha.md", "minutes: 10", "minutes: 10\nauthor: me", "course/01-alpha.md:6: unknown key 'author'"),
        ("02-beta.md", "id: beta", "id: alpha",
         "course/02-beta.md:2: id 'alpha' is already used by course/01-alpha.md"),
        ("02-beta.md", "order: 2", "order: 1", "course/02-beta.md:4: order 1 is already used"),
        ("02-beta.md", "  - Second Section", "  - Second Sektion",
         "course/02-beta.md:10: source section 'Second Sektion' is not in course.yaml"),
        ("02-beta.md", "  - Second Section", "  - First Section",
         "course/02-beta.md:10: source section 'First Section' is already covered by course/01-alpha.md"),
        ("03-gamma.md", "## Summary", "## Recap", "course/03-gamma.md:12: the lesson has no `## Summary` section"),
        ("03-gamma.md", "2. What would change without gamma?", "",
         "course/03-gamma.md:30: `## Discussion questions` has 1 numbered item(s): write 2 or 3"),
        ("01-alpha.md", "The alpha idea matters.\n", "The alpha idea matters.\n\n## An afterthought\n\nMore.\n",
         "course/01-alpha.md:30: `## An afterthought` is out of place: content sections go after `## Key terms` "
         "and before `## Summary`"),
        ("03-gamma.md", "title: Gamma lesson", "title: [unclosed",
         "course/03-gamma.md:4: invalid YAML: while parsing a flow sequence (line 3)"),
        ("03-gamma.md", "---\nid", "id", "course/03-gamma.md:1: the file must start with a front matter block"),
        ("about.md", "kind: page", "kind: poster", "course/about.md:4: unknown kind 'poster'"),
        ("course.yaml", "    - Third Section", "    - Third Section\n    - Fourth Section",
         "course/course.yaml:11: source section 'Fourth Section' is covered by no lesson"),
    ],
)
def test_problems_name_file_line_and_fix(course_dir, file, old, new, expected):
    edit(course_dir / file, old, new)
    problems = problems_for(course_dir)
    assert any(problem.startswith(expected) for problem in problems), problems


def test_all_problems_reported_at_once(course_dir):
    edit(course_dir / "01-alpha.md", "minutes: 10", "minutes: 0")
    edit(course_dir / "03-gamma.md", "## Key terms", "## Glossary")
    problems = problems_for(course_dir)
    assert any(p.startswith("course/01-alpha.md:") for p in problems)
    assert any(p.startswith("course/03-gamma.md:") for p in problems)


def test_sections_out_of_order(course_dir):
    path = course_dir / "01-alpha.md"
    text = path.read_text()
    summary = "## Summary\n\nThe alpha idea matters.\n\n"
    path.write_text(text.replace(summary, "").replace("## Key terms", summary + "## Key terms"))
    problems = problems_for(course_dir)
    assert any("is out of order" in p for p in problems), problems


def test_not_utf8(course_dir):
    (course_dir / "01-alpha.md").write_bytes("---\nid: alpha\ntitle: caf\xe9\n---\n".encode("latin-1"))
    assert any("not UTF-8" in p for p in problems_for(course_dir))


# A course with rules of its own, replacing the fixture's `lessons:` mapping (the last thing in its course.yaml).
OTHER_RULES = """lessons:
  required_sections: [Overview, Readings, Exercises]
  content_after: Overview
  numbered_list:
    section: Exercises
    min: 1
    max: 5
"""


def set_lesson_rules(course_dir: Path, rules: str) -> None:
    path = course_dir / "course.yaml"
    text = path.read_text()
    path.write_text(text[: text.index("lessons:")] + rules)


def rewrite_bodies(course_dir: Path, body: str) -> None:
    """Give every lesson the same body (after its own front matter); `{name}` becomes the lesson's name."""
    for path in sorted(course_dir.glob("0*.md")):
        front_matter = path.read_text().split("\n---\n", 1)[0]
        path.write_text(f"{front_matter}\n---\n" + body.format(name=path.stem.split("-", 1)[1]))


OTHER_BODY = """Intro.

## Overview

About {name}.

## The {name} idea

Content.

## Readings

- A book.

## Exercises

1. Do one.
"""


@pytest.fixture()
def other_course(course_dir):
    set_lesson_rules(course_dir, OTHER_RULES)
    rewrite_bodies(course_dir, OTHER_BODY)
    return course_dir


def test_a_course_declares_its_own_lesson_rules(other_course):
    course = read_course(other_course)
    assert course.lesson_rules == LessonRules(("Overview", "Readings", "Exercises"), "Overview",
                                              NumberedList("Exercises", 1, 5))
    assert [h.text for h in course.lessons[1].headings] == ["Overview", "The beta idea", "Readings", "Exercises"]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("## Readings", "## Reading list",
         "course/02-beta.md:12: the lesson has no `## Readings` section: add one "
         "(course.yaml's lessons.required_sections: Overview, Readings, Exercises, in this order)"),
        ("1. Do one.\n", "".join(f"{n}. Do one.\n" for n in range(1, 7)),
         "course/02-beta.md:26: `## Exercises` has 6 numbered item(s): write 1 to 5 (`1. ...`), "
         "as course.yaml's lessons.numbered_list asks"),
        ("1. Do one.\n", "Do one.\n", "course/02-beta.md:26: `## Exercises` has 0 numbered item(s): write 1 to 5"),
        ("## The beta idea\n\nContent.\n\n## Readings\n\n- A book.\n",
         "## Readings\n\n- A book.\n\n## The beta idea\n\nContent.\n",
         "course/02-beta.md:22: `## The beta idea` is out of place: content sections go after `## Overview` "
         "and before `## Readings` (course.yaml's lessons.content_after)"),
        ("## Exercises\n\n1. Do one.\n", "## Exercises\n\n1. Do one.\n\n## Summary\n\nDone.\n",
         "course/02-beta.md:30: `## Summary` is out of place: content sections go after `## Overview` and before"),
    ],
)
def test_lessons_are_checked_by_the_course_rules(other_course, old, new, expected):
    edit(other_course / "02-beta.md", old, new)
    problems = problems_for(other_course)
    assert any(problem.startswith(expected) for problem in problems), problems
    assert all(problem.startswith("course/02-beta.md:") for problem in problems), problems


def test_the_old_rules_no_longer_apply_to_a_course_with_its_own(course_dir):
    set_lesson_rules(course_dir, OTHER_RULES)
    problems = problems_for(course_dir)
    assert "course/01-alpha.md:12: the lesson has no `## Overview` section: add one " \
           "(course.yaml's lessons.required_sections: Overview, Readings, Exercises, in this order)" in problems
    assert not any("Key terms" in problem or "Discussion questions" in problem for problem in problems), problems


def test_a_course_without_lesson_rules_asks_for_no_sections(course_dir):
    set_lesson_rules(course_dir, "")
    rewrite_bodies(course_dir, "Just the {name} text.\n\n## Anything at all\n\nMore.\n")
    course = read_course(course_dir)
    assert course.lesson_rules == LessonRules()
    assert [h.text for h in course.lessons[0].headings] == ["Anything at all"]
    # Unique headings are universal: quiz feedback links to them.
    edit(course_dir / "01-alpha.md", "More.", "More.\n\n## Anything at all\n")
    assert problems_for(course_dir) == [
        "course/01-alpha.md:18: heading `## Anything at all` repeats line 14: give each section its own title"]


def test_lesson_rules_are_part_of_the_course_hash(course_dir):
    before = read_course(course_dir).content_hash
    edit(course_dir / "course.yaml", "max: 3", "max: 4")
    assert read_course(course_dir).content_hash != before


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("lessons:\n", "lessons: [Key terms]\nunused:\n",
         "course/course.yaml:11: `lessons` must be a mapping with any of content_after, numbered_list, "
         "required_sections"),
        ("  content_after:", "  sections: [Summary]\n  content_after:",
         "course/course.yaml:14: unknown key 'sections': the keys allowed here are content_after, numbered_list, "
         "required_sections"),
        ("[Key terms, Summary, Discussion questions]", "Key terms, Summary",
         "course/course.yaml:13: `lessons.required_sections` must list section headings without `##`"),
        ("[Key terms, Summary, Discussion questions]", "[Key terms, Summary, Key terms, Discussion questions]",
         "course/course.yaml:13: section 'Key terms' is listed twice in lessons.required_sections: remove one"),
        ("content_after: Key terms", "content_after: Readings",
         "course/course.yaml:14: `lessons.content_after` must be one of lessons.required_sections "
         "(Key terms, Summary, Discussion questions)"),
        ("section: Discussion questions", "section: Exercises",
         "course/course.yaml:16: `lessons.numbered_list.section` must be one of lessons.required_sections"),
        ("    section: Discussion questions\n", "",
         "course/course.yaml:15: missing key `section` in lessons.numbered_list: add `section: ...`"),
        ("min: 2", "min: two", "course/course.yaml:17: `lessons.numbered_list.min` must be a whole number, 1 or more"),
        ("max: 3", "max: 0", "course/course.yaml:18: `lessons.numbered_list.max` must be a whole number, 1 or more"),
        ("min: 2", "min: 4",
         "course/course.yaml:17: `lessons.numbered_list.min` (4) is more than `max` (3): lower min or raise max"),
        ("  numbered_list:\n", "  numbered_list: [Discussion questions]\n  unused:\n",
         "course/course.yaml:15: `lessons.numbered_list` must be a mapping with section, min and max"),
    ],
)
def test_malformed_lesson_rules_load_nothing(course_dir, old, new, expected):
    edit(course_dir / "course.yaml", old, new)
    problems = problems_for(course_dir)
    assert any(problem.startswith(expected) for problem in problems), problems
    # Lessons are not judged by rules that could not be read.
    assert all(problem.startswith("course/course.yaml:") for problem in problems), problems
