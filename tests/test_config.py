"""Configuration: production refuses unsafe secrets, environment variables are read and normalised,
and building an app touches no disk. None of these tests needs the database fixtures."""

from __future__ import annotations

import secrets

import pytest

from app import create_app
from app.config import DEV_SECRET_KEY, ConfigError, normalize_database_url

ENV_VARS = ("PARLEY_ENV", "SECRET_KEY", "DATABASE_URL", "PARLEY_HTTPS", "PARLEY_REGISTRATION_OPEN",
            "PARLEY_COURSE_DIR", "PARLEY_QUIZZES_DIR")
GOOD_KEY = secrets.token_urlsafe(36)  # 48 random characters


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    """Each test sees only the environment variables it sets itself."""
    for name in ENV_VARS:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture()
def sqlite_uri(tmp_path) -> str:
    """A database URI that is never opened by these tests."""
    return f"sqlite:///{tmp_path / 'unused.sqlite3'}"


def build(sqlite_uri: str, **config):
    """create_app with a harmless database URI and the given overrides."""
    return create_app({"SQLALCHEMY_DATABASE_URI": sqlite_uri, **config})


# --------------------------------------------------------------------------- production secrets


def test_production_without_secret_key_is_refused(sqlite_uri):
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        build(sqlite_uri, ENV_NAME="production")


@pytest.mark.parametrize("secret", [None, "", "dev", "changeme", "secret", DEV_SECRET_KEY, "short-key",
                                    "x" * 31], ids=["none", "empty", "dev", "changeme", "secret", "shipped",
                                                    "short", "31-chars"])
def test_production_with_unsafe_secret_key_is_refused(sqlite_uri, secret):
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        build(sqlite_uri, ENV_NAME="production", SECRET_KEY=secret)


def test_production_with_a_random_secret_key_works(sqlite_uri):
    assert len(GOOD_KEY) == 48
    app = build(sqlite_uri, ENV_NAME="production", SECRET_KEY=GOOD_KEY)
    assert app.config["ENV_NAME"] == "production"
    assert app.config["SECRET_KEY"] == GOOD_KEY


def test_development_allows_the_dev_key(sqlite_uri):
    app = build(sqlite_uri)
    assert app.config["ENV_NAME"] == "development"
    assert app.config["SECRET_KEY"] == DEV_SECRET_KEY


@pytest.mark.parametrize("env_value", ["production", " Production "])
def test_parley_env_production_from_environment_is_enforced(monkeypatch, sqlite_uri, env_value):
    monkeypatch.setenv("PARLEY_ENV", env_value)
    with pytest.raises(ConfigError):
        build(sqlite_uri)

    monkeypatch.setenv("SECRET_KEY", "changeme")
    with pytest.raises(ConfigError):
        build(sqlite_uri)

    monkeypatch.setenv("SECRET_KEY", GOOD_KEY)
    app = build(sqlite_uri)
    assert app.config["ENV_NAME"] == "production"
    assert app.config["SECRET_KEY"] == GOOD_KEY


# --------------------------------------------------------------------------- database URL


def test_database_url_postgres_scheme_is_normalised(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://u@h/db")
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@h/db"


@pytest.mark.parametrize(("given", "expected"), [
    ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
    ("postgresql://u:p@h:5432/db", "postgresql+psycopg://u:p@h:5432/db"),
    ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
    ("sqlite:///tmp/x.sqlite3", "sqlite:///tmp/x.sqlite3"),
])
def test_normalize_database_url(given, expected):
    assert normalize_database_url(given) == expected


def test_database_uri_override_is_normalised_too():
    app = create_app({"SQLALCHEMY_DATABASE_URI": "postgresql://u@h/db"})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@h/db"


# --------------------------------------------------------------------------- HTTPS and cookies


def test_cookies_not_secure_by_default(sqlite_uri):
    app = build(sqlite_uri)
    assert app.config["SESSION_COOKIE_SECURE"] is False
    assert app.config["REMEMBER_COOKIE_SECURE"] is False
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.config["REMEMBER_COOKIE_HTTPONLY"] is True
    assert app.config["REMEMBER_COOKIE_SAMESITE"] == "Lax"


def test_parley_https_makes_cookies_secure(monkeypatch, sqlite_uri):
    monkeypatch.setenv("PARLEY_HTTPS", "1")
    app = build(sqlite_uri)
    assert app.config["HTTPS"] is True
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True


def test_parley_https_off(monkeypatch, sqlite_uri):
    monkeypatch.setenv("PARLEY_HTTPS", "0")
    app = build(sqlite_uri)
    assert app.config["SESSION_COOKIE_SECURE"] is False
    assert app.config["REMEMBER_COOKIE_SECURE"] is False


def test_registration_can_be_closed_from_environment(monkeypatch, sqlite_uri):
    assert build(sqlite_uri).config["REGISTRATION_OPEN"] is True
    monkeypatch.setenv("PARLEY_REGISTRATION_OPEN", "false")
    assert build(sqlite_uri).config["REGISTRATION_OPEN"] is False


# --------------------------------------------------------------------------- no disk I/O


def test_create_app_does_not_touch_the_disk(tmp_path):
    folder = tmp_path / "not" / "there"
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'parley.sqlite3'}"})
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("not/there/parley.sqlite3")
    assert not folder.exists()
    assert not (tmp_path / "not").exists()
