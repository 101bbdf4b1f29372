"""Authoring pages: the course's quizzes, creating one, its settings, publishing, history, and the lessons."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import aliased
from wtforms.fields.choices import SelectChoice

from app.authoring import bp
from app.authoring.forms import EditCountForm, NewQuizForm, SettingsForm
from app.authoring.question_forms import TYPES as QUESTION_TYPES
from app.content.rendering import render_markdown
from app.engine.draws import drawn_count, question_group
from app.engine.quiz_rules import QuizSettings
from app.extensions import db
from app.models import Attempt, Course, Lesson, Quiz, QuizVersion, User
from app.security import no_store
from app.services import authoring
from app.services.item_statistics import quiz_item_report

SAVED_AS_DRAFT = "Saved as a draft: students see it once you publish."
_DEFAULTS = QuizSettings()


@bp.route("/")
def index():
    """The course to author (Parley serves one course per site today, so go straight to it)."""
    courses = db.session.scalars(select(Course).order_by(Course.id)).all()
    if len(courses) == 1:
        return redirect(url_for("authoring.course_quizzes", course_key=courses[0].key))
    return render_template("authoring/index.html", courses=courses)


@bp.route("/courses/<course_key>/quizzes")
@no_store
def course_quizzes(course_key: str):
    """Every quiz of the course with its status, origin, size, attempts and last change."""
    course = _course_or_404(course_key)
    changer = aliased(User)
    rows = db.session.execute(
        select(Quiz, QuizVersion.questions, QuizVersion.settings, Lesson.title, changer.name)
        .outerjoin(QuizVersion, QuizVersion.id == Quiz.current_version_id)
        .outerjoin(Lesson, Lesson.id == Quiz.lesson_id)
        .outerjoin(changer, changer.id == Quiz.changed_by_id)
        .where(Quiz.course_id == course.id)
        .order_by(Quiz.kind.desc(), Lesson.position, Quiz.key)
    ).all()
    attempts = dict(db.session.execute(
        select(Attempt.quiz_id, func.count()).join(Quiz, Quiz.id == Attempt.quiz_id)
        .where(Quiz.course_id == course.id).group_by(Attempt.quiz_id)
    ).all())
    quizzes = [{
        "quiz": quiz, "status": authoring.status(quiz), "lesson_title": lesson_title, "changed_by": changed_by,
        "questions": len(questions) if questions is not None else len((quiz.draft or {}).get("questions", [])),
        "draw": drawn_count((settings or {}).get("draw"), [question_group(q["definition"]) for q in questions or ()]),
        "attempts": attempts.get(quiz.id, 0),
    } for quiz, questions, settings, lesson_title, changed_by in rows]
    return render_template("authoring/quizzes.html", course=course, quizzes=quizzes)


@bp.route("/courses/<course_key>/quizzes/new", methods=["GET", "POST"])
@no_store
def new_quiz(course_key: str):
    """Create a quiz (a draft until published): its id, title, kind and lesson."""
    course = _course_or_404(course_key)
    form = NewQuizForm()
    outlines = authoring.lesson_outlines(db.session, course.id)
    form.lesson.choices = [SelectChoice("", "(none: a final assessment)")] + [
        SelectChoice(key, outline.title) for key, outline in outlines.items()]
    problems: list[str] = []
    if form.validate_on_submit():
        document = authoring.new_document(form.id.data, form.title.data, form.kind.data, form.lesson.data or None)
        try:
            quiz = authoring.create_quiz(db.session, course, document, current_user.id)
        except authoring.DraftInvalid as invalid:
            db.session.rollback()
            problems = [problem.message for problem in invalid.problems]
        else:
            db.session.commit()
            flash(f"Quiz “{quiz.title}” created as a draft. Add its questions, then publish it.", "success")
            return redirect(url_for("authoring.quiz", quiz_id=quiz.id))
    return render_template("authoring/new_quiz.html", course=course, form=form, problems=problems)


@bp.route("/quizzes/<int:quiz_id>")
@no_store
def quiz(quiz_id: int):
    """One quiz: its status, settings, questions (the draft if there is one) and what can be done next."""
    quiz = db.get_or_404(Quiz, quiz_id)
    document = authoring.working_document(db.session, quiz)
    version = db.session.get(QuizVersion, quiz.current_version_id) if quiz.current_version_id else None
    changed_by = db.session.get(User, quiz.changed_by_id) if quiz.changed_by_id else None
    outlines = authoring.lesson_outlines(db.session, quiz.course_id)
    headings = {(key, heading.id): f"{outline.title} › {heading.text}"
                for key, outline in outlines.items() for heading in outline.headings}
    # Each question's facility and discrimination over every attempt the author may see, with its flags.
    report = quiz_item_report(db.session, quiz, current_user) if version is not None else None
    return render_template(
        "authoring/quiz.html", quiz=quiz, document=document, version=version, changed_by=changed_by,
        item_stats={item.id: item for item in report.questions} if report else {},
        status=authoring.status(quiz), headings=headings, form=EditCountForm(edit_count=quiz.edit_count),
        writing_warnings=authoring.writing_warnings(document, outlines),
        type_names={kind: name for kind, (name, _) in QUESTION_TYPES.items()},
        description_html=render_markdown(document.get("description", "")).html if document.get("description") else "",
    )


@bp.route("/quizzes/<int:quiz_id>/settings", methods=["GET", "POST"])
@no_store
def settings(quiz_id: int):
    """Edit the title, description and settings; blank fields mean the default."""
    quiz = db.get_or_404(Quiz, quiz_id)
    document = authoring.working_document(db.session, quiz)
    form = SettingsForm() if request.method == "POST" else SettingsForm(data=_settings_form_data(document, quiz))
    problems: list[str] = []
    conflict = None
    preview = None
    if request.method == "POST" and request.form.get("preview"):
        preview = render_markdown(form.description.data or "").html
    elif form.validate_on_submit():
        changed = _document_with_settings(document, form)
        try:
            authoring.save_draft(db.session, quiz, changed, actor_id=current_user.id,
                                 read_at_count=_count(form), what="settings")
        except authoring.DraftInvalid as invalid:
            db.session.rollback()
            problems = _attach(form, [problem.message for problem in invalid.problems])
        except authoring.EditConflict as clash:
            db.session.rollback()
            conflict = str(clash)
        else:
            db.session.commit()
            flash(SAVED_AS_DRAFT, "success")
            return redirect(url_for("authoring.quiz", quiz_id=quiz.id))
    status = 409 if conflict else 422 if problems or form.errors else 200
    return render_template("authoring/settings.html", quiz=quiz, form=form, problems=problems, conflict=conflict,
                           preview=preview), status


@bp.route("/quizzes/<int:quiz_id>/<any(publish, discard, retire, restore):action>", methods=["POST"])
def quiz_action(quiz_id: int, action: str):
    """Publish the draft, discard it, retire the quiz or bring it back."""
    quiz = db.get_or_404(Quiz, quiz_id)
    form = EditCountForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        message = _act(quiz, action, _count(form))
    except authoring.DraftInvalid as invalid:
        db.session.rollback()
        flash("The draft cannot be published yet: " + "; ".join(p.message for p in invalid.problems), "error")
    except authoring.EditConflict as clash:
        db.session.rollback()
        flash(str(clash), "error")
    else:
        db.session.commit()
        flash(message, "success")
    return redirect(url_for("authoring.quiz", quiz_id=quiz.id))


@bp.route("/quizzes/<int:quiz_id>/history")
@no_store
def history(quiz_id: int):
    """Every version of the quiz: who made it, when, from where, what changed, and how many attempts used it."""
    quiz = db.get_or_404(Quiz, quiz_id)
    author = aliased(User)
    versions = db.session.execute(
        select(QuizVersion, author.name).outerjoin(author, author.id == QuizVersion.created_by_id)
        .where(QuizVersion.quiz_id == quiz.id).order_by(QuizVersion.number.desc())
    ).all()
    used = authoring.attempts_per_version(db.session, quiz.id)
    return render_template("authoring/history.html", quiz=quiz, versions=versions, used=used)


@bp.route("/courses/<course_key>/lessons")
@no_store
def lessons(course_key: str):
    """Each lesson's file, source sections, and which quiz questions test each of its headings."""
    course = _course_or_404(course_key)
    lessons = db.session.scalars(select(Lesson).where(Lesson.course_id == course.id, Lesson.retired_at.is_(None))
                                 .order_by(Lesson.position)).all()
    tested: dict[tuple[str, str], list[str]] = {}
    rows = db.session.execute(select(Quiz.key, QuizVersion.questions)
                              .join(QuizVersion, QuizVersion.id == Quiz.current_version_id)
                              .where(Quiz.course_id == course.id, Quiz.retired_at.is_(None))).all()
    for quiz_key, questions in rows:
        for question in questions:
            source = question["source"]
            tested.setdefault((source["lesson"], source["heading"]), []).append(f"{quiz_key} › {question['id']}")
    return render_template("authoring/lessons.html", course=course, lessons=lessons, tested=tested)


def _act(quiz: Quiz, action: str, count: int) -> str:
    if action == "publish":
        version = authoring.publish_draft(db.session, quiz, actor_id=current_user.id, read_at_count=count)
        return f"Published as version {version.number}: new attempts use it; attempts in progress finish " \
               "on theirs." if version else "Nothing new to publish."
    if action == "discard":
        authoring.discard_draft(db.session, quiz, actor_id=current_user.id, read_at_count=count)
        return "The draft was discarded."
    if action == "retire":
        authoring.retire_quiz(db.session, quiz, actor_id=current_user.id)
        return "The quiz is retired: students no longer see it; its attempts and grades are kept."
    authoring.restore_quiz(db.session, quiz, actor_id=current_user.id)
    return "The quiz is back: students see it again."


def _settings_form_data(document: dict[str, Any], quiz: Quiz) -> dict[str, Any]:
    raw = document.get("settings") or {}
    review = raw.get("review") or {}
    return {
        "edit_count": quiz.edit_count, "title": document.get("title", ""),
        "description": document.get("description", ""),
        "pass_mark": raw.get("pass_mark"),
        "attempts": raw.get("attempts") if raw.get("attempts") != "unlimited" else None,
        "grading": raw.get("grading", _DEFAULTS.grading), "time_limit_minutes": raw.get("time_limit_minutes"),
        "grace_seconds": raw.get("grace_seconds"), "opens": raw.get("opens"), "closes": raw.get("closes"),
        "draw": raw.get("draw"), "shuffle_questions": raw.get("shuffle_questions", _DEFAULTS.shuffle_questions),
        "questions_per_page": raw.get("questions_per_page"), "feedback": raw.get("feedback", _DEFAULTS.feedback),
        "penalty": raw.get("penalty"),
        "review_after_submit": review.get("after_submit", list(_DEFAULTS.review_after_submit)),
        "review_after_close": review.get("after_close", list(_DEFAULTS.review_after_close)),
    }


def _document_with_settings(document: dict[str, Any], form: SettingsForm) -> dict[str, Any]:
    """The document with the form's title, description and settings; defaults are left out, as a file would."""
    settings: dict[str, Any] = {}

    def put(key: str, value: Any, default: Any = None) -> None:
        if value is not None and value != "" and value != default:
            settings[key] = value

    put("pass_mark", _plain_number(form.pass_mark.data), _DEFAULTS.pass_mark)
    put("attempts", form.attempts.data)
    put("grading", form.grading.data, _DEFAULTS.grading)
    put("time_limit_minutes", form.time_limit_minutes.data)
    put("grace_seconds", form.grace_seconds.data, _DEFAULTS.grace_seconds)
    put("opens", (form.opens.data or "").strip())
    put("closes", (form.closes.data or "").strip())
    put("draw", form.draw.data)
    put("shuffle_questions", bool(form.shuffle_questions.data), _DEFAULTS.shuffle_questions)
    put("questions_per_page", form.questions_per_page.data, _DEFAULTS.questions_per_page)
    put("feedback", form.feedback.data, _DEFAULTS.feedback)
    put("penalty", _plain_number(form.penalty.data), _DEFAULTS.penalty)
    review = {}
    if tuple(form.review_after_submit.data or ()) != _DEFAULTS.review_after_submit:
        review["after_submit"] = list(form.review_after_submit.data or ())
    if tuple(form.review_after_close.data or ()) != _DEFAULTS.review_after_close:
        review["after_close"] = list(form.review_after_close.data or ())
    if review:
        settings["review"] = review
    changed = {key: value for key, value in document.items() if key not in ("settings", "questions", "description")}
    changed["title"] = form.title.data.strip()
    if (form.description.data or "").strip():
        changed["description"] = form.description.data
    changed["settings"] = settings
    changed["questions"] = document.get("questions", [])
    return changed


def _attach(form: SettingsForm, messages: list[str]) -> list[str]:
    """Put each parser message on the field it names first ("setting `draw` ...", "`draw: 9` ..."); return the rest."""
    unplaced = []
    for message in messages:
        named = re.search(r"`(\w+)[`:]", message)
        name = named.group(1) if named else None
        if name == "review":
            name = "review_after_submit"
        if name in form and name != "csrf_token":
            form[name].errors = [*form[name].errors, message]
        else:
            unplaced.append(message)
    return unplaced


def _plain_number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _count(form: EditCountForm) -> int:
    try:
        return int(form.edit_count.data)
    except (TypeError, ValueError):
        abort(400)


def _course_or_404(course_key: str) -> Course:
    return db.one_or_404(select(Course).where(Course.key == course_key))
