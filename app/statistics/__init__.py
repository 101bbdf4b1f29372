"""Item statistics for staff: Moodle's figures per quiz and question, their charts and exports."""

from flask import Blueprint

from app.permissions import is_staff, refuse_unless

bp = Blueprint("statistics", __name__, url_prefix="/statistics")

bp.before_request(refuse_unless(is_staff))


from app.statistics import routes  # noqa: E402,F401  (routes attach themselves to bp)
