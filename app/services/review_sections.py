"""The course's Review page: the lesson sections behind the questions a learner got wrong in their latest attempts.

For each live quiz of the course, the learner's latest submitted attempt counts. A question answered wrong
or partly right (the verdict the attempt's review gives) points at the lesson section its `source` names.
Sections are grouped by lesson, in course order, each with how many questions pointed at it; a lesson the
learner has mastered drops out. The quiz's review options decide: while they do not show right or wrong
for an attempt, its questions are not listed (only the quiz is named, so the learner knows why).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session, aliased

from app.engine import grade_response
from app.engine.quiz_rules import QuizSettings, review_items
from app.models import Attempt, Course, Quiz, QuizVersion, Response
from app.services.attempts import engine_questions
from app.services.progress import CourseOverview, LessonRow, course_overview


@dataclass(frozen=True)
class ReviewSection:
    """One section of a lesson to re-read: its anchor, its heading's text and the questions that point at it."""

    anchor: str
    title: str
    wrong: int
    partly: int

    @property
    def questions(self) -> int:
        """How many questions, wrong or partly right, point at this section."""
        return self.wrong + self.partly


@dataclass(frozen=True)
class ReviewLesson:
    """A lesson not mastered yet, with the sections to re-read in the order the lesson has them."""

    row: LessonRow
    sections: tuple[ReviewSection, ...]

    @property
    def questions(self) -> int:
        """How many questions point at this lesson's sections."""
        return sum(section.questions for section in self.sections)


@dataclass(frozen=True)
class CourseReview:
    """The Review page: lessons with sections to re-read, and the quizzes whose verdicts are not shown yet."""

    overview: CourseOverview
    lessons: tuple[ReviewLesson, ...]
    # Titles of quizzes whose latest attempt's right or wrong the review options do not show yet.
    withheld: tuple[str, ...]
    # How many latest submitted attempts were read (0: no quiz submitted yet).
    attempts: int


def course_review(session: Session, course: Course, user_id: int, now: datetime) -> CourseReview:
    """What this learner should re-read in the course, from their latest attempt at each quiz (five queries)."""
    overview = course_overview(session, course, user_id, now, with_headings=True)
    current = aliased(QuizVersion)
    latest = (select(Attempt.quiz_id.label("quiz_id"), func.max(Attempt.number).label("number"))
              .where(Attempt.user_id == user_id, Attempt.state == "submitted")
              .group_by(Attempt.quiz_id).subquery("latest"))
    attempts = session.execute(
        select(Attempt.id, Attempt.question_ids, Quiz.title, QuizVersion, current.settings)
        .join(latest, and_(latest.c.quiz_id == Attempt.quiz_id, latest.c.number == Attempt.number))
        .join(Quiz, Quiz.id == Attempt.quiz_id)
        .join(QuizVersion, QuizVersion.id == Attempt.quiz_version_id)
        .join(current, current.id == Quiz.current_version_id)
        .where(Attempt.user_id == user_id, Quiz.course_id == course.id, Quiz.retired_at.is_(None))
        .order_by(Quiz.kind.desc(), Quiz.key)
    ).all()
    shown = [row for row in attempts if "correctness" in review_items(QuizSettings.from_json(row.settings), now)]
    shown_ids = {row.id for row in shown}
    withheld = tuple(row.title for row in attempts if row.id not in shown_ids)
    answers = {}
    if shown:
        answers = {(attempt_id, qid): raw for attempt_id, qid, raw in session.execute(
            select(Response.attempt_id, Response.question_id, Response.raw)
            .where(Response.attempt_id.in_([row.id for row in shown])))}
    # (lesson key, heading id) -> [wrong, partly right]
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for attempt_id, question_ids, _, version, _ in shown:
        questions = engine_questions(version)
        sources = {q["id"]: q.get("source") or {} for q in version.questions}
        for qid in question_ids:
            source = sources.get(qid, {})
            if qid not in questions or not source.get("lesson"):
                continue
            question = questions[qid]
            # The verdict the attempt's review shows: the answer as saved, graded without penalties.
            correct = grade_response(question, answers.get((attempt_id, qid)) or {}).correct
            if correct is True:
                continue
            counts[(source["lesson"], source.get("heading") or "")][0 if correct is False else 1] += 1
    lessons = []
    for row in overview.rows:
        if row.state == "mastered":
            continue
        sections = _sections(row, {heading: tally for (key, heading), tally in counts.items()
                                   if key == row.lesson.key})
        if sections:
            lessons.append(ReviewLesson(row, sections))
    return CourseReview(overview, tuple(lessons), withheld, len(attempts))


def _sections(row: LessonRow, tallies: dict[str, list[int]]) -> tuple[ReviewSection, ...]:
    """The lesson's sections with questions pointing at them, in the lesson's order, named by their headings."""
    headings = [(heading.get("id", ""), heading.get("text", "")) for heading in row.lesson.headings or []]
    order = {anchor: index for index, (anchor, _) in enumerate(headings)}
    titles = dict(headings)
    merged: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for anchor, (wrong, partly) in tallies.items():
        # A question naming no heading, or one the lesson no longer has, points at the whole lesson.
        place = merged[anchor if anchor in titles else ""]
        place[0] += wrong
        place[1] += partly
    sections = [ReviewSection(anchor, titles.get(anchor) or row.lesson.title, wrong, partly)
                for anchor, (wrong, partly) in merged.items()]
    return tuple(sorted(sections, key=lambda section: (order.get(section.anchor, -1), section.title)))
