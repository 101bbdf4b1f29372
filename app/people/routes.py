"""Routes of the people blueprint."""

from app.people import bp  # noqa: F401
