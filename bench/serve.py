"""Parley under a real server: gunicorn, driven by wrk, against a hello-world on the same settings, in one run.

Run: .venv/bin/python bench/serve.py [--databases sqlite,postgresql] [--students 32] [--seconds 10]
     [--workers 3] [--burst 200] [--write bench/RESULTS.md]

For each database it migrates a fresh one, times `flask content sync` of the real course, seeds students who
are already signed in (their session cookies are signed with the server's key, as a sign-in would make them, so
the sign-in throttle does not shape the run), starts one attempt each, and serves Parley with gunicorn on a free
port. wrk (Debian's package, a C load generator that leaves the server's CPU alone) then drives each request kind
with one connection per student, each connection carrying its own student's cookie (a Lua script). A
hello-world Flask app on the same gunicorn settings is measured in the same run, and every figure is also given
as a ratio to it; so is the stack's floor (bench/floor_app.py: the same students signed in, one Core query for
the user, and for its page one more query and a small template), the least a signed-in page costs on this stack.
CPU per request is read from the workers' /proc/<pid>/stat before and after each run; resident memory from
/proc/<pid>/status at the end. Finally `--burst` other students submit their attempts at the same
moment, once each (curl --parallel sends them), and the latency of those submits is measured.

Needs wrk and curl on PATH (`apt-get install -y wrk curl`) and, for PostgreSQL, a server at 127.0.0.1:5432 (trust auth).
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import secrets
import shutil
import socket
import statistics
import subprocess  # nosec B404 - runs gunicorn, flask and wrk, with argument lists
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
COURSE = "cyber-diplomacy"
LESSON = "cyber-diplomacy-around-the-world"
QUIZ = "us-strategy-and-legislation-check"
USER_AGENT = "parley-bench"
PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_DATABASE = "bench_serve"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Student:
    """A seeded student: the cookie a sign-in would have given, their CSRF token, and their open attempt."""

    email: str
    cookie: str
    csrf: str
    attempt_url: str = ""
    answer: tuple[str, str] = ("", "")
    questions: tuple[str, ...] = ()


@dataclass
class Result:
    """One wrk run: throughput, latency, errors and server CPU per request."""

    name: str
    requests: int
    seconds: float
    errors: int
    p50_ms: float
    p99_ms: float
    cpu_ms: float

    @property
    def rate(self) -> float:
        """Requests per second."""
        return self.requests / self.seconds if self.seconds else 0.0


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run(command: list[str], env: dict[str, str]) -> float:
    """Run a command to completion and return how long it took."""
    start = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)  # nosec B603
    if done.returncode:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr}")
    return time.perf_counter() - start


def database_url(kind: str, folder: Path) -> str:
    """A fresh, empty database of the given kind."""
    if kind == "sqlite":
        return f"sqlite:///{folder / 'bench.sqlite3'}"
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {PG_DATABASE}")
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{PG_DATABASE}"


def seed(env: dict[str, str], count: int, prefix: str) -> list[Student]:
    """Create `count` students and sign each in the way the sign-in page would (a signed session cookie)."""
    os.environ.update(env)
    # This checkout's app, whichever checkout the virtual environment was installed from.
    sys.path.insert(0, str(ROOT))
    from flask import session
    from flask_login import login_user
    from flask_wtf.csrf import generate_csrf

    from app import create_app
    from app.extensions import db
    from app.models import User
    from app.services.accounts import create_user

    app = create_app({})
    students = []
    with app.app_context():
        users = [create_user(db.session, email=f"{prefix}{n}@bench.example.org", name=f"Student {n}",
                             password=secrets.token_urlsafe(16)) for n in range(count)]
        db.session.commit()
        ids = [user.id for user in users]
        db.engine.dispose()
    serializer = app.session_interface.get_signing_serializer(app)
    for user_id in ids:
        # Each request context brings its own app context, so Flask-WTF's per-context token cache starts empty.
        with app.test_request_context(environ_base={"REMOTE_ADDR": "127.0.0.1"}, headers={"User-Agent": USER_AGENT}):
            user = db.session.get(User, user_id)
            session.clear()
            login_user(user)
            token = generate_csrf()
            cookie = f"{app.config['SESSION_COOKIE_NAME']}={serializer.dumps(dict(session))}"
            students.append(Student(user.email, cookie, token))
            db.session.remove()
    with app.app_context():
        db.engine.dispose()
    return students


def fetch(url: str, student: Student,
          data: dict[str, str] | list[tuple[str, str]] | None = None) -> tuple[int, str, str]:
    """One request as the student: (status, final URL, body); redirects are followed."""
    body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, headers={"Cookie": student.cookie, "User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # nosec B310 - our own local server
            return response.status, response.url, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, url, error.read().decode(errors="replace")


def start_attempts(base: str, students: list[Student]) -> None:
    """Start one attempt at the lesson check for each student and note a first answer to autosave."""
    for student in students:
        status, url, page = fetch(f"{base}/courses/{COURSE}/quizzes/{QUIZ}/start", student,
                                  {"csrf_token": student.csrf})
        if status != 200 or "/attempts/" not in url:
            raise SystemExit(f"could not start an attempt for {student.email}: {status} {url}")
        student.attempt_url = url.removeprefix(base)
        student.questions = tuple(re.findall(r'name="questions" value="([^"]+)"', page))
        radio = re.search(r'type="radio" name="([^"]+)" value="([^"]+)"', page) or \
            re.search(r'name="([^"]+)" type="radio" value="([^"]+)"', page)
        if radio:
            student.answer = (radio.group(1), radio.group(2))


def save_first_answers(base: str, students: list[Student]) -> None:
    """Each student saves an answer before submitting, so a submit grades something (not timed)."""
    for student in students:
        path, body = request_for(student, "autosave")
        status, _, _ = fetch(base + path, student, urllib.parse.parse_qsl(body))
        if status != 200:
            raise SystemExit(f"could not save an answer for {student.email}: {status}")


def lua_string(text: str) -> str:
    """A Lua string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def wrk_script(students: list[Student], kind: str) -> str:
    """A wrk script in which connection n is student n, making requests of the given kind."""
    lines = ["local cookies = {}", "local paths = {}", "local bodies = {}"]
    for n, student in enumerate(students, start=1):
        path, body = request_for(student, kind)
        lines.append(f"cookies[{n}] = {lua_string(student.cookie)}")
        lines.append(f"paths[{n}] = {lua_string(path)}")
        lines.append(f"bodies[{n}] = {lua_string(body) if body is not None else 'nil'}")
    method = "POST" if kind == "autosave" else "GET"
    lines += [
        "local counter = 0",
        "function setup(thread) counter = counter + 1; thread:set('me', counter) end",
        "function request()",
        f"  local headers = {{['Cookie'] = cookies[me], ['User-Agent'] = {lua_string(USER_AGENT)}}}",
        "  if bodies[me] then",
        "    headers['Content-Type'] = 'application/x-www-form-urlencoded'",
        "    headers['X-Parley-Autosave'] = '1'",
        "  end",
        f"  return wrk.format({lua_string(method)}, paths[me], headers, bodies[me])",
        "end",
        "function done(summary, latency, requests)",
        "  local e = summary.errors",
        "  io.write(string.format('RESULT %d %d %d %d %d\\n', summary.requests, summary.duration,",
        "    e.connect + e.read + e.write + e.timeout + e.status, latency:percentile(50), latency:percentile(99)))",
        "end",
    ]
    return "\n".join(lines) + "\n"


def request_for(student: Student, kind: str) -> tuple[str, str | None]:
    """The path and (for a POST) the form body of one request of a kind."""
    if kind in ("hello", "floor hello"):
        return "/", None
    if kind in ("course", "floor page"):
        return f"/courses/{COURSE}", None
    if kind == "lesson":
        return f"/courses/{COURSE}/lessons/{LESSON}", None
    if kind == "quiz":
        return f"/courses/{COURSE}/quizzes/{QUIZ}", None
    if kind == "attempt":
        return student.attempt_url, None
    if kind == "autosave":
        fields = [("csrf_token", student.csrf), ("page", "1"), ("go", "save")]
        fields += [("questions", qid) for qid in student.questions]
        if student.answer[0]:
            fields.append(student.answer)
        save_path = student.attempt_url.rstrip("/") + "/save"
        return save_path, urllib.parse.urlencode(fields)
    raise ValueError(kind)


class Server:
    """A gunicorn serving an app on a free port, with its workers' pids."""

    def __init__(self, app: str, env: dict[str, str], workers: int):
        self.port = free_port()
        self.process = subprocess.Popen(  # nosec B603
            [str(VENV_BIN / "gunicorn"), "--workers", str(workers), "--bind", f"127.0.0.1:{self.port}",
             "--worker-class", "sync", "--backlog", "2048", "--no-control-socket", app],
            env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self.base = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                if len(self.workers()) == workers:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise SystemExit(f"gunicorn for {app} did not start")

    def workers(self) -> list[int]:
        """The worker processes' pids."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()] if children.exists() else []

    def cpu_ticks(self) -> int:
        """User plus system CPU ticks spent by the workers so far."""
        total = 0
        for pid in self.workers():
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        return total

    def resident_mb(self) -> list[float]:
        """Each worker's resident memory in MB."""
        sizes = []
        for pid in self.workers():
            match = re.search(r"VmRSS:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text())
            sizes.append(int(match.group(1)) / 1024 if match else 0.0)
        return sizes

    def stop(self) -> None:
        """Stop gunicorn and wait for it."""
        self.process.terminate()
        self.process.wait(timeout=30)


def drive(server: Server, students: list[Student], kind: str, seconds: int, folder: Path) -> Result:
    """One wrk run of a request kind, one connection (and thread) per student."""
    path, body = request_for(students[0], kind)
    if body is None:
        # wrk counts a redirect as a success: make sure the page itself answers, not the sign-in page.
        status, url, _ = fetch(server.base + path, students[0])
        if status != 200 or url != server.base + path:
            raise SystemExit(f"{kind}: {path} answered {status} at {url}, not the page")
    script = folder / f"{kind.replace(' ', '-')}.lua"
    script.write_text(wrk_script(students, kind))
    count = len(students)
    warm = subprocess.run(  # nosec B603 - a short warm-up run, not measured
        ["wrk", "-t", str(count), "-c", str(count), "-d", "2s", "-s", str(script), server.base],
        capture_output=True, text=True, check=True)
    del warm
    before = server.cpu_ticks()
    output = subprocess.run(  # nosec B603
        ["wrk", "-t", str(count), "-c", str(count), "-d", f"{seconds}s", "--latency", "-s", str(script),
         server.base], capture_output=True, text=True, check=True).stdout
    ticks = server.cpu_ticks() - before
    match = re.search(r"RESULT (\d+) (\d+) (\d+) (\d+) (\d+)", output)
    if not match:
        raise SystemExit(f"wrk printed no result for {kind}:\n{output}")
    requests, duration_us, errors, p50_us, p99_us = (int(value) for value in match.groups())
    cpu_ms = ticks * 1000 / CLOCK_TICKS / requests if requests else 0.0
    return Result(kind, requests, duration_us / 1e6, errors, p50_us / 1000, p99_us / 1000, cpu_ms)


def burst_submit(server: Server, students: list[Student], folder: Path) -> tuple[int, float, float, float]:
    """Every student submits at the same moment, once: (errors, p50 ms, p99 ms, wall seconds).

    curl sends them, all connections at once (--parallel), so the load generator is C, as wrk is, and does
    not take the server's CPU the way Python threads would.
    """
    config = folder / "burst.curl"
    lines = []
    for student in students:
        url = server.base + student.attempt_url.rstrip("/") + "/submit"
        lines += [f'url = "{url}"', f'header = "Cookie: {student.cookie}"', f'header = "User-Agent: {USER_AGENT}"',
                  f'data = "csrf_token={urllib.parse.quote(student.csrf)}"', 'output = "/dev/null"',
                  'write-out = "%{http_code} %{time_total}\\n"', "next"]
    config.write_text("\n".join(lines[:-1]) + "\n")
    started = time.perf_counter()
    finished = subprocess.run(  # nosec B603 B607 - curl from the system, our own local server
        ["curl", "--silent", "--parallel", "--parallel-immediate", "--parallel-max", str(len(students)),
         "--max-time", "60", "--config", str(config)],
        capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    results = [line.split() for line in finished.stdout.splitlines() if line.strip()]
    errors = len(students) - len(results) + sum(1 for status, _ in results if status not in ("302", "303"))
    ordered = sorted(float(seconds) for _, seconds in results) or [float("nan")]
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return errors, statistics.median(ordered) * 1000, p99 * 1000, wall


def machine() -> str:
    """One paragraph describing this machine and the software measured."""
    cpu = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        model = re.search(r"model name\s*:\s*(.+)", cpuinfo.read_text())
        cpu = model.group(1).strip() if model else cpu
    memory = re.search(r"MemTotal:\s+(\d+) kB", Path("/proc/meminfo").read_text())
    wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout.split("\n")[0]  # nosec
    return (f"{os.cpu_count()} × {cpu}, {int(memory.group(1)) // 1024 // 1024 if memory else '?'} GiB RAM, "
            f"{platform.platform()}; Python {platform.python_version()}; {wrk.strip()}")


def measure(kind: str, args, folder: Path) -> dict:
    """Every figure for one database."""
    env = {**os.environ, "SECRET_KEY": secrets.token_hex(32), "PARLEY_ENV": "development", "FLASK_APP": "app",
           "DATABASE_URL": database_url(kind, folder), "PARLEY_REGISTRATION_OPEN": "1"}
    run([str(VENV_BIN / "flask"), "db", "upgrade"], env)
    sync_seconds = run([str(VENV_BIN / "flask"), "content", "sync"], env)
    students = seed(env, args.students, "load")
    submitters = seed(env, args.burst, "burst")
    parley = Server("app:create_app()", env, args.workers)
    hello = Server("bench.hello_app:app", env, args.workers)
    floor = Server("bench.floor_app:app", env, args.workers)
    try:
        start_attempts(parley.base, students)
        start_attempts(parley.base, submitters)
        results = [drive(hello, students, "hello", args.seconds, folder)]
        results += [drive(floor, students, kind, args.seconds, folder) for kind in ("floor hello", "floor page")]
        for request_kind in ("course", "lesson", "quiz", "attempt", "autosave"):
            results.append(drive(parley, students, request_kind, args.seconds, folder))
        save_first_answers(parley.base, submitters)
        burst = burst_submit(parley, submitters, folder)
        memory = parley.resident_mb()
    finally:
        for server in (parley, hello, floor):
            server.stop()
    return {"results": results, "burst": burst, "memory": memory, "sync": sync_seconds}


def report(figures: dict[str, dict], args) -> str:
    """The results as Markdown."""
    lines = [f"Machine: {machine()}.", "",
             f"gunicorn {args.workers} sync workers; wrk with {args.students} connections, one per signed-in "
             f"student, {args.seconds} s per request kind after a 2 s warm-up. Ratios are to the hello-world app "
             "measured in the same run on the same settings.", ""]
    for kind, data in figures.items():
        hello = data["results"][0]
        floor = next(result for result in data["results"] if result.name == "floor page")
        lines += [f"### {kind}", "",
                  "| request | req/s | × hello req/s | p50 ms | p99 ms | errors | CPU ms/req | × hello CPU "
                  "| × floor page CPU |",
                  "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for result in data["results"]:
            lines.append(f"| {result.name} | {result.rate:,.0f} | {result.rate / hello.rate:.3f} | "
                         f"{result.p50_ms:.1f} | {result.p99_ms:.1f} | {result.errors} | {result.cpu_ms:.2f} | "
                         f"{result.cpu_ms / hello.cpu_ms if hello.cpu_ms else 0:.1f} | "
                         f"{result.cpu_ms / floor.cpu_ms if floor.cpu_ms else 0:.1f} |")
        errors, p50, p99, wall = data["burst"]
        lines += ["", f"- {args.burst} students submitting at once: {errors} errors, p50 {p50:.0f} ms, "
                      f"p99 {p99:.0f} ms, all done in {wall:.2f} s.",
                  f"- Resident memory per worker after the run: "
                  f"{', '.join(f'{size:.0f} MB' for size in data['memory'])}.",
                  f"- `flask content sync` of the course into an empty database: {data['sync']:.2f} s.", ""]
    return "\n".join(lines)


def main() -> None:
    """Measure every request kind on each database and print (or write) the table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--students", type=int, default=32)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--burst", type=int, default=200)
    parser.add_argument("--write", type=Path, help="also write the results to this Markdown file")
    args = parser.parse_args()
    for tool in ("wrk", "curl"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} is not installed: apt-get install -y {tool}")
    figures = {}
    with tempfile.TemporaryDirectory() as folder:
        for kind in args.databases.split(","):
            figures[{"sqlite": "SQLite", "postgresql": "PostgreSQL"}[kind]] = measure(kind, args, Path(folder))
    text = report(figures, args)
    print(text)
    if args.write:
        args.write.write_text("# Parley under gunicorn and wrk\n\nWritten by `bench/serve.py`.\n\n" + text)


if __name__ == "__main__":
    main()
