"""Forms of the people blueprint: an account's details, the buttons on it, and the filters of the lists."""

from __future__ import annotations

from datetime import date

from flask_wtf import FlaskForm
from wtforms import DateField, EmailField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from app.auth.forms import EMAIL_SHAPE
from app.models import ROLES
from app.services.audit import ACTIONS

ROLE_LABELS = {"student": "Student", "instructor": "Instructor", "admin": "Administrator"}
ROLE_CHOICES = [SelectChoice(role, ROLE_LABELS[role]) for role in ROLES]
SORTS = {"name": "Name", "email": "Email", "newest": "Newest first"}
STATES = {"active": "Active", "deactivated": "Deactivated"}
DATE_HELP = "Enter the date as YYYY-MM-DD, for example 2024-03-01."


def _strip(value: str | None) -> str | None:
    """Spaces around a pasted name or email are not part of it."""
    return value.strip() if isinstance(value, str) else value


class AccountForm(FlaskForm):
    """An account's name, email and role, as an administrator creates or edits it."""

    name = StringField("Full name", filters=[_strip],
                       validators=[DataRequired(message="Enter the person's name."), Length(max=120)])
    email = EmailField("Email", filters=[_strip],
                       validators=[DataRequired(message="Enter the person's email address."), Length(max=254),
                                   Regexp(EMAIL_SHAPE, message="Enter a valid email address.")])
    role = SelectField("Role", choices=ROLE_CHOICES,
                       description="Students learn; instructors author quizzes and see reports; "
                                   "administrators also manage people and cohorts.")


class ButtonForm(FlaskForm):
    """A button that changes one thing (deactivate, reactivate, issue a reset link): only its CSRF token."""


class _QueryForm(FlaskForm):
    """Filters read from the address (GET): nothing changes, so no CSRF token, and bookmarks keep working."""

    class Meta:
        csrf = False


class PeopleFilterForm(_QueryForm):
    """Search and filters of the list of accounts."""

    q = StringField("Name or email contains", validators=[Optional(), Length(max=254)])
    role = SelectField("Role", choices=[SelectChoice("", "Any role"), *ROLE_CHOICES], default="")
    state = SelectField("State", choices=[SelectChoice("", "Active or deactivated"),
                                          *(SelectChoice(value, label) for value, label in STATES.items())],
                        default="")
    sort = SelectField("Sort by", choices=[SelectChoice(value, label) for value, label in SORTS.items()],
                       default="name")


class AuditFilterForm(_QueryForm):
    """Filters of the audit log: what was done, by whom, to whom, and when (UTC days, both included)."""

    action = SelectField("Action", choices=[SelectChoice("", "Any action"), *(SelectChoice(a, a) for a in ACTIONS)],
                         default="")
    actor = StringField("Done by (email contains)", validators=[Optional(), Length(max=254)])
    target = StringField("Person acted on (email contains)", validators=[Optional(), Length(max=254)])
    since = DateField("From (UTC day)", validators=[Optional()], invalid_value_message=DATE_HELP)
    until = DateField("To (UTC day, included)", validators=[Optional()], invalid_value_message=DATE_HELP)

    def validate_until(self, field) -> None:
        """The range must not end before it starts."""
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError("The “To” day is before the “From” day.")
        if field.data == date.max:
            raise ValidationError("Choose a day before the year 9999 ends.")
