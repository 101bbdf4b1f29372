"""Forms of the cohorts blueprint: a cohort's name and dates, adding and removing a member, enrolment from CSV."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, EmailField, HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from app.services.enrolment import HEADER


class CohortForm(FlaskForm):
    """A cohort's name, start date and optional end date."""

    name = StringField("Name", validators=[DataRequired(message="Give the cohort a name."), Length(max=120)],
                       description="Unique, e.g. “Spring 2026”. Enrolment files name cohorts by it.")
    starts_on = DateField("Starts on", validators=[InputRequired(message="Give a start date (YYYY-MM-DD).")])
    ends_on = DateField("Ends on", validators=[Optional()], description="Optional; not before the start.")

    def validate_ends_on(self, field: DateField) -> None:
        """The end, if given, is not before the start."""
        if field.data is not None and self.starts_on.data is not None and field.data < self.starts_on.data:
            raise ValidationError("The end date is before the start date.")


class AddMemberForm(FlaskForm):
    """Add a person to a cohort by the email of their account."""

    email = EmailField("Email of the person to add", validators=[DataRequired(), Length(max=254)],
                       description="A student joins to learn, an instructor to teach: their role decides.")


class EnrolForm(FlaskForm):
    """A CSV file to enrol, uploaded or pasted."""

    file = FileField("CSV file", description=f"First line: {HEADER} (any order). Saved as “CSV UTF-8”.")
    text = TextAreaField("Or paste the CSV text", validators=[Optional()],
                         description="Used only when no file is chosen.")


class ConfirmEnrolForm(FlaskForm):
    """Step 2: the previewed CSV text, carried back to be checked again and enrolled."""

    csv_text = HiddenField(validators=[DataRequired()])


class LinksForm(FlaskForm):
    """The summary's set-password links, carried back once to download them as a CSV file."""

    links_csv = HiddenField(validators=[DataRequired()])
