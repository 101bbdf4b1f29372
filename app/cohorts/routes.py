"""Routes of the cohorts blueprint: the list, creating and editing a cohort, its members, enrolment from CSV.

Every route is for administrators only (the blueprint's guard). Each handler loads, checks, acts through
app/services/cohorts.py or app/services/enrolment.py, and commits once at its end.
"""

from __future__ import annotations

import csv
import io

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from app.auth.reset_links import reset_link
from app.cohorts import bp
from app.cohorts.forms import AddMemberForm, CohortForm, ConfirmEnrolForm, EnrolForm, LinksForm
from app.csv_export import csv_cell
from app.extensions import db
from app.models import Cohort, User
from app.request_checks import accepts_files
from app.security import no_store
from app.services import cohorts
from app.services.accounts import find_by_email
from app.services.enrolment import (
    MAX_ROWS,
    EnrolmentPlan,
    EnrolmentSummary,
    apply_enrolment,
    plan_enrolment,
    read_enrolment_csv,
)

LINK_COLUMNS = ["name", "email", "link"]


@bp.route("/")
def index():
    """Every cohort with its dates and numbers of students and instructors."""
    return render_template("cohorts/index.html", summaries=cohorts.cohort_summaries(db.session))


@bp.route("/new", methods=["GET", "POST"])
def new():
    """Create a cohort: a unique name, a start date and an optional end date."""
    form = CohortForm()
    if form.validate_on_submit():
        try:
            cohort = cohorts.create_cohort(db.session, name=form.name.data, starts_on=form.starts_on.data,
                                           ends_on=form.ends_on.data, actor_id=current_user.id)
        except cohorts.CohortInvalid as invalid:
            db.session.rollback()
            form[invalid.field].errors.append(str(invalid))
        else:
            db.session.commit()
            flash(f"Cohort “{cohort.name}” created. Add its instructors and students below.", "success")
            return redirect(url_for("cohorts.cohort", cohort_id=cohort.id))
    return render_template("cohorts/edit.html", form=form, cohort=None)


@bp.route("/<int:cohort_id>/edit", methods=["GET", "POST"])
def edit(cohort_id: int):
    """Change a cohort's name and dates."""
    cohort = db.get_or_404(Cohort, cohort_id)
    form = CohortForm(obj=cohort)
    if form.validate_on_submit():
        try:
            changed = cohorts.edit_cohort(db.session, cohort, name=form.name.data, starts_on=form.starts_on.data,
                                          ends_on=form.ends_on.data, actor_id=current_user.id)
        except cohorts.CohortInvalid as invalid:
            db.session.rollback()
            form[invalid.field].errors.append(str(invalid))
        else:
            db.session.commit()
            flash(f"Cohort “{cohort.name}” saved." if changed else "Nothing changed.",
                  "success" if changed else "info")
            return redirect(url_for("cohorts.cohort", cohort_id=cohort.id))
    return render_template("cohorts/edit.html", form=form, cohort=cohort)


@bp.route("/<int:cohort_id>")
def cohort(cohort_id: int):
    """One cohort: its dates, its instructors and students, and the forms to add and remove them."""
    return _cohort_page(db.get_or_404(Cohort, cohort_id), AddMemberForm())


def _cohort_page(cohort: Cohort, add_form: AddMemberForm):
    members = cohorts.cohort_members(db.session, cohort)
    return render_template("cohorts/cohort.html", cohort=cohort, add_form=add_form,
                           students=[user for user in members if user.role == "student"],
                           teaching=[user for user in members if user.role != "student"])


@bp.route("/<int:cohort_id>/members", methods=["POST"])
def add_member(cohort_id: int):
    """Add the account with this email to the cohort: a student to learn, an instructor to teach."""
    cohort = db.get_or_404(Cohort, cohort_id)
    form = AddMemberForm()
    if form.validate_on_submit():
        user = find_by_email(db.session, form.email.data)
        if user is None:
            form.email.errors.append(f"No account has the email {form.email.data.strip()}. Create it on the "
                                     "People page, or enrol it from a CSV file.")
        else:
            try:
                added = cohorts.add_member(db.session, cohort, user, actor_id=current_user.id)
            except cohorts.MembershipRefused as refused:
                form.email.errors.append(str(refused))
            else:
                db.session.commit()
                what = "teaches" if user.role == "instructor" else "studies in"
                flash(f"{user.name} ({user.email}) now {what} “{cohort.name}”." if added
                      else f"{user.name} ({user.email}) already is in “{cohort.name}”.", "success" if added else "info")
                return redirect(url_for("cohorts.cohort", cohort_id=cohort.id))
    return _cohort_page(cohort, form)


@bp.route("/<int:cohort_id>/members/<int:user_id>/remove", methods=["POST"])
def remove_member(cohort_id: int, user_id: int):
    """Take someone out of the cohort; their account, attempts and progress stay."""
    cohort = db.get_or_404(Cohort, cohort_id)
    user = db.get_or_404(User, user_id)
    # The button's form holds only its CSRF token, which CSRFProtect checked before the view ran.
    removed = cohorts.remove_member(db.session, cohort, user, actor_id=current_user.id)
    db.session.commit()
    flash(f"{user.name} ({user.email}) is no longer in “{cohort.name}”." if removed
          else f"{user.name} ({user.email}) was not in “{cohort.name}”.", "success" if removed else "info")
    return redirect(url_for("cohorts.cohort", cohort_id=cohort.id))


@bp.route("/enrol", methods=["GET", "POST"])
@accepts_files
@no_store
def enrol():
    """Step 1: upload or paste a CSV file and see what enrolling it would do to every row, or every problem."""
    form = EnrolForm()
    plan = None
    if form.validate_on_submit():
        data = _submitted_csv(form)
        if data is None:
            form.file.errors.append("Choose a CSV file, or paste its text below.")
        else:
            plan = plan_enrolment(db.session, read_enrolment_csv(data))
    return _enrol_page(form, plan)


def _submitted_csv(form: EnrolForm) -> bytes | None:
    """The uploaded file's bytes (bounded by MAX_CONTENT_LENGTH), else the pasted text's, else None."""
    upload = form.file.data
    if upload is not None and upload.filename:
        return upload.read()
    if form.text.data and form.text.data.strip():
        return form.text.data.encode("utf-8")
    return None


def _enrol_page(form: EnrolForm, plan: EnrolmentPlan | None, notice: str | None = None):
    confirm = ConfirmEnrolForm(csv_text=plan.text) if plan is not None and plan.ready else None
    return render_template("cohorts/enrol.html", form=form, plan=plan, confirm=confirm, notice=notice,
                           max_rows=MAX_ROWS)


@bp.route("/enrol/confirm", methods=["POST"])
@no_store
def enrol_confirm():
    """Step 2: check the previewed text again against the database as it is now, then enrol it all at once."""
    form = ConfirmEnrolForm()
    if not form.validate_on_submit():
        flash("Nothing was enrolled: the file's text did not arrive. Upload the file again.", "error")
        return redirect(url_for("cohorts.enrol"))
    # Never trust the preview: the text is read and planned again; accounts may have appeared since.
    plan = plan_enrolment(db.session, read_enrolment_csv(form.csv_text.data.encode("utf-8")))
    if not plan.ready:
        return _enrol_page(EnrolForm(formdata=None), plan,
                           notice="checked again, the file has problems (the accounts or cohorts changed since "
                                  "the preview, or the text was altered). Fix them and upload the file again.")
    try:
        summary = apply_enrolment(db.session, plan, current_user._get_current_object())
        db.session.commit()
    except IntegrityError:
        # Another enrolment created some of these accounts or memberships at the same moment.
        db.session.rollback()
        plan = plan_enrolment(db.session, read_enrolment_csv(form.csv_text.data.encode("utf-8")))
        return _enrol_page(EnrolForm(formdata=None), plan,
                           notice="another enrolment added some of these people at the same moment. Here is the "
                                  "file checked again; enrol it if it is still right.")
    return _summary_page(summary)


def _summary_page(summary: EnrolmentSummary):
    links = [(created, reset_link(created.reset.token)) for created in summary.created]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(LINK_COLUMNS)
    writer.writerows([csv_cell(created.user.name), created.user.email, link] for created, link in links)
    return render_template("cohorts/enrolled.html", summary=summary, links=links,
                           links_form=LinksForm(links_csv=out.getvalue()) if links else None)


@bp.route("/enrol/links.csv", methods=["POST"])
@no_store
def enrol_links():
    """The summary's set-password links as a CSV file (name, email, link); the server keeps no copy of them."""
    form = LinksForm()
    if not form.validate_on_submit():
        abort(400, description="The links did not arrive: they are shown only once, on the enrolment summary.")
    rows = list(csv.reader(io.StringIO(form.links_csv.data, newline="")))
    if not rows or rows[0] != LINK_COLUMNS or any(len(row) != len(LINK_COLUMNS) for row in rows):
        abort(400, description="This is not the list of links an enrolment summary gives.")
    out = io.StringIO()
    out.write("\ufeff")  # so spreadsheets read the names as UTF-8
    writer = csv.writer(out)
    writer.writerows([csv_cell(cell) for cell in row] for row in rows)
    return Response(out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="set-password-links.csv"'})
