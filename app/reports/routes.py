"""Routes of the reports blueprint."""

from app.reports import bp  # noqa: F401
