"""The student's path: course page, lesson pages, lesson states, the next step, time spent, query counts."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Course, Lesson, LessonProgress, LessonVisit
from app.services.progress import MAX_CREDIT_SECONDS
from tests.conftest import PASSWORD, csrf_token

COURSE = "/courses/test-course"


def lesson_url(key: str) -> str:
    return f"{COURSE}/lessons/{key}"


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def complete(client, key: str):
    token = csrf_token(client, lesson_url(key))
    return client.post(f"{lesson_url(key)}/complete", data={"csrf_token": token})


def test_course_page_lists_lessons_not_started(client, course, student):
    html = page(client, COURSE)
    assert "0 of 3 lessons mastered (0%)" in html and "0 of 3 lessons read." in html
    assert html.count('<span class="lesson-state-symbol" aria-hidden="true">○</span> Not started') == 3
    assert "Start reading: Alpha lesson" in html
    assert '<progress id="course-progress" max="100" value="0">' in html
    # The rule is next to the lesson list, and the key names every state with its symbol.
    assert "A lesson is mastered when you have read it (marked it read) and passed its quiz" in html
    assert "◔</span> Reading, " in html and "◑</span> Read, quiz not yet passed," in html
    assert f'href="{COURSE}/review"' in html


def test_signed_in_home_goes_to_the_only_course(client, course, student):
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"].endswith(COURSE)


def test_opening_a_lesson_logs_a_visit_and_shows_content(client, course, student):
    html = page(client, lesson_url("beta"))
    assert "<h1>Beta lesson</h1>" in html
    assert "Explain the beta idea" in html  # objectives
    assert "Some content about beta with <em>emphasis</em>" in html
    assert 'rel="prev"' in html and 'rel="next"' in html
    assert "Lesson 2 of 3" in html
    progress = db.session.scalars(select(LessonProgress)).one()
    assert progress.visits == 1 and progress.completed_at is None
    page(client, lesson_url("beta"))
    db.session.expire_all()
    assert db.session.scalars(select(LessonProgress)).one().visits == 2
    assert db.session.scalar(select(func.count()).select_from(LessonVisit)) == 2
    course_html = page(client, COURSE)
    assert "◔</span> Reading</span>" in course_html
    assert "Finish reading: Beta lesson" in course_html


def test_first_and_last_lessons_have_one_neighbour(client, course, student):
    first = page(client, lesson_url("alpha"))
    assert 'rel="prev"' not in first and 'rel="next"' in first
    last = page(client, lesson_url("gamma"))
    assert 'rel="next"' not in last and 'rel="prev"' in last


def test_mark_read_sends_to_the_quiz_then_to_the_next_step(client, course, student):
    page(client, lesson_url("alpha"))
    assert "Mark as read" in page(client, lesson_url("alpha"))
    response = complete(client, "alpha")
    assert response.status_code == 302
    # Alpha has a quiz not yet passed: reading is done, so the quiz comes next.
    assert response.headers["Location"].endswith(f"{COURSE}/quizzes/alpha-check")
    html = page(client, COURSE)
    assert "0 of 3 lessons mastered (0%)" in html
    assert "1 of 3 lessons read" in html
    assert "◑</span> Read, quiz not yet passed</span>" in html
    # The next step is alpha's quiz, before reading on.
    assert f'href="{COURSE}/quizzes/alpha-check">Take the lesson quiz: Alpha lesson</a>' in html
    lesson_html = page(client, lesson_url("alpha"))
    assert "◑</span> Read, quiz not yet passed</span>" in lesson_html
    assert "You marked this lesson read on" in lesson_html
    # Gamma has no quiz: reading it masters it, and "continue" goes to the next step (alpha's quiz).
    response = complete(client, "gamma")
    assert response.headers["Location"].endswith(f"{COURSE}/continue")
    follow = client.get(response.headers["Location"])
    assert follow.headers["Location"].endswith(f"{COURSE}/quizzes/alpha-check")
    assert "1 of 3 lessons mastered (33%)" in page(client, COURSE)
    assert "✔</span> Mastered</span>" in page(client, lesson_url("gamma"))
    # Completing twice keeps the first completion time.
    alpha_done = select(LessonProgress.completed_at).join(Lesson).where(Lesson.key == "alpha")
    first_time = db.session.scalars(alpha_done).one()
    complete(client, "alpha")
    db.session.expire_all()
    assert db.session.scalars(alpha_done).one() == first_time


def test_reading_everything_without_quizzes_is_not_mastery(client, course, student):
    for key in ("alpha", "beta", "gamma"):
        complete(client, key)
    html = page(client, COURSE)
    assert "3 of 3 lessons read" in html
    assert "1 of 3 lessons mastered (33%)" in html
    assert "Course complete" not in html
    # Everything read: the next step is the first quiz still to pass.
    assert "Take the lesson quiz: Alpha lesson" in html


def test_complete_requires_csrf(client, course, student):
    response = client.post(f"{lesson_url('alpha')}/complete", data={})
    assert response.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(LessonProgress)) == 0


def test_progress_survives_logout_and_login(client, course, student, auth):
    complete(client, "alpha")
    page(client, lesson_url("beta"))
    auth.logout()
    assert client.get(COURSE).status_code == 302
    auth.login("learner@example.org", PASSWORD)
    html = page(client, COURSE)
    assert "1 of 3 lessons read" in html
    assert "Finish reading: Beta lesson" in html


def test_progress_is_per_learner(client, course, student, auth, make_user):
    complete(client, "alpha")
    auth.logout()
    make_user(email="other@example.org")
    auth.login("other@example.org")
    assert "0 of 3 lessons read" in page(client, COURSE)


def test_heartbeat_credits_time_capped(client, course, student):
    page(client, lesson_url("alpha"))
    visit = db.session.scalars(select(LessonVisit)).one()
    # Pretend the page has been open for an hour: only the cap is credited.
    visit.last_seen_at = visit.last_seen_at - timedelta(hours=1)
    db.session.commit()
    token = csrf_token(client, COURSE)
    response = client.post(f"/visits/{visit.id}/heartbeat", headers={"X-CSRFToken": token})
    assert response.status_code == 204
    db.session.expire_all()
    progress = db.session.scalars(select(LessonProgress)).one()
    assert progress.seconds_spent == MAX_CREDIT_SECONDS
    assert db.session.get(LessonVisit, visit.id).seconds == MAX_CREDIT_SECONDS


def test_open_tabs_never_credit_more_time_than_the_clock(course, make_user):
    """Ten tabs (over two lessons) heartbeating every 30 s for five minutes credit five minutes, not fifty."""
    from app.services.progress import credit_time, record_visit

    learner = make_user(email="tabs@example.org")
    lessons = db.session.scalars(select(Lesson).order_by(Lesson.position)).all()[:2]
    start = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
    visits = [db.session.get(LessonVisit, record_visit(db.session, learner.id, lessons[tab % 2].id, now=start)[0])
              for tab in range(10)]
    db.session.commit()
    for beat in range(1, 11):
        for tab, visit in enumerate(visits):
            # Each tab's timer runs a little apart from the others, as real tabs do.
            credit_time(db.session, visit, now=start + timedelta(seconds=30 * beat + tab))
        db.session.commit()
    total = db.session.scalar(select(func.sum(LessonProgress.seconds_spent))
                              .where(LessonProgress.user_id == learner.id))
    wall_clock = 30 * 10 + len(visits) - 1
    assert 300 <= total <= wall_clock


def test_heartbeat_on_someone_elses_visit_is_not_found(client, course, student, auth, make_user):
    page(client, lesson_url("alpha"))
    visit_id = db.session.scalars(select(LessonVisit.id)).one()
    auth.logout()
    make_user(email="intruder@example.org")
    auth.login("intruder@example.org")
    token = csrf_token(client, COURSE)
    assert client.post(f"/visits/{visit_id}/heartbeat", headers={"X-CSRFToken": token}).status_code == 404
    assert client.post(f"/visits/{visit_id + 999}/heartbeat", headers={"X-CSRFToken": token}).status_code == 404


def test_unknown_course_and_lesson_are_404(client, course, student):
    assert client.get("/courses/nope").status_code == 404
    assert client.get(lesson_url("nope")).status_code == 404
    assert client.get("/courses/nope/lessons/alpha").status_code == 404


def test_retired_lesson_hidden_from_students(client, course, student):
    gamma = db.session.scalars(select(Lesson).where(Lesson.key == "gamma")).one()
    from app.models import utcnow

    gamma.retired_at = utcnow()
    db.session.commit()
    assert client.get(lesson_url("gamma")).status_code == 403
    assert "Gamma lesson" not in page(client, COURSE)


def test_about_page(client, course):
    html = page(client, f"{COURSE}/about")
    assert "About this module" in html and "test programme" in html


def add_lessons(course: Course, count: int) -> None:
    for n in range(count):
        db.session.add(Lesson(course_id=course.id, key=f"extra-{n}", title=f"Extra {n}", position=100 + n,
                              minutes=5, body_html="<p>x</p>", source_path="x.md", content_hash="x"))
    db.session.commit()


# Counted on SQLite, whose BEGIN is a statement too: the course page reads the user, the course, the quiz
# grades and the lessons; the lesson page the user, the lesson, its neighbours and its quiz's grade, then
# writes the visit (an upsert and an insert) in its own short transaction; the quiz page the user, the quiz,
# the attempts with their versions and the current version.
@pytest.mark.parametrize(("url", "most"), [(COURSE, 5), (lesson_url("beta"), 8), (f"{COURSE}/review", 6),
                                           (f"{COURSE}/quizzes/beta-check", 5)])
def test_pages_run_a_fixed_number_of_queries(client, course, student, make_user, count_queries, url, most):
    client.get(url)  # warm-up: first visit inserts the progress row
    with count_queries() as few:
        assert client.get(url).status_code == 200
    add_lessons(course, 25)
    for n in range(10):
        make_user(email=f"crowd{n}@example.org")
    with count_queries() as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few), many
    assert len(few) <= most, few


def test_a_failed_quiz_is_flagged_and_its_retake_is_the_next_step(client, course, student):
    from tests.web.report_world import take, visit

    start = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
    visit(student, "alpha", start, complete=True)
    visit(student, "beta", start + timedelta(minutes=5))  # being read, but the failed quiz comes first
    take(student, "alpha-check", start + timedelta(minutes=10), right=False)
    db.session.commit()
    html = page(client, COURSE)
    assert "◑</span> Read, quiz not yet passed</span>" in html
    flag = '<span class="quiz-flag quiz-flag-failed"><span aria-hidden="true">✘</span> not passed'
    assert f"{flag} (best 0%, pass mark 60%)" in html
    assert "1 quiz not passed." in html
    assert f'href="{COURSE}/quizzes/alpha-check">Retake the lesson quiz: Alpha lesson</a>' in html
    assert "review the sections behind the questions you missed" in html
    assert "✘</span> Quiz not passed" in page(client, lesson_url("alpha"))
    # Both attempts used: no retake to suggest, so the lesson being read is next.
    take(student, "alpha-check", start + timedelta(minutes=20), right=False)
    db.session.commit()
    html = page(client, COURSE)
    assert "Retake the lesson quiz" not in html and "Finish reading: Beta lesson" in html
    assert client.get(f"{COURSE}/continue").headers["Location"].endswith(lesson_url("beta"))


def test_the_final_is_the_next_step_once_every_lesson_is_mastered(client, course, student):
    from tests.web.report_world import take, visit

    start = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
    for minute, key in enumerate(("alpha", "beta", "gamma")):
        visit(student, key, start + timedelta(minutes=minute), complete=True)
    take(student, "alpha-check", start + timedelta(minutes=10))
    take(student, "beta-check", start + timedelta(minutes=20))
    db.session.commit()
    html = page(client, COURSE)
    assert "3 of 3 lessons mastered (100%)" in html and "Course complete" not in html
    assert 'href="/courses/test-course/quizzes/final">Take the final assessment: Final test</a>' in html
    take(student, "final", start + timedelta(minutes=30))
    db.session.commit()
    html = page(client, COURSE)
    assert "Course complete." in html and "Take the final" not in html
    follow = client.get(f"{COURSE}/continue")
    assert follow.headers["Location"].endswith(COURSE)


def test_a_quiz_passed_without_reading_is_not_mastery(client, course, student):
    from tests.web.report_world import take, visit

    start = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
    visit(student, "alpha", start)
    take(student, "alpha-check", start + timedelta(minutes=10))
    db.session.commit()
    html = page(client, COURSE)
    assert "0 of 3 lessons mastered (0%)" in html and "◔</span> Reading</span>" in html
    assert "Finish reading: Alpha lesson" in html
    assert "Mark the lesson read to master it." in page(client, lesson_url("alpha"))
