"""The student's path: the course page, lessons and progress."""

from flask import Blueprint

bp = Blueprint("learn", __name__)

from app.learn import routes  # noqa: E402,F401  (routes attach themselves to bp)
