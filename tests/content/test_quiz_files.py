"""Validation of quiz files: every problem names the file, the line and the fix, and nothing loads."""

import shutil
from pathlib import Path

import pytest

from app.content.bundle import read_content
from app.content.problems import ContentInvalid
from app.engine.draws import question_group

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture()
def tree(tmp_path):
    shutil.copytree(FIXTURES / "course", tmp_path / "course")
    shutil.copytree(FIXTURES / "quizzes", tmp_path / "quizzes")
    return tmp_path


def problems_for(tree) -> list[str]:
    with pytest.raises(ContentInvalid) as caught:
        read_content(tree / "course", tree / "quizzes")
    return [str(problem) for problem in caught.value.problems]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1))


def test_fixture_quizzes_read(tree):
    bundle = read_content(tree / "course", tree / "quizzes")
    quizzes = {quiz.key: quiz for quiz in bundle.quizzes}
    assert set(quizzes) == {"alpha-check", "beta-check", "final"}
    alpha = quizzes["alpha-check"]
    assert alpha.lesson == "alpha" and alpha.settings.attempts == 2 and alpha.settings.pass_mark == 60
    pick = alpha.questions[0]
    assert pick.source_lesson == "alpha" and pick.source_heading == "the-alpha-idea"
    assert pick.html["Alpha letter"] == "Alpha letter"
    assert quizzes["final"].settings.draw == 3 and quizzes["final"].settings.time_limit_seconds == 600


def test_the_real_quizzes_are_valid():
    bundle = read_content(REPO / "course", REPO / "quizzes")
    lessons_with_quiz = {quiz.lesson for quiz in bundle.quizzes if quiz.kind == "lesson"}
    assert lessons_with_quiz == {lesson.key for lesson in bundle.course.lessons}
    finals = [quiz for quiz in bundle.quizzes if quiz.kind == "final"]
    assert len(finals) == 1 and len(finals[0].questions) >= 40
    final = finals[0]
    # Twenty questions, two from each of the eight lessons and four from any: every lesson in every attempt.
    groups = [question_group(question.definition) for question in final.questions]
    assert final.settings.questions_per_attempt(groups) == 20
    assert final.settings.draw == {"per_group": 2, "any": 4}
    assert set(groups) == {f"lesson-{n}" for n in range(1, 9)}


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("    type: single", "    type: essay", "quizzes/alpha-check.yaml:15: type: unknown question type 'essay'"),
        ("    prompt: Which letter is alpha?\n", "", "quizzes/alpha-check.yaml:14: the question needs `prompt:`"),
        ("      - {text: \"Alpha letter\", correct: true, feedback: FEEDBACK-RIGHT-PICK}",
         "      - {text: \"Alpha letter\", feedback: FEEDBACK-RIGHT-PICK}",
         "quizzes/alpha-check.yaml:20: choices:"),
        ("    source: alpha#a-detail-of-alpha", "    source: omega#a-detail-of-alpha",
         "quizzes/alpha-check.yaml:29: `source` names lesson 'omega', which does not exist"),
        ("    source: alpha#a-detail-of-alpha", "    source: alpha#no-such-heading",
         "quizzes/alpha-check.yaml:29: `source` names heading 'no-such-heading'"),
        ("  - id: type-it", "  - id: pick-one", "quizzes/alpha-check.yaml:34: question id 'pick-one' repeats line 14"),
        ("  attempts: 2", "  attempts: two", "quizzes/alpha-check.yaml:7: setting `attempts` must be a whole number"),
        ("  grading: highest", "  grading: best", "quizzes/alpha-check.yaml:8: setting `grading` must be one of"),
        ("  pass_mark: 60", "  pass_mark: 60\n  colour: blue",
         "quizzes/alpha-check.yaml:7: setting `colour` is unknown"),
        ("lesson: alpha", "lesson: omega", "quizzes/alpha-check.yaml:3: `lesson` 'omega' names no lesson"),
        # Keys no part of Parley reads are refused, not loaded and silently ignored.
        ("    points: 2\n", "    points: 2\n    tags: [greek]\n",
         "quizzes/alpha-check.yaml:28: tags: unknown key 'tags'"),
        ("      - {value: 4242, tolerance: 0}", "      - {value: lots}",
         "quizzes/alpha-check.yaml:47: answers[0].value"),
    ],
)
def test_alpha_problems_name_file_line_and_fix(tree, old, new, expected):
    edit(tree / "quizzes" / "alpha-check.yaml", old, new)
    problems = problems_for(tree)
    assert any(problem.startswith(expected) for problem in problems), problems


def test_pool_larger_than_its_questions(tree):
    edit(tree / "quizzes" / "final.yaml", "  draw: 3", "  draw: 9")
    assert any(p.startswith("quizzes/final.yaml:8: `draw: 9` is more than the 5 questions") for p in problems_for(tree))


def test_cloze_blank_without_definition_points_at_its_line(tree):
    edit(tree / "quizzes" / "beta-check.yaml", "then [[2]].", "then [[2]] and [[3]].")
    problems = problems_for(tree)
    assert any(p.startswith("quizzes/beta-check.yaml:") and "[[3]]" in p for p in problems), problems


def test_duplicate_quiz_ids_and_two_quizzes_for_one_lesson(tree):
    text = (tree / "quizzes" / "alpha-check.yaml").read_text()
    (tree / "quizzes" / "alpha-again.yaml").write_text(text)
    problems = problems_for(tree)
    assert any(p.startswith("quizzes/alpha-check.yaml:1: quiz id 'alpha-check' is already used") for p in problems)
    assert any("lesson 'alpha' already has a quiz" in p for p in problems)


def test_penalty_without_immediate_feedback(tree):
    edit(tree / "quizzes" / "alpha-check.yaml", "  pass_mark: 60", "  pass_mark: 60\n  penalty: 0.5")
    assert any("only applies with `feedback: immediate`" in p for p in problems_for(tree))


def test_a_bad_quiz_loads_nothing(app, runner):
    # Through the CLI: one broken quiz and nothing at all is loaded, lessons included.
    quizzes = Path(app.config["QUIZZES_DIR"])
    edit(quizzes / "beta-check.yaml", "    type: ordering", "    type: sorting")
    result = runner.invoke(args=["content", "sync"])
    assert result.exit_code == 1
    assert "quizzes/beta-check.yaml:" in result.output and "nothing was loaded" in result.output
    from sqlalchemy import func, select

    from app.extensions import db
    from app.models import Lesson, Quiz

    assert db.session.scalar(select(func.count()).select_from(Lesson)) == 0
    assert db.session.scalar(select(func.count()).select_from(Quiz)) == 0


def group_final(tree, draw: str) -> None:
    """The fixture final with its questions in groups a (f1, f4), b (f2, f5) and c (f3), drawing by `draw`."""
    path = tree / "quizzes" / "final.yaml"
    edit(path, "  draw: 3\n", draw)
    for qid, group in (("f1", "a"), ("f2", "b"), ("f3", "c"), ("f4", "a"), ("f5", "b")):
        edit(path, f"{{id: {qid}, ", f"{{id: {qid}, group: {group}, ")


def test_a_draw_by_group_reads(tree):
    group_final(tree, "  draw:\n    per_group: 1\n    any: 1\n")
    bundle = read_content(tree / "course", tree / "quizzes")
    final = next(quiz for quiz in bundle.quizzes if quiz.key == "final")
    assert final.settings.draw == {"per_group": 1, "any": 1}
    assert final.settings.questions_per_attempt([q.definition.get("group") for q in final.questions]) == 4
    assert final.questions[0].definition["group"] == "a" and "a" not in final.questions[0].html


@pytest.mark.parametrize(("draw", "expected"), [
    ("  draw:\n    groups:\n      a: 3\n",
     "quizzes/final.yaml:10: `draw` asks for 3 questions from group 'a', which has 2"),
    ("  draw:\n    groups:\n      d: 1\n", "quizzes/final.yaml:10: `draw` names group 'd', which no question has"),
    ("  draw:\n    per_group: 1\n    any: 3\n", "quizzes/final.yaml:10: `draw` asks for 3 more from any, but only 2"),
    ("  draw:\n    per_grup: 1\n", "quizzes/final.yaml:8: setting `draw` must be a whole number from 1, or a mapping"),
    ("  draw: {any: -1}\n", "quizzes/final.yaml:8: setting `draw` must be"),
])
def test_impossible_draws_by_group_name_the_line_and_the_fix(tree, draw, expected):
    group_final(tree, draw)
    problems = problems_for(tree)
    assert any(problem.startswith(expected) for problem in problems), problems


def test_a_group_must_be_a_name(tree):
    edit(tree / "quizzes" / "final.yaml", "{id: f2, ", "{id: f2, group: 7, ")
    problems = problems_for(tree)
    assert any(p.startswith("quizzes/final.yaml:14: `group` must be a name") for p in problems), problems
