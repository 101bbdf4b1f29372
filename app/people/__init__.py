"""People, in the browser, for administrators: accounts, roles, reset links, and the audit log."""

from flask import Blueprint

from app.permissions import is_admin, refuse_unless

bp = Blueprint("people", __name__, url_prefix="/admin/people")

bp.before_request(refuse_unless(is_admin))


from app.people import routes  # noqa: E402,F401  (routes attach themselves to bp)
