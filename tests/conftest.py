"""Shared fixtures: the app on SQLite (default) or PostgreSQL (TEST_DATABASE_URL), clients, factories."""

from __future__ import annotations

import contextvars
import itertools
import os
import re
import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import has_app_context
from flask.testing import FlaskClient, FlaskCliRunner
from flask_migrate import upgrade
from sqlalchemy import event, text

from app import create_app
from app.content.bundle import read_content
from app.database import write_intent
from app.extensions import db
from app.models import user as user_model
from app.services.accounts import create_user
from app.services.content_sync import sync_content

FIXTURES = Path(__file__).parent / "fixtures"
PASSWORD = "correct horse battery"
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


def database_url(tmp_path_factory) -> str:
    """The database the suite runs on: TEST_DATABASE_URL, else a file-backed SQLite database."""
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


def reset_schema(url: str) -> None:
    """Drop everything in the test database so migrations start from empty."""
    from sqlalchemy import create_engine, inspect

    from app.config import normalize_database_url

    engine = create_engine(normalize_database_url(url))
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        else:
            for table in inspect(connection).get_table_names():
                connection.execute(text(f'DROP TABLE IF EXISTS "{table}"'))
    engine.dispose()


# What production hashes with, read before the fixture below lowers it (test_auth checks it is scrypt).
PRODUCTION_HASH_METHOD = user_model.HASH_METHOD


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashes():
    """Hash the suite's passwords with 1,000 rounds of PBKDF2 instead of scrypt.

    Thousands of accounts are made and signed in here; at about 0.1 s a scrypt hash, hashing took over
    half of the suite's time. Sign-in still verifies a real salted hash, only a cheaper one.
    """
    user_model.HASH_METHOD = "pbkdf2:sha256:1000"
    yield
    user_model.HASH_METHOD = PRODUCTION_HASH_METHOD


@pytest.fixture(scope="session")
def db_url(tmp_path_factory) -> str:
    """The URL of a database whose schema the migrations made, once per test session."""
    url = database_url(tmp_path_factory)
    reset_schema(url)
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return url


def _isolated(call, *args, **kwargs):
    """Run a request or command as a separate process would: its own app context and DB session.

    The test's own session is committed first, so the request sees the test's set-up and the
    test's next read starts a fresh transaction that sees what the request wrote.
    """
    if not has_app_context():  # a worker thread of a concurrency test
        return contextvars.Context().run(call, *args, **kwargs)
    db.session.commit()
    result = contextvars.Context().run(call, *args, **kwargs)
    db.session.expire_all()
    return result


class IsolatedClient(FlaskClient):
    """A test client whose requests do not share the test's app context, `g` or DB session."""

    def open(self, *args, **kwargs):
        """Perform the request in a fresh context."""
        return _isolated(super().open, *args, **kwargs)


class IsolatedCliRunner(FlaskCliRunner):
    """A CLI runner whose commands do not share the test's app context or DB session."""

    def invoke(self, *args, **kwargs):
        """Run the command in a fresh context."""
        return _isolated(super().invoke, *args, **kwargs)


@pytest.fixture()
def app(db_url, tmp_path):
    """A fresh app with empty tables and its own copy of the fixture course."""
    course_dir = tmp_path / "course"
    shutil.copytree(FIXTURES / "course", course_dir)
    shutil.copytree(FIXTURES / "quizzes", tmp_path / "quizzes")
    app = create_app({
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": db_url,
        "COURSE_DIR": str(course_dir),
        "QUIZZES_DIR": str(tmp_path / "quizzes"),
        "SERVER_NAME": "parley.test",
    })
    app.test_client_class = IsolatedClient
    app.test_cli_runner_class = IsolatedCliRunner
    with app.app_context():
        # The test's own queries are plain reads; only its explicit commits write.
        write_intent.set(False)
        _empty_tables()
        yield app
        db.session.remove()
        db.engine.dispose()


def _empty_tables() -> None:
    with db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())


@pytest.fixture()
def make_app(app):
    """Factory: another app on the test's database, content and signing key, with config overrides."""
    made = []

    def make(**overrides):
        config = {key: app.config[key] for key in
                  ("TESTING", "SQLALCHEMY_DATABASE_URI", "SECRET_KEY", "COURSE_DIR", "QUIZZES_DIR", "SERVER_NAME")}
        config.update(overrides)
        other = create_app(config)
        other.test_client_class = IsolatedClient
        other.test_cli_runner_class = IsolatedCliRunner
        made.append(other)
        return other

    # The other app has its own session: release anything this one holds so it never waits on us.
    db.session.commit()
    yield make
    for other in made:
        with other.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture()
def client(app):
    """A test client for the app."""
    return app.test_client()


@pytest.fixture()
def runner(app):
    """A CLI runner for the app's `flask` commands."""
    return app.test_cli_runner()


_emails = itertools.count(1)


@pytest.fixture()
def make_user(app):
    """Factory: create and commit a user with a known password."""

    def make(role: str = "student", email: str | None = None, name: str = "Test Person", password: str = PASSWORD):
        user = create_user(db.session, email=email or f"user{next(_emails)}@example.org", name=name,
                           password=password, role=role)
        db.session.commit()
        return user

    return make


@pytest.fixture()
def course(app):
    """The fixture course and its quizzes, synced into the database."""
    bundle = read_content(Path(app.config["COURSE_DIR"]), Path(app.config["QUIZZES_DIR"]))
    sync_content(db.session, bundle)
    db.session.commit()
    from app.models import Course

    return db.session.scalars(db.select(Course)).one()


def csrf_token(client, path: str = "/auth/login") -> str:
    """The session's CSRF token, read from a page as a browser would."""
    page = client.get(path).get_data(as_text=True)
    match = CSRF_META.search(page)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


class AuthActions:
    """Sign in and out through the real forms."""

    def __init__(self, client):
        self._client = client

    def login(self, email: str, password: str = PASSWORD, **extra):
        """Post the sign-in form."""
        token = csrf_token(self._client)
        return self._client.post("/auth/login", data={"email": email, "password": password,
                                                      "csrf_token": token, **extra})

    def logout(self):
        """Post the sign-out form."""
        token = csrf_token(self._client, "/auth/login")
        return self._client.post("/auth/logout", data={"csrf_token": token})


@pytest.fixture()
def auth(client):
    """Sign-in helper bound to the test client."""
    return AuthActions(client)


@pytest.fixture()
def student(make_user, auth):
    """A signed-in student."""
    user = make_user("student", email="learner@example.org")
    response = auth.login("learner@example.org")
    assert response.status_code == 302
    return user


class RecordedStatements(list):
    """SQL statements in the order they ran, with each one's parameters alongside."""

    def __init__(self):
        super().__init__()
        self.parameters: list = []


@pytest.fixture()
def count_queries(app):
    """Context manager recording the SQL statements run inside it (their parameters in `.parameters`)."""

    @contextmanager
    def counting():
        statements = RecordedStatements()

        def before(conn, cursor, statement, parameters, *args):
            statements.append(statement)
            statements.parameters.append(parameters)

        event.listen(db.engine, "before_cursor_execute", before)
        try:
            yield statements
        finally:
            event.remove(db.engine, "before_cursor_execute", before)

    return counting
