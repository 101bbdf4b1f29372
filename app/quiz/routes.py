"""Quiz pages: overview and start, the attempt's pages, checking, submitting, review."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.database import locks_late
from app.engine import passed
from app.engine.draws import draw_summary
from app.engine.quiz_rules import attempts_left, review_items
from app.extensions import db
from app.models import Attempt, Quiz, User, utcnow
from app.permissions import can_review_attempt, can_take_attempt, can_view_quiz, require, require_visible
from app.quiz import bp
from app.quiz.forms import AttemptPageForm, StartAttemptForm, SubmitAttemptForm, posted_answers
from app.quiz.pages import pages_of, question_views
from app.security import no_store
from app.services import attempts as attempt_service
from app.services.grades import quiz_grade

# The id of an answer field on an attempt page (QuestionView.dom_id with the "a" prefix): q<number>-a-...
FIELD_ID = re.compile(r"q(\d{1,4})-a-[\w-]{1,80}")


@bp.app_template_filter("utc")
def utc(moment: datetime) -> datetime:
    """A moment in UTC, for <time datetime="...Z"> and the no-script "UTC" text."""
    return moment.astimezone(UTC)


@bp.route("/courses/<course_key>/quizzes/<quiz_key>")
@login_required
@no_store
def quiz(course_key: str, quiz_key: str):
    """The quiz's rules, the student's attempts and grade, and a button to start or continue.

    With `?start=1`, and a new attempt that would spend a limited attempt or start a clock, the page is
    the confirmation step instead: what starting commits the student to, "Start now" and "Not now".
    """
    quiz = _quiz_or_404(course_key, quiz_key)
    require(can_view_quiz(current_user, quiz))
    now = utcnow()
    attempts = attempt_service.student_attempts(db.session, current_user.id, quiz.id)
    current, closed = attempt_service.current_attempt(db.session, attempts, now)
    if closed:
        flash(closed, "info")
        db.session.commit()
    version = attempt_service.light_version(db.session, quiz.current_version_id)
    settings = attempt_service.settings_of(version)
    groups = attempt_service.pool_groups(version)
    per_attempt, drawn_by = settings.questions_per_attempt(groups), draw_summary(settings.draw, groups)
    refusal = attempt_service.quiz_refusal(settings, current, len(attempts), now)
    terms = attempt_service.start_terms(settings, len(attempts))
    if request.args.get("start") and current is None and refusal is None and terms.needs_confirmation:
        return render_template("quiz/start.html", quiz=quiz, settings=settings, terms=terms,
                               per_attempt=per_attempt, form=StartAttemptForm(confirm="1"))
    grade = quiz_grade(quiz, settings, attempts)
    # What reviews show follows the quiz as it is now, for attempts on every version.
    shown = review_items(settings, now)
    shows = {attempt.id: shown for attempt in attempts}
    return render_template(
        "quiz/quiz.html", quiz=quiz, version=version, settings=settings, attempts=attempts, current=current,
        grade=grade, refusal=refusal, left=attempts_left(settings, len(attempts)), shows=shows,
        form=StartAttemptForm(), per_attempt=per_attempt, drawn_by=drawn_by, terms=terms, pool_size=len(groups),
    )


@bp.route("/courses/<course_key>/quizzes/<quiz_key>/start", methods=["POST"])
@login_required
def start(course_key: str, quiz_key: str):
    """Start a new attempt (or resume the open one); a limited or timed one only once the student confirmed."""
    quiz = _quiz_or_404(course_key, quiz_key)
    require(can_view_quiz(current_user, quiz))
    form = StartAttemptForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        attempt = attempt_service.start_attempt(db.session, current_user.id, quiz, confirmed=form.confirm.data == "1")
    except attempt_service.ConfirmationNeeded:
        db.session.rollback()
        # A plain or forged POST starts nothing: the student sees what starting costs and decides there.
        return redirect(url_for("quiz.quiz", course_key=course_key, quiz_key=quiz_key, start=1), 303)
    except attempt_service.AttemptRefused as refused:
        db.session.rollback()
        flash(str(refused), "error")
        return redirect(url_for("quiz.quiz", course_key=course_key, quiz_key=quiz_key))
    db.session.commit()
    return redirect(url_for("quiz.attempt", attempt_id=attempt.id))


@bp.route("/attempts/<int:attempt_id>")
@login_required
@no_store
def attempt(attempt_id: int):
    """One page of an attempt in progress."""
    attempt = _takeable_attempt(attempt_id)
    settings = attempt_service.settings_of(attempt.version)
    pages = pages_of(attempt, settings.questions_per_page)
    page = min(max(request.args.get("page", 1, type=int), 1), len(pages))
    responses = attempt_service.saved_responses(db.session, attempt.id, pages[page - 1])
    views = question_views(attempt, pages[page - 1], responses, immediate=settings.immediate)
    problems = attempt_service.answer_problems(attempt, {qid: row.raw for qid, row in responses.items()})
    form = AttemptPageForm(page=page)
    return render_template("quiz/attempt.html", attempt=attempt, quiz=attempt.quiz, settings=settings,
                           views=views, page=page, pages=len(pages), form=form, problems=problems,
                           deadline=attempt_service.attempt_deadline(attempt))


@bp.route("/attempts/<int:attempt_id>/save", methods=["POST"])
@login_required
@locks_late
def save(attempt_id: int):
    """Save the answers on a page, then go where the student asked (or answer 204 to autosave).

    A page whose answers need fixing (an ordering with one item in two positions) is saved as typed,
    but the student stays on it, at the question, until it is fixed.
    """
    attempt = _attempt_or_404(attempt_id)
    require_visible(can_take_attempt(current_user, attempt))
    form = AttemptPageForm()
    if not form.validate_on_submit():
        abort(400)
    autosave = request.headers.get("X-Parley-Autosave") == "1"
    posted = posted_answers(request.form)
    try:
        attempt_service.save_answers(db.session, attempt, posted)
    except attempt_service.AttemptPaused as paused:
        db.session.rollback()
        if autosave:
            return {"saved": False, "message": str(paused)}, 409
        flash(str(paused), "info")
        return _to_quiz_page(attempt)
    except attempt_service.AttemptClosed as closed:
        db.session.commit()
        if autosave:
            return {"saved": False, "message": str(closed)}, 409
        flash(str(closed), "info")
        return redirect(url_for("quiz.review", attempt_id=attempt.id))
    db.session.commit()
    if autosave:
        return "", 204
    page = form.page.data or 1
    go = form.go.data or request.form.get("go", "")
    if go.startswith("check:"):
        return _check(attempt, go.removeprefix("check:"), page)
    problems = attempt_service.answer_problems(attempt, {qid: posted[qid] for qid in attempt.question_ids
                                                         if qid in posted})
    if problems:
        flash("Your answers are saved, but one needs fixing before you go on: see the message at the question.",
              "error")
        return redirect(url_for("quiz.attempt", attempt_id=attempt.id, page=page,
                                _anchor=f"question-{next(iter(problems))}"))
    if go == "finish":
        return redirect(url_for("quiz.summary", attempt_id=attempt.id))
    if go == "save":
        return _back_to_field(attempt, page, form.focus.data or "")
    target = page + 1 if go == "next" else page - 1 if go == "previous" else page
    return redirect(url_for("quiz.attempt", attempt_id=attempt.id, page=max(target, 1)))


def _back_to_field(attempt: Attempt, page: int, focus: str):
    """After Enter in a text answer: the same page, at the same question, naming the field to focus again."""
    match = FIELD_ID.fullmatch(focus)
    number = int(match.group(1)) if match else 0
    if not 1 <= number <= len(attempt.question_ids):
        return redirect(url_for("quiz.attempt", attempt_id=attempt.id, page=page))
    return redirect(url_for("quiz.attempt", attempt_id=attempt.id, page=page, focus=focus,
                            _anchor=f"question-{attempt.question_ids[number - 1]}"))


def _check(attempt: Attempt, qid: str, page: int):
    """Immediate mode: grade one question now and show its feedback."""
    back = redirect(url_for("quiz.attempt", attempt_id=attempt.id, page=page, _anchor=f"question-{qid}"))
    try:
        attempt_service.check_answer(db.session, attempt, qid, posted_answers(request.form).get(qid, {}))
    except attempt_service.AttemptPaused as paused:
        db.session.rollback()
        flash(str(paused), "info")
        return _to_quiz_page(attempt)
    except attempt_service.AttemptClosed as closed:
        db.session.commit()
        flash(str(closed), "info")
        return redirect(url_for("quiz.review", attempt_id=attempt.id))
    except attempt_service.AnswerNeedsFixing:
        # The answer is kept as typed and no try is counted; the page shows what to fix at the question.
        db.session.commit()
        flash("This answer was saved but not checked: it needs fixing first (see the question).", "error")
        return back
    db.session.commit()
    return back


@bp.route("/attempts/<int:attempt_id>/summary")
@login_required
@no_store
def summary(attempt_id: int):
    """Before submitting: which questions are answered or need fixing, and the submit button."""
    attempt = _takeable_attempt(attempt_id)
    settings = attempt_service.settings_of(attempt.version)
    responses = attempt_service.saved_responses(db.session, attempt.id, list(attempt.question_ids))
    answered = attempt_service.answered_questions(responses)
    problems = attempt_service.answer_problems(attempt, {qid: row.raw for qid, row in responses.items()})
    pages = pages_of(attempt, settings.questions_per_page)
    page_of = {qid: number for number, ids in enumerate(pages, start=1) for qid in ids}
    return render_template("quiz/summary.html", attempt=attempt, quiz=attempt.quiz, settings=settings,
                           answered=answered, problems=problems, page_of=page_of, form=SubmitAttemptForm(),
                           deadline=attempt_service.attempt_deadline(attempt))


@bp.route("/attempts/<int:attempt_id>/submit", methods=["POST"])
@login_required
@locks_late
def submit(attempt_id: int):
    """Grade the attempt once; repeated submits land on the same result."""
    attempt = _attempt_or_404(attempt_id)
    require_visible(can_take_attempt(current_user, attempt))
    if not SubmitAttemptForm().validate_on_submit():
        abort(400)
    try:
        graded = attempt_service.submit_attempt(db.session, attempt)
    except attempt_service.AnswerNeedsFixing as unfinished:
        db.session.rollback()
        count = len(unfinished.problems)
        flash(f"Not submitted yet: {count} answer{'' if count == 1 else 's'} need{'s' if count == 1 else ''} "
              "fixing first (see below).", "error")
        return redirect(url_for("quiz.summary", attempt_id=attempt.id))
    db.session.commit()
    if graded:
        flash("Your attempt has been submitted.", "success")
    return redirect(url_for("quiz.review", attempt_id=attempt.id))


@bp.route("/attempts/<int:attempt_id>/review")
@login_required
@no_store
def review(attempt_id: int):
    """A submitted attempt, showing what the quiz's review options allow now."""
    attempt = db.get_or_404(Attempt, attempt_id)
    require_visible(can_review_attempt(current_user, attempt))
    if attempt.state != "submitted":
        return redirect(url_for("quiz.attempt", attempt_id=attempt.id))
    settings = attempt_service.settings_of(attempt.version)
    shows = review_items(attempt_service.current_settings(attempt.quiz), utcnow())
    responses = attempt_service.saved_responses(db.session, attempt.id, attempt.question_ids)
    views = question_views(attempt, list(attempt.question_ids), responses, review_items=shows)
    # Staff reviewing a student's attempt read the student's name where the student reads "Your".
    student = db.session.get(User, attempt.user_id) if attempt.user_id != current_user.id else None
    return render_template("quiz/review.html", attempt=attempt, quiz=attempt.quiz, settings=settings,
                           views=views, shows=shows, course=attempt.quiz.course, student=student,
                           passed=passed(attempt.percent, settings.pass_mark))


def _quiz_or_404(course_key: str, quiz_key: str) -> Quiz:
    quiz = attempt_service.quiz_by_key(db.session, course_key, quiz_key)
    # A quiz never published is a draft in authoring: to students it does not exist yet.
    if quiz is None or quiz.current_version_id is None:
        abort(404)
    return quiz


def _attempt_or_404(attempt_id: int) -> Attempt:
    attempt = attempt_service.attempt_with_quiz(db.session, attempt_id)
    if attempt is None:
        abort(404)
    return attempt


def _takeable_attempt(attempt_id: int) -> Attempt:
    """The student's own attempt if it takes answers now; else the request ends in a redirect (review or quiz)."""
    attempt = _attempt_or_404(attempt_id)
    require_visible(can_take_attempt(current_user, attempt))
    blocked = attempt_service.not_taking(db.session, attempt)
    if blocked is None:
        return attempt
    db.session.commit()  # keep the closing of an overdue attempt: abort() below would otherwise roll it back
    if blocked.message:
        flash(blocked.message, "info")
    abort(redirect(url_for("quiz.review", attempt_id=attempt.id)) if blocked.to_review else _to_quiz_page(attempt))


def _to_quiz_page(attempt: Attempt):
    return redirect(url_for("quiz.quiz", course_key=attempt.quiz.course.key, quiz_key=attempt.quiz.key))

