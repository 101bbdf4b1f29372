"""Per-request cost of Parley's pages inside one Python process, through Flask's test client: no server, no network.

Run: .venv/bin/python bench/pages.py [--requests 300]
It builds a throwaway SQLite database with the real course and quizzes, signs a student in, then times each
page in interleaved batches against a hello-world route added to the same app, so that route also runs every
Parley hook. It shows where time goes inside the app (useful with a profiler), not what a server delivers: for
throughput, latency and CPU per request under a real server and load generator, use bench/serve.py.
"""

from __future__ import annotations

import argparse
import re
import statistics
import tempfile
import time
from pathlib import Path

from flask_migrate import upgrade

from app import create_app
from app.cli import DEMO_ACCOUNTS
from app.content.bundle import read_content
from app.extensions import db
from app.services.accounts import create_user
from app.services.content_sync import sync_content

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "benchmark-password"


def build_app(folder: Path):
    """An app on a fresh migrated database holding the real course, and a hello-world route."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite3'}"})
    app.add_url_rule("/bench/hello", "bench_hello", lambda: "hello")
    with app.app_context():
        upgrade()
        sync_content(db.session, read_content(ROOT / "course", ROOT / "quizzes"))
        create_user(db.session, email=DEMO_ACCOUNTS[0][0], name="Bench", password=PASSWORD)
        db.session.commit()
    return app


def signed_in_client(app):
    """A test client signed in as the student, with an attempt started at the final assessment."""
    client = app.test_client()
    page = client.get("/auth/login").get_data(as_text=True)
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    client.post("/auth/login", data={"email": DEMO_ACCOUNTS[0][0], "password": PASSWORD, "csrf_token": token})
    # Signing in starts a fresh session, and with it a fresh CSRF token.
    page = client.get("/courses/cyber-diplomacy").get_data(as_text=True)
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    started = client.post("/courses/cyber-diplomacy/quizzes/final-assessment/start",
                          data={"csrf_token": token, "confirm": "1"})
    return client, started.headers["Location"]


def time_batch(client, url: str, count: int) -> float:
    """Seconds per request over one batch."""
    start = time.perf_counter()
    for _ in range(count):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    return (time.perf_counter() - start) / count


def main() -> None:
    """Time every page against hello-world and print the ratios."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=300, help="requests per page (split in batches)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app = build_app(Path(folder))
        client, attempt_url = signed_in_client(app)
        pages = {
            "hello-world": "/bench/hello",
            "course page": "/courses/cyber-diplomacy",
            "lesson page": "/courses/cyber-diplomacy/lessons/cyber-diplomacy-around-the-world",
            "quiz page": "/courses/cyber-diplomacy/quizzes/final-assessment",
            "attempt page": attempt_url,
        }
        batches = 10
        per_batch = max(1, args.requests // batches)
        for url in pages.values():  # warm caches and the first-visit rows
            time_batch(client, url, 3)
        samples: dict[str, list[float]] = {name: [] for name in pages}
        for _ in range(batches):  # interleaved, so drift in machine load hits every page alike
            for name, url in pages.items():
                samples[name].append(time_batch(client, url, per_batch))
        base = statistics.median(samples["hello-world"])
        print(f"{'page':<14}{'median ms':>10}{'x hello':>9}")
        for name, values in samples.items():
            median = statistics.median(values)
            print(f"{name:<14}{median * 1000:>10.2f}{median / base:>9.1f}")
        with app.app_context():
            db.engine.dispose()


if __name__ == "__main__":
    main()
