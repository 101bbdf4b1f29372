"""Sign-in, sign-out, registration, the account page, and choosing a password through a one-time reset link."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from app.auth import bp
from app.auth.forms import ChangePasswordForm, LoginForm, RegisterForm, ResetPasswordForm
from app.extensions import db, limiter
from app.models import User
from app.security import no_store, safe_next_url
from app.services.accounts import EmailTaken, change_password, find_by_email, normalize_email, register_student
from app.services.password_resets import ResetRefused, pending_reset, use_reset

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


@bp.route("/account", methods=["GET", "POST"])
@login_required
@limiter.limit(_config_limit("SIGNIN_FAILURES_PER_ACCOUNT"), methods=["POST"],
               key_func=lambda: f"password-change:{current_user.id}", deduct_when=lambda r: r.status_code != 302)
@no_store
def account():
    """The signed-in person's account: who they are, and a form to change the password."""
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
        form.current.errors.append("That is not your current password.")
    return render_template("auth/account.html", form=form)


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
