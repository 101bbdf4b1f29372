"""An instructor authors a quiz in Chromium, previews it and publishes it; a student then takes it and is graded.

The whole journey goes through the real pages and forms: the instructor creates a lesson check for `gamma` (the
fixture lesson without a quiz), adds one question of each of the eight types with the editor's own fields and
"Add ..." row buttons, previews the quiz as a student, publishes it and reads its history; a student then opens
it from the course page, answers every question right and sees 100%. The database is checked at the end.

With PARLEY_SCREENSHOTS set to a folder (relative to the repository root unless absolute), the test also saves
full-page PNG screenshots of the authoring pages there, 1280 px wide:

    PARLEY_SCREENSHOTS=docs/screenshots .venv/bin/python -m pytest -q tests/browser/test_authoring_journey.py
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect
from sqlalchemy import func, select

from app.authoring.question_forms import TYPES as QUESTION_TYPES
from app.extensions import db
from app.models import Attempt, Quiz, QuizPreview, QuizVersion
from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
COURSE = "/courses/test-course"
COURSE_TITLE = "Test Course"
LESSON_TITLE = "Gamma lesson"
QUIZ_KEY = "gamma-check"
QUIZ_TITLE = "Check: Gamma"
INSTRUCTOR = ("author@example.org", "Ada Author")
STUDENT = ("learner@example.org", "Sam Student")
VIEWPORT = {"width": 1280, "height": 900}

# Each question's id, its type as the chooser names it, its prompt (distinct, and no prompt inside another: a
# question's card is found by it, whatever order the shuffle gives) and the heading of lesson gamma it tests.
QUESTIONS = {
    "pick-one": ("Single choice", "Which letter names the third lesson?", "Key terms"),
    "pick-many": ("Multiple response", "Which of these are Greek letters?", "Key terms"),
    "judge-it": ("True or false", "Gamma comes after beta in the Greek alphabet.", "The gamma idea"),
    "type-it": ("Short answer", "Type the name of this lesson's letter.", "The gamma idea"),
    "count-it": ("Numerical", "How many letters has the Greek alphabet?", "A detail of gamma"),
    "match-it": ("Matching", "Match each letter with its place.", "A detail of gamma"),
    "order-it": ("Ordering", "Put the letters in alphabetical order.", "Summary"),
    "fill-it": ("Fill in the blanks", "Complete the sentence about gamma.", "Summary"),
}
TYPE_KEYS = {"pick-one": "single", "pick-many": "multiple", "judge-it": "true_false", "type-it": "short",
             "count-it": "numerical", "match-it": "matching", "order-it": "ordering", "fill-it": "cloze"}
SINGLE = ["Alpha", "Beta", "Gamma", "Delta"]  # Gamma is right
MULTIPLE = {"Gamma": True, "Delta": True, "Apple": False}
PAIRS = [("Alpha", "First"), ("Beta", "Second"), ("Gamma", "Third"), ("Delta", "Fourth")]
DISTRACTOR = "Last"
ORDER = ["Alpha", "Beta", "Gamma", "Delta"]
CLOZE_TEXT = "Gamma is the [[1]] letter of the [[2]] alphabet."
BLANKS = {"1": ["third", "3rd"], "2": ["Greek"]}


@pytest.fixture()
def screenshot(request) -> Callable[[Page, str], None]:
    """Save a full-page screenshot of the page as <name>.png when PARLEY_SCREENSHOTS names a folder; else nothing."""
    folder = os.environ.get("PARLEY_SCREENSHOTS")

    def save(page: Page, name: str) -> None:
        if not folder:
            return
        target = Path(folder) if Path(folder).is_absolute() else ROOT / folder
        target.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=target / f"{name}.png", full_page=True, animations="disabled", caret="hide")

    return save


@pytest.fixture()
def people(course, make_user):
    """An instructor and a student of the fixture course."""
    return make_user("instructor", email=INSTRUCTOR[0], name=INSTRUCTOR[1]), \
        make_user("student", email=STUDENT[0], name=STUDENT[1])


# --- helpers ----------------------------------------------------------------------------------------


def heading(page: Page) -> Locator:
    """The page's <h1>."""
    return page.get_by_role("heading", level=1)


def field(page: Page | Locator, label: str) -> Locator:
    """The control labelled exactly `label`."""
    return page.get_by_label(label, exact=True)


def flash(page: Page) -> Locator:
    """The flashed messages at the top of the page."""
    return page.locator(".flashes")


def sign_in(page: Page, email: str) -> None:
    """Sign in through the form."""
    page.goto("/auth/login")
    field(page, "Email").fill(email)
    field(page, "Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(heading(page)).to_have_text(COURSE_TITLE)


def sign_out(page: Page) -> None:
    """Sign out with the button in the site navigation."""
    page.get_by_role("button", name="Sign out").click()
    expect(heading(page)).to_have_text("Sign in")
    expect(flash(page)).to_contain_text("You have signed out.")


def card(page: Page, qid: str) -> Locator:
    """A question on an attempt page (the fieldset around it), found by its prompt."""
    group = page.get_by_role("group").filter(has_text=QUESTIONS[qid][1])
    expect(group).to_have_count(1)
    return group


def answer_every_question_right(page: Page) -> None:
    """Answer the quiz's eight questions right, choosing shuffled choices, matches and items by their visible text."""
    field(card(page, "pick-one"), "Gamma").check()
    many = card(page, "pick-many")
    for text, correct in MULTIPLE.items():
        if correct:
            field(many, text).check()
    field(card(page, "judge-it"), "True").check()
    field(card(page, "type-it"), "Your answer").fill("Gamma")
    field(card(page, "count-it"), "Your answer (a number)").fill("24")
    matching = card(page, "match-it")
    for left, right in PAIRS:
        expect(field(matching, left).locator("option", has_text=DISTRACTOR)).to_have_count(1)
        field(matching, left).select_option(label=right)
    ordering = card(page, "order-it")
    for position, text in enumerate(ORDER, start=1):
        field(ordering, f"Position {position}").select_option(label=text)
    cloze = card(page, "fill-it")
    field(cloze, "Blank 1").fill("3rd")
    field(cloze, "Blank 2").fill("greek")


def finish_and_submit(page: Page, nav: str) -> None:
    """From the only page of an attempt (or preview), go to the summary and submit."""
    expect(page.get_by_role("navigation", name=nav).get_by_role("button", name="Next page →")).to_have_count(0)
    page.get_by_role("button", name="Finish attempt…").click()
    expect(page.get_by_role("main")).to_contain_text("8 of 8 questions answered.")
    expect(page.get_by_role("cell", name="Not answered")).to_have_count(0)
    page.get_by_role("button", name="Submit all and finish").click()


def expect_all_right(page: Page) -> None:
    """The review shows a 100% grade and every question, in words, as correct."""
    main = page.get_by_role("main")
    expect(main).to_contain_text(re.compile(r"Marks:\s*8 / 8\s*· Grade:\s*100%"))
    expect(main.locator(".outcome")).to_have_count(8)
    expect(main.locator(".outcome-right")).to_have_count(8)
    for qid in QUESTIONS:
        expect(card(page, qid).locator("xpath=..").locator(".outcome")).to_have_text(re.compile(r"Correct$"))


# --- authoring --------------------------------------------------------------------------------------


def create_quiz(page: Page, screenshot) -> None:
    """Author → New quiz: a lesson check of lesson gamma."""
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Author", exact=True).click()
    expect(heading(page)).to_have_text(f"Quizzes of {COURSE_TITLE}")
    expect(page.get_by_role("link", name=QUIZ_TITLE)).to_have_count(0)
    page.get_by_role("link", name="New quiz").click()
    expect(heading(page)).to_have_text("New quiz")
    field(page, "Quiz id").fill(QUIZ_KEY)
    field(page, "Title").fill(QUIZ_TITLE)
    field(page, "Kind").select_option(label="Lesson check (mastery of one lesson)")
    field(page, "Lesson it checks").select_option(label=LESSON_TITLE)
    screenshot(page, "new-quiz")
    page.get_by_role("button", name="Create the quiz").click()
    expect(heading(page)).to_have_text(QUIZ_TITLE)
    expect(flash(page)).to_contain_text(f"Quiz “{QUIZ_TITLE}” created as a draft.")
    expect(page.get_by_role("main")).to_contain_text("Draft")
    expect(page.get_by_role("heading", name="Questions (0)")).to_be_visible()


def open_editor(page: Page, qid: str) -> None:
    """Add a question → the type → its editor, with the id, prompt and source filled in."""
    type_label, prompt, source = QUESTIONS[qid]
    page.get_by_role("link", name="Add a question").click()
    expect(heading(page)).to_have_text(f"Add a question to {QUIZ_TITLE}")
    page.get_by_role("link", name=type_label, exact=True).click()
    expect(heading(page)).to_have_text(f"New {type_label.lower()} question")
    field(page, "Question id").fill(qid)
    field(page, "Prompt (Markdown)").fill(prompt)
    pick_source(page, source)


def pick_source(page: Page, text: str) -> None:
    """Choose the heading of lesson gamma called `text` in the source select (the quiz's own lesson comes first)."""
    select = field(page, "Lesson section it tests")
    expect(select.locator("optgroup").first).to_have_attribute("label", LESSON_TITLE)
    option = select.locator(f'optgroup[label="{LESSON_TITLE}"] > option').filter(
        has_text=re.compile(rf"^\W*{re.escape(text)}$"))
    expect(option).to_have_count(1)
    value = option.get_attribute("value")
    select.select_option(value=value)
    expect(select).to_have_value(value)


def add_row(page: Page, button: str, new_field: str) -> None:
    """Press a row's "Add ..." button: the editor comes back with the new row, its first input focused."""
    page.get_by_role("button", name=button, exact=True).click()
    expect(field(page, new_field)).to_be_focused()
    expect(field(page, new_field)).to_have_value("")


def save_question(page: Page, qid: str, count: int) -> None:
    """Save the question: back on the quiz, listed, with the draft saved."""
    page.get_by_role("button", name="Save question").click()
    expect(heading(page)).to_have_text(QUIZ_TITLE)
    expect(flash(page)).to_contain_text("Saved as a draft: students see it once you publish.")
    expect(page.get_by_role("heading", name=f"Questions ({count})")).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text=QUESTIONS[qid][1])).to_have_count(1)


def author_single(page: Page, screenshot) -> None:
    """Single choice: four choices (one added with the row button); saved first with none correct, and refused."""
    open_editor(page, "pick-one")
    for number, text in enumerate(SINGLE[:3], start=1):
        field(page, f"Choice {number}, text").fill(text)
    add_row(page, "Add a choice", "Choice 4, text")
    for number, text in enumerate(SINGLE[:3], start=1):  # what was typed survives the row button
        expect(field(page, f"Choice {number}, text")).to_have_value(text)
    expect(field(page, "Question id")).to_have_value("pick-one")
    field(page, "Choice 4, text").fill(SINGLE[3])
    field(page, "Choice 3, feedback when picked").fill("Yes: *gamma* is the third letter.")

    # No choice is marked correct: the parser's refusal is shown in a summary and at the list, nothing is saved.
    page.get_by_role("button", name="Save question").click()
    summary = page.get_by_role("alert")
    expect(summary.get_by_role("heading")).to_have_text("Fix this before saving")
    expect(summary.get_by_role("link", name=re.compile("no choice is fully correct"))).to_have_attribute(
        "href", "#choices")
    expect(page.get_by_role("group", name="Choices")).to_contain_text("Error: choices: no choice is fully correct")
    expect(heading(page)).to_have_text("New single choice question")
    expect(field(page, "Choice 4, text")).to_have_value(SINGLE[3])
    screenshot(page, "question-single-error")

    field(page, "Choice 3 is correct").check()
    save_question(page, "pick-one", 1)


def author_multiple(page: Page) -> None:
    """Multiple response: three choices, two ticked correct."""
    open_editor(page, "pick-many")
    for number, (text, correct) in enumerate(MULTIPLE.items(), start=1):
        field(page, f"Choice {number}, text").fill(text)
        if correct:
            field(page, f"Choice {number} is correct").check()
    save_question(page, "pick-many", 2)


def author_true_false(page: Page) -> None:
    """True or false: the statement is true, with feedback for each answer."""
    open_editor(page, "judge-it")
    page.get_by_role("group", name="The statement is").get_by_label("True", exact=True).check()
    field(page, "Feedback for a student who answers True (Markdown)").fill("Right: alpha, beta, gamma.")
    field(page, "Feedback for a student who answers False (Markdown)").fill("Gamma is the third letter.")
    save_question(page, "judge-it", 3)


def author_short(page: Page) -> None:
    """Short answer: two accepted answers in the two rows it starts with."""
    open_editor(page, "type-it")
    field(page, "Answer 1, accepted answer").fill("gamma")
    field(page, "Answer 2, accepted answer").fill("the letter gamma")
    field(page, "Answer 2, weight").fill("0.5")
    save_question(page, "type-it", 4)


def author_numerical(page: Page) -> None:
    """Numerical: an exact value, and a range worth half (added with the row button)."""
    open_editor(page, "count-it")
    field(page, "Answer 1, value").fill("24")
    add_row(page, "Add an answer", "Answer 2, value")
    field(page, "Answer 2, range from").fill("20")
    field(page, "Answer 2, range to").fill("30")
    field(page, "Answer 2, weight").fill("0.5")
    save_question(page, "count-it", 5)


def author_matching(page: Page) -> None:
    """Matching: four pairs (one added with the row button) and a distractor."""
    open_editor(page, "match-it")
    add_row(page, "Add a pair", "Pair 4, left")
    for number, (left, right) in enumerate(PAIRS, start=1):
        field(page, f"Pair {number}, left").fill(left)
        field(page, f"Pair {number}, right").fill(right)
    field(page, "Distractor 1").fill(DISTRACTOR)
    save_question(page, "match-it", 6)


def author_ordering(page: Page) -> None:
    """Ordering: four items in the right order (one added with the row button)."""
    open_editor(page, "order-it")
    for number, text in enumerate(ORDER[:3], start=1):
        field(page, f"Item {number}").fill(text)
    add_row(page, "Add an item", "Item 4")
    field(page, "Item 4").fill(ORDER[3])
    save_question(page, "order-it", 7)


def author_cloze(page: Page, screenshot) -> None:
    """Fill in the blanks: two blanks (the second added, numbered from the text), blank 1 with two answers."""
    open_editor(page, "fill-it")
    field(page, "Text with blanks (Markdown)").fill(CLOZE_TEXT)
    blank_one = page.get_by_role("group", name="Blank 1: [[1]]")
    expect(field(page, "Blank 1, marker number")).to_have_value("1")
    field(blank_one, "Blank 1, answer 1, accepted answer").fill(BLANKS["1"][0])
    add_row(page, "Add an answer to blank 1", "Blank 1, answer 2, accepted answer")
    field(page, "Blank 1, answer 2, accepted answer").fill(BLANKS["1"][1])
    # The new blank takes the first [[n]] of the text that has no row yet.
    page.get_by_role("button", name="Add a blank").click()
    blank_two = page.get_by_role("group", name="Blank 2: [[2]]")
    expect(field(page, "Blank 2, marker number")).to_have_value("2")
    expect(field(page, "Blank 2, marker number")).to_be_focused()
    field(blank_two, "Blank 2, answer 1, accepted answer").fill(BLANKS["2"][0])
    field(page, "Blank 2, feedback when it is not fully right (Markdown)").fill("The alphabet of Greece.")
    screenshot(page, "question-cloze")
    save_question(page, "fill-it", 8)


def check_overview(page: Page, screenshot) -> None:
    """The quiz lists its eight questions in the order added, each with its type and the section it tests."""
    questions = page.get_by_role("region", name="Questions (8)").get_by_role("listitem")
    expect(questions).to_have_count(8)
    for index, (qid, (_, prompt, source)) in enumerate(QUESTIONS.items()):
        expect(questions.nth(index)).to_contain_text(prompt)
        expect(questions.nth(index)).to_contain_text(f"{qid} · {QUESTION_TYPES[TYPE_KEYS[qid]][0]} · 1 point")
        expect(questions.nth(index)).to_contain_text(f"tests {LESSON_TITLE} › {source}")
    expect(page.get_by_role("button", name="Publish the quiz")).to_be_visible()
    screenshot(page, "quiz-overview")


def visit_settings(page: Page, screenshot) -> None:
    """The settings page shows the title and the defaults; back to the quiz without saving."""
    page.get_by_role("link", name="Edit title, description and settings").click()
    expect(heading(page)).to_have_text(f"Settings of “{QUIZ_TITLE}”")
    expect(field(page, "Title")).to_have_value(QUIZ_TITLE)
    expect(field(page, "Shuffle the questions in each attempt")).to_be_checked()
    expect(field(page, "Feedback")).to_have_value("deferred")
    screenshot(page, "settings")
    page.get_by_role("link", name="Back to the quiz").click()
    expect(heading(page)).to_have_text(QUIZ_TITLE)


def preview(page: Page, screenshot) -> None:
    """Preview as a student: answer everything right, submit, and see 100% in the preview's review."""
    page.get_by_role("button", name="Preview as a student").click()
    banner = page.get_by_role("note", name="Preview")
    expect(banner).to_contain_text("Preview: nothing you do here is recorded.")
    expect(heading(page)).to_have_text(QUIZ_TITLE)
    expect(page.get_by_role("group").filter(has_text=re.compile(r"Question \d"))).to_have_count(8)
    answer_every_question_right(page)
    screenshot(page, "preview")
    finish_and_submit(page, "Preview pages")
    expect(heading(page)).to_have_text("Review of the preview")
    expect(flash(page)).to_contain_text("Nothing was recorded.")
    expect_all_right(page)
    screenshot(page, "preview-review")
    page.get_by_role("link", name="Back to the quiz").click()
    expect(heading(page)).to_have_text(QUIZ_TITLE)


def publish(page: Page, screenshot) -> None:
    """Publish as version 1; the history shows it, made in the browser by the instructor."""
    page.get_by_role("button", name="Publish the quiz").click()
    expect(flash(page)).to_contain_text("Published as version 1")
    main = page.get_by_role("main")
    expect(main).to_contain_text("version 1, from the browser")
    expect(main).to_contain_text("Students take version 1.")
    expect(main).to_contain_text("Published")
    expect(page.get_by_role("button", name=re.compile("^Publish"))).to_have_count(0)

    page.get_by_role("link", name="Version history").click()
    expect(heading(page)).to_have_text(f"Version history of “{QUIZ_TITLE}”")
    versions = page.get_by_role("row").filter(has=page.get_by_role("rowheader"))
    expect(versions).to_have_count(1)
    expect(versions.get_by_role("rowheader")).to_have_text("1 (current)")
    expect(versions).to_contain_text(INSTRUCTOR[1])
    expect(versions).to_contain_text("the browser")
    expect(versions).to_contain_text("first version: 8 questions")
    screenshot(page, "history")


def check_lessons_and_list(page: Page, screenshot) -> None:
    """Lessons and coverage names the new questions under gamma's headings; the list shows the quiz published."""
    page.get_by_role("navigation", name="Authoring").get_by_role("link", name="Lessons and coverage").click()
    expect(heading(page)).to_have_text("Lessons and what the quizzes test")
    gamma = page.get_by_role("region", name=f"3. {LESSON_TITLE}")
    for source in ("Key terms", "The gamma idea", "A detail of gamma", "Summary"):
        testing = [f"{QUIZ_KEY} › {qid}" for qid, (_, _, tested) in QUESTIONS.items() if tested == source]
        row = gamma.get_by_role("row").filter(has=page.get_by_role("rowheader", name=source, exact=True))
        for name in testing:  # the fixture's final quiz tests some of these headings too
            expect(row.get_by_role("cell")).to_contain_text(name)
    discussion = gamma.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Discussion questions"))
    expect(discussion).to_contain_text("Not tested")
    screenshot(page, "lessons")

    page.get_by_role("navigation", name="Authoring").get_by_role("link", name=f"Quizzes of {COURSE_TITLE}").click()
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=QUIZ_TITLE, exact=True))
    expect(row).to_contain_text(LESSON_TITLE)
    expect(row).to_contain_text("Published")
    expect(row.get_by_role("cell").nth(4)).to_have_text("8")
    screenshot(page, "quizzes")


# --- the student ------------------------------------------------------------------------------------


def take_quiz(page: Page) -> None:
    """From the course page, start the new quiz, answer everything right, submit and see 100%."""
    page.get_by_role("link", name=f"Quiz for {LESSON_TITLE}").click()
    expect(heading(page)).to_have_text(QUIZ_TITLE)
    expect(page.get_by_role("region", name="How this quiz works")).to_contain_text(re.compile(r"Questions\s*8"))
    page.get_by_role("button", name="Start the quiz").click()
    expect(page.get_by_role("main")).to_contain_text("Attempt 1 · page 1 of 1")
    answer_every_question_right(page)
    finish_and_submit(page, "Attempt pages")
    expect(heading(page)).to_have_text("Review of attempt 1")
    expect_all_right(page)
    expect(page.get_by_role("main")).to_contain_text("Passed")


# --- the test ---------------------------------------------------------------------------------------


def test_an_instructor_authors_previews_and_publishes_a_quiz_a_student_takes(live_server, browser_page, people,
                                                                           screenshot):
    page = browser_page
    page.set_viewport_size(VIEWPORT)
    instructor, student = people

    sign_in(page, INSTRUCTOR[0])
    create_quiz(page, screenshot)
    author_single(page, screenshot)
    author_multiple(page)
    author_true_false(page)
    author_short(page)
    author_numerical(page)
    author_matching(page)
    author_ordering(page)
    author_cloze(page, screenshot)
    check_overview(page, screenshot)
    visit_settings(page, screenshot)
    preview(page, screenshot)
    publish(page, screenshot)
    check_lessons_and_list(page, screenshot)
    sign_out(page)

    sign_in(page, STUDENT[0])
    take_quiz(page)

    # The requests ran in their own sessions: read what they committed afresh.
    db.session.rollback()
    quiz = db.session.scalars(select(Quiz).where(Quiz.key == QUIZ_KEY)).one()
    version = db.session.get(QuizVersion, quiz.current_version_id)
    assert version.number == 1
    assert [question["type"] for question in version.questions] == list(TYPE_KEYS.values())
    attempts = db.session.scalars(select(Attempt)).all()
    assert len(attempts) == 1, "the preview must not create an Attempt"
    (attempt,) = attempts
    assert (attempt.user_id, attempt.quiz_id, attempt.quiz_version_id) == (student.id, quiz.id, version.id)
    assert attempt.state == "submitted" and attempt.percent == 100 and attempt.score == attempt.max_score == 8
    assert db.session.scalar(select(func.count()).select_from(Attempt).where(Attempt.user_id == instructor.id)) == 0
    previewed = db.session.scalars(select(QuizPreview).where(QuizPreview.quiz_id == quiz.id)).one()
    assert (previewed.user_id, previewed.state, previewed.percent) == (instructor.id, "submitted", 100)
