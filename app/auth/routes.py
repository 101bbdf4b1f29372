"""Sign-in, sign-out, registration, the account page, a lost password, and choosing one through a reset link."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from app.auth import bp
from app.auth.forms import ChangeNameForm, ChangePasswordForm, LoginForm, RegisterForm, ResetPasswordForm
from app.extensions import db, limiter
from app.models import User
from app.security import no_store, safe_next_url
from app.services.accounts import EmailTaken, change_password, find_by_email, normalize_email, register_student, rename
from app.services.password_resets import RESET_LIFETIME, ResetRefused, pending_reset, use_reset

FAILED_LOGIN = "That email and password do not match an account."


def _posted_account() -> str:
    """Throttle key for limits per account: the email being tried, whether or not it has an account."""
    return "account:" + normalize_email(request.form.get("email", ""))[:254]


def _config_limit(name: str):
    return lambda: current_app.config[name]


def _failed(response) -> bool:
    """A sign-in that did not end in a redirect (wrong password, bad form) counts against the limits."""
    return response.status_code != 302


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_config_limit("SIGNIN_LIMIT_PER_ADDRESS"), methods=["POST"])
@limiter.limit(_config_limit("SIGNIN_FAILURES_PER_ADDRESS"), methods=["POST"], deduct_when=_failed)
@limiter.limit(_config_limit("SIGNIN_FAILURES_PER_ACCOUNT"), methods=["POST"], key_func=_posted_account,
               deduct_when=_failed)
@no_store
def login():
    """Show the sign-in form and sign the user in."""
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        user = find_by_email(db.session, form.email.data)
        if user is None:
            authenticated = User.check_password_for_nobody(form.password.data)
        else:
            authenticated = user.check_password(form.password.data) and user.is_active
        if authenticated:
            # A fresh session at sign-in: nothing planted before it survives (session fixation).
            session.clear()
            login_user(user, remember=form.remember.data)
            return redirect(safe_next_url(form.next.data) or url_for("learn.home"))
        flash(FAILED_LOGIN, "error")
    return render_template("auth/login.html", form=form,
                           registration_open=current_app.config["REGISTRATION_OPEN"])


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Sign out everywhere: the session token changes, so no copy of a session or remember-me cookie still works."""
    current_user.revoke_sessions()
    db.session.commit()
    session.clear()
    # After the clear: logout_user leaves the flag that makes Flask-Login delete the remember-me cookie.
    logout_user()
    flash("You have signed out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(_config_limit("REGISTRATION_LIMIT_PER_ADDRESS"), methods=["POST"])
@limiter.limit(_config_limit("REGISTRATION_LIMIT_PER_ACCOUNT"), methods=["POST"], key_func=_posted_account)
@no_store
def register():
    """Let a visitor create a student account, unless registration is closed."""
    if not current_app.config["REGISTRATION_OPEN"]:
        abort(404)
    if current_user.is_authenticated:
        return redirect(url_for("learn.home"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = register_student(db.session, form.name.data, form.email.data, form.password.data)
        except EmailTaken:
            form.email.errors.append("An account with this email already exists. Sign in instead.")
        else:
            db.session.commit()
            session.clear()
            login_user(user)
            flash("Welcome to Parley. Your account is ready.", "success")
            return redirect(url_for("learn.home"))
    return render_template("auth/register.html", form=form)


def _account_page(*, password_form: ChangePasswordForm | None = None, name_form: ChangeNameForm | None = None):
    """The account page; the form not being posted starts afresh (the name form showing the current name)."""
    if password_form is None:
        password_form = ChangePasswordForm(formdata=None, account_email=current_user.email,
                                           account_name=current_user.name)
    if name_form is None:
        name_form = ChangeNameForm(formdata=None, data={"name": current_user.name})
    return render_template("auth/account.html", form=password_form, name_form=name_form)


@bp.route("/account", methods=["GET", "POST"])
@login_required
@limiter.limit(_config_limit("SIGNIN_FAILURES_PER_ACCOUNT"), methods=["POST"],
               key_func=lambda: f"password-change:{current_user.id}", deduct_when=lambda r: r.status_code != 302)
@no_store
def account():
    """The signed-in person's account: who they are, a form to change the name and one to change the password."""
    if request.method == "GET":
        return _account_page()
    form = ChangePasswordForm(account_email=current_user.email, account_name=current_user.name)
    if form.validate_on_submit():
        if change_password(current_user, form.current.data, form.password.data):
            db.session.commit()
            # The old token is gone: sign this browser in again under the new one, keeping remember-me off.
            session.clear()
            login_user(current_user._get_current_object())
            flash("Your password has been changed. Every other device has been signed out.", "success")
            return redirect(url_for("auth.account"))
        db.session.rollback()
        form.current.errors.append("That is not your current password. Type the one you sign in with now.")
    return _account_page(password_form=form)


@bp.route("/account/name", methods=["POST"])
@login_required
@no_store
def change_name():
    """Change the signed-in person's own name; a refused name is shown again, as typed, with what to change."""
    form = ChangeNameForm()
    if not form.validate_on_submit():
        return _account_page(name_form=form)
    if rename(db.session, current_user._get_current_object(), form.name.data):
        db.session.commit()
        flash(f"Your name is now “{current_user.name}”.", "success")
    else:
        flash("Your name is unchanged: it was already so.", "info")
    return redirect(url_for("auth.account"))


@bp.route("/forgot-password")
@no_store
def forgot_password():
    """How to get back into an account: an administrator issues a one-time link; Parley sends no email."""
    # Nothing is typed here, so the page cannot tell anyone whether an account exists.
    return render_template("auth/forgot_password.html", lifetime_hours=int(RESET_LIFETIME.total_seconds() // 3600))


def _reset_failed(response) -> bool:
    """A link that does not work, or a new password refused, counts against the limits; reading a good link does not."""
    return response.status_code in (404, 410) or (request.method == "POST" and response.status_code != 302)


def _refused_link(refused: ResetRefused):
    """The page for a link that does not work: 404 if it never existed, 410 if it expired or was used or replaced."""
    return render_template("auth/reset_refused.html", message=str(refused)), 404 if refused.reason == "unknown" else 410


@bp.route("/reset/<string(maxlength=128):token>", methods=["GET", "POST"])
@limiter.limit(_config_limit("SIGNIN_LIMIT_PER_ADDRESS"), methods=["POST"])
@limiter.limit(_config_limit("SIGNIN_FAILURES_PER_ADDRESS"), methods=["GET", "POST"], deduct_when=_reset_failed)
@no_store
def reset_password(token: str):
    """Choose a new password through a one-time link an administrator passed on; it signs the account out everywhere."""
    try:
        reset = pending_reset(db.session, token)
    except ResetRefused as refused:
        return _refused_link(refused)
    user = db.session.get(User, reset.user_id)
    form = ResetPasswordForm(account_email=user.email, account_name=user.name)
    if form.validate_on_submit():
        try:
            use_reset(db.session, token, form.password.data)
        except ResetRefused as refused:
            # Used in another tab between the page's check and this one.
            db.session.rollback()
            return _refused_link(refused)
        db.session.commit()
        flash("Your new password is set, and every device that was signed in to your account is signed out. "
              "Sign in with the new password.", "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form, user=user, token=token)
