"""Routes of the cohorts blueprint."""

from app.cohorts import bp  # noqa: F401
