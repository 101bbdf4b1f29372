"""The course's Review page: sections to re-read from the latest attempts, grouped by lesson, per review options."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.engine.form_fields import response_fields
from app.extensions import db
from app.models import Quiz, QuizVersion
from app.services import attempts as attempt_service
from app.services.review_sections import course_review
from tests.web.report_world import answers, quiz, take, visit
from tests.web.version_settings import rewrite_settings

COURSE = "/courses/test-course"
REVIEW = f"{COURSE}/review"
T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
ALPHA_IDEA = f'href="{COURSE}/lessons/alpha#the-alpha-idea">The alpha idea</a>'
ALPHA_DETAIL = f'href="{COURSE}/lessons/alpha#a-detail-of-alpha">A detail of alpha</a>'


def page(client, url: str = REVIEW) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def close_quiz(key: str, closes: datetime) -> None:
    """Give the quiz's current version a close date (its review options after closing then apply)."""
    version = db.session.get(QuizVersion, quiz(key).current_version_id)
    rewrite_settings(version, closes=closes.isoformat())
    db.session.commit()


def test_nothing_to_review_before_any_quiz(client, course, student):
    html = page(client)
    assert "<h1>Review: what to re-read</h1>" in html
    assert "Nothing to review yet" in html
    # Students reach it from the header, whichever course page they are on.
    assert 'href="/review">Review</a>' in page(client, COURSE)
    assert client.get("/review").headers["Location"].endswith(REVIEW)


def test_wrong_answers_point_at_their_sections_named_by_heading(client, course, student):
    visit(student, "alpha", T0, complete=True)
    # Only pick-many (alpha#a-detail-of-alpha) right: three wrong answers point at "The alpha idea".
    take(student, "alpha-check", T0 + timedelta(minutes=5), right={"pick-many"})
    db.session.commit()
    html = page(client)
    assert '<h2 id="review-alpha"><a href="/courses/test-course/lessons/alpha">Alpha lesson</a></h2>' in html
    assert ALPHA_IDEA in html and ALPHA_DETAIL not in html
    assert "— 3 questions" in html and "3 wrong" in html
    assert "◑</span> Read, quiz not yet passed</span>" in html
    assert "Beta lesson" not in html


def test_only_the_latest_attempt_counts_and_partly_right_is_listed(client, course, student):
    visit(student, "alpha", T0, complete=True)
    take(student, "alpha-check", T0 + timedelta(minutes=5), right=False)
    # The second attempt: type-it right, pick-many half right, pick-one and count-it wrong (40%, not passed).
    attempt = attempt_service.start_attempt(db.session, student.id, quiz("alpha-check"), now=T0 + timedelta(hours=1))
    posted = answers(attempt, right={"type-it"})
    key = attempt_service.engine_questions(attempt.version)["pick-many"].correct_response(None)
    posted["pick-many"] = response_fields(frozenset(sorted(key)[:1]))
    attempt_service.save_answers(db.session, attempt, posted, now=T0 + timedelta(hours=1, minutes=1))
    attempt_service.submit_attempt(db.session, attempt, now=T0 + timedelta(hours=1, minutes=2))
    db.session.commit()
    html = page(client)
    assert ALPHA_DETAIL in html and ALPHA_IDEA in html
    # The first attempt's four wrong answers no longer count: two at the idea, one partly right at the detail.
    assert "— 2 questions" in html and "— 1 question\n" in html and "— 3 questions" not in html
    assert "2 wrong" in html and "1 partly right" in html
    # Sections come in the lesson's order: "The alpha idea" before its sub-section.
    assert html.index(ALPHA_IDEA) < html.index(ALPHA_DETAIL)


def test_a_mastered_lesson_leaves_the_list(client, course, student):
    # Beta's quiz passed at 50% with two wrong answers, but beta is not read: its sections stay.
    take(student, "beta-check", T0, right={"tf", "match"})
    db.session.commit()
    html = page(client)
    assert f'href="{COURSE}/lessons/beta#a-detail-of-beta">A detail of beta</a>' in html
    assert f'href="{COURSE}/lessons/beta#the-beta-idea">The beta idea</a>' in html
    visit(student, "beta", T0 + timedelta(minutes=10), complete=True)
    db.session.commit()
    html = page(client)
    assert "Beta lesson" not in html and "Nothing to re-read" in html


def test_answers_are_not_judged_while_the_review_options_hide_correctness(client, course, student):
    """The final shows only the score after submitting: which answers were wrong waits until it closes."""
    take(student, "final", T0, right=False)
    db.session.commit()
    html = page(client)
    assert "Not listed yet: which answers were right in “Final test”" in html
    assert "review-lesson" not in html and "Nothing to re-read" not in html
    # Closed: the after-close options show correctness, so the final's three questions are listed.
    close_quiz("final", T0 + timedelta(days=1))
    html = page(client)
    assert "Not listed yet" not in html and html.count('class="card review-lesson"') >= 1
    review = course_review(db.session, course, student.id, now=T0 + timedelta(days=2))
    assert sum(lesson.questions for lesson in review.lessons) == 3 and review.withheld == ()
    # The same quiz, seen at a moment before it closes: withheld again.
    review = course_review(db.session, course, student.id, now=T0 + timedelta(hours=1))
    assert review.lessons == () and review.withheld == ("Final test",)


def test_retired_quizzes_do_not_count(client, course, student):
    take(student, "alpha-check", T0, right=False)
    db.session.commit()
    assert ALPHA_IDEA in page(client)
    db.session.get(Quiz, quiz("alpha-check").id).retired_at = T0 + timedelta(days=1)
    db.session.commit()
    assert ALPHA_IDEA not in page(client)


def test_the_review_page_runs_a_fixed_number_of_queries(client, course, student, count_queries):
    take(student, "alpha-check", T0, right=False)
    db.session.commit()
    client.get(REVIEW)
    with count_queries() as few:
        assert client.get(REVIEW).status_code == 200
    take(student, "alpha-check", T0 + timedelta(hours=1), right=False)
    take(student, "beta-check", T0 + timedelta(hours=2), right=False)
    take(student, "final", T0 + timedelta(hours=3), right=False)
    close_quiz("final", T0 + timedelta(days=1))
    with count_queries() as many:
        html = page(client)
    assert "Gamma lesson" in html or "Beta lesson" in html
    assert len(many) == len(few), many
    assert len(few) <= 9, few
