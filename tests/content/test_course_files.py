"""Validation of course folders: every problem names the file, the line and the fix."""

import shutil
from pathlib import Path

import pytest

from app.content.course_files import read_course
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
         "course/03-gamma.md:30: `## Discussion questions` has 1 numbered question(s)"),
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
