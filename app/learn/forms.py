"""Forms on the student's path; their fields are only the CSRF token."""

from flask_wtf import FlaskForm


class CompleteLessonForm(FlaskForm):
    """Mark a lesson as complete."""
