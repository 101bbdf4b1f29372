"""The three journeys of issue 10 in Chromium, with axe-core on every page they pass, at 1280 and 390 px wide.

- A student registers, reads two lessons, takes a quiz holding every question type (reloading halfway and
  finding every answer kept), submits, reads the review, follows a re-read link to the lesson's section and
  sees the course page change.
- An instructor authors and publishes a two-question quiz, then sees a student's result in the progress
  matrix and on the student's page, and the quiz's item statistics.
- An administrator enrols students from an uploaded CSV file (preview, then confirm), opens the progress matrix
  and a student's page, and downloads the progress export.

Every page a journey passes is checked with axe-core (tests/browser/vendor/axe-core) at both widths: no
violation of impact "serious" or "critical" may remain. The violations of a whole journey are gathered and
reported together at its end, so one bad page does not hide the next.

With PARLEY_SCREENSHOTS set to a folder (relative to the repository root unless absolute), the main pages are
saved there as full-page PNGs at both widths, `<name>-1280.png` and `<name>-390.png`:

    PARLEY_SCREENSHOTS=docs/screenshots .venv/bin/python -m pytest -q -p no:randomly tests/browser/test_journeys.py
"""

from __future__ import annotations

import csv
import io
import os
import re
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect
from sqlalchemy import select

from app.content.bundle import read_content
from app.extensions import db
from app.models import Attempt, Course, Quiz, User
from app.services import attempts as attempt_service
from app.services import cohorts as cohort_service
from app.services.content_sync import sync_content
from tests.browser.test_authoring_journey import field, flash, heading, pick_source, sign_in, sign_out
from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
AXE_SOURCE = AXE.read_text(encoding="utf-8")
WIDTHS = (390, 1280)  # a phone, then the desktop width the journeys are driven at
HEIGHT = 900
BLOCKING = ("serious", "critical")

COURSE = "/courses/test-course"
COURSE_TITLE = "Test Course"
QUIZ_TITLE = "Check: Gamma"

# --- axe-core ---------------------------------------------------------------------------------------

# Runs axe on the whole document and returns its violations, trimmed to what a failure message needs.
RUN_AXE = """async () => {
  const results = await axe.run(document, {resultTypes: ['violations']});
  return results.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')),
    count: v.nodes.length,
  }));
}"""


def _axe_violations(page: Page) -> list[dict]:
    """The serious and critical axe violations of the page as it is now."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        # Not add_script_tag: it adds an inline <script>, which the app's CSP (script-src 'self') refuses.
        # Evaluated through the DevTools protocol, axe runs without loosening the CSP the pages are tested under.
        page.evaluate(AXE_SOURCE)
    return [v for v in page.evaluate(RUN_AXE) if v["impact"] in BLOCKING]


def _describe(label: str, width: int, violation: dict) -> str:
    """One violation as one readable line: where, which rule, how bad, what it asks, the first elements."""
    more = f" (+{violation['count'] - len(violation['targets'])} more)" if violation["count"] > 3 else ""
    return (f"{label} @ {width}px: {violation['id']} [{violation['impact']}] {violation['help']} — "
            f"{', '.join(violation['targets'])}{more}")


def check_accessibility(page: Page, label: str, *, found: list[str] | None = None, shot: str | None = None) -> None:
    """Run axe-core on the page at 390 and 1280 px wide; fail on any serious or critical violation.

    With `found`, the violations are added to that list instead, for the caller to report at the end of a
    journey. With `shot`, the page is also saved at each width (see `save_screenshot`). The viewport is
    left at its size from before.
    """
    before = page.viewport_size or {"width": WIDTHS[-1], "height": HEIGHT}
    problems: list[str] = []
    try:
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": HEIGHT})
            problems += [_describe(label, width, v) for v in _axe_violations(page)]
            if shot:
                save_screenshot(page, f"{shot}-{width}")
    finally:
        page.set_viewport_size(before)
    if found is not None:
        found += problems
    elif problems:
        pytest.fail("axe-core found serious or critical violations:\n" + "\n".join(problems), pytrace=False)


def assert_accessible(found: list[str]) -> None:
    """Fail with every violation gathered along a journey, one a line."""
    if found:
        pytest.fail(f"axe-core found {len(found)} serious or critical violation(s) along the journey:\n"
                    + "\n".join(found), pytrace=False)


def save_screenshot(page: Page, name: str) -> None:
    """Save a full-page screenshot as <name>.png when PARLEY_SCREENSHOTS names a folder; else nothing."""
    folder = os.environ.get("PARLEY_SCREENSHOTS")
    if not folder:
        return
    target = Path(folder) if Path(folder).is_absolute() else ROOT / folder
    target.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=target / f"{name}.png", full_page=True, animations="disabled", caret="hide")


class Journey:
    """A page driven along a journey, with the axe violations met on the way."""

    def __init__(self, page: Page):
        self.page = page
        self.found: list[str] = []

    def check(self, label: str, shot: str | None = None) -> None:
        """Check the current page with axe (and save its screenshots if `shot` names them)."""
        check_accessibility(self.page, label, found=self.found, shot=shot)

    def done(self) -> None:
        """Fail if axe found anything along the journey."""
        assert_accessible(self.found)


@pytest.fixture()
def journey(browser_page) -> Journey:
    """The browser page at 1280×900, gathering axe violations."""
    browser_page.set_viewport_size({"width": WIDTHS[-1], "height": HEIGHT})
    return Journey(browser_page)


# --- shared helpers ---------------------------------------------------------------------------------


def main(page: Page) -> Locator:
    """The page's <main>."""
    return page.get_by_role("main")


def lesson_item(page: Page, title: str) -> Locator:
    """A lesson's entry in the course page's lesson list, found by its link."""
    lessons = page.get_by_role("region", name=re.compile(r"^Lessons", re.I))
    return lessons.get_by_role("listitem").filter(
        has=page.get_by_role("link", name=re.compile(rf"^(\d+\.\s*)?{re.escape(title)}$"))).first


def progress_summary(page: Page) -> Locator:
    """The course page's progress section."""
    return page.get_by_role("region", name=re.compile(r"progress", re.I)).first


def mark_read(page: Page) -> None:
    """Press the lesson page's button that marks it read (or complete)."""
    page.get_by_role("button", name=re.compile(r"^Mark\b.*\b(read|complete|done)\b", re.I)).click()


def start_quiz(journey: Journey) -> None:
    """Start an attempt of a quiz with limited attempts: the page asks to confirm first, then the attempt opens."""
    page = journey.page
    page.get_by_role("button", name=re.compile(r"^Start\b")).click()
    expect(heading(page)).to_have_text(re.compile(r"^Start\b.*\?$"))
    journey.check("start confirmation")
    page.get_by_role("button", name=re.compile(r"^Start\b")).click()
    expect(page).to_have_url(re.compile(r"/attempts/\d+$"))


# --- the student ------------------------------------------------------------------------------------

# A lesson check of `gamma` (the fixture lesson without a quiz) with one question of each of the eight types,
# four a page, in this order; three attempts (so starting one asks first); the review shows the correct answers.
EVERY_TYPE_QUIZ = """\
id: gamma-check
title: "Check: Gamma"
lesson: gamma
description: One question of each of the eight types.
settings:
  pass_mark: 60
  attempts: 3
  questions_per_page: 4
  shuffle_questions: false
  review:
    after_submit: [score, correctness, feedback, correct_answers]
questions:
  - id: pick-one
    type: single
    objective: 1
    prompt: Which letter names the third lesson?
    source: gamma#key-terms
    choices:
      - {text: "Gamma", correct: true}
      - {text: "Alpha"}
      - {text: "Delta"}
  - id: pick-many
    type: multiple
    objective: 2
    prompt: Which of these are Greek letters?
    source: gamma#key-terms
    choices:
      - {text: "Omega", correct: true}
      - {text: "Sigma", correct: true}
      - {text: "Aleph"}
  - id: judge-it
    type: true_false
    objective: 2
    prompt: Gamma comes after beta in the Greek alphabet.
    source: gamma#the-gamma-idea
    answer: true
  - id: type-it
    type: short
    objective: 1
    prompt: Type the name of this lesson's letter.
    source: gamma#the-gamma-idea
    answers:
      - {text: "gamma"}
  - id: count-it
    type: numerical
    objective: 1
    prompt: How many letters has the Greek alphabet?
    source: gamma#a-detail-of-gamma
    answers:
      - {value: 24}
  - id: match-it
    type: matching
    objective: 2
    prompt: Match each letter with its place.
    source: gamma#a-detail-of-gamma
    pairs:
      - {left: "Alpha", right: "First"}
      - {left: "Beta", right: "Second"}
      - {left: "Gamma", right: "Third"}
    distractors: ["Last"]
  - id: order-it
    type: ordering
    objective: 2
    prompt: Put the letters in alphabetical order.
    source: gamma#summary
    items: ["Alpha", "Beta", "Gamma", "Delta"]
  - id: fill-it
    type: cloze
    objective: 1
    prompt: Complete the sentence about gamma.
    source: gamma#summary
    text: "Gamma is the [[1]] letter of the [[2]] alphabet."
    blanks:
      1: {answers: [third, 3rd]}
      2: {answers: [Greek]}
"""
PROMPTS = {
    "pick-one": "Which letter names the third lesson?",
    "pick-many": "Which of these are Greek letters?",
    "judge-it": "Gamma comes after beta in the Greek alphabet.",
    "type-it": "Type the name of this lesson's letter.",
    "count-it": "How many letters has the Greek alphabet?",
    "match-it": "Match each letter with its place.",
    "order-it": "Put the letters in alphabetical order.",
    "fill-it": "Complete the sentence about gamma.",
}
# The student's answers: all right but true/false (wrong) and one pair of the matching (partly right).
MATCHES = [("Alpha", "First"), ("Beta", "Second"), ("Gamma", "Last")]
ORDER = ["Alpha", "Beta", "Gamma", "Delta"]
NEW_STUDENT = ("Rita Reader", "rita@example.org")


@pytest.fixture()
def every_type_course(app) -> Course:
    """The fixture course synced with one more quiz, gamma-check, in this test's own copy of the quiz folder.

    The quiz is written into the app's QUIZZES_DIR (a per-test copy of tests/fixtures/quizzes), so the
    shared fixtures and the other tests never see it.
    """
    quizzes = Path(app.config["QUIZZES_DIR"])
    (quizzes / "gamma-check.yaml").write_text(EVERY_TYPE_QUIZ, encoding="utf-8")
    sync_content(db.session, read_content(Path(app.config["COURSE_DIR"]), quizzes))
    db.session.commit()
    return db.session.scalars(select(Course)).one()


def question(page: Page, qid: str) -> Locator:
    """A question on an attempt or review page (its fieldset), found by its prompt."""
    group = page.get_by_role("group").filter(has_text=PROMPTS[qid])
    expect(group).to_have_count(1)
    return group


def review_card(page: Page, qid: str) -> Locator:
    """A question on the review page with what is said about it (the innermost section around its fieldset)."""
    return page.locator("section").filter(has=question(page, qid)).last


def labelled(scope: Locator, text: str) -> Locator:
    """The one control in `scope` labelled exactly `text`."""
    return scope.get_by_label(text, exact=True)


def answer_first_page(page: Page) -> None:
    """Single choice, multiple response and short answer right; true/false wrong."""
    labelled(question(page, "pick-one"), "Gamma").check()
    many = question(page, "pick-many")
    labelled(many, "Omega").check()
    labelled(many, "Sigma").check()
    labelled(question(page, "judge-it"), "False").check()
    # The answers save themselves in the background: wait for the save that carries the last one.
    with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/save")
                              and "gamma" in (r.request.post_data or "")) as saved:
        question(page, "type-it").get_by_role("textbox").fill("gamma")
    assert saved.value.ok, saved.value.status


def expect_first_page_answered(page: Page) -> None:
    """The first page shows the four answers given."""
    expect(labelled(question(page, "pick-one"), "Gamma")).to_be_checked()
    many = question(page, "pick-many")
    expect(labelled(many, "Omega")).to_be_checked()
    expect(labelled(many, "Sigma")).to_be_checked()
    expect(labelled(many, "Aleph")).not_to_be_checked()
    expect(labelled(question(page, "judge-it"), "False")).to_be_checked()
    expect(question(page, "type-it").get_by_role("textbox")).to_have_value("gamma")


def answer_second_page(page: Page) -> None:
    """Numerical, ordering and cloze right; matching two pairs of three."""
    question(page, "count-it").get_by_role("textbox").fill("24")
    matching = question(page, "match-it")
    for left, right in MATCHES:
        labelled(matching, left).select_option(label=right)
    ordering = question(page, "order-it")
    for position, text in enumerate(ORDER, start=1):
        ordering.get_by_label(re.compile(rf"\bPosition {position}\b")).select_option(label=text)
    cloze = question(page, "fill-it")
    labelled(cloze, "Blank 1").fill("third")
    labelled(cloze, "Blank 2").fill("Greek")


def test_a_student_registers_reads_takes_every_question_type_and_sees_progress(live_server, journey,
                                                                               every_type_course):
    page = journey.page

    # Register from the landing page.
    page.goto("/")
    journey.check("landing page")
    page.get_by_role("navigation", name="Main").get_by_role("link", name=re.compile(r"^Register")).click()
    expect(heading(page)).to_have_text(re.compile(r"account|register", re.I))
    journey.check("register page")
    name, email = NEW_STUDENT
    page.get_by_label(re.compile(r"^(Full )?name", re.I)).fill(name)
    page.get_by_label(re.compile(r"^Email", re.I)).fill(email)
    page.get_by_label(re.compile(r"^Password", re.I)).fill(PASSWORD)
    page.get_by_label(re.compile(r"^(Repeat|Confirm)", re.I)).fill(PASSWORD)
    page.get_by_role("button", name=re.compile(r"^(Create|Register)", re.I)).click()
    expect(heading(page)).to_have_text(COURSE_TITLE)
    journey.check("course page, new student")

    # Read two lessons: alpha (its quiz page follows) and gamma.
    page.get_by_role("link", name=re.compile(r"^(\d+\.\s*)?Alpha lesson$")).first.click()
    expect(heading(page)).to_have_text("Alpha lesson")
    journey.check("lesson alpha", shot="student-lesson")
    mark_read(page)
    expect(heading(page)).to_have_text("Check: Alpha")
    journey.check("quiz page alpha-check")
    page.goto(COURSE)
    page.get_by_role("link", name=re.compile(r"^(\d+\.\s*)?Gamma lesson$")).first.click()
    expect(heading(page)).to_have_text("Gamma lesson")
    journey.check("lesson gamma")
    mark_read(page)
    expect(heading(page)).to_have_text(QUIZ_TITLE)
    journey.check("quiz page gamma-check")
    quiz_url = page.url

    page.goto(COURSE)
    gamma_before = lesson_item(page, "Gamma lesson").inner_text()
    progress_before = progress_summary(page).inner_text()
    journey.check("course page, two lessons read", shot="student-course")

    # Take the quiz: answer the first page, reload, and find every answer kept.
    page.goto(quiz_url)
    start_quiz(journey)
    expect(page.get_by_role("group").filter(has_text=re.compile(r"Question \d"))).to_have_count(4)
    answer_first_page(page)
    journey.check("attempt page 1", shot="student-attempt")
    page.reload()
    expect_first_page_answered(page)

    page.get_by_role("button", name=re.compile(r"^Next page")).click()
    expect(question(page, "count-it")).to_be_visible()
    answer_second_page(page)
    journey.check("attempt page 2")
    page.get_by_role("button", name=re.compile(r"^Finish attempt")).click()
    expect(main(page)).to_contain_text("8 of 8 questions answered")
    journey.check("attempt summary")
    page.get_by_role("button", name=re.compile(r"^Submit all")).click()

    # The review: graded, every question there, the wrong ones with a link to re-read their section.
    expect(heading(page)).to_have_text(re.compile(r"^Review"))
    expect(main(page)).to_contain_text(re.compile(r"Grade:\s*\d+%"))
    for qid in PROMPTS:
        expect(question(page, qid)).to_be_visible()
    # Right, wrong and partly right are said in words, beside each question.
    expect(review_card(page, "pick-one")).to_contain_text(re.compile(r"(?<!In)correct", re.I))
    expect(review_card(page, "judge-it")).to_contain_text(re.compile(r"\b(incorrect|wrong)\b", re.I))
    expect(review_card(page, "match-it")).to_contain_text(re.compile(r"\bpart(ly|ially)\b", re.I))
    journey.check("review", shot="student-review")
    reread = main(page).locator('a[href*="/lessons/gamma#"]')
    expect(reread).to_have_count(2)  # the two questions not fully right
    link_text = reread.first.inner_text().strip()
    target = reread.first.get_attribute("href")
    anchor = target.split("#", 1)[1]
    assert anchor in {"the-gamma-idea", "a-detail-of-gamma"}, target
    reread.first.click()
    expect(page).to_have_url(re.compile(rf"/lessons/gamma#{re.escape(anchor)}$"))
    expect(heading(page)).to_have_text("Gamma lesson")
    section = page.locator(f"#{anchor}")
    expect(section).to_be_in_viewport()
    assert section.inner_text().strip() in link_text, (link_text, section.inner_text())  # named by its section
    journey.check("lesson gamma at a re-read section")

    # The course's Review page (what to re-read) is there to visit; gamma, mastered now, needs nothing.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Review", exact=True).click()
    expect(heading(page)).to_have_text(re.compile(r"review|re-read", re.I))
    journey.check("course review page")

    # The course page has moved on: gamma's quiz is passed, and the progress says so.
    page.goto(COURSE)
    gamma_after = lesson_item(page, "Gamma lesson").inner_text()
    progress_after = progress_summary(page).inner_text()
    assert gamma_after != gamma_before, gamma_after
    assert progress_after != progress_before, progress_after
    assert re.search(r"\bmastered\b", gamma_after, re.I), gamma_after
    assert not re.search(r"\bmastered\b", gamma_before, re.I), gamma_before
    journey.check("course page after the quiz", shot="student-course-after")

    db.session.rollback()
    student = db.session.scalars(select(User).where(User.email == email)).one()
    (attempt,) = db.session.scalars(select(Attempt).where(Attempt.user_id == student.id)).all()
    assert attempt.state == "submitted" and 60 <= attempt.percent < 100, attempt.percent
    journey.done()


# --- the instructor ---------------------------------------------------------------------------------

INSTRUCTOR = ("author@example.org", "Ada Author")
STUDENT = ("sam@example.org", "Sam Student")


def add_question(journey: Journey, type_label: str, qid: str, prompt: str, source: str, count: int) -> None:
    """From the quiz page, open a new question of this type with its id, prompt and tested section filled in."""
    page = journey.page
    page.get_by_role("link", name="Add a question").click()
    expect(heading(page)).to_have_text(f"Add a question to {QUIZ_TITLE}")
    if count == 1:
        journey.check("author: question types")
    page.get_by_role("link", name=type_label, exact=True).click()
    expect(heading(page)).to_have_text(f"New {type_label.lower()} question")
    field(page, "Question id").fill(qid)
    field(page, "Prompt (Markdown)").fill(prompt)
    pick_source(page, source)


def save_question(page: Page, count: int) -> None:
    """Save the question and come back to the quiz, which now lists `count` questions."""
    page.get_by_role("button", name="Save question").click()
    expect(heading(page)).to_have_text(QUIZ_TITLE)
    expect(page.get_by_role("heading", name=f"Questions ({count})")).to_be_visible()


def test_an_instructor_publishes_a_quiz_and_sees_a_students_result_and_its_statistics(live_server, journey, course,
                                                                                       make_user):
    page = journey.page
    make_user("instructor", email=INSTRUCTOR[0], name=INSTRUCTOR[1])
    student = make_user("student", email=STUDENT[0], name=STUDENT[1])

    page.goto("/auth/login")
    journey.check("sign-in page")
    sign_in(page, INSTRUCTOR[0])

    # Author a lesson check of gamma with two questions, and publish it.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Author", exact=True).click()
    expect(heading(page)).to_have_text(f"Quizzes of {COURSE_TITLE}")
    journey.check("author: quizzes")
    page.get_by_role("link", name="New quiz").click()
    field(page, "Quiz id").fill("gamma-check")
    field(page, "Title").fill(QUIZ_TITLE)
    field(page, "Kind").select_option(label="Lesson check (mastery of one lesson)")
    field(page, "Lesson it checks").select_option(label="Gamma lesson")
    journey.check("author: new quiz")
    page.get_by_role("button", name="Create the quiz").click()
    expect(heading(page)).to_have_text(QUIZ_TITLE)
    journey.check("author: draft quiz")

    add_question(journey, "True or false", "judge-it", "Gamma comes after beta in the Greek alphabet.",
                 "The gamma idea", 1)
    page.get_by_role("group", name="The statement is").get_by_label("True", exact=True).check()
    journey.check("author: true/false editor")
    save_question(page, 1)
    add_question(journey, "Short answer", "type-it", "Type the name of this lesson's letter.", "Key terms", 2)
    field(page, "Answer 1, accepted answer").fill("gamma")
    journey.check("author: short answer editor")
    save_question(page, 2)

    page.get_by_role("button", name="Publish the quiz").click()
    expect(flash(page)).to_contain_text("Published as version 1")
    journey.check("author: published quiz", shot="instructor-quiz")

    # A student takes it (through the services, as the web handlers do): true/false right, short answer wrong.
    db.session.rollback()
    quiz = db.session.scalars(select(Quiz).where(Quiz.key == "gamma-check")).one()
    attempt = attempt_service.start_attempt(db.session, student.id, quiz)
    attempt_service.save_answers(db.session, attempt, {"judge-it": {"answer": ["true"]},
                                                       "type-it": {"answer": ["delta"]}})
    attempt_service.submit_attempt(db.session, attempt)
    db.session.commit()

    # The progress matrix shows the result; the student's page shows the attempt.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Progress", exact=True).click()
    expect(heading(page)).to_have_text(f"Progress in {COURSE_TITLE}")
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=STUDENT[1]))
    expect(row).to_contain_text("50%")
    journey.check("progress matrix", shot="instructor-matrix")
    row.get_by_role("link", name=STUDENT[1]).click()
    expect(heading(page)).to_have_text(STUDENT[1])
    expect(main(page)).to_contain_text(QUIZ_TITLE)
    expect(main(page)).to_contain_text("50%")
    journey.check("a student's record", shot="instructor-student")

    # The item statistics of the new quiz.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Statistics", exact=True).click()
    journey.check("statistics")
    page.get_by_role("link", name=re.compile(rf"^{re.escape(QUIZ_TITLE)}\s*:\s*statistics$")).click()
    expect(heading(page)).to_have_text(f"Item statistics: {QUIZ_TITLE}")
    expect(page).to_have_url(re.compile(rf"/statistics/quizzes/{quiz.id}\b"))
    figures = page.get_by_role("region", name="The quiz as a whole")
    expect(figures.get_by_role("row", name=re.compile(r"^Attempts counted"))).to_contain_text("1")
    expect(main(page)).to_contain_text("judge-it")
    expect(main(page)).to_contain_text("type-it")
    journey.check("item statistics", shot="instructor-statistics")
    sign_out(page)
    journey.done()


# --- the administrator ------------------------------------------------------------------------------

ADMIN = ("admin@example.org", "Ann Admin")
COHORT = "Spring 2026"
ENROLMENT_CSV = f"""name,email,role,cohort
Lee Learner,lee@example.org,student,{COHORT}
Mo Student,mo@example.org,student,{COHORT}
"""


def test_an_admin_enrols_students_from_csv_and_reads_and_exports_their_progress(live_server, journey, course,
                                                                              make_user, tmp_path):
    page = journey.page
    admin = make_user("admin", email=ADMIN[0], name=ADMIN[1])
    cohort_service.create_cohort(db.session, name=COHORT, starts_on=date(2026, 2, 1), ends_on=None,
                                 actor_id=admin.id)
    db.session.commit()
    upload = tmp_path / "students.csv"
    upload.write_text(ENROLMENT_CSV, encoding="utf-8")

    sign_in(page, ADMIN[0])
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Cohorts", exact=True).click()
    expect(heading(page)).to_have_text("Cohorts")
    journey.check("cohorts")
    page.get_by_role("link", name="Enrol people from a CSV file").click()
    expect(heading(page)).to_have_text(re.compile(r"^Enrol"))
    journey.check("enrol from CSV")

    page.get_by_label("CSV file").set_input_files(upload)
    page.get_by_role("button", name="Preview").click()
    preview = page.get_by_role("region", name=re.compile(r"^Preview"))
    expect(preview).to_contain_text("All 2 rows are good")
    expect(preview.get_by_role("row")).to_have_count(3)
    journey.check("enrolment preview", shot="admin-enrol-preview")
    page.get_by_role("button", name=re.compile(r"^Enrol these 2 people")).click()
    expect(heading(page)).to_have_text("Enrolled")
    expect(main(page)).to_contain_text("2 accounts created")
    journey.check("enrolment done")

    # The matrix, for the cohort: both new students, nothing done yet.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Progress", exact=True).click()
    page.get_by_label("Cohort").select_option(label=COHORT)
    page.get_by_role("button", name="Show").click()
    matrix = page.get_by_role("table").filter(has=page.get_by_role("link", name="Lee Learner"))
    expect(matrix.get_by_role("link", name="Mo Student")).to_be_visible()
    journey.check("progress matrix of a cohort", shot="admin-matrix")
    matrix.get_by_role("link", name="Lee Learner").click()
    expect(heading(page)).to_have_text("Lee Learner")
    journey.check("a new student's record")

    # Download the progress of the cohort as CSV.
    page.go_back()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="progress (CSV)").click()
    download = download_info.value
    assert download.suggested_filename == "progress-test-course.csv"
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    header = rows[0]
    assert header[:5] == ["student_id", "name", "email", "active", "last_active"], header
    assert {"alpha: state", "beta: state", "gamma: state"} <= set(header), header
    assert sorted(row[1] for row in rows[1:]) == ["Lee Learner", "Mo Student"], rows
    journey.done()


# --- the checker itself -----------------------------------------------------------------------------


def test_check_accessibility_names_the_rule_impact_and_elements_of_a_violation(browser_page):
    page = browser_page
    page.set_content('<!doctype html><html lang="en"><head><title>Bad</title></head><body><main><h1>Bad</h1>'
                     '<img src="data:," id="no-alt"><input type="text" id="no-label"></main></body></html>')
    with pytest.raises(pytest.fail.Exception) as failed:
        check_accessibility(page, "bad page")
    message = str(failed.value)
    assert "bad page @ 390px: image-alt [critical]" in message, message
    assert "bad page @ 1280px: label [critical]" in message, message
    assert "#no-alt" in message and "#no-label" in message, message
    found: list[str] = []
    check_accessibility(page, "bad page", found=found)
    assert len(found) == 4, found
