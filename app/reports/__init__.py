"""Progress reports: the cohort matrix, who needs help, one student's record, and exports.

Staff see the students `permissions.visible_students` allows; a student may open only their own record.
"""

from flask import Blueprint
from flask_login import login_required

bp = Blueprint("reports", __name__, url_prefix="/reports")


@bp.before_request
@login_required
def _signed_in():
    """Every report needs a signed-in user; each route then checks what this user may see."""
    return None


from app.reports import routes  # noqa: E402,F401  (routes attach themselves to bp)
