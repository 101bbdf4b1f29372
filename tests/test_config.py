"""Configuration: production refuses unsafe secrets, environment variables are read and normalised,
and building an app touches no disk. None of these tests needs the database fixtures."""

from __future__ import annotations

import os
import secrets
import stat

import pytest
from flask import Flask

from app import create_app
from app.config import ConfigError, normalize_database_url
from app.secret_key import ensure_secret_key_file, secret_key_weakness

PUBLISHED_KEY = "parley-dev-secret-not-for-production"
ENV_VARS = ("PARLEY_ENV", "SECRET_KEY", "DATABASE_URL", "PARLEY_HTTPS", "PARLEY_REGISTRATION_OPEN",
            "PARLEY_COURSE_DIR", "PARLEY_QUIZZES_DIR", "PARLEY_PROXY_HOPS", "PARLEY_RATELIMIT_STORAGE_URL",
            "PARLEY_SESSION_HOURS", "PARLEY_REMEMBER_DAYS")
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


@pytest.fixture(autouse=True)
def empty_instance_folder(monkeypatch, tmp_path):
    """Apps built here use a fresh instance folder, never the checkout's own instance/secret_key."""
    folder = tmp_path / "instance"
    original = Flask.__init__

    def init(self, *args, **kwargs):
        kwargs["instance_path"] = str(folder)
        original(self, *args, **kwargs)

    monkeypatch.setattr(Flask, "__init__", init)
    return folder


def build(sqlite_uri: str, **config):
    """create_app with a harmless database URI and the given overrides."""
    return create_app({"SQLALCHEMY_DATABASE_URI": sqlite_uri, **config})


# --------------------------------------------------------------------------- production secrets


def test_production_without_secret_key_is_refused(sqlite_uri):
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        build(sqlite_uri, ENV_NAME="production")


@pytest.mark.parametrize("secret", [
    None, "", "dev", "changeme", "secret", PUBLISHED_KEY, "short-key", "x" * 31, "a" * 40, " " * 40,
    "correct horse battery staple is long enough", "abcd" * 10, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJ",
    "0123456789" * 4,
], ids=["none", "empty", "dev", "changeme", "secret", "shipped", "short", "31-chars", "one-letter", "spaces",
        "words-with-spaces", "repeated-piece", "alphabet", "digits"])
def test_production_with_unsafe_secret_key_is_refused(sqlite_uri, secret):
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        build(sqlite_uri, ENV_NAME="production", SECRET_KEY=secret)


@pytest.mark.parametrize("key", [secrets.token_urlsafe(36), secrets.token_hex(16), secrets.token_hex(32)],
                         ids=["urlsafe-48", "hex-32", "hex-64"])
def test_random_keys_are_strong_enough(key):
    assert secret_key_weakness(key) is None


def test_production_with_a_random_secret_key_works(sqlite_uri):
    assert len(GOOD_KEY) == 48
    app = build(sqlite_uri, ENV_NAME="production", SECRET_KEY=GOOD_KEY)
    assert app.config["ENV_NAME"] == "production"
    assert app.config["SECRET_KEY"] == GOOD_KEY


def test_development_never_uses_a_published_key(sqlite_uri):
    first, second = build(sqlite_uri), build(sqlite_uri)
    assert first.config["ENV_NAME"] == "development"
    assert secret_key_weakness(first.config["SECRET_KEY"]) is None
    assert first.config["SECRET_KEY"] != second.config["SECRET_KEY"]
    with pytest.raises(ConfigError, match="published"):
        build(sqlite_uri, SECRET_KEY=PUBLISHED_KEY)


def test_the_instance_key_file_is_made_private_and_reused(sqlite_uri, empty_instance_folder):
    path, created = ensure_secret_key_file(empty_instance_folder)
    assert created and stat.S_IMODE(path.stat().st_mode) == 0o600
    again, created_again = ensure_secret_key_file(empty_instance_folder)
    assert again == path and not created_again
    key = path.read_text().strip()
    assert secret_key_weakness(key) is None
    assert build(sqlite_uri).config["SECRET_KEY"] == key
    assert build(sqlite_uri, ENV_NAME="production").config["SECRET_KEY"] == key


def test_an_instance_key_file_others_can_read_is_refused(sqlite_uri, empty_instance_folder):
    path, _ = ensure_secret_key_file(empty_instance_folder)
    os.chmod(path, 0o644)
    with pytest.raises(ConfigError, match="chmod 600"):
        build(sqlite_uri)


def test_secret_key_command_writes_the_key_once_and_never_prints_it(sqlite_uri, empty_instance_folder):
    app = build(sqlite_uri)
    first = app.test_cli_runner().invoke(args=["secret-key"])
    assert first.exit_code == 0 and first.output.startswith("created: ")
    key = (empty_instance_folder / "secret_key").read_text().strip()
    assert key not in first.output
    second = app.test_cli_runner().invoke(args=["secret-key"])
    assert second.output.startswith("kept: ")
    assert (empty_instance_folder / "secret_key").read_text().strip() == key


@pytest.mark.parametrize("name", ["staging", "prod", "dev", "test"])
def test_an_unknown_environment_is_an_error(monkeypatch, sqlite_uri, name):
    monkeypatch.setenv("PARLEY_ENV", name)
    with pytest.raises(ConfigError, match="PARLEY_ENV"):
        build(sqlite_uri)


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
