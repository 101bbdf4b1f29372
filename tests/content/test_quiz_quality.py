"""Quality warnings: answers given away, length cues, recall framing and objectives, each on a small quiz."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.content.bundle import read_content
from app.content.course_files import Heading
from app.content.quiz_files import parse_quiz
from app.content.quiz_quality import content_warnings, objective_warnings, quiz_warnings
from app.engine import build_question
from app.engine.item_writing import QuestionText, comparable, find_leaks
from app.services.authoring import LessonOutline

REPO = Path(__file__).resolve().parents[2]
LESSONS = {
    "alpha": LessonOutline("alpha", "Alpha", (Heading("idea", 2, "Idea"),),
                           ("Recall the alpha facts", "Apply the alpha idea")),
}


def quiz(questions: str, feedback: str = "immediate", lesson: bool = True):
    """A quiz from its questions' YAML (indented as list items under `questions:`)."""
    head = "id: q\ntitle: Q\n" + ("lesson: alpha\n" if lesson else "kind: final\n")
    text = head + f"settings:\n  feedback: {feedback}\nquestions:\n" + textwrap.dedent(questions)
    parsed = parse_quiz(text, LESSONS, "quizzes/q.yaml")
    assert parsed.problems == (), parsed.problems
    return parsed.quiz


def warnings_of(questions: str, **options) -> list[str]:
    return [str(warning) for warning in quiz_warnings(quiz(questions, **options))]


def test_a_right_choice_in_another_prompt_is_given_away_with_both_lines():
    found = warnings_of("""\
        - id: year
          type: single
          prompt: Which body launched the centre?
          source: alpha#idea
          choices:
            - {text: The White House, correct: true}
            - {text: The Pentagon}
            - {text: The State Department}
        - id: other
          type: true_false
          prompt: The centre was launched by the white-house in 2015.
          source: alpha#idea
          answer: true
        """)
    assert found == ["quizzes/q.yaml:12: question 'year' is given away: the right choice 'The White House' appears "
                     "in the text of question 'other' (line 17), which a student sees before submitting; reword one "
                     "of them"]


def test_numbers_are_matched_as_whole_numbers_whatever_their_thousands_separator():
    numeric = """\
        - id: count
          type: numerical
          prompt: How many operators?
          source: alpha#idea
          answers: [{{value: 6000}}]
        - id: other
          type: cloze
          prompt: Fill in.
          source: alpha#idea
          text: "By [[1]] it would have {figure} operators."
          blanks:
            1: {{answers: ["2018"]}}
        """
    assert "the number 6000 appears" in " ".join(warnings_of(numeric.format(figure="6,000")))
    assert "the number 6000 appears" in " ".join(warnings_of(numeric.format(figure="6000")))
    assert warnings_of(numeric.format(figure="16000")) == []
    assert warnings_of(numeric.format(figure="60000")) == []


def test_short_answers_wildcards_and_cloze_blanks_are_keys():
    found = warnings_of("""\
        - id: who
          type: short
          prompt: Who wrote the report?
          source: alpha#idea
          answers: ["*Hanson", {text: "Fergus", weight: 0.5}]
        - id: blank
          type: cloze
          prompt: Fill in.
          source: alpha#idea
          text: "The strategy dates from [[1]]."
          blanks:
            1: {answers: ["May 2011"]}
        - id: other
          type: single
          prompt: Whose analysis appeared in May 2011?
          source: alpha#idea
          choices:
            - {text: "Fergus Hanson's", correct: true}
            - {text: "A think tank's"}
            - {text: "A ministry's"}
        """)
    assert any("question 'who' is given away: the answer 'hanson'" in warning for warning in found)
    assert any("question 'blank' is given away: blank [[1]]'s answer 'may 2011'" in warning for warning in found)
    # A half-credit answer is not the key: "Fergus" alone would not have been flagged.
    assert not any("'fergus'" in warning for warning in found)


def test_a_right_choice_that_lists_several_is_given_away_by_naming_them_all():
    questions = """\
        - id: bills
          type: single
          prompt: Which two bills did the House pass?
          source: alpha#idea
          choices:
            - {{text: "The Protecting Cyber Networks Act and the National Cyber Security Protection Advancement Act",
                correct: true}}
            - {{text: "The Cyber Intelligence Sharing and Protection Act and the Cybersecurity Act of 2012"}}
            - {{text: "The Federal Information Security Modernization Act and the National Cybersecurity
                Enhancement Act"}}
        - id: order
          type: ordering
          prompt: Put the events in order.
          source: alpha#idea
          items:
            - The strategy is published.
            - {first}
            - {second}
        """
    given_away = warnings_of(questions.format(first="The House passes the Protecting Cyber Networks Act.",
                                              second="It passes the National Cyber Security Protection Advancement "
                                                     "Act."))
    assert any("question 'bills' is given away: the right choice 'The Protecting Cyber Networks Act and the National "
               "Cyber Security Protection Advancement Act' (each of its parts) appears in the text of question 'order'"
               in warning for warning in given_away)
    assert warnings_of(questions.format(first="The House passes the Protecting Cyber Networks Act.",
                                        second="The President signs a law.")) == []


def test_feedback_counts_only_where_it_comes_before_submission():
    questions = """\
        - id: order
          type: ordering
          prompt: Order the steps.
          source: alpha#idea
          items: [Draft the bill, Pass the House, Sign into law]
        - id: other
          type: true_false
          prompt: A bill becomes law once the House passes it.
          source: alpha#idea
          answer: false
          feedback_true: "No: you draft the bill, pass the House, then sign into law."
        """
    assert any("question 'order' is given away: the order of its items appears in the feedback of question 'other'"
               in warning for warning in warnings_of(questions, feedback="immediate"))
    assert warnings_of(questions, feedback="deferred") == []


def test_ordering_items_out_of_order_give_nothing_away():
    assert warnings_of("""\
        - id: order
          type: ordering
          prompt: Order the steps.
          source: alpha#idea
          items: [Draft the bill, Pass the House, Sign into law]
        - id: other
          type: true_false
          prompt: You sign into law, pass the House, then draft the bill.
          source: alpha#idea
          answer: false
        """) == []


def test_a_matching_pair_leaks_only_with_both_sides_apart():
    pairs = """\
        - id: match
          type: matching
          prompt: Match each interest to its group.
          source: alpha#idea
          pairs:
            - {{left: Cyber security, right: Security}}
            - {{left: Innovation, right: Prosperity}}
        - id: other
          type: true_false
          prompt: "{prompt}"
          source: alpha#idea
          answer: true
        """
    assert warnings_of(pairs.format(prompt="Cyber security is a matter of national security.")) != []
    assert warnings_of(pairs.format(prompt="Cyber security matters.")) == []
    assert warnings_of(pairs.format(prompt="Innovation matters.")) == []


def test_a_question_may_repeat_its_own_key_and_short_keys_are_ignored():
    assert warnings_of("""\
        - id: own
          type: single
          prompt: Which network, Twitter or another, has most heads of state?
          source: alpha#idea
          choices:
            - {text: Twitter, correct: true}
            - {text: Facebook}
            - {text: LinkedIn}
        - id: short
          type: short
          prompt: Which platform is now called X?
          source: alpha#idea
          answers: ["X"]
        - id: other
          type: true_false
          prompt: X is a short name.
          source: alpha#idea
          answer: true
        """) == []


def choice_question(qid: str, key: str, wrong: tuple[str, str]) -> str:
    return (f"- id: {qid}\n  type: single\n  prompt: Pick {qid}.\n  source: alpha#idea\n  choices:\n"
            f"    - {{text: {key}, correct: true}}\n    - {{text: {wrong[0]}}}\n    - {{text: {wrong[1]}}}\n")


def test_a_quiz_whose_key_is_too_often_the_longest_choice_is_reported():
    long_key = choice_question("one", "A rather long right answer", ("Short", "Brief"))
    long_key_too = choice_question("two", "Another long right answer", ("Short", "Brief"))
    even = choice_question("three", "Even", ("Equal", "Level"))
    cued = warnings_of(long_key + long_key_too + even)
    assert cued == ["quizzes/q.yaml:6: the right answer is the longest choice in 2 of 3 choice questions (one, two); "
                    "keep it to at most 33% so length is no cue: write distractors as full and specific as the key, "
                    "or shorten the key"]
    assert warnings_of(long_key + even + choice_question("four", "Same", ("Sane", "Lame"))) == []


def test_prompts_that_ask_what_the_lesson_says_are_limited_to_one_in_ten():
    asks = "- id: r{n}\n  type: true_false\n  prompt: According to the lesson, fact {n} holds.\n" \
           "  source: alpha#idea\n  answer: true\n"
    uses = "- id: u{n}\n  type: true_false\n  prompt: A ministry applies idea {n} here.\n  source: alpha#idea\n" \
           "  answer: true\n"
    nine = asks.format(n=0) + "".join(uses.format(n=n) for n in range(1, 9))
    assert [w.split(": ", 1)[1] for w in warnings_of(nine)] == [
        "1 prompt asks what the lesson or source says (r0); at most 0 may in a quiz of 9: ask the student to use "
        "the idea, or ask for the fact itself"]
    assert warnings_of(nine + uses.format(n=9)) == []


def test_objectives_each_question_names_one_and_each_objective_is_assessed():
    untested = quiz("""\
        - id: one
          type: true_false
          objective: 1
          prompt: Alpha comes first.
          source: alpha#idea
          answer: true
        - id: two
          type: true_false
          prompt: Beta comes first.
          source: alpha#idea
          answer: false
        """)
    found = [str(w) for w in sorted(objective_warnings([untested], {"alpha": LESSONS["alpha"].objectives}))]
    assert found == [
        "quizzes/q.yaml:3: objective 2 of lesson 'alpha' ('Apply the alpha idea') is assessed by no question: "
        "add a question with `objective: 2`",
        "quizzes/q.yaml:13: question 'two' names no objective: add `objective: N`, the number of the lesson "
        "objective it assesses (the lesson's front matter lists them in order)",
    ]
    both = quiz("- {id: one, type: true_false, objective: [1, 2], prompt: P., source: alpha#idea, answer: true}\n")
    assert objective_warnings([both], {"alpha": LESSONS["alpha"].objectives}) == []


@pytest.mark.parametrize("value", ["3", "0", "[]", "[1, 5]", "first"])
def test_an_objective_that_names_no_objective_is_a_format_error(value):
    text = (f"id: q\ntitle: Q\nlesson: alpha\nquestions:\n  - {{id: one, type: true_false, objective: {value}, "
            "prompt: P., source: alpha#idea, answer: true}\n")
    parsed = parse_quiz(text, LESSONS, "quizzes/q.yaml")
    assert parsed.quiz is None
    assert [str(p) for p in parsed.problems] == [
        "quizzes/q.yaml:5: `objective` must be the number of an objective of lesson 'alpha' (1 to 2), or a list of "
        "such numbers: the lesson's front matter lists them in order"]


WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=4, max_size=10)


@settings(max_examples=60, deadline=None)
@given(key=st.lists(WORD, min_size=1, max_size=3).map(" ".join),
       before=st.lists(WORD, max_size=4).map(" ".join), after=st.lists(WORD, max_size=4).map(" ".join),
       shout=st.booleans())
def test_a_short_answer_written_anywhere_in_another_prompt_is_always_found(key, before, after, shout):
    definitions = [
        {"id": "asks", "type": "short", "prompt": "Name it.", "answers": [key]},
        {"id": "tells", "type": "true_false", "prompt": f"{before}, {key.upper() if shout else key}! {after}",
         "answer": True},
    ]
    texts = [QuestionText(d["id"], d, build_question(d)) for d in definitions]
    leaks = find_leaks(texts, with_feedback=False)
    assert [(leak.question_id, leak.other_id) for leak in leaks] == [("asks", "tells")]


@given(st.text(max_size=60))
def test_comparable_text_is_stable(text):
    once = comparable(text)
    assert comparable(once) == once


def test_the_course_passes_every_quality_check():
    bundle = read_content(REPO / "course", REPO / "quizzes")
    objectives = {lesson.key: lesson.objectives for lesson in bundle.course.lessons}
    assert [str(warning) for warning in content_warnings(bundle.quizzes, objectives)] == []
