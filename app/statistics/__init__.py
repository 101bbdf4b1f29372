"""Item statistics for staff: Moodle's figures per quiz and question, their charts and exports."""

from flask import Blueprint, abort
from flask_login import current_user

from app.permissions import is_staff

bp = Blueprint("statistics", __name__, url_prefix="/statistics")


@bp.before_request
def _guard():
    """Anonymous visitors sign in; signed-in users without the role get 403."""
    from app.extensions import login_manager

    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not is_staff(current_user):
        abort(403)
    return None


from app.statistics import routes  # noqa: E402,F401  (routes attach themselves to bp)
