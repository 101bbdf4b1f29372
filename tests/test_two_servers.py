"""Two app servers on one PostgreSQL database, as behind a load balancer: a student's attempt moves between them.

Runs on the PostgreSQL suite only (TEST_DATABASE_URL): it makes its own database beside the test one, migrates it
and loads the fixture course with the real commands, and starts two gunicorn instances sharing nothing but that
database, the signing key and (when PARLEY_TEST_REDIS_URL is set) the Redis that holds the sign-in throttles.
Every request of the student alternates between the two.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import secrets
import socket
import subprocess  # nosec B404 - starts flask and gunicorn with argument lists
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"
BIN = Path(sys.executable).parent
TEST_URL = os.environ.get("TEST_DATABASE_URL", "")

pytestmark = pytest.mark.skipif(not TEST_URL.startswith("postgres"), reason="needs the PostgreSQL suite")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture()
def shared_database():
    """A fresh PostgreSQL database on the test server, dropped afterwards; yields its URL."""
    import psycopg

    from app.config import normalize_database_url

    parts = urllib.parse.urlsplit(TEST_URL)
    name = f"parley_two_servers_{os.getpid()}"
    admin = psycopg.connect(urllib.parse.urlunsplit(parts._replace(path="/postgres")).replace("+psycopg", ""),
                            autocommit=True)
    admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    admin.execute(f"CREATE DATABASE {name}")
    try:
        yield normalize_database_url(urllib.parse.urlunsplit(parts._replace(path=f"/{name}")))
    finally:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.close()


@pytest.fixture()
def two_servers(shared_database):
    """Two gunicorn instances of Parley on the shared database; yields their base URLs."""
    env = {**os.environ, "DATABASE_URL": shared_database, "SECRET_KEY": secrets.token_hex(32), "FLASK_APP": "app",
           "PARLEY_COURSE_DIR": str(FIXTURES / "course"), "PARLEY_QUIZZES_DIR": str(FIXTURES / "quizzes")}
    if os.environ.get("PARLEY_TEST_REDIS_URL"):
        env["PARLEY_RATELIMIT_STORAGE_URL"] = os.environ["PARLEY_TEST_REDIS_URL"]
    for command in (["db", "upgrade"], ["content", "sync"]):
        subprocess.run([str(BIN / "flask"), *command], env=env, cwd=ROOT, check=True,  # nosec B603
                       capture_output=True)
    servers, bases = [], []
    try:
        for _ in range(2):
            port = _free_port()
            servers.append(subprocess.Popen(  # nosec B603
                [str(BIN / "gunicorn"), "--workers", "1", "--bind", f"127.0.0.1:{port}", "--no-control-socket",
                 "app:create_app()"], env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            bases.append(f"http://127.0.0.1:{port}")
        for base in bases:
            _wait_for(base)
        yield bases
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=30)


def _wait_for(base: str) -> None:
    for _ in range(300):
        try:
            urllib.request.urlopen(base + "/auth/login", timeout=2).close()  # nosec B310 - local test server
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"{base} did not start")


class Browser:
    """A cookie-keeping client; cookies are per host, not per port, so both servers see one session."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, url: str) -> tuple[str, str]:
        """GET a page: (final URL, body)."""
        with self.opener.open(url, timeout=30) as response:  # nosec B310 - local test server
            return response.url, response.read().decode()

    def post(self, url: str, fields: list[tuple[str, str]]) -> tuple[str, str]:
        """POST a form (redirects followed): (final URL, body)."""
        data = urllib.parse.urlencode(fields).encode()
        with self.opener.open(url, data=data, timeout=30) as response:  # nosec B310 - local test server
            return response.url, response.read().decode()


def _token(page: str) -> str:
    return re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)


def test_an_attempt_moves_between_two_servers_on_one_database(two_servers):
    one, two = two_servers
    browser = Browser()
    _, page = browser.get(f"{one}/auth/register")
    url, page = browser.post(f"{one}/auth/register", [
        ("csrf_token", _token(page)), ("name", "Roaming Student"), ("email", "roam@example.org"),
        ("password", "correct horse battery"), ("confirm", "correct horse battery")])
    assert "Roaming Student" in page, "registered and signed in on server one"

    _, page = browser.get(f"{two}/courses/test-course")
    assert "Roaming Student" in page, "server two honours the session that server one signed"

    url, page = browser.post(f"{two}/courses/test-course/quizzes/beta-check/start", [("csrf_token", _token(page))])
    attempt = re.search(r"/attempts/(\d+)", url).group(1)
    questions = re.findall(r'name="questions" value="([^"]+)"', page)
    true_false = re.search(r'name="([^"]+)" value="true"', page).group(1)

    fields = [("csrf_token", _token(page)), ("page", "1"), ("go", "save"), (true_false, "true")]
    fields += [("questions", qid) for qid in questions]
    browser.post(f"{one}/attempts/{attempt}/save", fields)

    _, page = browser.get(f"{two}/attempts/{attempt}")
    assert re.search(rf'name="{re.escape(true_false)}" value="true" checked', page), \
        "the answer saved through server one shows on server two"

    _, summary = browser.get(f"{one}/attempts/{attempt}/summary")
    url, review = browser.post(f"{two}/attempts/{attempt}/submit", [("csrf_token", _token(summary))])
    assert url.endswith(f"/attempts/{attempt}/review")
    _, again = browser.get(f"{one}/attempts/{attempt}/review")
    grade = re.search(r"(\d+(?:\.\d+)?)%", again)
    assert grade is not None and grade.group(0) in review, "both servers show the one graded result"
