"""Several workers writing at once: no "database is locked", no lost update, no duplicate row."""

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from app.extensions import db
from app.models import LessonProgress, LessonVisit
from tests.conftest import PASSWORD, AuthActions, csrf_token

WORKERS = 6
VISITS_EACH = 8


def test_concurrent_lesson_opens_and_completions(app, course, make_user):
    make_user(email="busy@example.org")
    clients = []
    for _ in range(WORKERS):
        client = app.test_client()
        assert AuthActions(client).login("busy@example.org", PASSWORD).status_code == 302
        clients.append(client)
    url = "/courses/test-course/lessons/alpha"
    tokens = [csrf_token(client, url) for client in clients]

    def work(index: int) -> list[int]:
        client = clients[index]
        statuses = [client.get(url).status_code for _ in range(VISITS_EACH)]
        statuses.append(client.post(f"{url}/complete", data={"csrf_token": tokens[index]}).status_code)
        return statuses

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        results = list(pool.map(work, range(WORKERS)))
    # End the test's own read transaction and forget its copies, so it sees what the workers wrote.
    db.session.commit()
    db.session.expire_all()

    assert all(status == 200 for statuses in results for status in statuses[:-1]), results
    assert all(statuses[-1] == 302 for statuses in results), results
    rows = db.session.scalars(select(LessonProgress)).all()
    assert len(rows) == 1, "two tabs must never create two summaries"
    # The csrf_token() page loads above opened the lesson once per client too.
    expected_visits = WORKERS * (VISITS_EACH + 1)
    assert rows[0].visits == expected_visits
    assert db.session.scalar(select(func.count()).select_from(LessonVisit)) == expected_visits
    assert rows[0].completed_at is not None
