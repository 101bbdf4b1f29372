"""Routes of the people blueprint: the list of accounts, creating and editing one, reset links, the audit log."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import aliased

from app.auth.reset_links import reset_link
from app.extensions import db
from app.models import AuditEvent, Cohort, CohortMember, Quiz, User
from app.people import bp
from app.people.forms import ROLE_LABELS, AccountForm, AuditFilterForm, ButtonForm, PeopleFilterForm
from app.permissions import load_or_404
from app.security import no_store
from app.services import people
from app.services.accounts import EmailTaken
from app.services.password_resets import IssuedReset, issue_reset

PER_PAGE = 50
# Beyond any real list; it keeps OFFSET within what every database accepts.
MAX_PAGE = 100_000
PAGE_NUMBER = re.compile(r"[0-9]{1,6}")
BAD_PAGE = f"The page number must be a whole number from 1 to {MAX_PAGE}."
RECENT_EVENTS = 20
EMAIL_TAKEN = "Another account already uses this email."


@dataclass(frozen=True)
class Page:
    """One page of a longer list: its rows, its number, and how many rows the whole list has."""

    rows: list[Any]
    number: int
    total: int

    @property
    def count(self) -> int:
        """How many pages the list has (at least one, even when empty)."""
        return max(1, -(-self.total // PER_PAGE))


def _page_number() -> int:
    """The `page` query argument, or 400 with a message when it is not a page number."""
    raw = request.args.get("page", "1")
    if not PAGE_NUMBER.fullmatch(raw) or not 1 <= int(raw) <= MAX_PAGE:
        abort(400, description=BAD_PAGE)
    return int(raw)


def _paginate(statement: Select, number: int, *, scalars: bool = False) -> Page:
    """Run a list's query for one page: one query for the total and one for the rows (404 past the last page).

    With `scalars`, each row is the query's first entity instead of a row of every column.
    """
    total = db.session.scalar(select(func.count()).select_from(statement.order_by(None).subquery()))
    page = Page([], number, total)
    if number > page.count:
        abort(404)
    result = db.session.execute(statement.limit(PER_PAGE).offset((number - 1) * PER_PAGE))
    return Page(list(result.scalars() if scalars else result), number, total)


def _page_url(number: int) -> str:
    """This list's address with the same filters, on another page."""
    args = request.args.to_dict()
    args["page"] = str(number)
    return url_for(request.endpoint, **args)


def _contains(column, text: str):
    """A case-insensitive "contains" test whose % and _ are plain characters, not wildcards."""
    return func.lower(column).contains(text.strip().lower(), autoescape=True)


# --------------------------------------------------------------------------- the list


@bp.route("/")
@no_store
def index():
    """Every account, searchable by name or email, filtered by role and state, sorted, a page at a time."""
    form = PeopleFilterForm(formdata=request.args)
    number = _page_number()
    if not form.validate():
        return render_template("people/index.html", form=form, page=None, cohorts={}, roles=ROLE_LABELS,
                               page_url=_page_url), 400
    statement = select(User)
    if form.q.data and form.q.data.strip():
        statement = statement.where(or_(_contains(User.name, form.q.data), _contains(User.email, form.q.data)))
    if form.role.data:
        statement = statement.where(User.role == form.role.data)
    if form.state.data:
        statement = statement.where(User.active.is_(form.state.data == "active"))
    order = {"name": (func.lower(User.name), User.email), "email": (User.email,),
             "newest": (User.created_at.desc(),)}[form.sort.data or "name"]
    page = _paginate(statement.order_by(*order, User.id), number, scalars=True)
    return render_template("people/index.html", form=form, page=page,
                           cohorts=_cohort_names([user.id for user in page.rows]), roles=ROLE_LABELS,
                           page_url=_page_url)


def _cohort_names(user_ids: list[int]) -> dict[int, list[str]]:
    """The names of the cohorts each of these people is in, in one query."""
    names: dict[int, list[str]] = defaultdict(list)
    if not user_ids:
        return names
    rows = db.session.execute(
        select(CohortMember.user_id, Cohort.name).join(Cohort, Cohort.id == CohortMember.cohort_id)
        .where(CohortMember.user_id.in_(user_ids)).order_by(Cohort.name)
    ).all()
    for user_id, name in rows:
        names[user_id].append(name)
    return names


# --------------------------------------------------------------------------- creating an account


@bp.route("/new", methods=["GET", "POST"])
@no_store
def new():
    """Create an account; its owner chooses a password through a one-time link shown once, here."""
    form = AccountForm()
    if form.validate_on_submit():
        try:
            created = people.create_account(db.session, name=form.name.data, email=form.email.data,
                                             role=form.role.data, actor=current_user)
        except EmailTaken:
            db.session.rollback()
            form.email.errors.append(EMAIL_TAKEN)
        else:
            db.session.commit()
            # Rendered, not redirected: the link must not travel through the session cookie or a flash.
            return render_template("people/created.html", user=created.user, reset=created.reset,
                                   link=reset_link(created.reset.token), roles=ROLE_LABELS)
    return render_template("people/new.html", form=form)


# --------------------------------------------------------------------------- one account


@bp.route("/<int:user_id>", methods=["GET", "POST"])
@no_store
def edit(user_id: int):
    """An account's details, state, cohorts and recent history; the form changes its name, email and role."""
    user = load_or_404(User, user_id)
    form = AccountForm(obj=user)
    if form.validate_on_submit():
        try:
            changes = people.update_account(db.session, user, name=form.name.data, email=form.email.data,
                                            role=form.role.data, actor=current_user)
        except EmailTaken:
            db.session.rollback()
            form.email.errors.append(EMAIL_TAKEN)
        except people.LastAdmin as refused:
            db.session.rollback()
            form.role.errors.append(f"{refused} Nothing was changed.")
        else:
            db.session.commit()
            flash(f"Saved: {'; '.join(changes)}." if changes else "Nothing to change.", "success")
            if user.id == current_user.id and user.role != "admin":
                flash("You are no longer an administrator.", "info")
                return redirect(url_for("learn.home"))
            return redirect(url_for("people.edit", user_id=user.id))
    return _account_page(user, form)


def _account_page(user: User, form: AccountForm, reset: IssuedReset | None = None):
    """Render an account's page: the form, the buttons, the cohorts and the recent audit events (two queries)."""
    actor = aliased(User)
    events = db.session.execute(
        select(AuditEvent, actor.name.label("actor_name"), actor.email.label("actor_email"))
        .outerjoin(actor, actor.id == AuditEvent.actor_id)
        .where(AuditEvent.target_user_id == user.id)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(RECENT_EVENTS)
    ).all()
    return render_template("people/edit.html", user=user, form=form, button=ButtonForm(), events=events,
                           cohorts=_cohort_names([user.id]).get(user.id, []), roles=ROLE_LABELS, reset=reset,
                           link=reset_link(reset.token) if reset else None, recent=RECENT_EVENTS)


def _button_pressed() -> None:
    """400 unless the button's form (its CSRF token) is valid."""
    if not ButtonForm().validate_on_submit():
        abort(400)


@bp.route("/<int:user_id>/deactivate", methods=["POST"])
def deactivate(user_id: int):
    """Stop the account signing in and sign it out everywhere; never the last active administrator."""
    user = load_or_404(User, user_id)
    _button_pressed()
    try:
        changed = people.deactivate(db.session, user, actor=current_user)
    except people.LastAdmin as refused:
        db.session.rollback()
        flash(f"{refused} Nothing was changed.", "error")
        return redirect(url_for("people.edit", user_id=user.id))
    db.session.commit()
    if changed and user.id == current_user.id:
        flash("You deactivated your own account and have been signed out.", "info")
        return redirect(url_for("auth.login"))
    flash(f"{user.email} is deactivated and signed out everywhere." if changed
          else f"{user.email} already was deactivated.", "success")
    return redirect(url_for("people.edit", user_id=user.id))


@bp.route("/<int:user_id>/reactivate", methods=["POST"])
def reactivate(user_id: int):
    """Let a deactivated account sign in again."""
    user = load_or_404(User, user_id)
    _button_pressed()
    changed = people.reactivate(db.session, user, actor=current_user)
    db.session.commit()
    flash(f"{user.email} can sign in again." if changed else f"{user.email} already was active.", "success")
    return redirect(url_for("people.edit", user_id=user.id))


@bp.route("/<int:user_id>/reset", methods=["POST"])
@no_store
def issue_reset_link(user_id: int):
    """Issue a one-time set-password link for the account and show it once; any earlier link stops working."""
    user = load_or_404(User, user_id)
    _button_pressed()
    issued = issue_reset(db.session, user, issued_by=current_user)
    db.session.commit()
    # Rendered, not redirected: the link must not travel through the session cookie or a flash.
    return _account_page(user, AccountForm(formdata=None, obj=user), reset=issued)


# --------------------------------------------------------------------------- the audit log


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


@bp.route("/audit", endpoint="audit")
@no_store
def audit_log():
    """Every recorded action, newest first, filtered by action, who did it, to whom and when (one query a page)."""
    form = AuditFilterForm(formdata=request.args)
    number = _page_number()
    if not form.validate():
        return render_template("people/audit.html", form=form, page=None, page_url=_page_url), 400
    actor = aliased(User)
    target = aliased(User)
    statement = (
        select(AuditEvent, actor.name.label("actor_name"), actor.email.label("actor_email"),
               target.name.label("target_name"), target.email.label("target_email"), Quiz.key.label("quiz_key"))
        .outerjoin(actor, actor.id == AuditEvent.actor_id)
        .outerjoin(target, target.id == AuditEvent.target_user_id)
        .outerjoin(Quiz, Quiz.id == AuditEvent.quiz_id)
    )
    if form.action.data:
        statement = statement.where(AuditEvent.action == form.action.data)
    if form.actor.data and form.actor.data.strip():
        statement = statement.where(_contains(actor.email, form.actor.data))
    if form.target.data and form.target.data.strip():
        statement = statement.where(_contains(target.email, form.target.data))
    if form.since.data:
        statement = statement.where(AuditEvent.at >= _day_start(form.since.data))
    if form.until.data:
        statement = statement.where(AuditEvent.at < _day_start(form.until.data + timedelta(days=1)))
    page = _paginate(statement.order_by(AuditEvent.at.desc(), AuditEvent.id.desc()), number)
    return render_template("people/audit.html", form=form, page=page, page_url=_page_url)

