"""Routes of the statistics blueprint."""

from app.statistics import bp  # noqa: F401
