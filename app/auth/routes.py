"""Sign-in, sign-out and registration pages."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from app.auth import bp
from app.auth.forms import LoginForm, RegisterForm
from app.extensions import db
from app.models import User
from app.security import safe_next_url
from app.services.accounts import EmailTaken, find_by_email, register_student

FAILED_LOGIN = "That email and password do not match an account."


@bp.route("/login", methods=["GET", "POST"])
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
    """Sign out and forget the session."""
    logout_user()
    session.clear()
    flash("You have signed out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/register", methods=["GET", "POST"])
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
