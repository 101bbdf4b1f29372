"""Forms for quizzes. Answer fields vary by question, so they are read from the request directly;
these forms carry the CSRF token and the navigation choice."""

from collections import defaultdict

from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import HiddenField, IntegerField
from wtforms.validators import Optional


class StartAttemptForm(FlaskForm):
    """Start (or resume) an attempt; `confirm` is "1" once the student confirmed a limited or timed start."""

    confirm = HiddenField()


class AttemptPageForm(FlaskForm):
    """A page of an attempt: its answers, and where to go next."""

    page = IntegerField(validators=[Optional()])
    go = HiddenField()
    # The id of the text field where Enter was pressed (set by attempt.js), so the page can return to it.
    focus = HiddenField()


class SubmitAttemptForm(FlaskForm):
    """Submit the attempt for grading."""


def posted_answers(form: MultiDict[str, str]) -> dict[str, dict[str, list[str]]]:
    """Group posted fields named `<question id>:<field>` by question."""
    answers: dict[str, dict[str, list[str]]] = defaultdict(dict)
    for name in form:
        qid, sep, field = name.partition(":")
        if sep and field:
            answers[qid][field] = form.getlist(name)
    # A page lists its questions so that clearing every box of one still saves it as empty.
    for qid in form.getlist("questions"):
        answers.setdefault(qid, {})
    return dict(answers)
