"""Answer keys of the Cyber Diplomacy quizzes in ``quizzes/``.

Plain pytest over the repository's own files (no app fixtures, no database): every question must
build with the quiz engine, its own correct response must earn full marks, its ``source`` must
name a real lesson heading, and the key of every question must say what the source and the
lesson say. The table ``KEYS`` below restates each key independently of the quiz files, so an
edit that changes a figure, a name or a correct choice fails here.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from app.content.rendering import render_markdown
from app.engine import build_question, grade_response

ROOT = Path(__file__).resolve().parents[2]
# The key modules sit beside this file, which pytest imports without a package.
sys.path.insert(0, str(Path(__file__).parent))
QUIZ_DIR = ROOT / "quizzes"
COURSE_DIR = ROOT / "course"

# Headings every lesson has; a question's `source` must point at a content section instead.
GENERIC_ANCHORS = {"key-terms", "summary", "discussion-questions", "primary-documents",
                   "since-the-source-was-written"}
QUESTION_TYPES = {"single", "multiple", "true_false", "short", "numerical", "matching", "ordering", "cloze"}
FINAL_ID = "final-assessment"


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """Return a lesson's YAML front matter and its Markdown body."""
    lines = text.splitlines()
    assert lines and lines[0].strip() == "---", "a lesson starts with a front matter block"
    end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    return yaml.safe_load("\n".join(lines[1:end])), "\n".join(lines[end + 1:])


def load_lessons() -> dict[str, set[str]]:
    """Lesson id -> the heading anchors its rendered body has."""
    lessons = {}
    for path in sorted(COURSE_DIR.glob("[0-9][0-9]-*.md")):
        meta, body = split_front_matter(path.read_text(encoding="utf-8"))
        lessons[meta["id"]] = {heading.id for heading in render_markdown(body).headings}
    return lessons


def load_quizzes() -> dict[str, dict[str, Any]]:
    """Quiz id -> the parsed quiz file."""
    quizzes = {}
    for path in sorted(QUIZ_DIR.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert data["id"] == path.stem, f"{path.name}: the file is named after the quiz id"
        quizzes[data["id"]] = data
    return quizzes


LESSONS = load_lessons()
QUIZZES = load_quizzes()
QUESTIONS = [(quiz_id, question) for quiz_id, quiz in QUIZZES.items() for question in quiz["questions"]]
QUESTION_IDS = [f"{quiz_id}/{question['id']}" for quiz_id, question in QUESTIONS]


def build(question: dict[str, Any]):
    """Build a question with the engine, leaving out the key the content layer owns."""
    return build_question({key: value for key, value in question.items() if key != "general_feedback"})


# ---------------------------------------------------------------------------------------------
# The keys, restated: one module per quiz in quiz_keys/, each with QUIZ, KEYS, WRONG, REASONABLE and
# APPLICATION. By question type, the expected value in KEYS is:
#   numerical   the one number that earns full marks (tolerance 0)
#   short       the answers that must earn full marks (the first is the source's own wording)
#   single      a substring of the one correct choice
#   multiple    substrings of exactly the correct choices
#   true_false  the correct judgement
#   cloze       blank number -> an answer that must earn full marks
#   matching    left item -> right-hand text
#   ordering    the item texts in the correct order
# WRONG lists typed answers that must score 0 (wrong figures, and what a wildcard or a loose variant
# might let through); REASONABLE what students reasonably type for a key, which must earn full marks;
# APPLICATION the questions that set a new case for the student to apply the lesson to.
# ---------------------------------------------------------------------------------------------
KEY_MODULES = [importlib.import_module(f"quiz_keys.{info.name}")
               for info in pkgutil.iter_modules([str(Path(__file__).parent / "quiz_keys")])]
KEYS: dict[tuple[str, str], Any] = {(m.QUIZ, qid): key for m in KEY_MODULES for qid, key in m.KEYS.items()}
WRONG: dict[tuple[str, str], list[str]] = {(m.QUIZ, qid): v for m in KEY_MODULES for qid, v in m.WRONG.items()}
REASONABLE: dict[tuple[str, str], list[str]] = {
    (m.QUIZ, qid): v for m in KEY_MODULES for qid, v in m.REASONABLE.items()}
APPLICATION: dict[str, tuple[str, ...]] = {m.QUIZ: tuple(m.APPLICATION) for m in KEY_MODULES}


def choice_ids(question, substrings) -> list[str]:
    """Ids of the choices whose text contains each substring (exactly one choice each)."""
    ids = []
    for part in substrings:
        found = [choice.id for choice in question.choices if part in choice.text]
        assert len(found) == 1, f"{part!r} should appear in exactly one choice, found {len(found)}"
        ids.append(found[0])
    return ids


def fraction(question, raw: dict[str, Any]) -> float:
    return grade_response(question, raw).fraction


# ---------------------------------------------------------------------------------------------
# Per-question tests
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("quiz_id", "question"), QUESTIONS, ids=QUESTION_IDS)
def test_question_builds_and_its_key_earns_full_marks(quiz_id, question):
    assert question["type"] in QUESTION_TYPES
    built = build(question)
    assert built.grade(built.correct_response()).fraction == 1.0
    assert isinstance(question.get("general_feedback"), str) and question["general_feedback"].strip()


@pytest.mark.parametrize(("quiz_id", "question"), QUESTIONS, ids=QUESTION_IDS)
def test_source_names_a_content_heading_of_the_right_lesson(quiz_id, question):
    lesson, _, anchor = question["source"].partition("#")
    assert lesson in LESSONS, f"no lesson {lesson!r} in course/"
    assert anchor in LESSONS[lesson], f"lesson {lesson!r} has no heading #{anchor}"
    assert anchor not in GENERIC_ANCHORS, "cite a content section, not a closing one"
    quiz = QUIZZES[quiz_id]
    if quiz.get("kind", "lesson") == "lesson":
        assert lesson == quiz["lesson"], "a lesson check only asks about its own lesson"


@pytest.mark.parametrize(("quiz_id", "question"), QUESTIONS, ids=QUESTION_IDS)
def test_key_matches_the_source(quiz_id, question):
    assert (quiz_id, question["id"]) in KEYS, "restate this question's key in KEYS"
    expected = KEYS[(quiz_id, question["id"])]
    built = build(question)
    kind = question["type"]
    if kind == "numerical":
        full = [answer for answer in built.answers if answer.weight == 1.0]
        assert [(answer.low, answer.high) for answer in full] == [(expected, expected)]
        assert fraction(built, {"answer": str(expected)}) == 1.0
    elif kind == "short":
        for text in expected:
            assert fraction(built, {"answer": text}) == 1.0, text
        assert question["answers"][0] == expected[0], "list the source's own wording first"
    elif kind == "single":
        [picked] = choice_ids(built, [expected])
        assert fraction(built, {"answer": picked}) == 1.0
    elif kind == "multiple":
        picked = choice_ids(built, expected)
        assert set(picked) == {choice.id for choice in built.choices if choice.weight > 0}
        assert fraction(built, {"answer": picked}) == 1.0
    elif kind == "true_false":
        assert question["answer"] is expected
        assert fraction(built, {"answer": "true" if expected else "false"}) == 1.0
    elif kind == "cloze":
        assert [blank.id for blank in built.blanks] == list(expected)
        assert fraction(built, expected) == 1.0
    elif kind == "matching":
        assert {pair.text for pair in built.pairs} == set(expected)
        option = {o.text: o.id for o in built.options}
        assert fraction(built, {pair.id: option[expected[pair.text]] for pair in built.pairs}) == 1.0
    elif kind == "ordering":
        assert tuple(item.text for item in built.items) == expected
        assert fraction(built, {"answer": [item.id for item in built.items]}) == 1.0
    else:  # pragma: no cover - QUESTION_TYPES is checked above
        pytest.fail(f"unknown type {kind}")


@pytest.mark.parametrize(("key", "wrong"), sorted(WRONG.items()), ids=[f"{q}/{i}" for q, i in sorted(WRONG)])
def test_wrong_answers_score_zero(key, wrong):
    quiz_id, question_id = key
    [question] = [q for q in QUIZZES[quiz_id]["questions"] if q["id"] == question_id]
    built = build(question)
    for text in wrong:
        raw = {blank.id: text for blank in built.blanks} if question["type"] == "cloze" else {"answer": text}
        assert fraction(built, raw) == 0.0, text


@pytest.mark.parametrize(("key", "typed"), sorted(REASONABLE.items()), ids=[f"{q}/{i}" for q, i in sorted(REASONABLE)])
def test_reasonable_ways_of_typing_a_key_score_full_marks(key, typed):
    quiz_id, question_id = key
    [question] = [q for q in QUIZZES[quiz_id]["questions"] if q["id"] == question_id]
    built = build(question)
    for text in typed:
        assert fraction(built, {"answer": text}) == 1.0, text


def test_every_key_in_the_table_names_a_question():
    known = {(quiz_id, question["id"]) for quiz_id, question in QUESTIONS}
    assert set(KEYS) <= known
    assert set(WRONG) <= known
    assert set(REASONABLE) <= known


# ---------------------------------------------------------------------------------------------
# Quiz-level tests
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("quiz_id", sorted(QUIZZES))
def test_question_ids_are_unique(quiz_id):
    ids = [question["id"] for question in QUIZZES[quiz_id]["questions"]]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("lesson", sorted(LESSONS))
def test_each_lesson_has_one_check_quiz(lesson):
    checks = [quiz for quiz in QUIZZES.values() if quiz.get("lesson") == lesson]
    assert len(checks) == 1
    [quiz] = checks
    assert quiz["id"] == f"{lesson}-check"
    assert quiz["title"].startswith("Check: ")
    assert quiz.get("kind", "lesson") == "lesson"
    questions = quiz["questions"]
    assert len(questions) >= 6
    assert len({question["type"] for question in questions}) >= 4
    settings = quiz["settings"]
    assert settings["pass_mark"] == 70
    assert settings["attempts"] == "unlimited"
    assert settings["grading"] == "highest"
    if settings["feedback"] == "immediate":
        # Trial and error must not pass: each wrong try costs at least a third.
        assert settings["penalty"] >= 1 / 3


def test_lesson_checks_use_every_question_type():
    used = {q["type"] for quiz in QUIZZES.values() if quiz.get("lesson") for q in quiz["questions"]}
    assert used == QUESTION_TYPES


def test_final_assessment_covers_the_course():
    finals = [quiz for quiz in QUIZZES.values() if quiz.get("kind") == "final"]
    assert [quiz["id"] for quiz in finals] == [FINAL_ID]
    final = finals[0]
    assert "lesson" not in final
    settings = final["settings"]
    assert settings["draw"] == {"per_group": 2, "any": 4}
    assert {question["group"] for question in final["questions"]} == {f"lesson-{n}" for n in range(1, 9)}
    assert settings["attempts"] == 2
    assert settings["time_limit_minutes"] == 40
    questions = final["questions"]
    assert len(questions) >= 40
    assert {question["type"] for question in questions} == QUESTION_TYPES
    per_lesson = Counter(question["source"].partition("#")[0] for question in questions)
    assert set(per_lesson) == set(LESSONS)
    assert min(per_lesson.values()) >= 4


def test_final_questions_are_not_copies_of_lesson_checks():
    checks = {q["prompt"].strip() for quiz in QUIZZES.values() if quiz.get("lesson") for q in quiz["questions"]}
    final = {q["prompt"].strip() for q in QUIZZES[FINAL_ID]["questions"]}
    assert not checks & final


@pytest.mark.parametrize("quiz_id", sorted(quiz_id for quiz_id, quiz in QUIZZES.items() if quiz.get("lesson")))
def test_each_lesson_check_has_two_application_items(quiz_id):
    ids = {question["id"] for question in QUIZZES[quiz_id]["questions"]}
    named = APPLICATION.get(quiz_id, ())
    assert set(named) <= ids, f"APPLICATION names questions {sorted(set(named) - ids)} that the quiz lacks"
    assert len(set(named)) >= 2, "each lesson check sets at least two new cases for the student to apply"


def test_every_quiz_has_a_key_module():
    assert set(APPLICATION) == set(QUIZZES)
