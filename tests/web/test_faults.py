"""A database that is down, locked or slow answers a friendly 503 page with Retry-After, never a bare error page.

Each fault is made deterministic: the lock is held for the whole request and the app's wait for it is tiny,
the slow statement sleeps far longer than the statement timeout, the database "down" refuses connections.
"""

import socket
import sqlite3
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, event, func, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool

from app.config import default_config, env_config
from app.extensions import db
from app.models import LessonProgress, LessonVisit
from tests.conftest import PASSWORD, AuthActions, csrf_token

FRIENDLY = ("Parley is busy or its database is unavailable. "
            "Nothing you were doing was half-saved; try again in a minute.")
COURSE = "/courses/test-course"
LESSON = f"{COURSE}/lessons/alpha"
EMAIL = "learner@example.org"
GUNICORN_WORKER_TIMEOUT_S = 30


@pytest.fixture()
def impatient(make_app):
    """An app that gives up on a lock after 50 ms."""
    return make_app(SQLITE_BUSY_TIMEOUT_MS=50, DB_LOCK_TIMEOUT_MS=50)


def dialect() -> str:
    """The suite's database: "sqlite" or "postgresql"."""
    return db.engine.dialect.name


def signed_in(some_app, email: str = EMAIL):
    """A client of some_app signed in through the real form."""
    client = some_app.test_client()
    assert AuthActions(client).login(email).status_code == 302
    return client


def assert_unavailable(response, exact_retry_after: bool = True) -> str:
    """The friendly, standalone 503 page with a Retry-After header; returns its HTML."""
    assert response.status_code == 503, response.status_code
    if exact_retry_after:
        assert response.headers["Retry-After"] == "30"
    else:
        assert int(response.headers["Retry-After"]) > 0
    html = response.get_data(as_text=True)
    assert FRIENDLY in html
    assert '<html lang="en">' in html and "<title>Parley is busy · Parley</title>" in html
    assert "<h1>Parley is busy</h1>" in html and "/static/css/parley.css" in html
    return html


def count(model) -> int:
    """How many rows the model's table holds, as committed."""
    db.session.commit()
    return db.session.scalar(select(func.count()).select_from(model))


@contextmanager
def write_lock_held(table: str):
    """Another connection holding a write lock: on SQLite the whole database, on PostgreSQL one table."""
    if dialect() == "sqlite":
        other = sqlite3.connect(db.engine.url.database, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            other.execute("ROLLBACK")
            other.close()
        return
    engine = create_engine(db.engine.url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            # EXCLUSIVE lets plain reads through but makes every write and SELECT ... FOR UPDATE wait.
            connection.execute(text(f"LOCK TABLE {table} IN EXCLUSIVE MODE"))
            yield
            connection.rollback()
    finally:
        engine.dispose()


@pytest.fixture()
def unreachable_url(app, tmp_path):
    """A URL of the suite's kind of database at which no database answers."""
    if dialect() == "sqlite":
        yield f"sqlite:///{tmp_path}"  # a folder: sqlite3 cannot open it as a database
        return
    with socket.socket() as sock:
        # Bound but not listening: connections are refused at once, and no other process can take the port.
        sock.bind(("127.0.0.1", 0))
        yield db.engine.url.set(host="127.0.0.1", port=sock.getsockname()[1]).render_as_string(hide_password=False)


def test_database_down_answers_503_to_signed_in_pages_and_sign_in(client, course, student, make_app,
                                                                   unreachable_url):
    down = make_app(SQLALCHEMY_DATABASE_URI=unreachable_url)
    browser = down.test_client()
    # The student's browser keeps its session cookie while the database goes away.
    cookie = client.get_cookie("session", domain="parley.test")
    browser.set_cookie("session", cookie.value, domain="parley.test")
    for path in (COURSE, LESSON):
        html = assert_unavailable(browser.get(path))
        assert "csrf-token" not in html and "Sign out" not in html
    visitor = down.test_client()
    token = csrf_token(visitor)  # the sign-in form itself needs no database
    response = visitor.post("/auth/login", data={"email": EMAIL, "password": PASSWORD, "csrf_token": token})
    # On a rate-limited page Flask-Limiter may raise Retry-After to the end of its window.
    assert_unavailable(response, exact_retry_after=False)


def test_connection_lost_mid_request_answers_503_then_recovers(app, course, make_user, make_app):
    if dialect() != "postgresql":
        pytest.skip("a SQLite database is a file: there is no server connection to lose")
    make_user(email=EMAIL)
    restarted = make_app()
    killer = create_engine(db.engine.url, poolclass=NullPool)

    @restarted.route("/_test/lost")
    def lost():
        pid = db.session.execute(text("SELECT pg_backend_pid()")).scalar_one()
        with killer.connect() as connection:
            # With a timeout, pg_terminate_backend returns only once the server process has gone.
            assert connection.execute(text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": pid}).scalar_one()
        db.session.execute(text("SELECT 1"))
        return "the connection survived"

    client = signed_in(restarted)
    try:
        assert_unavailable(client.get("/_test/lost"))
    finally:
        killer.dispose()
    assert client.get(COURSE).status_code == 200


def test_locked_database_answers_503_and_nothing_is_half_written(course, make_user, impatient):
    make_user(email=EMAIL)
    client = signed_in(impatient)
    # On PostgreSQL the lesson page writes its summary row before it reaches the locked visit log.
    with write_lock_held("lesson_visit"):
        assert_unavailable(client.get(LESSON))
    assert count(LessonProgress) == 0 and count(LessonVisit) == 0
    assert client.get(LESSON).status_code == 200
    assert db.session.scalars(select(LessonProgress)).one().visits == 1
    assert count(LessonVisit) == 1


def test_pages_that_only_read_never_wait_for_a_writer(course, make_user, impatient):
    """While another connection holds the write lock, every page that only reads still answers at once.

    On SQLite a page reads in a deferred transaction and takes the lock only to write; an app that gives
    up on a lock after 50 ms would answer 503 if any of these pages asked for it.
    """
    make_user(email=EMAIL)
    client = signed_in(impatient)
    quiz = f"{COURSE}/quizzes/alpha-check"
    started = client.post(f"{quiz}/start", data={"csrf_token": csrf_token(client, quiz), "confirm": "1"})
    attempt = started.headers["Location"]
    with write_lock_held("attempt"):
        for path in (COURSE, quiz, attempt, f"{attempt}/summary", f"{COURSE}/review", f"{COURSE}/about"):
            assert client.get(path).status_code == 200, path


def test_locked_completion_answers_503_then_completes(course, make_user, impatient):
    make_user(email=EMAIL)
    client = signed_in(impatient)
    token = csrf_token(client, LESSON)  # opening the lesson makes its progress row
    with write_lock_held("lesson_progress"):
        assert_unavailable(client.post(f"{LESSON}/complete", data={"csrf_token": token}))
    assert db.session.scalars(select(LessonProgress)).one().completed_at is None
    assert client.post(f"{LESSON}/complete", data={"csrf_token": token}).status_code == 302
    assert db.session.scalars(select(LessonProgress)).one().completed_at is not None


def test_slow_statement_is_cancelled_and_answers_503(make_app):
    if dialect() != "postgresql":
        pytest.skip("SQLite has no statement timeout")
    slow = make_app(DB_STATEMENT_TIMEOUT_MS=50)

    @slow.route("/_test/slow")
    def run_slow():
        db.session.execute(text("SELECT pg_sleep(30)"))
        return "finished"

    assert_unavailable(slow.test_client().get("/_test/slow"))


def test_no_free_pooled_connection_answers_503(course, make_user, make_app):
    make_user(email=EMAIL)
    crowded = make_app(SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 1, "max_overflow": 0}, DB_POOL_TIMEOUT_S=0.05)
    client = signed_in(crowded)
    with crowded.app_context():
        held = db.engine.connect()  # another request holds the only connection
    try:
        assert_unavailable(client.get(COURSE))
    finally:
        held.close()
    assert client.get(COURSE).status_code == 200


def test_error_page_survives_the_database_going_down(course, make_user, make_app):
    broken = make_app(PROPAGATE_EXCEPTIONS=False)
    state = {"down": False}

    def refuse_when_down(*_args):
        if state["down"]:
            raise OperationalError("SELECT", {}, ConnectionError("server closed the connection unexpectedly"))

    @broken.route("/_test/crash")
    def crash():
        state["down"] = True
        raise RuntimeError("a bug, just as the database goes away")

    with broken.app_context():
        event.listen(db.engine, "before_cursor_execute", refuse_when_down)
    make_user(email=EMAIL)
    client = signed_in(broken)
    response = client.get("/_test/crash")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    # The site layout reloads the signed-in user after the rollback; the standalone page needs nobody.
    assert "<h1>Something went wrong</h1>" in html and "Nothing you submitted was half-saved" in html
    assert "csrf-token" not in html and "Internal Server Error" not in html


def test_a_wrong_query_is_a_bug_not_an_outage(make_app):
    buggy = make_app(PROPAGATE_EXCEPTIONS=False)

    @buggy.route("/_test/bug")
    def bug():
        db.session.execute(text("SELECT * FROM no_such_table"))
        return "unreachable"

    # SQLite reports this as an OperationalError too: it must still be logged and answered as a 500.
    response = buggy.test_client().get("/_test/bug")
    assert response.status_code == 500 and "Retry-After" not in response.headers
    assert "<h1>Something went wrong</h1>" in response.get_data(as_text=True)


def test_session_waits_are_applied_as_configured(make_app):
    bounded = make_app(SQLITE_BUSY_TIMEOUT_MS=1234, DB_LOCK_TIMEOUT_MS=1234, DB_STATEMENT_TIMEOUT_MS=5678,
                       DB_CONNECT_TIMEOUT_S=3, DB_POOL_TIMEOUT_S=7)
    with bounded.app_context():
        assert db.engine.pool.timeout() == 7
        if dialect() == "sqlite":
            assert db.session.execute(text("PRAGMA busy_timeout")).scalar_one() == 1234
            return
        for _ in range(2):  # a rolled-back transaction must not undo them
            assert db.session.execute(text("SHOW lock_timeout")).scalar_one() == "1234ms"
            assert db.session.execute(text("SHOW statement_timeout")).scalar_one() == "5678ms"
            assert db.session.execute(text("SHOW jit")).scalar_one() == "off"
            parameters = db.session.connection().connection.dbapi_connection.info.get_parameters()
            assert parameters["connect_timeout"] == "3"
            db.session.rollback()


def test_every_default_wait_ends_before_gunicorn_kills_the_worker(tmp_path):
    config = default_config(str(tmp_path))
    waits_s = [config["SQLITE_BUSY_TIMEOUT_MS"] / 1000, config["DB_LOCK_TIMEOUT_MS"] / 1000,
               config["DB_STATEMENT_TIMEOUT_MS"] / 1000, config["DB_CONNECT_TIMEOUT_S"], config["DB_POOL_TIMEOUT_S"]]
    assert all(0 < wait <= GUNICORN_WORKER_TIMEOUT_S / 2 for wait in waits_s), waits_s


def test_timeouts_can_be_set_from_the_environment(monkeypatch):
    monkeypatch.setenv("PARLEY_DB_LOCK_TIMEOUT_MS", "250")
    monkeypatch.setenv("PARLEY_DB_STATEMENT_TIMEOUT_MS", "4000")
    config = env_config()
    assert config["DB_LOCK_TIMEOUT_MS"] == 250 and config["DB_STATEMENT_TIMEOUT_MS"] == 4000
