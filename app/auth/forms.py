"""Forms for signing in, registering, changing a password and choosing one through a reset link."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Regexp, ValidationError

from app.passwords import MAX_LENGTH, RULE, password_problem

# One "@" with something on both sides and a dot in the domain. WTForms' Email() validator needs the
# email_validator package, which Parley does not depend on, so registration would crash without it.
EMAIL_SHAPE = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


class AcceptablePassword:
    """Refuse short and common passwords, and one equal to the account's email, with a message that says why."""

    def __init__(self, email_field: str | None = None, name_field: str | None = None):
        self.email_field = email_field
        self.name_field = name_field

    def __call__(self, form, field) -> None:
        """Raise ValidationError when the password would be refused."""
        email = form[self.email_field].data or "" if self.email_field else getattr(form, "account_email", "")
        name = form[self.name_field].data or "" if self.name_field else getattr(form, "account_name", "")
        problem = password_problem(field.data or "", email=email, name=name)
        if problem:
            raise ValidationError(problem)


class LoginForm(FlaskForm):
    """Email and password, with an optional remember-me."""

    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=MAX_LENGTH)])
    remember = BooleanField("Keep me signed in on this device")
    next = HiddenField()


class RegisterForm(FlaskForm):
    """A new student account."""

    name = StringField("Full name", validators=[DataRequired(), Length(max=120)])
    email = EmailField("Email", validators=[DataRequired(), Length(max=254),
                                          Regexp(EMAIL_SHAPE, message="Enter a valid email address.")])
    password = PasswordField("Password", validators=[DataRequired(), AcceptablePassword("email", "name")],
                             description=RULE)
    confirm = PasswordField("Repeat password",
                            validators=[DataRequired(), EqualTo("password", message="The passwords do not match.")])


class ResetPasswordForm(FlaskForm):
    """A new password typed twice, chosen through a one-time reset link."""

    password = PasswordField("New password", validators=[DataRequired(), AcceptablePassword()], description=RULE)
    confirm = PasswordField("Repeat the new password",
                            validators=[DataRequired(), EqualTo("password", message="The passwords do not match.")])

    def __init__(self, *args, account_email: str = "", account_name: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        # The account's own email and name, which AcceptablePassword refuses inside a password.
        self.account_email = account_email
        self.account_name = account_name


class ChangePasswordForm(ResetPasswordForm):
    """The current password, and a new one typed twice."""

    current = PasswordField("Current password", validators=[DataRequired(), Length(max=MAX_LENGTH)])


