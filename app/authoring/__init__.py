"""Authoring in the browser: instructors and administrators create, edit, preview and publish quizzes."""

from flask import Blueprint, abort
from flask_login import current_user

from app.permissions import is_staff

bp = Blueprint("authoring", __name__, url_prefix="/author")


@bp.before_request
def _staff_only():
    """Every authoring page is for staff: anonymous visitors sign in, students get 403."""
    from app.extensions import login_manager

    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not is_staff(current_user):
        abort(403)
    return None


from app.authoring import preview, question_routes, routes  # noqa: E402,F401  (routes attach themselves to bp)
