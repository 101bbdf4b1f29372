"""Forms on the student's path; their fields are only the CSRF token."""

from flask_wtf import FlaskForm


class MarkReadForm(FlaskForm):
    """Mark a lesson as read (half of mastering it; passing its quiz is the other half)."""
