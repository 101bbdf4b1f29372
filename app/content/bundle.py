"""The whole content tree (course and quizzes), read and validated together so a sync is all or nothing."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app.content.course_files import CourseFiles, collect_course, display_namer
from app.content.problems import ContentInvalid, ContentProblem
from app.content.quiz_files import QuizFile, read_quizzes


@dataclass(frozen=True)
class ContentBundle:
    """A validated course and its quizzes."""

    course: CourseFiles
    quizzes: tuple[QuizFile, ...]


def read_content(course_dir: Path, quizzes_dir: Path, display_root: Path | None = None) -> ContentBundle:
    """Read and cross-check course/ and quizzes/; raise ContentInvalid listing every problem in every file."""
    problems: list[ContentProblem] = []
    shown = display_namer(display_root or course_dir.parent)
    course = collect_course(course_dir, problems, shown)
    quizzes = read_quizzes(quizzes_dir, course, problems, shown)
    if problems or course is None:
        raise ContentInvalid(problems)
    return ContentBundle(course=course, quizzes=quizzes)
