"""Forms for signing in and registering."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Regexp

MIN_PASSWORD_LENGTH = 10

# One "@" with something on both sides and a dot in the domain. WTForms' Email() validator needs the
# email_validator package, which Parley does not depend on, so registration would crash without it.
EMAIL_SHAPE = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


class LoginForm(FlaskForm):
    """Email and password, with an optional remember-me."""

    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=200)])
    remember = BooleanField("Keep me signed in on this device")
    next = HiddenField()


class RegisterForm(FlaskForm):
    """A new student account."""

    name = StringField("Full name", validators=[DataRequired(), Length(max=120)])
    email = EmailField("Email", validators=[DataRequired(), Length(max=254),
                                          Regexp(EMAIL_SHAPE, message="Enter a valid email address.")])
    password = PasswordField(
        "Password",
        validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=200)],
        description=f"At least {MIN_PASSWORD_LENGTH} characters.",
    )
    confirm = PasswordField("Repeat password",
                            validators=[DataRequired(), EqualTo("password", message="The passwords do not match.")])
