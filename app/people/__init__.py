"""People, in the browser, for administrators: accounts, roles, reset links, and the audit log."""

from flask import Blueprint, abort
from flask_login import current_user

from app.permissions import is_admin

bp = Blueprint("people", __name__, url_prefix="/admin/people")


@bp.before_request
def _guard():
    """Anonymous visitors sign in; signed-in users without the role get 403."""
    from app.extensions import login_manager

    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not is_admin(current_user):
        abort(403)
    return None


from app.people import routes  # noqa: E402,F401  (routes attach themselves to bp)
