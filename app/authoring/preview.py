"""Preview as a student: run a quiz's working copy exactly as a student takes it, recording nothing.

A preview is one `QuizPreview` row per instructor and quiz. It snapshots the working copy (the draft, else
the current version) as a version stores it, draws and shuffles from a seed as `start_attempt` does, and
keeps its answers in the row as the `Response` rows of an attempt would hold them. The pages hand the
student's own `question_views` and question templates small stand-ins for a version, an attempt and its
responses, and grading goes through the same engine functions, so what an instructor sees is what a student
gets. No Attempt, Response, progress, visit, grade or audit row is ever written.
"""

from __future__ import annotations

import secrets
from dataclasses import asdict, dataclass, field
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.authoring import bp
from app.content.quiz_files import QuizFile
from app.engine import Grade, apply_penalty, attempt_score, grade_response, passed, percent
from app.engine.quiz_rules import QuizSettings
from app.extensions import db
from app.models import Quiz, QuizPreview, utcnow
from app.quiz.forms import AttemptPageForm, StartAttemptForm, SubmitAttemptForm, posted_answers
from app.quiz.pages import pages_of, question_views

# posted_answers, clean_fields, draw_questions and final_fraction are the student's own helpers, imported rather than
# copied so a preview reads, bounds, stores and grades answers exactly as an attempt does.
from app.security import no_store
from app.services import authoring
from app.services.attempts import clean_fields, draw_questions, engine_questions, final_fraction, settings_of

BANNER = "Preview: nothing you do here is recorded."
NO_PREVIEW = "No preview of this quiz is running: start one with “Preview as a student”."
# Real versions have positive ids: with this one, a preview's built questions are cached under
# (PREVIEW_VERSION_ID, content hash), a key no version shares, and two previews of the same content share it.
PREVIEW_VERSION_ID = -1
# `?after=` on the review: a preview has no dates, so the instructor picks which review options to see.
REVIEW_PHASES = ("submit", "close")


class PreviewRefused(Exception):
    """The preview cannot do what was asked (a check in deferred mode, a change after grading)."""


@dataclass(frozen=True)
class PreviewVersion:
    """A preview's snapshot, standing in for a QuizVersion where the engine and the question views read one."""

    id: int
    content_hash: str
    settings: dict[str, Any]
    questions: list[dict[str, Any]]


@dataclass
class PreviewAnswer:
    """One answer of a preview, standing in for a Response row (question views and grading read the same fields)."""

    raw: dict[str, list[str]] = field(default_factory=dict)
    tries: int = 0
    checked_raw: dict[str, list[str]] | None = None
    checked_fraction: float | None = None
    locked: bool = False
    fraction: float | None = None
    marks: float | None = None


@dataclass(frozen=True)
class PreviewRun:
    """A preview standing in for an Attempt: its snapshot, its drawn question ids and their orders."""

    version: PreviewVersion
    question_ids: list[str]
    orders: dict[str, Any]


# --------------------------------------------------------------------------- the preview's state (no Flask here)


def run_of(preview: QuizPreview) -> PreviewRun:
    """The preview as the question views and the engine take an attempt."""
    version = PreviewVersion(PREVIEW_VERSION_ID, preview.content_hash, preview.settings, preview.questions)
    return PreviewRun(version, list(preview.question_ids), dict(preview.orders))


def answers_of(preview: QuizPreview) -> dict[str, PreviewAnswer]:
    """The preview's answers by question id, with their marks once graded."""
    answers = {}
    for qid, stored in (preview.answers or {}).items():
        answer = PreviewAnswer(**stored)
        graded = (preview.marks or {}).get(qid)
        if graded:
            answer.fraction, answer.marks = graded["fraction"], graded["marks"]
        answers[qid] = answer
    return answers


def start_preview(session: Session, user_id: int, quiz: Quiz, snapshot: QuizFile,
                  seed: int | None = None) -> QuizPreview:
    """Start a preview of `snapshot` (a validated working copy), replacing this instructor's previous one."""
    seed = secrets.randbelow(2**31) if seed is None else seed
    version = PreviewVersion(PREVIEW_VERSION_ID, snapshot.content_hash, snapshot.settings.to_json(),
                             [question.to_json() for question in snapshot.questions])
    ids, orders = draw_questions(version, snapshot.settings, seed)
    values = {"content_hash": version.content_hash, "settings": version.settings, "questions": version.questions,
              "seed": seed, "question_ids": ids, "orders": orders, "answers": {}, "state": "in_progress",
              "started_at": utcnow(), "submitted_at": None, "marks": {}, "score": None, "max_score": None,
              "percent": None}
    preview = _locked(session, user_id, quiz.id)
    if preview is None:
        preview = QuizPreview(user_id=user_id, quiz_id=quiz.id, **values)
        try:
            with session.begin_nested():
                session.add(preview)
        except IntegrityError:
            # Another tab started a preview of this quiz at the same moment: overwrite that one instead.
            preview = _locked(session, user_id, quiz.id)
    for name, value in values.items():
        setattr(preview, name, value)
    session.flush()
    return preview


def save_preview_answers(preview: QuizPreview, posted: dict[str, dict[str, list[str]]]) -> int:
    """Keep the posted fields of the preview's questions, as a student's save does; returns how many were kept."""
    _ensure_open(preview)
    answers = answers_of(preview)
    saved = 0
    for qid in preview.question_ids:
        if qid not in posted or (qid in answers and answers[qid].locked):
            continue
        answers.setdefault(qid, PreviewAnswer()).raw = clean_fields(posted[qid])
        saved += 1
    _store(preview, answers)
    return saved


def check_preview_answer(preview: QuizPreview, qid: str, fields: dict[str, list[str]]) -> Grade:
    """Immediate mode: keep and grade one answer now, counting a try; a right answer locks it (as check_answer)."""
    _ensure_open(preview)
    run = run_of(preview)
    settings = settings_of(run.version)
    if not settings.immediate or qid not in run.question_ids:
        raise PreviewRefused("This question cannot be checked before the attempt is submitted.")
    question = engine_questions(run.version)[qid]
    answers = answers_of(preview)
    answer = answers.setdefault(qid, PreviewAnswer())
    if answer.locked:
        return grade_response(question, answer.raw)
    answer.raw = clean_fields(fields)
    grade = grade_response(question, answer.raw)
    answer.tries += 1
    answer.checked_raw = dict(answer.raw)
    answer.checked_fraction = apply_penalty(grade.fraction, answer.tries, settings.penalty)
    answer.locked = grade.correct is True
    _store(preview, answers)
    return grade


def submit_preview(preview: QuizPreview) -> bool:
    """Grade the preview as `submit_attempt` grades an attempt; False if it was already graded."""
    if preview.state != "in_progress":
        return False
    run = run_of(preview)
    settings = settings_of(run.version)
    questions = engine_questions(run.version)
    points = {q["id"]: float(q["points"]) for q in run.version.questions}
    answers = answers_of(preview)
    marks = {}
    for qid in run.question_ids:
        answer = answers.setdefault(qid, PreviewAnswer())
        fraction = final_fraction(questions[qid], answer, settings)
        marks[qid] = {"fraction": fraction, "marks": round(fraction * points[qid], 7)}
    total = attempt_score(mark["marks"] for mark in marks.values())
    maximum = sum(points[qid] for qid in run.question_ids)
    _store(preview, answers)
    preview.marks = marks
    preview.state = "submitted"
    preview.submitted_at = utcnow()
    preview.score = total
    preview.max_score = maximum
    preview.percent = round(percent(total, maximum), 7)
    return True


def answered(preview: QuizPreview) -> set[str]:
    """The question ids with a non-blank answer (what a student's summary counts as answered)."""
    return {qid for qid, answer in answers_of(preview).items()
            if any(value.strip() for values in answer.raw.values() for value in values)}


def review_items_for(settings: QuizSettings, phase: str) -> frozenset[str]:
    """What a student's review shows after submitting, or once the quiz has closed (a preview has no dates)."""
    return frozenset(settings.review_after_close if phase == "close" else settings.review_after_submit)


def _ensure_open(preview: QuizPreview) -> None:
    if preview.state != "in_progress":
        raise PreviewRefused("This preview has been submitted; its answers can no longer change.")


def _store(preview: QuizPreview, answers: dict[str, PreviewAnswer]) -> None:
    # A new mapping each time: the JSON column does not notice changes made inside the old one.
    preview.answers = {qid: {key: value for key, value in asdict(answer).items() if key not in ("fraction", "marks")}
                       for qid, answer in answers.items()}


def _locked(session: Session, user_id: int, quiz_id: int) -> QuizPreview | None:
    # The row lock (PostgreSQL; SQLite's IMMEDIATE write transactions already serialise writers) keeps an
    # autosave and a page's save from overwriting each other's answers.
    return session.scalars(select(QuizPreview).where(QuizPreview.user_id == user_id, QuizPreview.quiz_id == quiz_id)
                           .with_for_update().execution_options(populate_existing=True)).one_or_none()


# --------------------------------------------------------------------------- pages


@bp.route("/quizzes/<int:quiz_id>/preview/start", methods=["POST"])
def preview_start(quiz_id: int):
    """Start a preview of the quiz's working copy (the draft if there is one), replacing any earlier preview."""
    quiz = db.get_or_404(Quiz, quiz_id)
    if not StartAttemptForm().validate_on_submit():
        abort(400)
    document = authoring.working_document(db.session, quiz)
    try:
        parsed = authoring.check_document(db.session, quiz.course, document, quiz=quiz, draft=False)
    except authoring.DraftInvalid as invalid:
        db.session.rollback()
        flash("The quiz cannot be previewed yet: " + "; ".join(p.message for p in invalid.problems), "error")
        return redirect(url_for("authoring.quiz", quiz_id=quiz.id))
    if parsed.quiz is None or not parsed.quiz.questions:
        flash("The quiz cannot be previewed yet: it has no questions.", "error")
        return redirect(url_for("authoring.quiz", quiz_id=quiz.id))
    start_preview(db.session, current_user.id, quiz, parsed.quiz)
    db.session.commit()
    return redirect(url_for("authoring.preview_page", quiz_id=quiz.id))


@bp.route("/quizzes/<int:quiz_id>/preview")
@no_store
def preview_page(quiz_id: int):
    """One page of the preview, as the attempt page shows it to a student."""
    quiz, preview = _preview_or_redirect(quiz_id)
    if preview is None:
        return _to_quiz(quiz_id)
    if preview.state != "in_progress":
        return redirect(url_for("authoring.preview_review", quiz_id=quiz.id))
    run = run_of(preview)
    settings = settings_of(run.version)
    pages = pages_of(run, settings.questions_per_page)
    page = min(max(request.args.get("page", 1, type=int), 1), len(pages))
    views = question_views(run, pages[page - 1], answers_of(preview), immediate=settings.immediate, course=quiz.course)
    return render_template("authoring/preview/attempt.html", quiz=quiz, preview=preview, settings=settings,
                           views=views, page=page, pages=len(pages), form=AttemptPageForm(page=page),
                           banner=BANNER)


@bp.route("/quizzes/<int:quiz_id>/preview/save", methods=["POST"])
def preview_save(quiz_id: int):
    """Keep the answers on a page, then go where the instructor asked (or answer 204 to the page's autosave)."""
    quiz = db.get_or_404(Quiz, quiz_id)
    form = AttemptPageForm()
    if not form.validate_on_submit():
        abort(400)
    autosave = request.headers.get("X-Parley-Autosave") == "1"
    preview = _locked(db.session, current_user.id, quiz.id)
    if preview is None:
        if autosave:
            return {"saved": False, "message": NO_PREVIEW}, 409
        flash(NO_PREVIEW, "info")
        return _to_quiz(quiz.id)
    try:
        save_preview_answers(preview, posted_answers(request.form))
    except PreviewRefused as refused:
        db.session.rollback()
        if autosave:
            return {"saved": False, "message": str(refused)}, 409
        flash(str(refused), "info")
        return redirect(url_for("authoring.preview_review", quiz_id=quiz.id))
    page = form.page.data or 1
    go = form.go.data or request.form.get("go", "")
    if not autosave and go.startswith("check:"):
        qid = go.removeprefix("check:")
        try:
            check_preview_answer(preview, qid, posted_answers(request.form).get(qid, {}))
        except PreviewRefused as refused:
            flash(str(refused), "info")
        db.session.commit()
        return redirect(url_for("authoring.preview_page", quiz_id=quiz.id, page=page, _anchor=f"question-{qid}"))
    db.session.commit()
    if autosave:
        return "", 204
    if go == "finish":
        return redirect(url_for("authoring.preview_summary", quiz_id=quiz.id))
    target = page + 1 if go == "next" else page - 1 if go == "previous" else page
    return redirect(url_for("authoring.preview_page", quiz_id=quiz.id, page=max(target, 1)))


@bp.route("/quizzes/<int:quiz_id>/preview/summary")
@no_store
def preview_summary(quiz_id: int):
    """Before submitting: which questions are answered, and the submit button (the student's summary page)."""
    quiz, preview = _preview_or_redirect(quiz_id)
    if preview is None:
        return _to_quiz(quiz_id)
    if preview.state != "in_progress":
        return redirect(url_for("authoring.preview_review", quiz_id=quiz.id))
    settings = settings_of(run_of(preview).version)
    pages = pages_of(run_of(preview), settings.questions_per_page)
    page_of = {qid: number for number, ids in enumerate(pages, start=1) for qid in ids}
    return render_template("authoring/preview/summary.html", quiz=quiz, preview=preview, settings=settings,
                           answered=answered(preview), page_of=page_of, form=SubmitAttemptForm(), banner=BANNER)


@bp.route("/quizzes/<int:quiz_id>/preview/submit", methods=["POST"])
def preview_submit(quiz_id: int):
    """Grade the preview once, as a submit grades an attempt; a second submit lands on the same result."""
    quiz = db.get_or_404(Quiz, quiz_id)
    if not SubmitAttemptForm().validate_on_submit():
        abort(400)
    preview = _locked(db.session, current_user.id, quiz.id)
    if preview is None:
        flash(NO_PREVIEW, "info")
        return _to_quiz(quiz.id)
    if submit_preview(preview):
        flash("The preview was graded as a student's attempt would be. Nothing was recorded.", "success")
    db.session.commit()
    return redirect(url_for("authoring.preview_review", quiz_id=quiz.id))


@bp.route("/quizzes/<int:quiz_id>/preview/review")
@no_store
def preview_review(quiz_id: int):
    """The graded preview as a student's review shows it after submitting, or (`?after=close`) once the quiz closes."""
    quiz, preview = _preview_or_redirect(quiz_id)
    if preview is None:
        return _to_quiz(quiz_id)
    if preview.state != "submitted":
        return redirect(url_for("authoring.preview_page", quiz_id=quiz.id))
    phase = request.args.get("after", "submit")
    phase = phase if phase in REVIEW_PHASES else "submit"
    run = run_of(preview)
    settings = settings_of(run.version)
    shows = review_items_for(settings, phase)
    views = question_views(run, list(run.question_ids), answers_of(preview), review_items=shows, course=quiz.course)
    return render_template("authoring/preview/review.html", quiz=quiz, preview=preview, settings=settings,
                           views=views, shows=shows, phase=phase, form=StartAttemptForm(), banner=BANNER,
                           passed=passed(preview.percent, settings.pass_mark))


def _preview_or_redirect(quiz_id: int) -> tuple[Quiz, QuizPreview | None]:
    """The quiz and this instructor's preview of it; with a note when there is none to show."""
    quiz = db.get_or_404(Quiz, quiz_id)
    preview = db.session.scalars(select(QuizPreview).where(QuizPreview.user_id == current_user.id,
                                                           QuizPreview.quiz_id == quiz.id)).one_or_none()
    if preview is None:
        flash(NO_PREVIEW, "info")
    return quiz, preview


def _to_quiz(quiz_id: int):
    return redirect(url_for("authoring.quiz", quiz_id=quiz_id))
