"""Forms for authoring quizzes: creating one, its settings, and the buttons that publish, discard or retire."""

from __future__ import annotations

import yaml
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DecimalField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from app.engine import GRADING_METHODS
from app.engine.quiz_rules import FEEDBACK_MODES, REVIEW_ITEMS

QUIZ_ID_SHAPE = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
MARKDOWN_MAX = 5000
REVIEW_LABELS = {"score": "Score and grade", "correctness": "Right or wrong per question",
                 "feedback": "The author's feedback", "correct_answers": "The correct answers"}


class DrawField(StringField):
    """The `draw` setting as typed: a whole number, or a mapping by group in YAML's inline form.

    What is typed is read as YAML and handed to the quiz parser, which says what is wrong with it, so a mapping
    written in a file survives an edit in the browser.
    """

    def process_formdata(self, valuelist) -> None:
        """Read the typed text as YAML: blank is no draw, `20` a number, `{per_group: 2, any: 4}` a mapping."""
        text = (valuelist[0] if valuelist else "").strip()
        self.data = None
        if not text:
            return
        if len(text) > 2000:
            self.data = text
            raise ValueError("Too long: at most 2,000 characters.")
        try:
            self.data = yaml.safe_load(text)
        except yaml.YAMLError:
            self.data = text
            raise ValueError("Write a whole number, or a mapping such as {per_group: 2, any: 4}.") from None

    def _value(self) -> str:
        if isinstance(self.data, dict):
            return yaml.safe_dump(self.data, default_flow_style=True, sort_keys=False, allow_unicode=True,
                                  width=10_000).strip()
        return "" if self.data is None else str(self.data)


class CheckboxList(SelectMultipleField):
    """A multiple choice shown as a list of labelled checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class EditCountForm(FlaskForm):
    """A button on a quiz: carries the edit count the page was read at, so a stale page changes nothing."""

    edit_count = HiddenField()


class NewQuizForm(FlaskForm):
    """A new quiz: its id, title, kind and the lesson it checks."""

    id = StringField("Quiz id", validators=[DataRequired(), Length(max=80), Regexp(
        QUIZ_ID_SHAPE, message="Use lowercase letters, digits and single hyphens, e.g. `lesson-3-check`.")],
        description="Permanent: attempts and grades hang on it. Lowercase letters, digits and hyphens.")
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    kind = SelectField("Kind", choices=[SelectChoice("lesson", "Lesson check (mastery of one lesson)"),
                                        SelectChoice("final", "Final assessment (the whole course)")])
    lesson = SelectField("Lesson it checks", choices=[], validate_choice=False,
                         description="Only for a lesson check.")


class SettingsForm(EditCountForm):
    """A quiz's title, description and every setting the file format has; blank means the default."""

    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    description = TextAreaField("Description (Markdown)", validators=[Optional(), Length(max=MARKDOWN_MAX)],
                                description="Shown on the quiz page before a student starts.")
    pass_mark = DecimalField("Pass mark (%)", places=None, validators=[Optional(), NumberRange(0, 100)],
                             description="Percent needed to pass and master the lesson. Default 70.")
    attempts = IntegerField("Attempts allowed", validators=[Optional(), NumberRange(min=1)],
                            description="Blank for unlimited.")
    grading = SelectField("Grade from", choices=[SelectChoice(method, method.capitalize())
                                                 for method in GRADING_METHODS])
    time_limit_minutes = IntegerField("Time limit (minutes)", validators=[Optional(), NumberRange(min=1)],
                                      description="Blank for none. Enforced on the server.")
    grace_seconds = IntegerField("Grace after the deadline (seconds)", validators=[Optional(), NumberRange(min=0)],
                                 description="Default 30: allows for a slow network.")
    opens = StringField("Opens (UTC)", validators=[Optional(), Length(max=40)],
                        description="e.g. 2026-01-05T09:00:00Z; blank for always open.")
    closes = StringField("Closes (UTC)", validators=[Optional(), Length(max=40)],
                         description="e.g. 2026-06-30T23:59:00Z; blank for never.")
    draw = DrawField("Questions drawn per attempt", validators=[Optional()],
                     description="Blank: every question, every attempt. A number draws that many from all; "
                                 "{per_group: 2, any: 4} draws 2 from each question group, then 4 from any; "
                                 "{groups: {lesson-1: 2}, any: 4} names the groups.")
    shuffle_questions = BooleanField("Shuffle the questions in each attempt", default=True)
    questions_per_page = IntegerField("Questions per page", validators=[Optional(), NumberRange(min=1)],
                                      description="Default 10.")
    feedback = SelectField("Feedback", choices=[SelectChoice(mode, {"deferred": "After submitting",
                                                                    "immediate": "Check each question as you go"}[mode])
                                                for mode in FEEDBACK_MODES])
    penalty = DecimalField("Penalty per extra try (0 to 1)", places=None, validators=[Optional(), NumberRange(0, 1)],
                           description="Immediate feedback only; 0.1 takes 10% of the question per extra try.")
    review_after_submit = CheckboxList("After submitting, while the quiz is open, a student sees",
                                       choices=[SelectChoice(item, REVIEW_LABELS[item]) for item in REVIEW_ITEMS])
    review_after_close = CheckboxList("Once the quiz has closed, a student sees",
                                      choices=[SelectChoice(item, REVIEW_LABELS[item]) for item in REVIEW_ITEMS])
