"""Every question type on a 390 px phone: fully readable, answerable, and nothing wider than the screen.

The reported bug: matching and ordering answers were cut to their first word ("Diploma", "Diploma") in
the attempt and the review, so students could not tell them apart. This quiz gives every question type
options as long as the real course's, and checks each one is shown whole, the page never scrolls
sideways, and every answer can be given (and is then shown whole in the review).
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD

PHONE = {"width": 390, "height": 844}
COURSE = "/courses/test-course"
QUIZ = f"{COURSE}/quizzes/phone-check"
EMAIL = "phone@example.org"

MATCH_RIGHT = ["Diplomacy through cyberspace (a new channel for long-standing work)",
               "Diplomacy about cyberspace (a new agenda of subjects to negotiate)",
               "Diplomacy about something else entirely (a distractor nobody should pick)"]
MATCH_LEFT = ["Its embassy hosts a live online question-and-answer session with local students",
              "Its envoys negotiate a pact to stop state hackers stealing each other's trade secrets"]
ORDER = ["Our world is growing ever more networked and interconnected than before.",
         "So what happens on one network can reach far beyond it, across borders.",
         "That shared exposure has produced new challenges, each crossing borders.",
         "So governments must keep working together through cyber diplomacy."]
SINGLE = ["A ministry that posts often on social media is ready for any cyber negotiation whatsoever",
          "Being good at diplomacy through cyberspace says little about negotiating about cyberspace",
          "Negotiations about cyberspace are held only on social media platforms nowadays"]
MULTIPLE = ["Interconnection creates shared exposure between countries and their networks",
            "Challenges that cross borders cannot be handled by one government acting alone",
            "Every cyber challenge is best handled quietly by a single national agency"]

PHONE_QUIZ = textwrap.dedent(f"""\
    id: phone-check
    title: "Check: Gamma on a phone"
    lesson: gamma
    settings:
      pass_mark: 50
      shuffle_questions: false
      questions_per_page: 10
      review:
        after_submit: [score, correctness, feedback, correct_answers]
    questions:
      - id: p-single
        type: single
        objective: 1
        prompt: What does the difference between the two senses of cyber diplomacy imply for a ministry?
        source: gamma#the-gamma-idea
        choices:
          - {{text: "{SINGLE[0]}"}}
          - {{text: "{SINGLE[1]}", correct: true}}
          - {{text: "{SINGLE[2]}"}}
      - id: p-multiple
        type: multiple
        objective: 2
        prompt: Which steps belong to the case for continued cyber diplomacy?
        source: gamma#the-gamma-idea
        choices:
          - {{text: "{MULTIPLE[0]}", correct: true}}
          - {{text: "{MULTIPLE[1]}", correct: true}}
          - {{text: "{MULTIPLE[2]}"}}
      - id: p-true-false
        type: true_false
        objective: 1
        prompt: Gamma comes after beta in the alphabet that this very small fixture course uses.
        source: gamma#the-gamma-idea
        answer: true
      - id: p-short
        type: short
        objective: 1
        prompt: Type the secret word.
        source: gamma#the-gamma-idea
        answers:
          - {{text: "gammasecretword", weight: 1}}
      - id: p-numerical
        type: numerical
        objective: 2
        prompt: How many letters are in the word gamma?
        source: gamma#the-gamma-idea
        answers:
          - {{value: 5, tolerance: 0}}
      - id: p-matching
        type: matching
        objective: 2
        prompt: Match each piece of work to the sense of cyber diplomacy it belongs to.
        source: gamma#the-gamma-idea
        pairs:
          - {{left: "{MATCH_LEFT[0]}", right: "{MATCH_RIGHT[0]}"}}
          - {{left: "{MATCH_LEFT[1]}", right: "{MATCH_RIGHT[1]}"}}
        distractors: ["{MATCH_RIGHT[2]}"]
      - id: p-ordering
        type: ordering
        objective: 1
        prompt: Put the steps of the argument in order, first to last.
        source: gamma#the-gamma-idea
        items: {ORDER!r}
      - id: p-cloze
        type: cloze
        objective: 1
        prompt: Fill in the blanks.
        source: gamma#the-gamma-idea
        text: "After beta comes [[1]], and the lesson on it is the [[2]] one."
        blanks:
          1: {{answers: [gamma]}}
          2: {{answers: [third]}}
    """)


@pytest.fixture()
def phone_course(app, request):
    """The fixture course with one more quiz, on lesson gamma, holding every question type with long options."""
    (Path(app.config["QUIZZES_DIR"]) / "phone-check.yaml").write_text(PHONE_QUIZ, encoding="utf-8")
    return request.getfixturevalue("course")


@pytest.fixture()
def phone_learner(phone_course, make_user):
    """A student of the fixture course."""
    return make_user("student", email=EMAIL, name="Pat Phone")


# Problems that make part of a question unreadable at this width, found by reading the page's layout only.
# A select must be as wide as its longest option or as the space it sits in, and tall enough to show its
# chosen option's whole text at that width (a probe with the select's font lays the text out the same way).
UNREADABLE = """(root) => {
  const problems = [];
  const name = (el) => {
    const text = el.tagName === 'SELECT' ? '' : ` "${(el.innerText || el.value || '').trim().slice(0, 40)}"`;
    return `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${text}`;
  };
  const viewport = document.documentElement.clientWidth;
  const probe = (text, style, width) => {
    const div = document.createElement('div');
    div.textContent = text;
    const copied = ['fontFamily', 'fontSize', 'fontWeight', 'fontStyle', 'letterSpacing', 'wordSpacing', 'lineHeight'];
    for (const key of copied) {
      div.style[key] = style[key];
    }
    div.style.position = 'absolute';
    div.style.visibility = 'hidden';
    div.style.left = '0';
    div.style.top = '0';
    div.style.whiteSpace = width ? 'normal' : 'nowrap';
    if (width) div.style.width = `${width}px`;
    document.body.append(div);
    const box = { width: div.getBoundingClientRect().width, height: div.getBoundingClientRect().height };
    div.remove();
    return box;
  };
  const shown = 'legend, label, p, li, th, td, input, select, textarea, button, summary, .prompt';
  for (const el of root.querySelectorAll(shown)) {
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height || el.closest('.visually-hidden')) continue;
    if (box.left < -0.5 || box.right > viewport + 0.5) {
      problems.push(`${name(el)} reaches outside the screen (${box.left}-${box.right})`);
    }
    const clips = getComputedStyle(el).overflowX !== 'visible';
    if (el.matches('label, legend, p, li, th, td, summary') && clips && el.scrollWidth > el.clientWidth + 1) {
      problems.push(`${name(el)} is clipped sideways`);
    }
  }
  for (const select of root.querySelectorAll('select')) {
    const style = getComputedStyle(select);
    const pad = (side) => parseFloat(style[`padding${side}`]) + parseFloat(style[`border${side}Width`]);
    const box = select.getBoundingClientRect();
    const inner = box.width - pad('Left') - pad('Right');
    const room = select.parentElement.getBoundingClientRect().width;
    const longest = Math.max(...[...select.options].map((o) => probe(o.text.trim(), style, 0).width));
    if (box.width + 1 < Math.min(room, longest)) {
      problems.push(`${name(select)} is ${box.width}px wide; its longest option needs ${longest}px, `
                    + `and it has ${room}px`);
    }
    const chosen = select.options[select.selectedIndex];
    if (!chosen) continue;
    const needs = probe(chosen.text.trim(), style, inner);
    const has = box.height - pad('Top') - pad('Bottom');
    if (needs.height > has + 1) {
      problems.push(`${name(select)} shows ${has}px of text height; its chosen option `
                    + `"${chosen.text.trim()}" needs ${needs.height}px`);
    }
  }
  return problems;
}"""

# Whether an open select's option list (the customizable select's picker) shows every option whole on screen.
PICKER_PROBLEMS = """(select) => {
  const viewport = document.documentElement.clientWidth;
  const problems = [];
  for (const option of select.options) {
    const box = option.getBoundingClientRect();
    if (!box.width) { problems.push(`option "${option.text}" is not shown`); continue; }
    if (box.left < -0.5 || box.right > viewport + 0.5) {
      problems.push(`option "${option.text}" reaches outside the screen`);
    }
    if (option.scrollWidth > option.clientWidth + 1) problems.push(`option "${option.text}" is clipped`);
  }
  return problems;
}"""

NO_SIDEWAYS_SCROLL = "() => document.documentElement.scrollWidth <= window.innerWidth"


def sign_in(page: Page) -> None:
    """Sign in through the form."""
    page.goto("/auth/login")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    with page.expect_navigation(url=f"**{COURSE}"):
        page.get_by_role("button", name="Sign in").click()


def assert_readable(page: Page, where: str) -> None:
    """No horizontal overflow on the page, and every question card shown whole."""
    assert page.evaluate(NO_SIDEWAYS_SCROLL), (
        f"{where}: the page scrolls sideways ({page.evaluate('document.documentElement.scrollWidth')} px)")
    cards = page.locator("section.question-card")
    assert cards.count() == 8, where
    for index in range(cards.count()):
        card = cards.nth(index)
        problems = card.evaluate(UNREADABLE)
        assert problems == [], f"{where}, {card.get_attribute('id')}: {problems}"


def choose(page: Page, select, text: str) -> None:
    """Open a select, check its option list is shown whole on screen, and pick the option reading `text`."""
    if page.evaluate("CSS.supports('appearance', 'base-select')"):
        select.click()
        expect(select.locator("option").first).to_be_visible()
        assert select.evaluate(PICKER_PROBLEMS) == [], text
        select.locator("option", has_text=text).click()
    else:
        select.select_option(label=text)
    assert select.evaluate("(s) => s.options[s.selectedIndex].text.trim()") == text


def answer_everything(page: Page) -> None:
    """Give the right answer to every question, as a student on a phone would: tapping and typing."""
    page.locator("#question-p-single label", has_text=SINGLE[1]).click()
    for text in MULTIPLE[:2]:
        page.locator("#question-p-multiple label", has_text=text).click()
    page.locator("#question-p-true-false label", has_text="True").click()
    page.locator("#question-p-short input[type=text]").fill("gammasecretword")
    page.locator("#question-p-numerical input[type=text]").fill("5")
    for left, right in zip(MATCH_LEFT, MATCH_RIGHT[:2], strict=True):
        choose(page, page.locator("#question-p-matching").get_by_label(left), right)
    for position, text in enumerate(ORDER, start=1):
        choose(page, page.locator("#question-p-ordering").get_by_label(f"Position {position}", exact=True), text)
    blanks = page.locator("#question-p-cloze input[type=text]")
    blanks.nth(0).fill("gamma")
    blanks.nth(1).fill("third")


def test_every_question_type_is_readable_and_answerable_on_a_phone(live_server, browser_page, phone_learner):
    page = browser_page
    page.set_viewport_size(PHONE)
    sign_in(page)
    assert page.evaluate(NO_SIDEWAYS_SCROLL), "the course page scrolls sideways"

    page.goto(QUIZ)
    assert page.evaluate(NO_SIDEWAYS_SCROLL), "the quiz page scrolls sideways"
    page.get_by_role("button", name=re.compile(r"^Start")).click()
    if "/attempts/" not in page.url:
        # A quiz that limits attempts or sets a clock asks for confirmation first; this one should not, but say so.
        assert page.evaluate(NO_SIDEWAYS_SCROLL), "the confirmation page scrolls sideways"
        page.locator("main").get_by_role("button", name=re.compile(r"^(Start|Begin|Yes)")).click()
    page.wait_for_url(re.compile(r"/attempts/\d+$"))
    for qid in ("p-single", "p-multiple", "p-true-false", "p-short", "p-numerical", "p-matching", "p-ordering",
                "p-cloze"):
        expect(page.locator(f"#question-{qid}")).to_have_count(1)
    assert_readable(page, "the attempt before answering")

    answer_everything(page)
    # Chosen answers are shown whole too: the matching and ordering selects now hold their longest texts.
    assert_readable(page, "the attempt once answered")

    with page.expect_navigation(url="**/attempts/*/summary"):
        page.get_by_role("button", name=re.compile(r"^Finish attempt")).click()
    assert page.evaluate(NO_SIDEWAYS_SCROLL), "the summary page scrolls sideways"
    expect(page.locator("main")).to_contain_text("8 of 8 questions answered")
    with page.expect_navigation(url="**/attempts/*/review"):
        page.get_by_role("button", name=re.compile(r"^Submit all")).click()

    # Every answer counted, so every answer was given through the phone layout.
    expect(page.locator("main")).to_contain_text(re.compile(r"Grade:\s*100%"))
    for details in page.locator("section.question-card details").all():
        details.locator("summary").click()
    assert_readable(page, "the review")
    for text in MATCH_RIGHT[:2] + ORDER:
        assert page.locator("section.question-card").filter(has_text=text).count() or page.locator(
            "section.question-card select option:checked", has_text=text).count(), text
