"""Forms for the question editor: one per question type, built from and turned back into the file format.

The forms check only what a browser form adds to a file: how long a field may be, and that two cloze blanks do
not share a number (a mapping cannot even hold that). Every rule of the format itself is left to the quiz
parser, so a form and `flask content check` refuse the same things with the same words. To that end numbers
are typed as text: a number that does not parse goes into the question as the text it is, and the parser
names it ("choices[1].weight: expected a number, got 'abc'") while the form keeps what was typed.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length

from app.engine import QuestionError, build_question
from app.engine.types import parse_number

MARKDOWN_MAX = 5000
TEXT_MAX = 500
NUMBER_MAX = 40
ID_MAX = 80
# Rows per list (choices, pairs, blanks, a blank's answers): far beyond any real question, and it bounds the form.
MAX_ROWS = 50
ANY_TYPE_KEYS = ("id", "type", "points", "prompt", "source", "objective", "group", "general_feedback")
# A blank is written [[n]] in a cloze text (the engine's own marker syntax).
BLANK_MARKER = re.compile(r"\[\[\s*([0-9]+)\s*\]\]")

TYPES: dict[str, tuple[str, str]] = {
    "single": ("Single choice", "The student picks one answer. Other choices may earn partial credit."),
    "multiple": ("Multiple response", "The student ticks every right answer; the weights of the ticked ones add up."),
    "true_false": ("True or false", "The student judges one statement."),
    "short": ("Short answer", "The student types a word or phrase, matched leniently, with wildcards."),
    "numerical": ("Numerical", "The student types a number, accepted within a tolerance or a range."),
    "matching": ("Matching", "The student pairs each item on the left with one on the right."),
    "ordering": ("Ordering", "The student puts items into the right order."),
    "cloze": ("Fill in the blanks", "A text with numbered blanks, each answered like a short answer."),
}


class RowOpError(ValueError):
    """A row button's value that names no row of the form (a tampered or stale request)."""


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _unix_newlines(value: Any) -> Any:
    # Browsers send a textarea's line breaks as CRLF; files (and the parser's line-based Markdown) use LF.
    return value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else value


def _cap(limit: int) -> Length:
    return Length(max=limit, message=f"Too long: at most {limit:,} characters (this has %(length)d).")


def markdown_field(label: str, description: str | None = None, rows: int = 4) -> TextAreaField:
    """A Markdown text area, capped at MARKDOWN_MAX characters."""
    return TextAreaField(label, [_cap(MARKDOWN_MAX)], filters=[_unix_newlines], description=description,
                         render_kw={"rows": rows})


def text_field(label: str, description: str | None = None) -> StringField:
    """A one-line author text (a choice, a pair's side, an item), capped at TEXT_MAX characters."""
    return StringField(label, [_cap(TEXT_MAX)], filters=[_strip], description=description)


def number_field(label: str, description: str | None = None) -> StringField:
    """A number typed as text: the parser, not the form, says what is wrong with it."""
    return StringField(label, [_cap(NUMBER_MAX)], filters=[_strip], description=description,
                       render_kw={"inputmode": "decimal", "size": 8})


class ChoiceRow(Form):
    """One choice of a single-choice or multiple-response question."""

    text = text_field("Text")
    correct = BooleanField("Correct")
    weight = number_field("Weight")
    feedback = markdown_field("Feedback when picked", rows=2)
    # The author's own choice id, when the file gave one: kept as it is (responses and statistics use it).
    key = HiddenField()


class TextAnswerRow(Form):
    """An accepted text answer (short answer, cloze blank): a pattern, its weight and feedback."""

    text = text_field("Accepted answer")
    weight = number_field("Weight")
    feedback = markdown_field("Feedback when it matches", rows=2)


class NumericAnswerRow(Form):
    """An accepted number: a value with a tolerance, or a range from min to max."""

    value = number_field("Value")
    tolerance = number_field("Tolerance (±)")
    min = number_field("Or from")
    max = number_field("to")
    weight = number_field("Weight")
    feedback = markdown_field("Feedback when it matches", rows=2)


class UnitRow(Form):
    """A unit a student may type after the number, and how many of it make one of the answers' unit."""

    unit = text_field("Unit")
    multiplier = number_field("Multiplier")


class PairRow(Form):
    """A matching pair: a left-hand item and the right-hand text it goes with."""

    left = text_field("Left")
    right = text_field("Right")
    key = HiddenField()


class TextRow(Form):
    """One text in a list: a matching distractor, an ordering item."""

    text = text_field("Text")


class BlankRow(Form):
    """A cloze blank: the n of its [[n]] marker, its accepted answers, and feedback when it is not fully right."""

    number = number_field("Marker number")
    answers = FieldList(FormField(TextAnswerRow), max_entries=MAX_ROWS)
    feedback = markdown_field("Feedback when this blank is not fully right", rows=2)


def _rows(row_form: type[Form]) -> FieldList:
    return FieldList(FormField(row_form), max_entries=MAX_ROWS)


class QuestionForm(FlaskForm):
    """What every question has: id, prompt, points, the lesson section it tests, and general feedback."""

    class Meta:
        # CSRFProtect checks every POST before the view runs. The row buttons rebuild the form from its own data,
        # and a per-form token check would refuse that rebuilt copy; the template carries the session's token.
        csrf = False

    type: ClassVar[str] = ""
    template: ClassVar[str] = ""
    # The file-format keys this form writes; any other key of an edited question is kept as it was.
    keys: ClassVar[tuple[str, ...]] = ANY_TYPE_KEYS

    edit_count = HiddenField()
    id = StringField("Question id", [_cap(ID_MAX)], filters=[_strip],
                     description="Letters, digits, - or _, unique in this quiz. Keep it stable: statistics follow it.")
    prompt = markdown_field("Prompt (Markdown)", rows=5)
    points = number_field("Points", "Blank for the default, 1.")
    source = SelectField("Lesson section it tests", choices=[], validate_choice=False,
                         description="Feedback on a wrong answer links to this section.")
    objective = SelectField("Lesson objective it assesses", choices=[], validate_choice=False,
                            description="One of the objectives of the lesson its section belongs to. Every objective "
                                        "of a lesson should be assessed by a question of its check.")
    group = StringField("Draw group", [_cap(ID_MAX)], filters=[_strip],
                        description="Optional, e.g. lesson-1: a quiz's `draw` can take so many from each group.")
    general_feedback = markdown_field("General feedback (Markdown)",
                                      "Optional. Shown with the feedback, whatever the answer.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Parser problems that name a list or a row rather than one input ("choices: ...", "pairs[1]: ..."),
        # keyed by the list's or row's element id.
        self.row_errors: dict[str, list[str]] = {}

    @classmethod
    def blank_data(cls, document: dict[str, Any]) -> dict[str, Any]:
        """The type's fields for a new question."""
        return {}

    @classmethod
    def type_data(cls, question: dict[str, Any]) -> dict[str, Any]:
        """The type's fields, filled from a question in the file format."""
        return {}

    def type_keys(self) -> dict[str, Any]:
        """The type's keys in the file format, defaults left out."""
        return {}

    def new_row(self, list_name: str, data: dict[str, Any]) -> dict[str, Any]:
        """The data of a row added by an "Add ..." button."""
        return {}


class ChoiceForm(QuestionForm):
    """Single choice and multiple response: choice rows with correct, weight and feedback."""

    template = "authoring/questions/_choices.html"
    keys = (*ANY_TYPE_KEYS, "choices", "shuffle")

    choices = _rows(ChoiceRow)
    shuffle = BooleanField("Shuffle the choices in each attempt", default=True,
                           description="Untick to keep the order written here.")

    @classmethod
    def blank_data(cls, document: dict[str, Any]) -> dict[str, Any]:
        """Three empty choices."""
        return {"choices": [{}, {}, {}], "shuffle": True}

    @classmethod
    def type_data(cls, question: dict[str, Any]) -> dict[str, Any]:
        """Choice rows and the shuffle flag."""
        return {
            "shuffle": question.get("shuffle", True) is not False,
            "choices": [{"text": _text(choice.get("text")), "correct": choice.get("correct") is True,
                         "weight": shown_number(choice.get("weight")), "feedback": _text(choice.get("feedback")),
                         "key": _text(choice.get("id"))}
                        for choice in _mappings(question.get("choices"))],
        }

    def type_keys(self) -> dict[str, Any]:
        """`choices` (each {id?, text, correct?, weight?, feedback?}) and `shuffle: false` if unticked."""
        choices = []
        for row in self.choices.data:
            choice: dict[str, Any] = {}
            if row["key"]:
                choice["id"] = row["key"]
            choice["text"] = row["text"] or ""
            if row["correct"]:
                choice["correct"] = True
            _put_number(choice, "weight", row["weight"])
            _put_text(choice, "feedback", row["feedback"])
            choices.append(choice)
        keys: dict[str, Any] = {"choices": choices}
        if not self.shuffle.data:
            keys["shuffle"] = False
        return keys


class SingleChoiceForm(ChoiceForm):
    """Single choice: exactly one choice worth full marks; others may carry partial weights."""

    type = "single"


class MultipleResponseForm(ChoiceForm):
    """Multiple response: `correct` ticks (each worth 1/k) or weights whose positive ones add up to 1."""

    type = "multiple"


class TrueFalseForm(QuestionForm):
    """True or false: the right judgement and feedback for each."""

    type = "true_false"
    template = "authoring/questions/_true_false.html"
    keys = (*ANY_TYPE_KEYS, "answer", "feedback_true", "feedback_false")

    answer = RadioField("The statement is", choices=[SelectChoice("true", "True"), SelectChoice("false", "False")],
                        validate_choice=False)
    feedback_true = markdown_field("Feedback for a student who answers True (Markdown)", rows=2)
    feedback_false = markdown_field("Feedback for a student who answers False (Markdown)", rows=2)

    @classmethod
    def type_data(cls, question: dict[str, Any]) -> dict[str, Any]:
        """The answer and both feedbacks."""
        answer = question.get("answer")
        return {"answer": {True: "true", False: "false"}.get(answer) if isinstance(answer, bool) else None,
                "feedback_true": _text(question.get("feedback_true")),
                "feedback_false": _text(question.get("feedback_false"))}

    def type_keys(self) -> dict[str, Any]:
        """`answer: true|false`, and the feedbacks that were given."""
        keys: dict[str, Any] = {}
        if self.answer.data:
            # Anything but true/false goes in as typed, for the parser to name.
            keys["answer"] = {"true": True, "false": False}.get(self.answer.data, self.answer.data)
        _put_text(keys, "feedback_true", self.feedback_true.data)
        _put_text(keys, "feedback_false", self.feedback_false.data)
        return keys


class ShortAnswerForm(QuestionForm):
    """Short answer: accepted answers with wildcards, weights and feedback."""

    type = "short"
    template = "authoring/questions/_short.html"
    keys = (*ANY_TYPE_KEYS, "answers")

    answers = _rows(TextAnswerRow)

    @classmethod
    def blank_data(cls, document: dict[str, Any]) -> dict[str, Any]:
        """Two empty answer rows."""
        return {"answers": [{}, {}]}

    @classmethod
    def type_data(cls, question: dict[str, Any]) -> dict[str, Any]:
        """One row per accepted answer."""
        return {"answers": _text_answer_rows(question.get("answers"))}

    def type_keys(self) -> dict[str, Any]:
        """`answers`: plain strings where weight and feedback are left at their defaults."""
        return {"answers": _text_answers(self.answers.data)}


class NumericalForm(QuestionForm):
    """Numerical: accepted values with a tolerance, or ranges, each with a weight and feedback."""

    type = "numerical"
    template = "authoring/questions/_numerical.html"
    keys = (*ANY_TYPE_KEYS, "answers", "units")

    answers = _rows(NumericAnswerRow)
    units = _rows(UnitRow)

    @classmethod
    def blank_data(cls, document: dict[str, Any]) -> dict[str, Any]:
        """One empty answer row and one empty unit row."""
        return {"answers": [{}], "units": [{}]}

    @classmethod
    def type_data(cls, question: dict[str, Any]) -> dict[str, Any]:
        """One row per accepted value or range, and one per unit."""
        units = [unit if isinstance(unit, dict) else {"unit": unit} for unit in _list(question.get("units"))]
        return {"answers": [{key: shown_number(answer.get(key)) for key in ("value", "tolerance", "min", "max",
                                                                            "weight")}
                            | {"feedback": _text(answer.get("feedback"))}
                            for answer in _mappings(question.get("answers"))],
                "units": [{"unit": _text(unit.get("unit")), "multiplier": shown_number(unit.get("multiplier"))}
                          for unit in units]}

    def type_keys(self) -> dict[str, Any]:
        """`answers`: {value, tolerance?} or {min, max}, with weight and feedback when not the default."""
        answers = []
        for row in self.answers.data:
            answer: dict[str, Any] = {}
            for key in ("value", "tolerance", "min", "max"):
                _put_number(answer, key, row[key])
            if answer.get("tolerance") == 0:
                del answer["tolerance"]  # the default
            _put_number(answer, "weight", row["weight"], default=1)
            _put_text(answer, "feedback", row["feedback"])
            answers.append(answer)
        units = []
        for row in self.units.data:
            if not (row["unit"] or "").strip() and not (row["multiplier"] or "").strip():
                continue  # an unused row
            unit: dict[str, Any] = {"unit": row["unit"] or ""}
            _put_number(unit, "multiplier", row["multiplier"], default=1)
            # A plain name is a unit of multiplier 1: how files write most units.
            units.append(unit["unit"] if len(unit) == 1 else unit)
        return {"answers": answers, "units": units} if units else {"answers": answers}


class MatchingForm(QuestionForm):
    """Matching: pairs, extra right-hand distractors, and whether the left items are shuffled."""

    type = "matching"
    template = "authoring/questions/_matching.html"
    keys = (*ANY_TYPE_KEYS, "pairs", "distractors", "shuffle")

    pairs = _rows(PairRow)
    distractors = _rows(TextRow)
    shuffle = BooleanField("Shuffle the left-hand items in each attempt", default=True,
                           description="The right-hand options are always shuffled.")

    @classmethod
    def blank_data(cls, document: dict[str, Any]) -> dict[str, Any]:
        """Three empty pairs and one distractor row."""
        return {"pairs": [{}, {}, {}], "distractors": [{}], "shuffle": True}

    @classmethod
    def type_data(cls, question: dict[str, Any]) -> dict[str, Any]:
        """Pair rows, distractor rows and the shuffle flag."""
        return {
            "pairs": [{"left": _text(pair.get("left")), "right": _text(pair.get("right")), "key": _text(pair.get("id"))}
                      for pair in _mappings(question.get("pairs"))],
            "distractors": [{"text": _text(text)} for text in _list(question.get("distractors"))],
            "shuffle": question.get("shuffle", True) is not False,
        }

    def type_keys(self) -> dict[str, Any]:
        """`pairs` ({id?, left, right}), `distractors` if any, `shuffle: false` if unticked."""
        pairs = []
        for row in self.pairs.data:
            pair = {"id": row["key"]} if row["key"] else {}
            pairs.append(pair | {"left": row["left"] or "", "right": row["right"] or ""})
        keys: dict[str, Any] = {"pairs": pairs}
        distractors = [row["text"] or "" for row in self.distractors.data]
        if distractors:
            keys["distractors"] = distractors
        if not self.shuffle.data:
            keys["shuffle"] = False
        return keys


class OrderingForm(QuestionForm):
    """Ordering: the items, in the correct order."""

    type = "ordering"
    template = "authoring/questions/_ordering.html"
    keys = (*ANY_TYPE_KEYS, "items")

    items = _rows(TextRow)

    @classmethod
    def blank_data(cls, document: dict[str, Any]) -> dict[str, Any]:
        """Three empty items."""
        return {"items": [{}, {}, {}]}

    @classmethod
    def type_data(cls, question: dict[str, Any]) -> dict[str, Any]:
        """One row per item, in the correct order."""
        return {"items": [{"text": _text(text)} for text in _list(question.get("items"))]}

    def type_keys(self) -> dict[str, Any]:
        """`items`: the texts in the correct order."""
        return {"items": [row["text"] or "" for row in self.items.data]}


class ClozeForm(QuestionForm):
    """Fill in the blanks: a text with [[n]] markers, and each blank's accepted answers and feedback."""

    type = "cloze"
    template = "authoring/questions/_cloze.html"
    keys = (*ANY_TYPE_KEYS, "text", "blanks")

    text = markdown_field("Text with blanks (Markdown)", "Write each blank as [[1]], [[2]], ... and define it "
                                                         "below.", rows=5)
    blanks = _rows(BlankRow)

    @classmethod
    def blank_data(cls, document: dict[str, Any]) -> dict[str, Any]:
        """An empty text and blank [[1]] with one answer row."""
        return {"text": "", "blanks": [{"number": "1", "answers": [{}]}]}

    @classmethod
    def type_data(cls, question: dict[str, Any]) -> dict[str, Any]:
        """The text, and one row per blank with its answers."""
        raw = question.get("blanks")
        entries = list(raw.items()) if isinstance(raw, dict) else list(enumerate(_list(raw), start=1))
        blanks = []
        for number, spec in entries:
            spec = {"answers": spec} if isinstance(spec, list) else spec if isinstance(spec, dict) else {}
            blanks.append({"number": str(number), "answers": _text_answer_rows(spec.get("answers")),
                           "feedback": _text(spec.get("feedback"))})
        return {"text": _text(question.get("text")), "blanks": blanks}

    def type_keys(self) -> dict[str, Any]:
        """`text` and `blanks` as a mapping {n: {answers, feedback?}}, keyed as the parser reads a file."""
        blanks: dict[str, Any] = {}
        for row in self.blanks.data:
            blank: dict[str, Any] = {"answers": _text_answers(row["answers"])}
            _put_text(blank, "feedback", row["feedback"])
            blanks[blank_key(row["number"])] = blank
        return {"text": self.text.data or "", "blanks": blanks}

    def validate(self, extra_validators=None) -> bool:
        """Also refuse two blanks with one number: the blanks mapping could keep only one of them."""
        ok = super().validate(extra_validators)
        seen: set[str] = set()
        for row in self.blanks:
            key = blank_key(row.form.number.data)
            if key and key in seen:
                # The engine's own words for a blank defined twice.
                row.form.number.errors = [*row.form.number.errors, f"blank {key} is defined twice"]
                ok = False
            seen.add(key)
        return ok

    def new_row(self, list_name: str, data: dict[str, Any]) -> dict[str, Any]:
        """A new blank takes the first [[n]] of the text that has no row yet (else the next number)."""
        if list_name != "blanks":
            return {}
        taken = {blank_key(row.get("number")) for row in data.get("blanks", [])}
        wanted = [str(int(n)) for n in BLANK_MARKER.findall(data.get("text") or "")]
        free = next((n for n in wanted if n not in taken), None)
        if free is None:
            numbers = [int(key) for key in taken if key.isdigit()]
            free = str(max(numbers, default=0) + 1)
        return {"number": free, "answers": [{}]}


FORMS: dict[str, type[QuestionForm]] = {form.type: form for form in (
    SingleChoiceForm, MultipleResponseForm, TrueFalseForm, ShortAnswerForm, NumericalForm, MatchingForm,
    OrderingForm, ClozeForm)}


class QuestionActionForm(FlaskForm):
    """A duplicate, move or delete button: carries the edit count its page was read at."""

    edit_count = HiddenField()


def question_to_form_data(question: dict[str, Any]) -> dict[str, Any]:
    """The form data of a question in the file format (numbers as the text an author would type)."""
    form_class = FORMS[question["type"]]
    return {
        "id": _text(question.get("id")), "prompt": _text(question.get("prompt")),
        "points": shown_number(question.get("points")), "source": _text(question.get("source")),
        "objective": objective_choice(question), "group": _text(question.get("group")),
        "general_feedback": _text(question.get("general_feedback")),
        **form_class.type_data(question),
    }


def objective_choice(question: dict[str, Any]) -> str:
    """The objective select's value for a question: `lesson#N` (N, or N,M for several), "" for none."""
    value = question.get("objective")
    if value is None:
        return ""
    numbers = value if isinstance(value, list) else [value]
    lesson = _text(question.get("source")).partition("#")[0]
    return f"{lesson}#{','.join(str(number) for number in numbers)}"


def objective_value(choice: str, source: str) -> int | list[int] | str | None:
    """The `objective` key for a select value, None for none.

    An objective of another lesson than the source's is written as picked, so the parser refuses it by name
    rather than the number silently meaning another objective of the source's lesson.
    """
    if not choice:
        return None
    lesson, _, numbers = choice.partition("#")
    parts = numbers.split(",")
    if lesson != source.partition("#")[0] or not all(part.isdigit() for part in parts):
        return choice
    return int(parts[0]) if len(parts) == 1 else [int(part) for part in parts]


def new_question_data(question_type: str, document: dict[str, Any]) -> dict[str, Any]:
    """The form data of a new question of a type: a free id and the type's empty rows."""
    taken = {question.get("id") for question in _mappings(document.get("questions"))}
    number = len(taken) + 1
    while f"q{number}" in taken:
        number += 1
    return {"id": f"q{number}", "prompt": "", "points": "", "source": "", "objective": "", "group": "",
            "general_feedback": "",
            **FORMS[question_type].blank_data(document)}


def form_to_question(form: QuestionForm) -> dict[str, Any]:
    """The question in the file format, keys at their defaults left out so an exported file stays minimal."""
    question: dict[str, Any] = {"id": form.id.data or "", "type": form.type}
    _put_number(question, "points", form.points.data, default=1)
    question["prompt"] = form.prompt.data or ""
    question["source"] = form.source.data or ""
    objective = objective_value(form.objective.data or "", question["source"])
    if objective is not None:
        question["objective"] = objective
    _put_text(question, "group", form.group.data)
    _put_text(question, "general_feedback", form.general_feedback.data)
    question.update(form.type_keys())
    return question


def keep_as_written(original: dict[str, Any], question: dict[str, Any]) -> dict[str, Any]:
    """The edited question, with the original's own spelling of its type's keys where they grade the same.

    A file may write a default out (`tolerance: 0`, `weight: 1`, `correct: false`) or blanks as a list; the form
    writes neither. When the engine builds the same question from both, the original's keys stay, so saving an
    unchanged form changes nothing and a published version's history shows only real changes.
    """
    def graded(data: dict[str, Any]):
        return build_question({key: value for key, value in data.items() if key != "general_feedback"})

    if original.get("type") != question.get("type"):
        return question
    try:
        same = graded(original) == graded(question)
    except QuestionError:
        return question
    if not same:
        return question
    kept = {key: value for key, value in question.items() if key in ANY_TYPE_KEYS}
    if "points" in original and original["points"] == question.get("points", 1):
        kept["points"] = original["points"]  # a file's explicit `points: 1`
    return kept | {key: value for key, value in original.items() if key not in ANY_TYPE_KEYS}


def prune_blank_rows(data: dict[str, Any]) -> dict[str, Any]:
    """The data without rows nobody typed into (an unused "Add a choice" row is not a choice)."""
    out = {}
    for key, value in data.items():
        if isinstance(value, list):
            rows = [prune_blank_rows(row) if isinstance(row, dict) else row for row in value]
            value = [row for row in rows if not (isinstance(row, dict) and _blank_row(row))]
        out[key] = value
    return out


def apply_row_op(form: QuestionForm, data: dict[str, Any], op: str) -> str:
    """Add, remove or move up a row of `data` as a row button asks; return the element id to put the focus on.

    The button's value names the list or row: "add:choices", "remove:blanks-0-answers-1", "up:items-2". A value
    naming no row raises RowOpError.
    """
    kind, _, target = op.partition(":")
    parts = target.split("-")
    if kind == "add":
        list_path, index = parts, None
    elif kind in ("remove", "up") and len(parts) >= 2 and parts[-1].isdigit():
        list_path, index = parts[:-1], int(parts[-1])
    else:
        raise RowOpError(op)
    rows = _rows_at(data, list_path)
    list_id = "-".join(list_path)
    if index is None:
        if len(rows) < MAX_ROWS:
            rows.append(form.new_row(list_path[-1], data))
            return f"{list_id}-{len(rows) - 1}"
        return f"add-{list_id}"
    if index >= len(rows):
        raise RowOpError(op)
    if kind == "remove":
        del rows[index]
        return f"add-{list_id}"
    if index > 0:
        rows[index - 1], rows[index] = rows[index], rows[index - 1]
        index -= 1
    return f"{list_id}-{index}"


def blank_key(number: Any) -> str:
    """A blank row's number as the key of `blanks` ("01" and " 1" are blank 1; anything else as typed)."""
    text = str(number or "").strip()
    return str(int(text)) if text.isdigit() else text


def parse_typed_number(text: Any) -> int | float | str | None:
    """A typed number as a number (whole ones as int), None if blank, else the text itself for the parser to name."""
    if text is None or not str(text).strip():
        return None
    value = parse_number(str(text))
    if value is None:
        return str(text)
    return int(value) if value.is_integer() and abs(value) < 1e15 else value


def shown_number(value: Any) -> str:
    """A number from a file as an author would type it: 1 rather than 1.0, and blank for none."""
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return str(value)


def _rows_at(data: dict[str, Any], list_path: list[str]) -> list:
    """The list of rows a button names: names and indices alternate ("blanks", "0", "answers")."""
    node: Any = data
    for position, part in enumerate(list_path):
        if position % 2 == 0:
            if not isinstance(node, dict) or not isinstance(node.get(part), list):
                raise RowOpError(part)
            node = node[part]
        else:
            if not part.isdigit() or int(part) >= len(node):
                raise RowOpError(part)
            node = node[int(part)]
    if not isinstance(node, list) or len(list_path) % 2 == 0:
        raise RowOpError("-".join(list_path))
    return node


def _blank_row(row: dict[str, Any]) -> bool:
    # A blank's number and a hidden author id are filled in for the author, not typed: they do not count.
    return all(_blank_value(value) for key, value in row.items() if key not in ("number", "key"))


def _blank_value(value: Any) -> bool:
    if isinstance(value, list):
        return not value
    if isinstance(value, str):
        return not value.strip()
    return value is None or value is False


def _text_answer_rows(raw: Any) -> list[dict[str, Any]]:
    rows = []
    for answer in _list(raw):
        if isinstance(answer, dict):
            rows.append({"text": _text(answer.get("text")), "weight": shown_number(answer.get("weight")),
                         "feedback": _text(answer.get("feedback"))})
        else:
            rows.append({"text": _text(answer), "weight": "", "feedback": ""})
    return rows


def _text_answers(rows: list[dict[str, Any]]) -> list[Any]:
    answers: list[Any] = []
    for row in rows:
        answer: dict[str, Any] = {"text": row["text"] or ""}
        _put_number(answer, "weight", row["weight"], default=1)
        _put_text(answer, "feedback", row["feedback"])
        # A plain string is an answer of weight 1 without feedback: how files write most answers.
        answers.append(answer["text"] if len(answer) == 1 else answer)
    return answers


def _put_number(target: dict[str, Any], key: str, typed: Any, default: Any = None) -> None:
    value = parse_typed_number(typed)
    if value is not None and (default is None or value != default):
        target[key] = value


def _put_text(target: dict[str, Any], key: str, text: Any) -> None:
    if isinstance(text, str) and text.strip():
        target[key] = text


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def _mappings(value: Any) -> list[dict[str, Any]]:
    return [item for item in _list(value) if isinstance(item, dict)]
