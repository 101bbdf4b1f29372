"""Cohorts for administrators: intakes with dates, their students and instructors, and enrolment from CSV."""

from flask import Blueprint

from app.permissions import is_admin, refuse_unless

bp = Blueprint("cohorts", __name__, url_prefix="/admin/cohorts")

bp.before_request(refuse_unless(is_admin))


from app.cohorts import routes  # noqa: E402,F401  (routes attach themselves to bp)
