"""Load validated course files into the database, keeping stable ids so progress survives edits."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.content.bundle import ContentBundle
from app.content.course_files import CourseFiles, LessonFile
from app.content.problems import ContentInvalid, ContentProblem
from app.content.quiz_files import QuizFile
from app.models import Attempt, Course, Lesson, Quiz, QuizVersion, User, utcnow
from app.services import audit
from app.services.attempts import submit_attempt
from app.services.quiz_versions import publish


@dataclass
class SyncReport:
    """What a sync did, by content item ("lesson 02-...", "course ...")."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)


def sync_content(session: Session, bundle: ContentBundle, prefer_files: bool = False) -> SyncReport:
    """Load a validated course and its quizzes; the caller commits once (or rolls back on ContentInvalid)."""
    report = SyncReport()
    course = sync_course(session, bundle.course, report)
    sync_quizzes(session, course, bundle.quizzes, report, prefer_files=prefer_files)
    return report


def sync_course(session: Session, files: CourseFiles, report: SyncReport | None = None) -> Course:
    """Upsert the course and its lessons by stable key; retire lessons whose files are gone."""
    report = report if report is not None else SyncReport()
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
    return course


def sync_quizzes(session: Session, course: Course, quizzes: tuple[QuizFile, ...], report: SyncReport,
                 prefer_files: bool = False) -> None:
    """Publish each quiz file whose content changed; retire quizzes whose file is gone.

    A quiz changed in the browser (a published version or a pending draft) is not overwritten by a
    different file: that is a conflict, reported as a problem (nothing loads) unless `prefer_files`
    says the files win.
    """
    lessons = {lesson.key: lesson for lesson in session.scalars(select(Lesson).where(Lesson.course_id == course.id))}
    existing = {quiz.key: quiz for quiz in session.scalars(select(Quiz).where(Quiz.course_id == course.id))}
    current = {
        version.quiz_id: version
        for version in session.scalars(
            select(QuizVersion).join(Quiz, Quiz.current_version_id == QuizVersion.id).where(Quiz.course_id == course.id)
        )
    }
    if not prefer_files:
        conflicts = [_conflict(session, existing[quiz_file.key], quiz_file) for quiz_file in quizzes
                     if quiz_file.key in existing
                     and _overwrites_browser_work(existing[quiz_file.key], current.get(existing[quiz_file.key].id),
                                                  quiz_file)]
        if conflicts:
            raise ContentInvalid(conflicts)
    for quiz_file in quizzes:
        label = f"quiz {quiz_file.key}"
        quiz = existing.pop(quiz_file.key, None)
        lesson = lessons.get(quiz_file.lesson) if quiz_file.lesson else None
        lesson_id = lesson.id if lesson else None
        if quiz is None:
            quiz = Quiz(course_id=course.id, key=quiz_file.key, kind=quiz_file.kind, title=quiz_file.title,
                        lesson_id=lesson_id)
            session.add(quiz)
            session.flush()
            audit.record(session, "create", label, quiz=quiz, origin="file", path=quiz_file.source_path)
            publish(session, quiz, quiz_file, origin="file")
            report.added.append(label)
            continue
        was = (quiz.retired_at, quiz.lesson_id, quiz.draft is None)
        quiz.lesson_id = lesson_id
        if prefer_files:
            quiz.draft = None
        if quiz.retired_at is not None and quiz.retired_by_id is None:
            quiz.retired_at = None  # its file had gone and is back; a quiz retired in the browser stays retired
        version = publish(session, quiz, quiz_file, origin="file")
        if version is not None or was != (quiz.retired_at, quiz.lesson_id, quiz.draft is None):
            report.changed.append(label)
        else:
            report.unchanged.append(label)
    for quiz in existing.values():
        # A quiz made in the browser has no file to lose; only file quizzes retire with their file.
        if quiz.retired_at is None and quiz.origin == "file":
            quiz.retired_at = utcnow()
            report.retired.append(f"quiz {quiz.key}")
            audit.record(session, "retire", f"quiz {quiz.key}", quiz=quiz, reason="file removed")
            _close_open_attempts(session, quiz)
    by_id = {lesson.id: key for key, lesson in lessons.items()}
    linked = {quiz.lesson: quiz.key for quiz in quizzes if quiz.lesson}
    for quiz in existing.values():
        if quiz.retired_at is None and quiz.lesson_id in by_id and quiz.current_version_id is not None:
            linked.setdefault(by_id[quiz.lesson_id], quiz.key)
    for lesson in lessons.values():
        if lesson.quiz_key != linked.get(lesson.key):
            lesson.quiz_key = linked.get(lesson.key)
    session.flush()


def _overwrites_browser_work(quiz: Quiz, version: QuizVersion | None, quiz_file: QuizFile) -> bool:
    """Whether loading this file would replace a version or a draft made in the browser."""
    if version is not None and version.content_hash == quiz_file.content_hash:
        return False  # the file already says what the quiz says (an exported browser version, say)
    return quiz.draft is not None or quiz.origin == "browser"


def _conflict(session: Session, quiz: Quiz, quiz_file: QuizFile) -> ContentProblem:
    who = session.get(User, quiz.changed_by_id).name if quiz.changed_by_id else "someone"
    when = f"{quiz.changed_at:%Y-%m-%d %H:%M} UTC" if quiz.changed_at else "an unknown time"
    what = "has unpublished changes in the browser" if quiz.draft is not None else "was changed in the browser"
    return ContentProblem(quiz_file.source_path, 1,
                          f"quiz {quiz.key!r} {what} by {who} at {when}; export it "
                          f"(`flask content export {quiz.key}`) or sync with --prefer-files to let the file win")


def _close_open_attempts(session: Session, quiz: Quiz) -> None:
    """A withdrawn quiz takes no more answers: grade its open attempts now with what was saved."""
    open_attempts = session.scalars(select(Attempt).where(Attempt.quiz_id == quiz.id,
                                                          Attempt.state == "in_progress")).all()
    for attempt in open_attempts:
        submit_attempt(session, attempt, closed_by="retired")


def _lesson_fields(lesson: LessonFile) -> dict:
    return {
        "title": lesson.title,
        "position": lesson.order,
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
