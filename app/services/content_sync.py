"""Load validated course files into the database, keeping stable ids so progress survives edits."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.content.bundle import ContentBundle
from app.content.course_files import CourseFiles, LessonFile
from app.content.quiz_files import QuizFile
from app.models import Attempt, Course, Lesson, Quiz, QuizVersion, utcnow
from app.services.attempts import submit_attempt


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


def sync_content(session: Session, bundle: ContentBundle) -> SyncReport:
    """Load a validated course and its quizzes; the caller commits once."""
    report = SyncReport()
    course = sync_course(session, bundle.course, report)
    sync_quizzes(session, course, bundle.quizzes, report)
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


def sync_quizzes(session: Session, course: Course, quizzes: tuple[QuizFile, ...], report: SyncReport) -> None:
    """Upsert quizzes by key; a changed quiz gets a new immutable version, so past attempts keep theirs."""
    lessons = {lesson.key: lesson for lesson in session.scalars(select(Lesson).where(Lesson.course_id == course.id))}
    existing = {quiz.key: quiz for quiz in session.scalars(select(Quiz).where(Quiz.course_id == course.id))}
    current = {
        version.quiz_id: version
        for version in session.scalars(
            select(QuizVersion).join(Quiz, Quiz.current_version_id == QuizVersion.id).where(Quiz.course_id == course.id)
        )
    }
    linked: dict[str, str] = {}
    for quiz_file in quizzes:
        label = f"quiz {quiz_file.key}"
        quiz = existing.pop(quiz_file.key, None)
        lesson = lessons.get(quiz_file.lesson) if quiz_file.lesson else None
        if quiz is None:
            quiz = Quiz(course_id=course.id, key=quiz_file.key, kind=quiz_file.kind, title=quiz_file.title,
                        lesson_id=lesson.id if lesson else None)
            session.add(quiz)
            session.flush()
            _new_version(session, quiz, quiz_file, number=1)
            report.added.append(label)
        else:
            version = current.get(quiz.id)
            fields = {"kind": quiz_file.kind, "title": quiz_file.title, "lesson_id": lesson.id if lesson else None,
                      "retired_at": None}
            changed = version is None or version.content_hash != quiz_file.content_hash
            if changed:
                number = max((v.number for v in quiz.versions), default=0) + 1
                _new_version(session, quiz, quiz_file, number=number)
            if changed or any(getattr(quiz, name) != value for name, value in fields.items()):
                for name, value in fields.items():
                    setattr(quiz, name, value)
                report.changed.append(label)
            else:
                report.unchanged.append(label)
        if lesson is not None:
            linked[lesson.key] = quiz_file.key
    for quiz in existing.values():
        if quiz.retired_at is None:
            quiz.retired_at = utcnow()
            report.retired.append(f"quiz {quiz.key}")
            _close_open_attempts(session, quiz)
    for lesson in lessons.values():
        if lesson.quiz_key != linked.get(lesson.key):
            lesson.quiz_key = linked.get(lesson.key)
    session.flush()


def _new_version(session: Session, quiz: Quiz, quiz_file: QuizFile, number: int) -> None:
    version = QuizVersion(
        quiz_id=quiz.id, number=number, content_hash=quiz_file.content_hash,
        description_html=quiz_file.description_html, settings=quiz_file.settings.to_json(),
        questions=[question.to_json() for question in quiz_file.questions],
    )
    session.add(version)
    session.flush()
    quiz.current_version_id = version.id
    session.expire(quiz, ["current_version"])


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
