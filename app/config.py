"""Configuration: defaults in code, overridden by instance/config.py, the environment and the caller."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Secrets that ship in this repository or its docs; production must never run with them.
KNOWN_DEFAULT_SECRETS = frozenset({"", "dev", "changeme", "secret", "parley-dev-secret-not-for-production"})
DEV_SECRET_KEY = "parley-dev-secret-not-for-production"


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
        "SECRET_KEY": DEV_SECRET_KEY,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(instance_path) / 'parley.sqlite3'}",
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "SQLITE_BUSY_TIMEOUT_MS": 15000,
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
    return out


def normalize_database_url(url: str) -> str:
    """Point plain postgres:// URLs at the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def load_config(instance_path: str, overrides: dict[str, Any] | None) -> dict[str, Any]:
    """Merge defaults, instance/config.py, environment and overrides, then enforce safety rules."""
    config = default_config(instance_path)
    instance_file = Path(instance_path) / "config.py"
    if instance_file.is_file():
        namespace: dict[str, Any] = {}
        exec(compile(instance_file.read_text(), str(instance_file), "exec"), namespace)
        config.update({k: v for k, v in namespace.items() if k.isupper()})
    config.update(env_config())
    config.update(overrides or {})
    config["SQLALCHEMY_DATABASE_URI"] = normalize_database_url(config["SQLALCHEMY_DATABASE_URI"])
    # Secure cookies follow one switch so HTTPS deployments cannot forget one of them.
    config.setdefault("SESSION_COOKIE_SECURE", bool(config["HTTPS"]))
    config.setdefault("REMEMBER_COOKIE_SECURE", bool(config["HTTPS"]))
    if config["ENV_NAME"] == "production":
        check_production(config)
    return config


def check_production(config: dict[str, Any]) -> None:
    """Refuse to run in production with a missing, short or shipped SECRET_KEY."""
    secret = config.get("SECRET_KEY") or ""
    if secret in KNOWN_DEFAULT_SECRETS or len(secret) < 32:
        raise ConfigError(
            "PARLEY_ENV=production needs a SECRET_KEY of at least 32 random characters; "
            'generate one with: python -c "import secrets; print(secrets.token_urlsafe(48))"'
        )
