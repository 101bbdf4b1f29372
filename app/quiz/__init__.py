"""Taking quizzes: the quiz page, attempts, checking, submitting and review."""

from flask import Blueprint

bp = Blueprint("quiz", __name__)

from app.quiz import routes  # noqa: E402,F401  (routes attach themselves to bp)
