"""Forms for quizzes. Answer fields vary by question, so they are read from the request directly;
these forms carry the CSRF token and the navigation choice."""

from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField
from wtforms.validators import Optional


class StartAttemptForm(FlaskForm):
    """Start (or resume) an attempt."""


class AttemptPageForm(FlaskForm):
    """A page of an attempt: its answers, and where to go next."""

    page = IntegerField(validators=[Optional()])
    go = HiddenField()


class SubmitAttemptForm(FlaskForm):
    """Submit the attempt for grading."""
