"""The stack's floor for bench/serve.py: the least a signed-in page can cost on Parley's stack.

Flask, Flask-Login (strong session protection, as Parley), Flask-SQLAlchemy and Jinja, on Parley's own database
and session cookies (the same SECRET_KEY and DATABASE_URL), so the same students are signed in here:
- `/` checks the signed-in user (one Core query: id, session token, active) and answers "hello";
- `/courses/<key>` also reads the course's lessons (one Core query) and renders them through a small Jinja
  layout with a nav and a link per lesson.
No ORM objects, CSRF, rate limits, request checks or security headers: what is left is what the stack itself
costs a signed-in request, the yardstick Parley's pages are compared with besides hello-world.
"""

from __future__ import annotations

import hmac
import os

from flask import Flask, abort, render_template
from flask_login import LoginManager, UserMixin, login_required
from flask_sqlalchemy import SQLAlchemy
from jinja2 import DictLoader
from sqlalchemy import Boolean, Column, Integer, MetaData, String, Table, bindparam, select

from app.config import normalize_database_url

metadata = MetaData()
users = Table("user", metadata, Column("id", Integer, primary_key=True), Column("name", String),
              Column("active", Boolean), Column("session_token", String))
courses = Table("course", metadata, Column("id", Integer, primary_key=True), Column("key", String),
                Column("title", String))
lessons = Table("lesson", metadata, Column("id", Integer, primary_key=True), Column("course_id", Integer),
                Column("key", String), Column("title", String), Column("position", Integer),
                Column("retired_at", String))

USER_BY_ID = select(users.c.id, users.c.name, users.c.active, users.c.session_token).where(
    users.c.id == bindparam("id"))
COURSE_LESSONS = (select(courses.c.title.label("course_title"), lessons.c.key, lessons.c.title)
                  .join(lessons, lessons.c.course_id == courses.c.id)
                  .where(courses.c.key == bindparam("key"), lessons.c.retired_at.is_(None))
                  .order_by(lessons.c.position))

TEMPLATES = {
    "layout.html": """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{% block title %}{% endblock %} · Floor</title></head>
<body><header><nav aria-label="Main"><a href="{{ url_for('course', key=key) }}">Course</a>
<span>{{ current_user.name }}</span></nav></header>
<main>{% block content %}{% endblock %}</main></body></html>""",
    "course.html": """{% extends "layout.html" %}{% block title %}{{ title }}{% endblock %}
{% block content %}<h1>{{ title }}</h1><ol>{% for lesson in lessons %}
<li><a href="{{ url_for('course', key=key) }}/lessons/{{ lesson.key }}">{{ lesson.title }}</a></li>
{% endfor %}</ol>{% endblock %}""",
}


class SignedInUser(UserMixin):
    """The signed-in user's row."""

    def __init__(self, row) -> None:
        self.id, self.name = row.id, row.name


app = Flask(__name__)
app.config.update(SECRET_KEY=os.environ["SECRET_KEY"],
                  SQLALCHEMY_DATABASE_URI=normalize_database_url(os.environ["DATABASE_URL"]))
app.jinja_loader = DictLoader(TEMPLATES)
db = SQLAlchemy(app, metadata=metadata)
login_manager = LoginManager(app)
login_manager.session_protection = "strong"


@login_manager.user_loader
def load_user(user_id: str) -> SignedInUser | None:
    """The user a session names, if its token is current and the account active (as Parley checks)."""
    ident, _, token = user_id.partition(".")
    row = db.session.execute(USER_BY_ID, {"id": int(ident)}).one_or_none()
    if row is None or not row.active or not hmac.compare_digest(row.session_token, token):
        return None
    return SignedInUser(row)


@app.get("/")
@login_required
def hello() -> str:
    """The signed-in check and nothing else."""
    return "hello"


@app.get("/courses/<key>")
@login_required
def course(key: str) -> str:
    """One query and one template: the least a signed-in page can do."""
    rows = db.session.execute(COURSE_LESSONS, {"key": key}).all()
    if not rows:
        abort(404)
    return render_template("course.html", key=key, title=rows[0].course_title, lessons=rows)
