"""Forms for signing in, registering, the account page and choosing a password through a reset link."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Regexp, ValidationError

from app.passwords import MAX_LENGTH, RULE, password_problem

# One "@" with something on both sides and a dot in the domain. WTForms' Email() validator needs the
# email_validator package, which Parley does not depend on, so registration would crash without it.
EMAIL_SHAPE = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
NAME_MAX = 120  # the user.name column's length


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


def _name_field() -> StringField:
    """The full name, checked alike at registration and on the account page."""
    return StringField("Full name", validators=[
        DataRequired(message="Enter your full name."),
        Length(max=NAME_MAX, message=f"Use at most {NAME_MAX} characters for your name (shorten it)."),
    ])


def _new_password_field(label: str, *, email_field: str | None = None, name_field: str | None = None):
    """A password being chosen, with the rule it must meet shown next to it."""
    return PasswordField(label, validators=[DataRequired(message="Enter the password you want to use."),
                                            AcceptablePassword(email_field, name_field)], description=RULE)


def _repeat_field(label: str) -> PasswordField:
    """The chosen password typed again, so a typo does not lock the owner out."""
    return PasswordField(label, validators=[
        DataRequired(message="Type the same password again here."),
        EqualTo("password", message="The passwords do not match. Type the same password in both fields."),
    ])


class LoginForm(FlaskForm):
    """Email and password, with an optional remember-me."""

    email = EmailField("Email", validators=[DataRequired(message="Enter your email address."), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(message="Enter your password."),
                                                     Length(max=MAX_LENGTH)])
    remember = BooleanField("Keep me signed in on this device")
    next = HiddenField()


class RegisterForm(FlaskForm):
    """A new student account."""

    name = _name_field()
    email = EmailField("Email", validators=[
        DataRequired(message="Enter your email address."),
        Length(max=254, message="Use an email address of at most 254 characters."),
        Regexp(EMAIL_SHAPE, message="Enter a valid email address.")])
    password = _new_password_field("Password", email_field="email", name_field="name")
    confirm = _repeat_field("Repeat password")


class ResetPasswordForm(FlaskForm):
    """A new password typed twice, chosen through a one-time reset link."""

    password = _new_password_field("New password")
    confirm = _repeat_field("Repeat the new password")

    def __init__(self, *args, account_email: str = "", account_name: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        # The account's own email and name, which AcceptablePassword refuses inside a password.
        self.account_email = account_email
        self.account_name = account_name


class ChangePasswordForm(ResetPasswordForm):
    """The current password, and a new one typed twice."""

    current = PasswordField("Current password", validators=[DataRequired(message="Enter your current password."),
                                                            Length(max=MAX_LENGTH)])


class ChangeNameForm(FlaskForm):
    """The signed-in person's own name, checked as at registration."""

    name = _name_field()
