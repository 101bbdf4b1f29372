"""Parley: a focused course-and-quiz engine."""

from __future__ import annotations

from typing import Any

from flask import Flask, redirect, url_for
from werkzeug.wrappers import Response

from app.config import load_config
from app.extensions import csrf, db, limiter, login_manager, migrate


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build a configured Parley application; performs no I/O beyond reading configuration."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(load_config(app.instance_path, config))

    db.init_app(app)
    migrate.init_app(app, db, directory=app.config["MIGRATIONS_DIR"])
    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)

    from app import database, errors, request_checks, security, urls

    database.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    urls.init_app(app)
    request_checks.init_app(app)  # before the blueprints: it installs the `int` converter their rules use

    from app.auth import bp as auth_bp
    from app.authoring import bp as authoring_bp
    from app.cohorts import bp as cohorts_bp
    from app.learn import bp as learn_bp
    from app.people import bp as people_bp
    from app.quiz import bp as quiz_bp
    from app.reports import bp as reports_bp
    from app.statistics import bp as statistics_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(learn_bp)
    app.register_blueprint(quiz_bp)
    app.register_blueprint(authoring_bp)
    app.register_blueprint(people_bp)
    app.register_blueprint(cohorts_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(statistics_bp)

    # Browsers ask for /favicon.ico whatever the page's <link rel="icon"> says; answer with the SVG, not a 404.
    app.add_url_rule("/favicon.ico", endpoint="favicon", view_func=_favicon)

    from app.cli import register_commands

    register_commands(app)
    return app


def _favicon() -> Response:
    """Redirect the conventional icon address to the site's SVG icon."""
    return redirect(url_for("static", filename="favicon.svg"), code=301)
