"""Engine set-up: SQLite tuned for several web workers, and every wait for the database bounded."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from pathlib import Path

from flask import Flask, current_app, request
from sqlalchemy import event
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import Insert

from app.extensions import db

# Whether the transaction about to begin may write. SQLite upgrades a deferred read transaction
# to a write lock lazily, and in WAL mode that upgrade fails at once with "database is locked" if
# another worker committed meanwhile; beginning IMMEDIATE takes the write lock up front, where
# busy_timeout makes it wait instead. Reads stay deferred so they never queue behind writers: a page
# (GET) reads in a deferred transaction, and a page that must also write (log a visit, close an
# overdue attempt) calls begin_writing, so only its short write holds the lock, never its rendering.
# A form post takes the lock from its first statement, unless its view is marked locks_late: the hot
# ones (autosave, submit) whose services call begin_writing before they write.
write_intent: ContextVar[bool] = ContextVar("write_intent", default=True)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def dialect_insert(dialect: str) -> Callable[..., Insert]:
    """The insert() that can take ON CONFLICT (an upsert) in this dialect: PostgreSQL's or SQLite's."""
    return pg_insert if dialect == "postgresql" else sqlite_insert


def locks_late(view):
    """Mark a POST view whose services call begin_writing before they write, so its reads do not hold the lock."""
    view.locks_late = True
    return view


def begin_writing(session: Session) -> None:
    """From here on this request writes: on SQLite, end its read transaction so the next one takes the write lock.

    What was read stays usable (the session does not expire on commit), but a writer must re-check
    under the lock anything another request may have changed since: a conditional update, an upsert.
    """
    if write_intent.get():
        return
    write_intent.set(True)
    if session.get_bind().dialect.name == "sqlite":
        session.commit()


def configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    """Install WAL, foreign keys, busy timeout and IMMEDIATE write transactions on a SQLite engine."""
    database = engine.url.database

    @event.listens_for(engine, "do_connect")
    def _make_folder(_dialect, _record, _cargs, _cparams):
        # Created on first connection, not in the factory, so building an app touches no disk.
        if database not in (None, "", ":memory:") and not database.startswith("file:"):
            Path(database).parent.mkdir(parents=True, exist_ok=True)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy, not pysqlite, emit BEGIN so we can choose its kind.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys = ON")
        if database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write_intent.get() else "BEGIN")


def configure_postgresql(engine: Engine, lock_timeout_ms: int, statement_timeout_ms: int,
                         connect_timeout_s: int) -> None:
    """Bound every PostgreSQL session's waits: for the server to answer, for a lock, for a statement."""

    @event.listens_for(engine, "do_connect")
    def _bound_waits(_dialect, _record, _cargs, cparams):
        cparams.setdefault("connect_timeout", int(connect_timeout_s))
        # Sent in the startup packet, so they hold for the whole session and no ROLLBACK can undo them.
        # JIT off: Parley's queries are short, and on report queries the planner's cost estimates switched
        # JIT on and spent more time compiling than running them (bench/reports.py).
        options = (f"-c lock_timeout={int(lock_timeout_ms)} -c statement_timeout={int(statement_timeout_ms)}"
                   " -c jit=off")
        cparams["options"] = f"{cparams['options']} {options}" if cparams.get("options") else options


def _mark_request_intent() -> None:
    if request.method in SAFE_METHODS:
        write_intent.set(False)
    else:
        view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
        write_intent.set(not getattr(view, "locks_late", False))


def init_app(app: Flask) -> None:
    """Attach engine tuning, bounded waits and per-request transaction intent to the app."""
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "sqlite":
        configure_sqlite(engine, app.config["SQLITE_BUSY_TIMEOUT_MS"])
        app.before_request(_mark_request_intent)
    elif engine.dialect.name == "postgresql":
        configure_postgresql(engine, app.config["DB_LOCK_TIMEOUT_MS"], app.config["DB_STATEMENT_TIMEOUT_MS"],
                             app.config["DB_CONNECT_TIMEOUT_S"])
