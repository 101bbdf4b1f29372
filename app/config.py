"""Configuration: defaults in code, overridden by instance/config.py, the environment and the caller."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Config

from app.secret_key import SecretKeyError, generate_secret_key, read_secret_key_file, secret_key_weakness

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ENVIRONMENTS = ("development", "production")


class ConfigError(RuntimeError):
    """Raised when the configuration is unsafe or inconsistent."""


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def default_config(instance_path: str) -> dict[str, Any]:
    """Return the built-in defaults: an embedded SQLite database under the instance folder."""
    return {
        "ENV_NAME": "development",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(instance_path) / 'parley.sqlite3'}",
        # No ping before every checkout: it costs each request a round trip. A connection the server dropped
        # fails its request once (503), which invalidates the whole pool, so the next requests reconnect;
        # recycling keeps connections younger than the idle limits of proxies and poolers.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": False, "pool_recycle": 1800},
        # Every wait for the database ends well before gunicorn's 30 s worker timeout, so one stuck lock or
        # slow query answers a 503 page instead of hanging (and getting killed in) every worker.
        "SQLITE_BUSY_TIMEOUT_MS": 10000,
        "DB_LOCK_TIMEOUT_MS": 5000,
        "DB_STATEMENT_TIMEOUT_MS": 10000,
        "DB_CONNECT_TIMEOUT_S": 5,
        "DB_POOL_TIMEOUT_S": 10,
        "COURSE_DIR": str(PROJECT_ROOT / "course"),
        "QUIZZES_DIR": str(PROJECT_ROOT / "quizzes"),
        "MIGRATIONS_DIR": str(PROJECT_ROOT / "migrations"),
        "REGISTRATION_OPEN": True,
        "HTTPS": False,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_TIME_LIMIT": None,
        "HEARTBEAT_SECONDS": 30,
        "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
        # Multipart forms only (urlencoded ones are bounded by MAX_CONTENT_LENGTH alone): the largest text
        # field and the most fields or files one request may hold before Werkzeug answers 413. The largest
        # form, a quiz page, posts a few fields per question.
        "MAX_FORM_MEMORY_SIZE": 512 * 1024,
        "MAX_FORM_PARTS": 1000,
        # Sessions stay browser sessions (a permanent one would weaken Flask-Login's strong protection), but
        # Flask refuses a session cookie signed longer ago than this, so one ends within 12 hours of sign-in
        # even if the browser stays open. "Keep me signed in" lasts REMEMBER_COOKIE_DURATION.
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=12),
        "REMEMBER_COOKIE_DURATION": timedelta(days=14),
        "REMEMBER_COOKIE_REFRESH_EACH_REQUEST": False,
        # How many proxies in front of Parley set X-Forwarded-For/-Proto/-Host (0: trust none of them).
        "PROXY_HOPS": 0,
        "HSTS_SECONDS": 365 * 24 * 3600,
        # Sign-in and registration throttles (moving windows, so a burst cannot straddle a boundary).
        "RATELIMIT_STORAGE_URI": "memory://",
        "RATELIMIT_STRATEGY": "moving-window",
        "RATELIMIT_HEADERS_ENABLED": False,
        "RATELIMIT_KEY_PREFIX": "parley",
        "SIGNIN_LIMIT_PER_ADDRESS": "60 per minute",
        "SIGNIN_FAILURES_PER_ADDRESS": "20 per minute; 200 per hour",
        "SIGNIN_FAILURES_PER_ACCOUNT": "5 per minute; 30 per hour",
        "REGISTRATION_LIMIT_PER_ADDRESS": "10 per minute; 60 per hour",
        "REGISTRATION_LIMIT_PER_ACCOUNT": "5 per hour",
    }


def env_config() -> dict[str, Any]:
    """Read the documented PARLEY_* and standard environment variables."""
    out: dict[str, Any] = {}
    if "PARLEY_ENV" in os.environ:
        out["ENV_NAME"] = os.environ["PARLEY_ENV"].strip().lower()
    if "SECRET_KEY" in os.environ:
        out["SECRET_KEY"] = os.environ["SECRET_KEY"]
    if os.environ.get("DATABASE_URL"):
        out["SQLALCHEMY_DATABASE_URI"] = normalize_database_url(os.environ["DATABASE_URL"])
    for key in ("COURSE_DIR", "QUIZZES_DIR"):
        if os.environ.get(f"PARLEY_{key}"):
            out[key] = os.environ[f"PARLEY_{key}"]
    if "PARLEY_REGISTRATION_OPEN" in os.environ:
        out["REGISTRATION_OPEN"] = _env_bool("PARLEY_REGISTRATION_OPEN", True)
    if "PARLEY_HTTPS" in os.environ:
        out["HTTPS"] = _env_bool("PARLEY_HTTPS", False)
    if os.environ.get("PARLEY_PROXY_HOPS"):
        out["PROXY_HOPS"] = _env_int("PARLEY_PROXY_HOPS")
    if os.environ.get("PARLEY_RATELIMIT_STORAGE_URL"):
        out["RATELIMIT_STORAGE_URI"] = os.environ["PARLEY_RATELIMIT_STORAGE_URL"]
    if os.environ.get("PARLEY_SESSION_HOURS"):
        out["PERMANENT_SESSION_LIFETIME"] = timedelta(hours=_env_int("PARLEY_SESSION_HOURS"))
    if os.environ.get("PARLEY_REMEMBER_DAYS"):
        out["REMEMBER_COOKIE_DURATION"] = timedelta(days=_env_int("PARLEY_REMEMBER_DAYS"))
    for key in ("DB_LOCK_TIMEOUT_MS", "DB_STATEMENT_TIMEOUT_MS"):
        if os.environ.get(f"PARLEY_{key}"):
            out[key] = _env_int(f"PARLEY_{key}")
    return out


def _env_int(name: str) -> int:
    value = os.environ[name].strip()
    if not value.isdigit():
        raise ConfigError(f"{name}={value!r} must be a whole number of 0 or more.")
    return int(value)


def engine_options(config: dict[str, Any]) -> dict[str, Any]:
    """SQLAlchemy engine options, with a bounded wait for a pooled connection where there is a pool to wait on."""
    options = dict(config["SQLALCHEMY_ENGINE_OPTIONS"])
    uri = config["SQLALCHEMY_DATABASE_URI"]
    # An in-memory SQLite database has a single connection and no pool timeout to set.
    if uri not in ("sqlite://", "sqlite:///:memory:"):
        options.setdefault("pool_timeout", config["DB_POOL_TIMEOUT_S"])
    return options


def normalize_database_url(url: str) -> str:
    """Point plain postgres:// URLs at the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def load_config(instance_path: str, overrides: dict[str, Any] | None) -> dict[str, Any]:
    """Merge defaults, instance/config.py, environment and overrides, then enforce safety rules."""
    config = default_config(instance_path)
    instance_config = Config(instance_path)
    instance_config.from_pyfile("config.py", silent=True)
    config.update(instance_config)
    config.update(env_config())
    config.update(overrides or {})
    config["SQLALCHEMY_DATABASE_URI"] = normalize_database_url(config["SQLALCHEMY_DATABASE_URI"])
    config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(config)
    # Secure cookies follow one switch so HTTPS deployments cannot forget one of them.
    config.setdefault("SESSION_COOKIE_SECURE", bool(config["HTTPS"]))
    config.setdefault("REMEMBER_COOKIE_SECURE", bool(config["HTTPS"]))
    if config["ENV_NAME"] not in ENVIRONMENTS:
        raise ConfigError(f"PARLEY_ENV={config['ENV_NAME']!r} is not known: use one of {', '.join(ENVIRONMENTS)}.")
    config["SECRET_KEY"] = resolve_secret_key(config, instance_path)
    return config


def resolve_secret_key(config: dict[str, Any], instance_path: str) -> str:
    """The signing key: the configured one, else instance/secret_key, else (not in production) a random one.

    A key that anyone could know is refused everywhere, because it lets anyone forge a remember-me
    cookie for any account; production also refuses one that is short or not random.
    """
    secret = config.get("SECRET_KEY")
    if not secret:
        try:
            secret = read_secret_key_file(instance_path)
        except SecretKeyError as exc:
            raise ConfigError(str(exc)) from None
    if not secret:
        if config["ENV_NAME"] == "production":
            raise ConfigError(_secret_advice("is not set"))
        # Development without a key: sessions last until the process ends. bin/serve writes a lasting one.
        return generate_secret_key()
    weakness = secret_key_weakness(secret)
    if weakness and (config["ENV_NAME"] == "production" or weakness == "is a published example key"):
        raise ConfigError(_secret_advice(weakness))
    return secret


def _secret_advice(weakness: str) -> str:
    return (f"SECRET_KEY {weakness}. Set SECRET_KEY to at least 32 random characters, e.g. "
            '`python3 -c "import secrets; print(secrets.token_urlsafe(48))"`, '
            "or run `flask secret-key` to write one to instance/secret_key.")
