"""Quality warnings on valid quizzes: answers given away, length cues, recall framing, objectives left untested.

These are not format errors: a quiz with a warning still loads (a sync or a browser save is not refused),
but `flask content check` fails on them, so the course in git keeps passing them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from app.content.problems import ContentProblem
from app.content.quiz_files import QuizFile, question_objectives
from app.content.yaml_lines import line_for
from app.engine import build_question
from app.engine.item_writing import (
    LONGEST_KEY_SHARE,
    QuestionText,
    asks_what_the_material_says,
    find_leaks,
    longest_key_questions,
    too_often_longest,
)

# At most one prompt in this many may ask what the lesson or source says instead of asking the student to use it.
RECALL_FRAMING_RATE = 10


def _texts(quiz: QuizFile) -> list[QuestionText]:
    texts = []
    for question, document in zip(quiz.questions, quiz.document.get("questions", ()), strict=False):
        texts.append(QuestionText(question.id, dict(document), build_question(question.definition)))
    return texts


def _line(quiz: QuizFile, index: int, path: Sequence[str | int] = ()) -> int:
    return line_for(quiz.lines, ("questions", index, *path))


def _at(quiz: QuizFile, index: int, path: Sequence[str | int]) -> str:
    # A browser draft has no lines to point at: its warnings name questions by id alone.
    return f" (line {_line(quiz, index, path)})" if quiz.lines else ""


def _ids(ids: Iterable[str]) -> str:
    return ", ".join(ids)


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


def quiz_warnings(quiz: QuizFile) -> list[ContentProblem]:
    """Leaks, a length cue and recall framing in one quiz, each at the line it concerns."""
    warnings: list[ContentProblem] = []
    texts = _texts(quiz)
    index = {item.id: number for number, item in enumerate(texts)}
    immediate = quiz.settings.feedback == "immediate"
    for leak in find_leaks(texts, with_feedback=immediate):
        where = "feedback" if any(str(part).startswith("feedback") or part == "general_feedback"
                                  for part in leak.other_path) else "text"
        warnings.append(ContentProblem(
            quiz.source_path, _line(quiz, index[leak.question_id], leak.key.path),
            f"question {leak.question_id!r} is given away: {leak.key.label} appears in the {where} of question "
            f"{leak.other_id!r}{_at(quiz, index[leak.other_id], leak.other_path)}, which a student sees "
            f"{'after Check, ' if where == 'feedback' else ''}before submitting; reword one of them"))
    longest, judged = longest_key_questions(texts)
    if too_often_longest(len(longest), judged):
        warnings.append(ContentProblem(
            quiz.source_path, line_for(quiz.lines, ("questions",)),
            f"the right answer is the longest choice in {len(longest)} of {judged} choice questions "
            f"({_ids(longest)}); keep it to at most {LONGEST_KEY_SHARE:.0%} so length is no cue: "
            "write distractors as full and specific as the key, or shorten the key"))
    recall = [item.id for item in texts if asks_what_the_material_says(item.definition.get("prompt", ""))]
    allowed = len(texts) // RECALL_FRAMING_RATE
    if len(recall) > allowed:
        warnings.append(ContentProblem(
            quiz.source_path, _line(quiz, index[recall[0]], ("prompt",)),
            f"{_count(len(recall), 'prompt asks', 'prompts ask')} what the lesson or source says ({_ids(recall)}); "
            f"at most {allowed} may in a quiz of {len(texts)}: ask the student to use the idea, or ask for the "
            "fact itself"))
    return warnings


def objective_warnings(quizzes: Sequence[QuizFile], objectives: Mapping[str, tuple[str, ...]]) -> list[ContentProblem]:
    """Each objective of a lesson with a check quiz must be assessed by a question of that check."""
    warnings: list[ContentProblem] = []
    for quiz in quizzes:
        if quiz.kind != "lesson" or quiz.lesson not in objectives:
            continue
        assessed: set[int] = set()
        for number, question in enumerate(quiz.questions):
            found = question_objectives(question.definition)
            if not found:
                warnings.append(ContentProblem(
                    quiz.source_path, _line(quiz, number, ("id",)),
                    f"question {question.id!r} names no objective: add `objective: N`, the number of the lesson "
                    "objective it assesses (the lesson's front matter lists them in order)"))
            assessed.update(found)
        for number, text in enumerate(objectives[quiz.lesson], start=1):
            if number not in assessed:
                warnings.append(ContentProblem(
                    quiz.source_path, line_for(quiz.lines, ("lesson",)),
                    f"objective {number} of lesson {quiz.lesson!r} ({text!r}) is assessed by no question: "
                    f"add a question with `objective: {number}`"))
    return warnings


def content_warnings(quizzes: Sequence[QuizFile], objectives: Mapping[str, tuple[str, ...]]) -> list[ContentProblem]:
    """Every quality warning on the course's quizzes, sorted by file and line."""
    warnings = objective_warnings(quizzes, objectives)
    for quiz in quizzes:
        warnings.extend(quiz_warnings(quiz))
    return sorted(warnings)
