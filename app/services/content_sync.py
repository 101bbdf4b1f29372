"""Load validated course files into the database, keeping stable ids so progress survives edits."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.content.course_files import CourseFiles, LessonFile
from app.models import Course, Lesson, utcnow


@dataclass
class SyncReport:
    """What a sync did, by content item ("lesson 02-...", "course ...")."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)

    @property
    def wrote_anything(self) -> bool:
        """Whether the sync changed the database at all."""
        return bool(self.added or self.changed or self.retired)


def sync_course(session: Session, files: CourseFiles) -> SyncReport:
    """Upsert the course and its lessons by stable key; retire lessons whose files are gone."""
    report = SyncReport()
    course = session.scalars(select(Course).where(Course.key == files.key)).one_or_none()
    course_fields = {
        "title": files.title,
        "summary_html": files.summary_html,
        "about_title": files.about.title if files.about else "",
        "about_html": files.about.body_html if files.about else "",
        "source_title": files.source_title,
        "source_dated": files.source_dated,
        "content_hash": files.content_hash,
    }
    label = f"course {files.key}"
    if course is None:
        course = Course(key=files.key, **course_fields)
        session.add(course)
        report.added.append(label)
    elif course.content_hash != files.content_hash:
        _assign(course, course_fields)
        report.changed.append(label)
    else:
        report.unchanged.append(label)
    session.flush()

    existing = {lesson.key: lesson for lesson in session.scalars(select(Lesson).where(Lesson.course_id == course.id))}
    for lesson_file in files.lessons:
        label = f"lesson {lesson_file.key}"
        lesson = existing.pop(lesson_file.key, None)
        fields = _lesson_fields(lesson_file)
        if lesson is None:
            session.add(Lesson(course_id=course.id, key=lesson_file.key, **fields))
            report.added.append(label)
        elif lesson.content_hash != fields["content_hash"] or lesson.retired_at is not None:
            _assign(lesson, fields | {"retired_at": None})
            report.changed.append(label)
        else:
            report.unchanged.append(label)
    for lesson in existing.values():
        if lesson.retired_at is None:
            lesson.retired_at = utcnow()
            report.retired.append(f"lesson {lesson.key}")
    session.flush()
    return report


def _lesson_fields(lesson: LessonFile) -> dict:
    return {
        "title": lesson.title,
        "position": lesson.order,
        "quiz_key": lesson.quiz,
        "minutes": lesson.minutes,
        "objectives": list(lesson.objectives),
        "source_sections": list(lesson.source_sections),
        "headings": [asdict(heading) for heading in lesson.headings],
        "body_html": lesson.body_html,
        "source_path": lesson.source_path,
        "content_hash": lesson.content_hash,
    }


def _assign(target, fields: dict) -> None:
    for name, value in fields.items():
        setattr(target, name, value)
    target.updated_at = utcnow()
