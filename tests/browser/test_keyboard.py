"""Keyboard-only journeys through Parley in Chromium: sign in, read, take a quiz, autosave, names, screenshots.

The pages are driven with Tab, Shift+Tab, Enter, Space, arrow keys and typing only: no mouse clicks and
no form submission from script. Scripts run in the page only to *read* its state (what has focus, what
is named), never to change it.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD

COURSE = "/courses/test-course"
QUIZ = f"{COURSE}/quizzes/alpha-check"
EMAIL = "keyboard@example.org"

# The right answers to alpha-check, by question id. Questions and choices are shuffled per attempt.
RADIO_ANSWERS = {"pick-one": "Alpha letter"}
CHECKBOX_ANSWERS = {"pick-many": {"Omega", "Delta"}}
TEXT_ANSWERS = {"type-it": "zetasecretword", "count-it": "4242"}

# What has focus, described for the test: read-only.
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  const forLabel = el.id ? document.querySelector(`label[for="${CSS.escape(el.id)}"]`) : null;
  const label = el.closest('label') || forLabel;
  const card = el.closest('.question-card');
  return {
    tag: el.tagName.toLowerCase(), type: el.type || '', id: el.id || '', name: el.name || '',
    text: (el.innerText || el.textContent || '').trim(), label: label ? label.innerText.trim() : '',
    question: card ? card.id.replace(/^question-/, '') : '', checked: !!el.checked,
  };
}"""

# Form controls without an accessible name; visible structure of the page.
UNNAMED_CONTROLS = """() => {
  const text = (el) => (el ? (el.textContent || '').trim() : '');
  const unnamed = [];
  for (const el of document.querySelectorAll('input, select, textarea, button')) {
    if (el.tagName === 'INPUT' && el.type === 'hidden') continue;
    const forLabel = el.id ? document.querySelector(`label[for="${CSS.escape(el.id)}"]`) : null;
    const labelledBy = (el.getAttribute('aria-labelledby') || '').split(/\\s+/).filter(Boolean)
      .map((id) => document.getElementById(id));
    const named = text(forLabel) || text(el.closest('label'))
      || (el.getAttribute('aria-label') || '').trim()
      || (labelledBy.length && labelledBy.every((ref) => text(ref)))
      || (el.tagName === 'BUTTON' && text(el));
    if (!named) unnamed.push(el.outerHTML.slice(0, 200));
  }
  return unnamed;
}"""

# Layout of the focused element and whether its focus indicator is drawn.
FOCUS_STYLE = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  return {
    focusVisible: el.matches(':focus-visible'), outlineStyle: style.outlineStyle,
    outlineWidth: parseFloat(style.outlineWidth), left: box.left, top: box.top,
    width: box.width, height: box.height, viewportWidth: window.innerWidth, viewportHeight: window.innerHeight,
  };
}"""


# --- keyboard helpers -------------------------------------------------------------------------------


def focused(page: Page) -> dict | None:
    """What has focus now."""
    return page.evaluate(FOCUSED)


def tab_until(page: Page, wanted, *, limit: int = 40, include_current: bool = False, key: str = "Tab") -> dict:
    """Press Tab until the focused element satisfies `wanted`; fail with the path taken if it never does."""
    trail = []
    if include_current:
        now = focused(page)
        if now and wanted(now):
            return now
    for _ in range(limit):
        page.keyboard.press(key)
        now = focused(page)
        trail.append(now and f"{now['tag']}:{now['text'] or now['label'] or now['id']}")
        if now and wanted(now):
            return now
    pytest.fail(f"{key} never reached the wanted element on {page.url}; focus went through {trail}")


def has_text(text: str):
    """Predicate: the focused element's own text is exactly `text`."""
    return lambda f: f["text"] == text


def assert_focus_indicator(page: Page) -> None:
    """The focused element shows a visible outline (the :focus-visible style)."""
    style = page.evaluate(FOCUS_STYLE)
    assert style["focusVisible"], style
    assert style["outlineStyle"] != "none", style
    assert style["outlineWidth"] > 0, style


def sign_in(page: Page, email: str = EMAIL) -> None:
    """Sign in through the form with the keyboard (the email field may already have focus)."""
    page.goto("/auth/login")
    tab_until(page, lambda f: f["id"] == "email", include_current=True)
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "password"
    page.keyboard.type(PASSWORD)
    with page.expect_navigation(url=f"**{COURSE}"):
        page.keyboard.press("Enter")


def activate(page: Page, text: str, url: str, *, key: str = "Enter") -> None:
    """Tab to the control whose text is `text`, press `key` and wait for the page at `url`."""
    tab_until(page, has_text(text))
    with page.expect_navigation(url=url):
        page.keyboard.press(key)


def start_attempt(page: Page, quiz: str = QUIZ) -> None:
    """From the quiz page, start an attempt with the keyboard."""
    page.goto(quiz)
    activate(page, "Start the quiz", re.compile(r"(/attempts/\d+|\?start=1)$"))
    if page.url.endswith("?start=1"):  # a quiz with limited attempts or a clock asks first
        audit(page)
        activate(page, "Start now", "**/attempts/*")


def pick_radio(page: Page, label: str) -> None:
    """With a radio of a group focused, move through the group with the arrow keys and select `label`."""
    for _ in range(10):
        now = focused(page)
        if now["label"] == label:
            page.keyboard.press("Space")
            now = focused(page)
            assert now["checked"] and now["label"] == label, now
            return
        page.keyboard.press("ArrowDown")
    pytest.fail(f"no radio labelled {label!r} in the group")


def answer_page(page: Page, answered: set[str]) -> str:
    """Tab through one attempt page answering alpha-check's questions; return the nav button left focused."""
    for _ in range(60):
        page.keyboard.press("Tab")
        now = focused(page)
        assert now, "focus left the page"
        if now["tag"] == "button" and now["text"] in ("Next page →", "Finish attempt…"):
            return now["text"]
        qid = now["question"]
        if now["type"] == "radio" and qid in RADIO_ANSWERS:
            pick_radio(page, RADIO_ANSWERS[qid])
            answered.add(qid)
        elif now["type"] == "checkbox" and now["label"] in CHECKBOX_ANSWERS.get(qid, ()):
            page.keyboard.press("Space")
            assert focused(page)["checked"], now
            answered.add(qid)
        elif now["tag"] == "input" and now["type"] == "text" and qid in TEXT_ANSWERS:
            page.keyboard.type(TEXT_ANSWERS[qid])
            answered.add(qid)
    pytest.fail(f"never reached the page's Next or Finish button on {page.url}")


def audit(page: Page) -> None:
    """Every control is named; the page has one <h1> and a <main>."""
    assert page.evaluate(UNNAMED_CONTROLS) == [], page.url
    assert page.locator("h1").count() == 1, page.url
    assert page.locator("main").count() == 1, page.url


@pytest.fixture()
def learner(course, make_user):
    """A student account for the fixture course."""
    return make_user("student", email=EMAIL)


# --- tests ------------------------------------------------------------------------------------------


def test_sign_in_with_the_keyboard(live_server, browser_page, learner):
    page = browser_page
    page.goto("/")

    # The first Tab from the top of the page reaches the skip link, which then shows on screen.
    page.keyboard.press("Tab")
    assert focused(page)["text"] == "Skip to content"
    style = page.evaluate(FOCUS_STYLE)
    assert style["left"] >= 0 and style["top"] >= 0 and style["width"] > 0 and style["height"] > 0, style
    assert style["left"] + style["width"] <= style["viewportWidth"], style
    expect(page.get_by_role("link", name="Skip to content")).to_be_in_viewport()
    assert_focus_indicator(page)

    # Following it moves focus to the main content, past the site navigation.
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    activate(page, "Sign in to start", "**/auth/login")

    # The sign-in page focuses the email field on arrival (autofocus); tab there otherwise.
    tab_until(page, lambda f: f["id"] == "email", include_current=True)
    page.keyboard.type(EMAIL)
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "password"
    page.keyboard.type(PASSWORD)
    with page.expect_navigation(url=f"**{COURSE}"):
        page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Test Course")

    # Focus is visible on the course page too: on the skip link and on an ordinary link.
    page.keyboard.press("Tab")
    assert focused(page)["text"] == "Skip to content"
    assert_focus_indicator(page)
    tab_until(page, has_text("Alpha lesson"))
    assert_focus_indicator(page)


def test_open_a_lesson_and_mark_it_complete(live_server, browser_page, learner):
    page = browser_page
    sign_in(page)

    activate(page, "Alpha lesson", f"**{COURSE}/lessons/alpha")
    expect(page.locator("h1")).to_have_text("Alpha lesson")
    activate(page, "Mark as read", f"**{QUIZ}")
    expect(page.locator("h1")).to_have_text("Check: Alpha")

    # Back to the course through the breadcrumb: the lesson now says, in words, that it is read.
    activate(page, "Test Course", f"**{COURSE}")
    alpha = page.locator("li.lesson-item").filter(has=page.get_by_role("link", name="Alpha lesson", exact=True))
    expect(alpha.locator(".state").first).to_contain_text("Read, quiz not yet passed")
    beta = page.locator("li.lesson-item").filter(has=page.get_by_role("link", name="Beta lesson", exact=True))
    expect(beta.locator(".state").first).to_contain_text("Not started")
    expect(page.locator(".progress-card")).to_contain_text("1 of 3 lessons read")


def test_take_the_alpha_quiz_with_the_keyboard(live_server, browser_page, learner):
    page = browser_page
    sign_in(page)
    start_attempt(page)

    answered: set[str] = set()
    for _ in range(5):
        button = answer_page(page, answered)
        if button == "Finish attempt…":
            with page.expect_navigation(url="**/attempts/*/summary"):
                page.keyboard.press("Enter")
            break
        header = page.locator(".attempt-header .meta").first.inner_text()
        with page.expect_navigation(url=re.compile(r"/attempts/\d+\?page=\d+$")):
            page.keyboard.press("Enter")
        moved_to = page.locator(".attempt-header .meta").first.inner_text()
        assert moved_to != header, f"'Next page' stayed on the same page: {moved_to!r}"
    else:
        pytest.fail("never reached the last page of the attempt")
    assert answered == {"pick-one", "pick-many", "type-it", "count-it"}

    expect(page.locator("main")).to_contain_text("4 of 4 questions answered")
    activate(page, "Submit all and finish", "**/attempts/*/review")

    summary = page.locator("main section.card").first
    expect(summary).to_contain_text("Grade:")
    assert re.search(r"Grade:\s*100%", summary.inner_text()), summary.inner_text()
    cards = page.locator("section.question-card")
    expect(cards).to_have_count(4)
    for index in range(4):
        outcome = cards.nth(index).locator(".outcome")
        expect(outcome).to_have_count(1)
        # A word, not only a colour or a symbol.
        assert outcome.inner_text().replace("✔", "").strip() == "Correct"


def test_answers_autosave_without_pressing_a_button(live_server, browser_page, learner):
    page = browser_page
    sign_in(page)
    start_attempt(page)
    if page.locator("#question-type-it").count() == 0:
        activate(page, "Next page →", re.compile(r"/attempts/\d+\?page=2$"))
    expect(page.locator("#question-type-it")).to_have_count(1)

    saves = []
    page.on("request", lambda request: request.method == "POST" and saves.append(request))
    tab_until(page, lambda f: f["question"] == "type-it" and f["type"] == "text")
    page.keyboard.type("zetasecretword")
    expect(page.locator("#autosave-status")).to_contain_text("All answers saved", timeout=10_000)
    assert saves and all(r.headers.get("x-parley-autosave") == "1" for r in saves), [r.url for r in saves]

    page.reload()
    expect(page.locator("#question-type-it input[type=text]")).to_have_value("zetasecretword")


def test_every_control_is_named_and_every_page_has_one_h1(live_server, browser_page, learner):
    page = browser_page
    page.goto("/auth/login")
    audit(page)
    sign_in(page)
    audit(page)  # course
    page.goto(f"{COURSE}/lessons/alpha")
    audit(page)
    page.goto(QUIZ)
    audit(page)
    start_attempt(page)
    audit(page)  # attempt, page 1
    activate(page, "Next page →", re.compile(r"/attempts/\d+\?page=2$"))
    audit(page)  # attempt, page 2
    activate(page, "Finish attempt…", "**/attempts/*/summary")
    audit(page)
    activate(page, "Submit all and finish", "**/attempts/*/review")
    audit(page)
    # The other question types (matching, ordering, cloze, true/false), with immediate-feedback buttons.
    start_attempt(page, f"{COURSE}/quizzes/beta-check")
    expect(page.locator("select")).not_to_have_count(0)
    audit(page)


def test_screenshots_render(live_server, browser_page, learner, tmp_path):
    page = browser_page
    sign_in(page)
    course_png = tmp_path / "course.png"
    page.screenshot(path=course_png, full_page=True)
    start_attempt(page)
    attempt_png = tmp_path / "attempt.png"
    page.screenshot(path=attempt_png, full_page=True)
    for png in (course_png, attempt_png):
        data = png.read_bytes()
        assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 1000, png
