"""Authoring in the browser: instructors and administrators create, edit, preview and publish quizzes."""

from flask import Blueprint

from app.permissions import is_staff, refuse_unless

bp = Blueprint("authoring", __name__, url_prefix="/author")

bp.before_request(refuse_unless(is_staff))


from app.authoring import preview, question_routes, routes  # noqa: E402,F401  (routes attach themselves to bp)
