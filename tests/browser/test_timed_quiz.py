"""Taking a timed or limited quiz in Chromium: the confirmation step, a timer that stays in view, speaks at
5 and 1 minutes and shows local time, the ordering hint, and Enter in a text answer keeping focus.

Time in the page is Playwright's fake clock, set from the attempt's deadline: nothing waits on the real clock.
"""

from __future__ import annotations

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from app.extensions import db
from app.models import Attempt
from app.services import attempts as attempt_service
from tests.conftest import PASSWORD

COURSE = "/courses/test-course"
EMAIL = "taker@example.org"
ZONE = "Asia/Tokyo"  # UTC+9 all year: local times differ from UTC by the whole 9 hours

# Counts every change to the timer's live regions from now on (read by the test, changes nothing).
WATCH_LIVE_REGIONS = """() => {
  window.liveChanges = [];
  const observer = new MutationObserver((records) => {
    for (const r of records) window.liveChanges.push(r.target.id || r.target.parentNode.id);
  });
  for (const id of ['timer-announce-polite', 'timer-announce-assertive']) {
    observer.observe(document.getElementById(id), {childList: true, characterData: true, subtree: true});
  }
}"""


@pytest.fixture()
def taker(course, make_user):
    """A student of the fixture course."""
    return make_user("student", email=EMAIL)


@pytest.fixture()
def local_page(browser_page: Page, live_server) -> Page:
    """A page in a browser context set to Tokyo time and British English, beside the default one."""
    context = browser_page.context.browser.new_context(base_url=live_server, timezone_id=ZONE, locale="en-GB")
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def sign_in(page: Page) -> None:
    """Sign in as the test's student through the form."""
    page.goto("/auth/login")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation(url=f"**{COURSE}"):
        page.get_by_role("button", name="Sign in").click()


def latest_attempt() -> Attempt:
    """The attempt started last, as the database has it now."""
    db.session.expire_all()
    return db.session.scalars(select(Attempt).order_by(Attempt.id.desc())).first()


def start_confirmed(page: Page, quiz_key: str) -> Attempt:
    """From the quiz page, through the confirmation step, into a new attempt."""
    page.goto(f"{COURSE}/quizzes/{quiz_key}")
    page.get_by_role("button", name="Start the quiz").click()
    expect(page.locator("h1")).to_have_text(re.compile(r"^Start .*\?$"))
    with page.expect_navigation(url="**/attempts/*"):
        page.get_by_role("button", name="Start now").click()
    return latest_attempt()


def test_confirmation_step_and_not_now(taker, local_page):
    page = local_page
    sign_in(page)
    page.goto(f"{COURSE}/quizzes/final")
    page.get_by_role("button", name="Start the quiz").click()
    main = page.get_by_role("main")
    expect(main).to_contain_text("This uses attempt 1 of 1.")
    expect(main).to_contain_text("A 10-minute clock starts and does not stop.")
    page.get_by_role("link", name="Not now").click()
    expect(page.locator("h1")).to_have_text("Final test")
    assert latest_attempt() is None


def test_timer_stays_in_view_shows_local_time_and_speaks_at_5_and_1_minutes(taker, local_page, live_server):
    page = local_page
    page.set_viewport_size({"width": 390, "height": 700})
    sign_in(page)
    attempt = start_confirmed(page, "final")
    # As the page has it: whole seconds (the markup drops the fraction).
    deadline = attempt_service.attempt_deadline(attempt).replace(microsecond=0)
    timer = page.locator("#attempt-timer")

    # The deadline in Tokyo time, with no "UTC" left once the script has run.
    local = deadline.astimezone(ZoneInfo(ZONE)).strftime("%H:%M")
    expect(timer.locator("time")).to_contain_text(local)
    expect(timer.locator("time")).not_to_contain_text("UTC")
    expect(page.locator("#time-left")).to_have_text(re.compile(r"^\d+:\d\d left$"))

    # Sticky: still on screen at the bottom of the page.
    page.keyboard.press("End")
    page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
    assert page.evaluate("() => window.scrollY") > 0
    box = timer.bounding_box()
    assert box is not None and 0 <= box["y"] < 700, box

    # The page's clock, 5 minutes and 2 seconds before the deadline: nothing announced yet.
    page.clock.install(time=deadline - timedelta(minutes=6))
    page.reload()
    page.clock.pause_at(deadline - timedelta(minutes=5, seconds=2))
    page.evaluate(WATCH_LIVE_REGIONS)
    polite, assertive = page.locator("#timer-announce-polite"), page.locator("#timer-announce-assertive")
    expect(polite).to_have_text("")
    expect(page.locator("#timer-warning")).to_be_hidden()
    page.clock.run_for(3_000)
    expect(polite).to_have_text(re.compile(r"^5 minutes left"))
    expect(page.locator("#timer-warning")).to_have_text(re.compile(r"5 minutes left"))
    # A minute of ticking announces nothing more: the countdown itself is not a live region.
    page.clock.run_for(60_000)
    assert page.evaluate("() => window.liveChanges") == ["timer-announce-polite"]
    expect(assertive).to_have_text("")
    # On to 61 seconds left, then past the 1-minute mark.
    page.clock.run_for(round((deadline - timedelta(seconds=61)).timestamp() * 1000) - page.evaluate("Date.now()"))
    expect(assertive).to_have_text("")
    page.clock.run_for(2_000)
    expect(assertive).to_have_text(re.compile(r"^1 minute left"))
    assert page.evaluate("() => window.liveChanges") == ["timer-announce-polite", "timer-announce-assertive"]

    # A page loaded inside the last minute shows the warning but does not announce it: a fresh browser context
    # (same session) whose clock starts 30 seconds before the deadline and only moves on from there.
    later = page.context.browser.new_context(base_url=live_server, timezone_id=ZONE, locale="en-GB",
                                             storage_state=page.context.storage_state())
    try:
        late = later.new_page()
        late.clock.install(time=deadline - timedelta(seconds=30))
        late.goto(f"/attempts/{attempt.id}")
        late.clock.pause_at(deadline - timedelta(seconds=20))
        late.clock.run_for(3_000)
        expect(late.locator("#timer-warning")).to_have_text(re.compile(r"1 minute left"))
        expect(late.locator("#time-left")).to_have_text("0:17 left")
        expect(late.locator("#timer-announce-assertive")).to_have_text("")
        expect(late.locator("#timer-announce-polite")).to_have_text("")
    finally:
        later.close()


def test_quiz_page_dates_in_local_time(taker, local_page):
    page = local_page
    sign_in(page)
    attempt = start_confirmed(page, "alpha-check")
    page.goto(f"{COURSE}/quizzes/alpha-check")
    started = page.get_by_role("table").locator("time")
    expect(started).to_contain_text(attempt.started_at.astimezone(ZoneInfo(ZONE)).strftime("%H:%M"))
    expect(started).not_to_contain_text("UTC")


def test_enter_in_a_text_answer_saves_and_keeps_focus(taker, browser_page):
    page = browser_page
    sign_in(page)
    attempt = start_confirmed(page, "alpha-check")
    number = attempt.question_ids.index("type-it") + 1
    per_page = attempt_service.settings_of(attempt.version).questions_per_page
    field = f"q{number}-a-answer"
    page.goto(f"/attempts/{attempt.id}?page={(number - 1) // per_page + 1}")
    page.locator(f"#{field}").focus()
    page.keyboard.type("draft answer")
    with page.expect_navigation(url=re.compile(r"#question-type-it$")):
        page.keyboard.press("Enter")
    expect(page.locator(f"#{field}")).to_be_focused()
    expect(page.locator(f"#{field}")).to_have_value("draft answer")
    # The focus request is used once: the address keeps only the page and the question.
    assert "focus=" not in page.url and page.url.endswith("#question-type-it")
    expect(page.locator("#autosave-status")).to_have_text("Your answers are saved.")
    db.session.expire_all()
    assert latest_attempt().state == "in_progress"


def test_ordering_hint_flags_a_repeated_item_as_it_happens(taker, browser_page):
    page = browser_page
    sign_in(page)
    page.goto(f"{COURSE}/quizzes/beta-check")
    with page.expect_navigation(url="**/attempts/*"):  # unlimited and untimed: one click
        page.get_by_role("button", name="Start the quiz").click()
    card = page.locator("#question-order")
    first = card.get_by_label("Position 1")
    third = card.get_by_label("Position 3")
    original = third.input_value()
    third.select_option(first.input_value())
    problem = page.locator("#problem-order")
    expect(problem).to_have_text(re.compile(r"Each position needs a different item: ‘.+’ is in positions 1 and 3\."))
    expect(third).to_have_attribute("aria-invalid", "true")
    expect(third).to_have_attribute("aria-describedby", "problem-order")
    third.select_option(original)
    expect(problem).to_have_text("")
    expect(third).not_to_have_attribute("aria-invalid", "true")
