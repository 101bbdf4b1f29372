"""What the attempt and review pages show for each question, built from a version and an attempt."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import object_session

from app.engine import Grade, grade_response
from app.engine.form_fields import response_fields
from app.engine.presentation import answer_marks
from app.models import Attempt, Course, Lesson, Response
from app.services.attempts import engine_questions, question_definitions


@dataclass(frozen=True)
class QuestionView:
    """One question as a template renders it."""

    number: int
    id: str
    kind: str
    points: float
    prompt_html: str
    public: dict[str, Any]
    html: dict[str, str]
    fields: dict[str, list[str]]
    source_lesson: str = ""
    source_heading: str = ""
    # What a re-read link names: the section's heading (the lesson's title when the source names no heading),
    # and the lesson it is in; empty when the course is not known or no longer has that section.
    section_title: str = ""
    lesson_title: str = ""
    locked: bool = False
    tries: int = 0
    check: Grade | None = None
    # Checked before, but the saved answer has changed since: no verdict until it is checked again.
    changed_since_check: bool = False
    review: ReviewView | None = None

    def text(self, value: str) -> str:
        """The rendered HTML of a piece of author text (falls back to nothing unsafe)."""
        from markupsafe import escape

        return self.html.get(value) or str(escape(value))

    def name(self, field: str, prefix: str = "a") -> str:
        """The form field name of one of this question's fields; other renderings (review) get inert names."""
        name = f"{self.id}:{field}"
        # Radios group by name across a whole page: a review shows an answer twice, so keep them apart.
        return name if prefix == "a" else f"{prefix}|{name}"

    def dom_id(self, *parts: str) -> str:
        """A unique HTML id for an element of this question."""
        return "-".join((f"q{self.number}", *parts))

    def chosen(self, field: str) -> list[str]:
        """What the shown answer has in a field."""
        return self.fields.get(field, [])


@dataclass(frozen=True)
class ReviewView:
    """What a review may show of one answered question, per the quiz's review options."""

    correct: bool | None
    marks: float | None
    feedback_html: tuple[str, ...]
    general_feedback_html: str
    correct_fields: dict[str, list[str]] | None
    source_lesson: str
    source_heading: str
    # Per part of the student's answer, "right", "partly" or "wrong" (see engine.presentation.answer_marks);
    # None when the review options do not show correctness.
    parts: dict[str, str] | None = None
    # The answer as it was graded (repeats dropped, unknown ids ignored), for partials that show the graded
    # form rather than the raw fields (ordering).
    graded_fields: dict[str, list[str]] = field(default_factory=dict)


def lesson_sections(course: Course | None) -> dict[tuple[str, str], tuple[str, str]]:
    """Each section a question's source may name, (lesson key, heading id) -> (heading text, lesson title)."""
    session = object_session(course) if course is not None else None
    if session is None:
        return {}
    # Only the names: the lessons' bodies are large and a re-read link needs none of them.
    lessons = session.execute(select(Lesson.key, Lesson.title, Lesson.headings).where(Lesson.course_id == course.id))
    sections = {}
    for key, title, headings in lessons:
        # A source naming only the lesson ("alpha" or "alpha#") sends the student to its top.
        sections[(key, "")] = (title, title)
        for heading in headings or ():
            sections[(key, heading["id"])] = (heading["text"], title)
    return sections


def question_views(attempt: Attempt, qids: list[str], responses: dict[str, Response],
                   review_items: frozenset[str] | None = None, immediate: bool = False,
                   course: Course | None = None) -> list[QuestionView]:
    """Views of some of an attempt's questions, numbered by their place in the attempt.

    `course` names the sections that re-read links point to; an attempt's own course is used when not given
    (a preview passes its quiz's course).
    """
    version = attempt.version
    definitions = question_definitions(version)
    engines = engine_questions(version)
    if course is None and isinstance(attempt, Attempt):
        course = attempt.quiz.course
    # Re-read links show in the review and after a Check that was not right: only then are sections looked up.
    sections: dict[tuple[str, str], tuple[str, str]] | None = None
    views = []
    for qid in qids:
        definition, question = definitions[qid], engines[qid]
        order = attempt.orders.get(qid)
        response = responses.get(qid)
        fields = dict(response.raw) if response else {}
        check, changed = None, False
        if immediate and response is not None and response.checked_raw is not None:
            # Only what the last Check graded is shown: grading the saved answer instead would let a student
            # try every choice with plain saves and pay the penalty once.
            if response.locked or question.normalize(fields) == question.normalize(response.checked_raw):
                check = grade_response(question, response.checked_raw)
            else:
                changed = True
        source = definition["source"]
        section_title, lesson_title = "", ""
        if review_items is not None or (check is not None and check.correct is not True):
            sections = lesson_sections(course) if sections is None else sections
            section_title, lesson_title = sections.get((source["lesson"], source["heading"]), ("", ""))
        review = None
        if review_items is not None:
            answer = question.normalize(fields)
            grade = question.grade(answer)
            review = ReviewView(
                correct=grade.correct if "correctness" in review_items else None,
                marks=response.marks if response and "score" in review_items else None,
                feedback_html=tuple(definition["html"].get(text, "") for text in grade.feedback)
                if "feedback" in review_items else (),
                general_feedback_html=definition["general_feedback_html"] if "feedback" in review_items else "",
                correct_fields=response_fields(question.correct_response(order))
                if "correct_answers" in review_items else None,
                source_lesson=definition["source"]["lesson"],
                source_heading=definition["source"]["heading"],
                parts=answer_marks(question, answer) if "correctness" in review_items else None,
                graded_fields=response_fields(answer),
            )
        views.append(QuestionView(
            number=attempt.question_ids.index(qid) + 1, id=qid, kind=definition["type"],
            points=definition["points"], prompt_html=definition["prompt_html"], public=question.public(order),
            html=definition["html"], fields=fields, source_lesson=definition["source"]["lesson"],
            source_heading=definition["source"]["heading"], section_title=section_title, lesson_title=lesson_title,
            locked=bool(response and response.locked),
            tries=response.tries if response else 0, check=check, changed_since_check=changed, review=review,
        ))
    return views


def pages_of(attempt: Attempt, per_page: int) -> list[list[str]]:
    """The attempt's question ids split into pages."""
    ids = list(attempt.question_ids)
    return [ids[start:start + per_page] for start in range(0, len(ids), per_page)] or [[]]
