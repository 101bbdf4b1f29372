"""The question editor: add, edit, duplicate, reorder and delete a quiz's questions, each change saved as its draft.

Every save hands the whole changed quiz to `save_draft`, which checks it with the file parser; the parser's
problems are then put on the form fields they name, so a form says exactly what `flask content check` says.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import FieldList, FormField, HiddenField, SelectChoice

from app.authoring import bp
from app.authoring.question_forms import (
    FORMS,
    ID_MAX,
    MAX_ROWS,
    TYPES,
    QuestionActionForm,
    QuestionForm,
    RowOpError,
    TextRow,
    apply_row_op,
    blank_key,
    form_to_question,
    keep_as_written,
    new_question_data,
    prune_blank_rows,
    question_to_form_data,
)
from app.authoring.routes import SAVED_AS_DRAFT
from app.content.problems import ContentProblem
from app.content.quiz_files import parse_quiz_document
from app.content.rendering import render_inline, render_markdown
from app.extensions import db
from app.models import Quiz, User
from app.security import no_store
from app.services.authoring import (
    DraftInvalid,
    EditConflict,
    LessonOutline,
    lesson_outlines,
    save_draft,
    working_document,
)

# An engine problem starts with the key path at fault: "choices[1].weight: ...", "blanks.2.answers[0].text: ...".
ENGINE_PROBLEM = re.compile(r"^(?P<path>[A-Za-z_]\w*(?:\.[^.\[\]:]*|\[\d+\])*): ")
PATH_PART = re.compile(r"\[(\d+)\]|([^.\[\]]+)")
# The parser's own messages about the keys every question has, and the field each belongs to.
COMMON_PROBLEMS = (
    ("each question needs an `id`", "id"), ("question id ", "id"),
    ("the question needs `prompt:`", "prompt"), ("the question needs `source:`", "source"), ("`source`", "source"),
    ("`points`", "points"), ("`objective`", "objective"), ("`group`", "group"),
    ("`general_feedback`", "general_feedback"),
)
ROW_NOUNS = {"choices": "choice", "answers": "answer", "pairs": "pair", "distractors": "distractor",
             "items": "item", "blanks": "blank"}
ACTION_WORDS = {"up": "moved up", "down": "moved down", "delete": "deleted"}


@bp.route("/quizzes/<int:quiz_id>/questions/new", methods=["GET", "POST"])
@no_store
def question_new(quiz_id: int):
    """Add a question: without a type, choose one of the eight; with one, fill in its form."""
    quiz = db.get_or_404(Quiz, quiz_id)
    question_type = request.args.get("type")
    if not question_type and request.method == "GET":
        return render_template("authoring/questions/chooser.html", quiz=quiz, types=TYPES)
    if question_type not in FORMS:
        abort(404)
    return _editor(quiz, working_document(db.session, quiz), question_type, None)


@bp.route("/quizzes/<int:quiz_id>/questions/<qid>/edit", methods=["GET", "POST"])
@no_store
def question_edit(quiz_id: int, qid: str):
    """Edit one question of the quiz's working document."""
    quiz = db.get_or_404(Quiz, quiz_id)
    document = working_document(db.session, quiz)
    index = _index_of(document, qid)
    if index is not None:
        return _editor(quiz, document, document["questions"][index]["type"], index, qid=qid)
    # Renamed or deleted by someone else since this form was read: that is a conflict like any other, and the
    # text typed is kept; a question that was never there is simply not found.
    posted_type = request.form.get("question_type")
    if request.method == "POST" and posted_type in FORMS and _typed_count(request.form.get("edit_count")) \
            != quiz.edit_count:
        form = FORMS[posted_type]()
        return _render(quiz, form, document, qid=qid, conflict=str(_conflict(quiz)), status=409)
    abort(404)


@bp.route("/quizzes/<int:quiz_id>/questions/<qid>/<any(duplicate, up, down, delete):action>", methods=["POST"])
def question_action(quiz_id: int, qid: str, action: str):
    """Duplicate a question (the copy goes right after it), move it up or down, or delete it."""
    quiz = db.get_or_404(Quiz, quiz_id)
    form = QuestionActionForm()
    if not form.validate_on_submit():
        abort(400)
    count = _typed_count(form.edit_count.data)
    if count is None:
        abort(400)
    document = working_document(db.session, quiz)
    index = _index_of(document, qid)
    if index is None:
        if count != quiz.edit_count:
            return _refused(quiz, 409, conflict=str(_conflict(quiz)))
        abort(404)
    questions = list(document["questions"])
    overview = url_for("authoring.quiz", quiz_id=quiz.id)
    if action == "duplicate":
        duplicate = {**copy.deepcopy(questions[index]),
                     "id": _copy_id(qid, {question.get("id") for question in questions})}
        questions.insert(index + 1, duplicate)
        what, done = f"question {qid} duplicated as {duplicate['id']}", \
            f"Question “{qid}” duplicated as “{duplicate['id']}”, right after it."
    elif action == "delete":
        del questions[index]
        what, done = f"question {qid} deleted", f"Question “{qid}” deleted."
    else:
        other = index - 1 if action == "up" else index + 1
        if not 0 <= other < len(questions):
            flash(f"Question “{qid}” is already {'first' if action == 'up' else 'last'}.", "info")
            return redirect(overview)
        questions[index], questions[other] = questions[other], questions[index]
        what, done = f"question {qid} {ACTION_WORDS[action]}", f"Question “{qid}” {ACTION_WORDS[action]}."
    try:
        save_draft(db.session, quiz, {**document, "questions": questions}, actor_id=current_user.id,
                   read_at_count=count, what=what)
    except DraftInvalid as invalid:
        db.session.rollback()
        return _refused(quiz, 422, problems=[problem.message for problem in invalid.problems])
    except EditConflict as clash:
        db.session.rollback()
        return _refused(quiz, 409, conflict=str(clash))
    db.session.commit()
    flash(done, "info")
    flash(SAVED_AS_DRAFT, "success")
    return redirect(overview)


def _editor(quiz: Quiz, document: dict[str, Any], question_type: str, index: int | None, qid: str | None = None):
    """Show a question's form, apply a row button or preview, or save the question into the draft."""
    form_class = FORMS[question_type]
    original = document["questions"][index] if index is not None else None
    if request.method == "GET":
        data = question_to_form_data(original) if original else new_question_data(question_type, document)
        form = form_class(formdata=None, data={**data, "edit_count": str(quiz.edit_count)})
        return _render(quiz, form, document, qid=qid)
    form = form_class()
    op = request.form.get("op", "save")
    if op == "preview":
        form.validate()
        return _render(quiz, form, document, qid=qid, preview=_preview(form_to_question(form)))
    if op != "save":
        # A row button: change the rows, keep everything typed, save nothing.
        data = form.data
        try:
            focus = apply_row_op(form, data, op)
        except RowOpError:
            abort(400)
        form = form_class(formdata=None, data=data)
        form.validate()
        return _render(quiz, form, document, qid=qid, focus=_first_input(form, focus))
    if not form.validate():
        return _render(quiz, form, document, qid=qid, status=422)
    form = form_class(formdata=None, data=prune_blank_rows(form.data))
    question = form_to_question(form)
    if original is not None:
        question = keep_as_written(original, question)
        # Keys the form does not show (a file's `tags:`, say) stay as they were.
        question.update({key: value for key, value in original.items() if key not in form.keys})
    questions = list(document.get("questions") or [])
    if index is None:
        questions.append(question)
        what = f"question {question['id']} added"
    else:
        questions[index] = question
        what = f"question {qid} changed" + (f" (now {question['id']})" if question["id"] != qid else "")
    count = _typed_count(form.edit_count.data)
    if count is None:
        abort(400)
    try:
        save_draft(db.session, quiz, {**document, "questions": questions}, actor_id=current_user.id,
                   read_at_count=count, what=what)
    except DraftInvalid as invalid:
        db.session.rollback()
        summary = _place_problems(form, invalid.problems, document, question,
                                  lesson_outlines(db.session, quiz.course_id))
        return _render(quiz, form, document, qid=qid, summary=summary, status=422)
    except EditConflict as clash:
        db.session.rollback()
        return _render(quiz, form, document, qid=qid, conflict=str(clash), status=409)
    db.session.commit()
    flash(SAVED_AS_DRAFT, "success")
    return redirect(url_for("authoring.quiz", quiz_id=quiz.id))


def _render(quiz: Quiz, form: QuestionForm, document: dict[str, Any], *, qid: str | None, status: int = 200,
            summary: list[tuple[str, str | None]] | None = None, conflict: str | None = None,
            preview: list[tuple[str, str]] | None = None, focus: str | None = None):
    _offer_sources(form, lesson_outlines(db.session, quiz.course_id), document.get("lesson"))
    action = url_for("authoring.question_edit", quiz_id=quiz.id, qid=qid) if qid is not None \
        else url_for("authoring.question_new", quiz_id=quiz.id, type=form.type)
    return render_template(
        "authoring/questions/edit.html", quiz=quiz, form=form, qid=qid, action=action,
        type_label=TYPES[form.type][0], summary=summary if summary is not None else _form_errors(form),
        conflict=conflict, preview=preview, focus=focus, max_rows=MAX_ROWS,
    ), status


def _refused(quiz: Quiz, status: int, *, conflict: str | None = None, problems: list[str] | None = None):
    return render_template("authoring/questions/refused.html", quiz=quiz, conflict=conflict,
                           problems=problems or []), status


def _offer_sources(form: QuestionForm, outlines: dict[str, LessonOutline], quiz_lesson: str | None) -> None:
    """The source and objective selects: every heading and objective of every lesson, the quiz's own first."""
    options = [SelectChoice("", "Pick the lesson section this question tests")]
    for outline in sorted(outlines.values(), key=lambda outline: outline.key != quiz_lesson):
        for heading in outline.headings:
            indent = "\u00a0\u00a0" * max(heading.level - 2, 0)
            options.append(SelectChoice(f"{outline.key}#{heading.id}", indent + heading.text, optgroup=outline.title))
    current = form.source.data or ""
    if current and current not in {option.value for option in options}:
        # A source written in a file by heading text, or one whose heading has gone: offered as written rather
        # than silently replaced; the parser says whether it names a heading.
        options.insert(1, SelectChoice(current, f"{current} (as written)"))
    form.source.choices = options
    objectives = [SelectChoice("", "None named yet")]
    for outline in sorted(outlines.values(), key=lambda outline: outline.key != quiz_lesson):
        for number, text in enumerate(outline.objectives, start=1):
            objectives.append(SelectChoice(f"{outline.key}#{number}", f"{number}. {text}", optgroup=outline.title))
    current = form.objective.data or ""
    if current and current not in {option.value for option in objectives}:
        objectives.insert(1, SelectChoice(current, f"{current} (as written)"))
    form.objective.choices = objectives


def _place_problems(form: QuestionForm, problems: tuple[ContentProblem, ...], document: dict[str, Any],
                    question: dict[str, Any], outlines: dict[str, LessonOutline]) -> list[tuple[str, str | None]]:
    """Put each parser problem of this question on the field it names; all of them go in the summary, with links."""
    # The parser's problems do not say which question they are about. The question checked on its own shows
    # which are its own, so a problem elsewhere in the quiz (a `draw` larger than the pool, a stale heading in
    # another question) is never pinned on this form; a repeated id shows only in the whole quiz.
    alone = parse_quiz_document({**document, "settings": {}, "questions": [question]}, outlines, draft=True)
    own = {problem.message for problem in alone.problems}
    repeated = f"question id {question.get('id')!r} repeats"
    summary = []
    for problem in problems:
        mine = problem.message in own or problem.message.startswith(repeated)
        summary.append((problem.message, _attach(form, problem.message) if mine else None))
    return summary


def _attach(form: QuestionForm, message: str) -> str | None:
    """Show a message at the field, row or list it names; return that element's id (None: it names none)."""
    for prefix, name in COMMON_PROBLEMS:
        if message.startswith(prefix):
            return _show(form, form[name], message)
    match = ENGINE_PROBLEM.match(message)
    if match is None:
        return None
    node: Any = form
    for index, name in PATH_PART.findall(match["path"]):
        if isinstance(node, FieldList):
            if index:
                position = int(index)
            else:
                # `blanks` is a mapping: its rows are named by their number.
                position = next((i for i, entry in enumerate(node.entries)
                                 if "number" in entry.form and blank_key(entry.form.number.data) == name), None)
            if position is None or position >= len(node.entries):
                break
            node = node.entries[position]
        elif not index and (node is form or isinstance(node, FormField)):
            fields = node if node is form else node.form
            # A row's own `id` is its hidden author id: the message belongs to the row.
            if name not in fields or isinstance(fields[name], HiddenField):
                break
            node = fields[name]
        else:
            break
    return None if node is form else _show(form, node, message)


def _show(form: QuestionForm, node: Any, message: str) -> str:
    if isinstance(node, FormField) and isinstance(node.form, TextRow):
        node = node.form.text  # a distractor or an item: the row is its one input
    if isinstance(node, FieldList | FormField):
        form.row_errors.setdefault(node.id, []).append(message)
    else:
        node.errors = [*node.errors, message]
    return node.id


def _first_input(form: QuestionForm, element_id: str) -> str:
    """The first input of a row (to focus after adding or moving it), or the element itself (an Add button)."""
    for field in _leaves(form):
        if field.id.startswith(f"{element_id}-") and not isinstance(field, HiddenField):
            return field.id
    return element_id


def _leaves(form: QuestionForm):
    def visit(field):
        if isinstance(field, FieldList):
            for entry in field.entries:
                yield from visit(entry)
        elif isinstance(field, FormField):
            for child in field.form:
                yield from visit(child)
        else:
            yield field

    for field in form:
        yield from visit(field)


def _form_errors(form: QuestionForm) -> list[tuple[str, str | None]]:
    """The form's own refusals (lengths, a blank number used twice), named for the summary."""
    return [(f"{_describe(field)}: {message}", field.id) for field in _leaves(form) for message in field.errors]


def _describe(field) -> str:
    """A field's name for the summary: "Choice 2, text" rather than choices-1-text."""
    parts = field.id.split("-")
    if len(parts) == 1:
        return field.label.text
    words = []
    for position in range(0, len(parts) - 1, 2):
        noun = ROW_NOUNS.get(parts[position], parts[position])
        words.append(f"{noun} {int(parts[position + 1]) + 1}" if parts[position + 1].isdigit() else noun)
    text = ", ".join(words)
    return f"{text[:1].upper()}{text[1:]}, {field.label.text.lower()}"


def _preview(question: dict[str, Any]) -> list[tuple[str, str]]:
    """Every Markdown text of the question rendered as students see it, through the one sanitizing renderer."""
    shown: list[tuple[str, str]] = []

    def block(label: str, text: Any) -> None:
        if isinstance(text, str) and text.strip():
            shown.append((label, render_markdown(text).html))

    def inline(label: str, text: Any) -> None:
        if isinstance(text, str) and text.strip():
            shown.append((label, render_inline(text)))

    block("Prompt", question.get("prompt"))
    kind = question["type"]
    if kind in ("single", "multiple"):
        for number, choice in enumerate(question.get("choices", []), start=1):
            inline(f"Choice {number}", choice.get("text"))
            inline(f"Feedback for choice {number}", choice.get("feedback"))
    elif kind == "true_false":
        inline("Feedback for True", question.get("feedback_true"))
        inline("Feedback for False", question.get("feedback_false"))
    elif kind in ("short", "numerical"):
        for number, answer in enumerate(question.get("answers", []), start=1):
            if isinstance(answer, dict):
                inline(f"Feedback for answer {number}", answer.get("feedback"))
    elif kind == "matching":
        for number, pair in enumerate(question.get("pairs", []), start=1):
            inline(f"Pair {number}, left", pair.get("left"))
            inline(f"Pair {number}, right", pair.get("right"))
        for number, text in enumerate(question.get("distractors", []), start=1):
            inline(f"Distractor {number}", text)
    elif kind == "ordering":
        for number, text in enumerate(question.get("items", []), start=1):
            inline(f"Item {number}", text)
    elif kind == "cloze":
        block("Text with blanks", question.get("text"))
        for key, blank in question.get("blanks", {}).items():
            inline(f"Feedback for blank [[{key}]]", blank.get("feedback"))
            for number, answer in enumerate(blank.get("answers", []), start=1):
                if isinstance(answer, dict):
                    inline(f"Feedback for blank [[{key}]], answer {number}", answer.get("feedback"))
    block("General feedback", question.get("general_feedback"))
    return shown


def _index_of(document: dict[str, Any], qid: str) -> int | None:
    return next((index for index, question in enumerate(document.get("questions") or [])
                 if isinstance(question, dict) and question.get("id") == qid), None)


def _copy_id(qid: str, taken: set[Any]) -> str:
    """A fresh id for a duplicate: <id>-copy, then <id>-copy-2, ..., within the parser's 80 characters."""
    number = 1
    while True:
        suffix = "-copy" if number == 1 else f"-copy-{number}"
        candidate = qid[:ID_MAX - len(suffix)] + suffix
        if candidate not in taken:
            return candidate
        number += 1


def _typed_count(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _conflict(quiz: Quiz) -> EditConflict:
    """The conflict save_draft would report, for a page that names a question no longer there."""
    who = db.session.get(User, quiz.changed_by_id) if quiz.changed_by_id else None
    return EditConflict(who.name if who else "Someone", quiz.changed_at)

