"""The question editor: all eight types through their forms, the parser's words on the right field, row buttons,
preview, duplicate/move/delete, edit conflicts, and who may use it."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from app.content.quiz_files import normalize_document
from app.content.yaml_lines import load_with_lines
from app.extensions import db
from app.models import Quiz
from app.services.authoring import save_draft, working_document
from tests.conftest import csrf_token

SAVED = "Saved as a draft: students see it once you publish."


class EditorForm(HTMLParser):
    """What a browser would submit from the page's question form (not the sign-out form), buttons aside."""

    def __init__(self):
        super().__init__()
        self.fields: dict[str, str] = {}
        self.buttons: list[str] = []
        self._inside = False
        self._textarea: str | None = None
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []

    def handle_starttag(self, tag, attrs):
        """Collect inputs, text areas, selects and buttons inside the editor form."""
        attrs = dict(attrs)
        if tag == "form":
            self._inside = "/questions/" in (attrs.get("action") or "")
        if not self._inside:
            return
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.fields[attrs["name"]] = attrs.get("value", "on")
            elif attrs.get("name"):
                self.fields[attrs["name"]] = attrs.get("value", "")
        elif tag == "textarea":
            self._textarea = attrs["name"]
            self.fields[self._textarea] = ""
        elif tag == "select":
            self._select, self._options = attrs["name"], []
        elif tag == "option" and self._select:
            self._options.append((attrs.get("value", ""), "selected" in attrs))
        elif tag == "button" and attrs.get("name") == "op":
            self.buttons.append(attrs["value"])

    def handle_endtag(self, tag):
        """Close a text area, a select (its selected option, else its first) or the form."""
        if tag == "textarea" and self._textarea:
            # Browsers drop the one line break that follows <textarea>.
            value = self.fields[self._textarea]
            self.fields[self._textarea] = value[2:] if value.startswith("\r\n") else value.removeprefix("\n")
            self._textarea = None
        elif tag == "select" and self._select:
            chosen = [value for value, selected in self._options if selected] or [self._options[0][0]]
            self.fields[self._select] = chosen[0]
            self._select = None
        elif tag == "form":
            self._inside = False

    def handle_data(self, data):
        """Text inside a text area is its value."""
        if self._textarea:
            self.fields[self._textarea] += data


def parse_form(page: str) -> EditorForm:
    parser = EditorForm()
    parser.feed(page)
    return parser


def quiz_of(key: str) -> Quiz:
    return db.session.scalars(select(Quiz).where(Quiz.key == key)).one()


def new_url(quiz: Quiz, kind: str) -> str:
    return f"/author/quizzes/{quiz.id}/questions/new?type={kind}"


def edit_url(quiz: Quiz, qid: str) -> str:
    return f"/author/quizzes/{quiz.id}/questions/{qid}/edit"


def overview(quiz: Quiz) -> str:
    return f"/author/quizzes/{quiz.id}"


def open_form(client, url: str) -> dict[str, str]:
    """GET an editor page and return its fields as a browser would send them."""
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)
    return parse_form(response.get_data(as_text=True)).fields


def send(client, url: str, fields: dict[str, str], op: str = "save"):
    return client.post(url, data={**fields, "op": op})


def as_file(text: str) -> dict:
    """A question as `flask content sync` reads it from a quiz file."""
    data, _ = load_with_lines(text)
    return normalize_document(data)


def error_at(page: str, element_id: str) -> str:
    """The error shown at one field, row or list of the page."""
    match = re.search(rf'id="{re.escape(element_id)}-error">(.*?)</p>', page, re.DOTALL)
    assert match, f"no error shown at {element_id}"
    return unescape(match.group(1))


@pytest.fixture()
def instructor(make_user, auth, course):
    """A signed-in instructor, with the fixture course loaded."""
    user = make_user("instructor", email="teacher@example.org", name="Tess Teacher")
    assert auth.login("teacher@example.org").status_code == 302
    return user


# --------------------------------------------------------------------------- creating each type

NEW_QUESTIONS = {
    "single": ({
        "id": "capital", "prompt": "Which is the *capital*?", "source": "alpha#the-alpha-idea",
        "choices-0-text": "Paris", "choices-0-correct": "y", "choices-0-feedback": "Yes.",
        "choices-1-text": "Lyon", "choices-1-weight": "0.5", "choices-2-text": "Rome", "choices-2-weight": "-0.25",
    }, """
id: capital
type: single
prompt: Which is the *capital*?
source: alpha#the-alpha-idea
choices:
  - {text: Paris, correct: true, feedback: "Yes."}
  - {text: Lyon, weight: 0.5}
  - {text: Rome, weight: -0.25}
"""),
    "multiple": ({
        "id": "greek", "points": "2", "prompt": "Which are Greek letters?", "source": "alpha#a-detail-of-alpha",
        "general_feedback": "Both are.\r\nSee the lesson.", "shuffle": None,
        "choices-0-text": "Omega", "choices-0-correct": "y", "choices-1-text": "Delta", "choices-1-correct": "y",
        "choices-2-text": "Aleph",
    }, """
id: greek
type: multiple
points: 2
prompt: Which are Greek letters?
source: alpha#a-detail-of-alpha
general_feedback: |-
  Both are.
  See the lesson.
choices:
  - {text: Omega, correct: true}
  - {text: Delta, correct: true}
  - {text: Aleph}
shuffle: false
"""),
    "true_false": ({
        "id": "gamma-first", "prompt": "Gamma comes first.", "source": "gamma#the-gamma-idea", "answer": "false",
        "feedback_true": "No: gamma is third.",
    }, """
id: gamma-first
type: true_false
prompt: Gamma comes first.
source: gamma#the-gamma-idea
answer: false
feedback_true: "No: gamma is third."
"""),
    "short": ({
        "id": "city", "prompt": "Name the city.", "source": "alpha#the-alpha-idea", "points": "1",
        "answers-0-text": "Paris", "answers-1-text": "Par*", "answers-1-weight": "0.5",
        "answers-1-feedback": "Nearly.",
    }, """
id: city
type: short
prompt: Name the city.
source: alpha#the-alpha-idea
answers:
  - Paris
  - {text: "Par*", weight: 0.5, feedback: Nearly.}
"""),
    "numerical": ({
        "id": "gravity", "prompt": "g in m/s²?", "source": "beta#the-beta-idea",
        "answers-0-value": "9.81", "answers-0-tolerance": "0.01",
        "answers-1-min": "9", "answers-1-max": "11", "answers-1-weight": "0,5", "answers-1-feedback": "Roughly.",
        "units-0-unit": "m/s²", "units-1-unit": "cm/s²", "units-1-multiplier": "100",
    }, """
id: gravity
type: numerical
prompt: g in m/s²?
source: beta#the-beta-idea
answers:
  - {value: 9.81, tolerance: 0.01}
  - {min: 9, max: 11, weight: 0.5, feedback: Roughly.}
units:
  - m/s²
  - {unit: cm/s², multiplier: 100}
"""),
    "matching": ({
        "id": "letters", "prompt": "Match the letters.", "source": "beta#the-beta-idea", "shuffle": None,
        "pairs-0-left": "A", "pairs-0-right": "alpha-word", "pairs-1-left": "B", "pairs-1-right": "beta-word",
        "distractors-0-text": "omega-word",
    }, """
id: letters
type: matching
prompt: Match the letters.
source: beta#the-beta-idea
pairs:
  - {left: A, right: alpha-word}
  - {left: B, right: beta-word}
distractors: [omega-word]
shuffle: false
"""),
    "ordering": ({
        "id": "sequence", "prompt": "Put them in order.", "source": "beta#a-detail-of-beta",
        "items-0-text": "first", "items-1-text": "second", "items-2-text": "third",
    }, """
id: sequence
type: ordering
prompt: Put them in order.
source: beta#a-detail-of-beta
items: [first, second, third]
"""),
    "cloze": ({
        "id": "gaps", "prompt": "Fill in the blanks.", "source": "beta#the-beta-idea",
        "text": "After alpha comes [[1]], then [[2]].",
        "blanks-0-number": "1", "blanks-0-answers-0-text": "beta",
        "blanks-1-number": "2", "blanks-1-answers-0-text": "gamma", "blanks-1-answers-1-text": "Gama",
        "blanks-1-answers-1-weight": "0.5", "blanks-1-feedback": "It is gamma.",
    }, """
id: gaps
type: cloze
prompt: Fill in the blanks.
source: beta#the-beta-idea
text: "After alpha comes [[1]], then [[2]]."
blanks:
  1: {answers: [beta]}
  2: {answers: [gamma, {text: Gama, weight: 0.5}], feedback: It is gamma.}
"""),
}


def typed(fields: dict[str, str], changes: dict[str, str | None]) -> dict[str, str]:
    """The page's fields with what the instructor typed; None unticks a box."""
    out = {**fields, **{key: value for key, value in changes.items() if value is not None}}
    for key, value in changes.items():
        if value is None:
            out.pop(key, None)
    return out


@pytest.mark.parametrize("kind", sorted(NEW_QUESTIONS))
def test_each_type_is_created_as_a_file_would_write_it(client, instructor, kind):
    quiz = quiz_of("alpha-check")
    before = working_document(db.session, quiz)
    changes, expected = NEW_QUESTIONS[kind]
    fields = typed(open_form(client, new_url(quiz, kind)), changes)
    response = send(client, new_url(quiz, kind), fields)
    assert response.status_code == 302, unescape(response.get_data(as_text=True))
    assert response.headers["Location"].endswith(overview(quiz))
    quiz = quiz_of("alpha-check")
    assert quiz.edit_count == 1
    assert quiz.draft["questions"][:-1] == before["questions"]
    assert quiz.draft["questions"][-1] == as_file(expected)
    # Key for key, in a file's order, and nothing left at its default.
    assert list(quiz.draft["questions"][-1]) == list(as_file(expected))
    assert SAVED in client.get(overview(quiz)).get_data(as_text=True)


def test_a_new_question_gets_a_free_id_and_the_type_chooser_lists_eight_types(client, instructor):
    quiz = quiz_of("alpha-check")
    page = client.get(f"/author/quizzes/{quiz.id}/questions/new").get_data(as_text=True)
    kinds = re.findall(r"questions/new\?type=(\w+)", page)
    assert sorted(kinds) == sorted(NEW_QUESTIONS)
    assert open_form(client, new_url(quiz, "short"))["id"] == "q5"
    assert client.get(new_url(quiz, "essay")).status_code == 404


def test_the_source_is_picked_from_the_lessons_headings(client, instructor):
    quiz = quiz_of("beta-check")
    page = client.get(new_url(quiz, "single")).get_data(as_text=True)
    assert re.search(r'<select[^>]*name="source"', page)
    assert not re.search(r'<input[^>]*name="source"', page)
    for name in ("source", "objective"):  # headings and objectives alike
        select = re.search(rf'<select[^>]*name="{name}".*?</select>', page, re.DOTALL).group(0)
        groups = re.findall(r'<optgroup label="([^"]+)"', select)
        assert groups == ["Beta lesson", "Alpha lesson", "Gamma lesson"]  # the quiz's own lesson first
    for value in ("beta#the-beta-idea", "alpha#a-detail-of-alpha", "gamma#discussion-questions"):
        assert f'value="{value}"' in page


# --------------------------------------------------------------------------- editing keeps values


@pytest.mark.parametrize("key", ["alpha-check", "beta-check", "final"])
def test_saving_every_question_unchanged_keeps_the_quiz(client, instructor, key):
    quiz = quiz_of(key)
    original = working_document(db.session, quiz)
    for question in original["questions"]:
        fields = open_form(client, edit_url(quiz, question["id"]))
        response = send(client, edit_url(quiz, question["id"]), fields)
        assert response.status_code == 302, unescape(response.get_data(as_text=True))
    quiz = quiz_of(key)
    assert quiz.edit_count == len(original["questions"])
    saved = quiz.draft
    assert {k: v for k, v in saved.items() if k != "questions"} == \
        {k: v for k, v in original.items() if k != "questions"}
    # Even a default the file wrote out (`weight: 1`, `tolerance: 0`) stays as written.
    assert saved["questions"] == original["questions"]


def test_an_edited_question_is_written_minimal(client, instructor):
    quiz = quiz_of("alpha-check")
    fields = open_form(client, edit_url(quiz, "count-it"))
    assert (fields["answers-0-value"], fields["answers-0-tolerance"]) == ("4242", "0")
    fields.update({"answers-0-tolerance": "2", "answers-1-min": "1", "answers-1-max": "2", "answers-1-weight": "0"})
    assert send(client, edit_url(quiz, "count-it"), fields).status_code == 302
    assert quiz_of("alpha-check").draft["questions"][3]["answers"] == \
        [{"value": 4242, "tolerance": 2}, {"min": 1, "max": 2, "weight": 0}]


def test_an_edit_changes_only_what_was_typed(client, instructor):
    quiz = quiz_of("beta-check")
    fields = open_form(client, edit_url(quiz, "blanks"))
    assert fields["blanks-1-answers-0-text"] == "blankanswertwo"
    fields["blanks-1-answers-0-text"] = "zeta"
    assert send(client, edit_url(quiz, "blanks"), fields).status_code == 302
    questions = quiz_of("beta-check").draft["questions"]
    assert [q["id"] for q in questions] == ["tf", "match", "order", "blanks"]
    assert questions[3]["blanks"] == {"1": {"answers": ["blankanswerone"]}, "2": {"answers": ["zeta"]}}


def test_an_id_may_change_but_must_stay_unique(client, instructor):
    quiz = quiz_of("alpha-check")
    fields = open_form(client, edit_url(quiz, "pick-one"))
    response = send(client, edit_url(quiz, "pick-one"), {**fields, "id": "pick-many"})
    assert response.status_code == 422
    assert "question id 'pick-many' repeats" in error_at(response.get_data(as_text=True), "id")
    response = send(client, edit_url(quiz, "pick-one"), {**fields, "id": "pick-first"})
    assert response.status_code == 302
    assert [q["id"] for q in quiz_of("alpha-check").draft["questions"]] == \
        ["pick-first", "pick-many", "type-it", "count-it"]


def test_a_source_written_as_heading_text_is_kept(client, instructor):
    quiz = quiz_of("alpha-check")
    document = working_document(db.session, quiz)
    document["questions"][0].update({"source": "alpha#The alpha idea"})
    save_draft(db.session, quiz, document, actor_id=instructor.id, read_at_count=quiz.edit_count)
    db.session.commit()
    page = client.get(edit_url(quiz, "pick-one")).get_data(as_text=True)
    assert re.search(r'<option selected value="alpha#The alpha idea">', page)
    fields = {**parse_form(page).fields, "prompt": "Which letter is alpha, again?"}
    assert send(client, edit_url(quiz, "pick-one"), fields).status_code == 302
    question = quiz_of("alpha-check").draft["questions"][0]
    assert (question["source"], question["prompt"]) == ("alpha#The alpha idea", "Which letter is alpha, again?")


# --------------------------------------------------------------------------- bad input


BAD_INPUT = {
    "weights-never-full": ("multiple", {
        "choices-0-text": "A", "choices-0-weight": "0.5", "choices-1-text": "B", "choices-1-weight": "0.25",
        "choices-2-text": "C", "choices-2-weight": "-1"},
        "choices", "choices: positive weights add up to 0.75 and can never reach 100%"),
    "two-fully-correct": ("single", {
        "choices-0-text": "A", "choices-0-correct": "y", "choices-1-text": "B", "choices-1-weight": "1"},
        "choices-1", "choices[1]: a second fully correct choice; single choice needs exactly one"),
    "weight-above-one": ("single", {
        "choices-0-text": "A", "choices-0-correct": "y", "choices-1-text": "B", "choices-1-weight": "2"},
        "choices-1-weight", "choices[1].weight: must be at most 1, got 2"),
    "weight-not-a-number": ("single", {
        "choices-0-text": "A", "choices-0-correct": "y", "choices-1-text": "B", "choices-1-weight": "lots"},
        "choices-1-weight", "choices[1].weight: expected a number, got 'lots'"),
    "one-pair": ("matching", {"pairs-0-left": "A", "pairs-0-right": "a"},
                 "pairs", "pairs: needs at least 2 entries"),
    "cloze-without-blanks": ("cloze", {"text": "No blanks here.", "blanks-0-answers-0-text": "x"},
                             "text", "text: has no blanks; write them as [[1]], [[2]], ..."),
    "cloze-blank-undefined": ("cloze", {"text": "[[1]] and [[2]]", "blanks-0-answers-0-text": "x"},
                              "text", "text: [[2]] has no definition under blanks"),
    "cloze-answer-weight": ("cloze", {"text": "[[1]]", "blanks-0-answers-0-text": "x",
                                      "blanks-0-answers-0-weight": "0.5"},
                            "blanks-0-answers", "blanks.1.answers: no answer has weight 1"),
    "negative-tolerance": ("numerical", {"answers-0-value": "5", "answers-0-tolerance": "-1"},
                           "answers-0-tolerance", "answers[0].tolerance: must not be negative"),
    "unit-without-multiplier": ("numerical", {"answers-0-value": "5", "units-0-unit": "cm", "units-0-multiplier": "0"},
                                "units-0-multiplier", "units[0].multiplier: must be a positive number"),
    "duplicate-item": ("ordering", {"items-0-text": "one", "items-1-text": "two", "items-2-text": "one"},
                       "items-2-text", "items[2]: duplicate item 'one'"),
    "no-answer-picked": ("true_false", {}, "answer", "answer: missing key"),
    "source-names-no-heading": ("short", {"answers-0-text": "x", "source": "alpha#no-such-heading"},
                                "source", "`source` names heading 'no-such-heading', which lesson 'alpha' does not "
                                          "have: use one of #key-terms, #the-alpha-idea"),
    "no-source": ("short", {"answers-0-text": "x", "source": ""},
                  "source", "the question needs `source:` (lesson-id#heading)"),
    "points-zero": ("short", {"answers-0-text": "x", "points": "0"}, "points", "`points` must be a positive number"),
    "bad-id": ("short", {"answers-0-text": "x", "id": "no spaces"},
               "id", "each question needs an `id`: letters, digits, - or _"),
    "oversize-prompt": ("short", {"answers-0-text": "x", "prompt": "p" * 5001},
                        "prompt", "Too long: at most 5,000 characters (this has 5001)."),
    "oversize-choice": ("single", {"choices-0-text": "c" * 501, "choices-0-correct": "y", "choices-1-text": "B"},
                        "choices-0-text", "Too long: at most 500 characters (this has 501)."),
    "blank-number-twice": ("cloze", {"text": "[[1]]", "blanks-0-answers-0-text": "x", "blanks-1-number": "1",
                                     "blanks-1-answers-0-text": "y"},
                           "blanks-1-number", "blank 1 is defined twice"),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUT))
def test_bad_input_is_refused_on_its_field_and_keeps_what_was_typed(client, instructor, case):
    kind, changes, element, message = BAD_INPUT[case]
    quiz = quiz_of("alpha-check")
    base = {"id": "new-one", "prompt": "A prompt.", "source": "alpha#the-alpha-idea", **changes}
    fields = typed(open_form(client, new_url(quiz, kind)), base)
    response = send(client, new_url(quiz, kind), fields)
    page = response.get_data(as_text=True)
    assert response.status_code == 422, unescape(page)
    assert message in error_at(page, element)
    assert f'href="#{element}"' in page and 'role="alert"' in page  # and in the summary, linked
    kept = parse_form(page).fields
    for name, value in base.items():
        if value:
            assert kept.get(name) == value.replace("\r\n", "\n"), name
    quiz = quiz_of("alpha-check")
    assert quiz.draft is None and quiz.edit_count == 0


def test_a_rule_of_the_whole_quiz_is_reported_not_pinned_on_a_field(client, instructor):
    quiz = quiz_of("final")  # draw: 3 of 5 questions
    token = csrf_token(client, overview(quiz))
    for qid in ("f1", "f2"):
        response = client.post(f"/author/quizzes/{quiz.id}/questions/{qid}/delete",
                                data={"csrf_token": token, "edit_count": quiz_of("final").edit_count})
        assert response.status_code == 302
    response = client.post(f"/author/quizzes/{quiz.id}/questions/f3/delete",
                           data={"csrf_token": token, "edit_count": quiz_of("final").edit_count})
    assert response.status_code == 422
    assert "`draw: 3` is more than the 2 questions in the pool" in unescape(response.get_data(as_text=True))
    assert [q["id"] for q in quiz_of("final").draft["questions"]] == ["f3", "f4", "f5"]


# --------------------------------------------------------------------------- row buttons and preview


def test_add_a_choice_keeps_everything_typed_and_saves_nothing(client, instructor):
    quiz = quiz_of("alpha-check")
    fields = typed(open_form(client, new_url(quiz, "single")),
                   {"prompt": "Kept prompt", "choices-0-text": "Kept choice", "choices-1-weight": "oops"})
    response = send(client, new_url(quiz, "single"), fields, op="add:choices")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    form = parse_form(page)
    assert form.fields["prompt"] == "Kept prompt" and form.fields["choices-0-text"] == "Kept choice"
    assert form.fields["choices-1-weight"] == "oops"
    assert form.fields["choices-3-text"] == ""
    assert re.search(r'<input autofocus id="choices-3-text"', page)
    assert "remove:choices-3" in form.buttons
    assert ">Remove choice 4</button>" in page
    quiz = quiz_of("alpha-check")
    assert quiz.draft is None and quiz.edit_count == 0


def test_remove_a_choice_closes_the_gap(client, instructor):
    quiz = quiz_of("alpha-check")
    fields = open_form(client, edit_url(quiz, "pick-one"))
    response = send(client, edit_url(quiz, "pick-one"), fields, op="remove:choices-1")
    assert response.status_code == 200
    kept = parse_form(response.get_data(as_text=True)).fields
    assert [kept.get(f"choices-{n}-text") for n in range(3)] == ["Alpha letter", "Gamma letter", None]
    assert kept["choices-0-feedback"] == "FEEDBACK-RIGHT-PICK" and kept["choices-0-correct"] == "y"
    assert send(client, edit_url(quiz, "pick-one"), kept).status_code == 302
    assert [c["text"] for c in quiz_of("alpha-check").draft["questions"][0]["choices"]] == \
        ["Alpha letter", "Gamma letter"]


def test_ordering_items_move_up(client, instructor):
    quiz = quiz_of("beta-check")
    fields = open_form(client, edit_url(quiz, "order"))
    response = send(client, edit_url(quiz, "order"), fields, op="up:items-2")
    kept = parse_form(response.get_data(as_text=True)).fields
    assert [kept[f"items-{n}-text"] for n in range(3)] == ["first-item", "third-item", "second-item"]


def test_matching_pairs_and_distractors_are_added_and_removed(client, instructor):
    quiz = quiz_of("beta-check")
    url = edit_url(quiz, "match")
    fields = open_form(client, url)
    fields = parse_form(send(client, url, fields, op="add:pairs").get_data(as_text=True)).fields
    fields.update({"pairs-2-left": "C", "pairs-2-right": "gamma-word"})
    fields = parse_form(send(client, url, fields, op="remove:distractors-0").get_data(as_text=True)).fields
    assert "distractors-0-text" not in fields and fields["pairs-2-left"] == "C"
    assert send(client, url, fields).status_code == 302
    question = quiz_of("beta-check").draft["questions"][1]
    assert question["pairs"][2] == {"left": "C", "right": "gamma-word"} and "distractors" not in question


def test_cloze_blanks_and_their_answers_are_added_and_removed(client, instructor):
    quiz = quiz_of("alpha-check")
    url = new_url(quiz, "cloze")
    fields = typed(open_form(client, url), {"text": "[[1]] then [[2]]", "blanks-0-answers-0-text": "one"})
    page = send(client, url, fields, op="add:blanks").get_data(as_text=True)
    fields = parse_form(page).fields
    assert fields["blanks-1-number"] == "2"  # the first marker of the text that has no blank yet
    assert re.search(r'<input autofocus id="blanks-1-number"', page)
    fields = parse_form(send(client, url, fields, op="add:blanks-0-answers").get_data(as_text=True)).fields
    fields.update({"blanks-0-answers-1-text": "uno", "blanks-0-answers-1-weight": "0.5",
                   "blanks-1-answers-0-text": "two"})
    fields = parse_form(send(client, url, fields, op="remove:blanks-0-answers-0").get_data(as_text=True)).fields
    assert fields["blanks-0-answers-0-text"] == "uno" and "blanks-0-answers-1-text" not in fields
    fields["blanks-0-answers-0-weight"] = ""
    fields.update({"id": "gaps", "prompt": "Fill them in.", "source": "alpha#the-alpha-idea"})
    assert send(client, url, fields).status_code == 302
    assert quiz_of("alpha-check").draft["questions"][-1]["blanks"] == \
        {"1": {"answers": ["uno"]}, "2": {"answers": ["two"]}}


@pytest.mark.parametrize("op", ["remove:choices-9", "add:nothing", "up:choices", "explode:choices-0",
                                "remove:choices-0-text-0"])
def test_a_row_button_naming_no_row_is_a_bad_request(client, instructor, op):
    quiz = quiz_of("alpha-check")
    fields = open_form(client, edit_url(quiz, "pick-one"))
    assert send(client, edit_url(quiz, "pick-one"), fields, op=op).status_code == 400


def test_preview_renders_markdown_sanitized_and_saves_nothing(client, instructor):
    quiz = quiz_of("alpha-check")
    fields = typed(open_form(client, edit_url(quiz, "pick-one")), {
        "prompt": "Some *emphasis* <script>alert('x')</script>", "choices-1-feedback": "**bold** [x](javascript:y)",
        "general_feedback": "See [the lesson](https://example.org/)."})
    response = send(client, edit_url(quiz, "pick-one"), fields, op="preview")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    preview = page[page.index('id="preview"'):]
    assert "<em>emphasis</em>" in preview and "<strong>bold</strong>" in preview
    assert 'href="https://example.org/"' in preview
    assert "<script>" not in page and "javascript:" not in preview
    assert parse_form(page).fields["prompt"] == fields["prompt"]
    quiz = quiz_of("alpha-check")
    assert quiz.draft is None and quiz.edit_count == 0


# --------------------------------------------------------------------------- duplicate, move, delete


def act(client, quiz: Quiz, qid: str, action: str, count: int | None = None):
    token = csrf_token(client, overview(quiz))
    count = quiz_of(quiz.key).edit_count if count is None else count
    return client.post(f"/author/quizzes/{quiz.id}/questions/{qid}/{action}",
                       data={"csrf_token": token, "edit_count": count})


def ids(key: str) -> list[str]:
    return [question["id"] for question in working_document(db.session, quiz_of(key))["questions"]]


def test_duplicate_places_a_fresh_copy_right_after_the_original(client, instructor):
    quiz = quiz_of("alpha-check")
    for _ in range(2):
        response = act(client, quiz, "pick-one", "duplicate")
        assert response.status_code == 302 and response.headers["Location"].endswith(overview(quiz))
    assert ids("alpha-check") == ["pick-one", "pick-one-copy-2", "pick-one-copy", "pick-many", "type-it", "count-it"]
    questions = quiz_of("alpha-check").draft["questions"]
    assert {**questions[2], "id": "pick-one"} == questions[0]
    assert quiz_of("alpha-check").edit_count == 2
    page = client.get(overview(quiz)).get_data(as_text=True)
    assert SAVED in page and "duplicated as “pick-one-copy-2”" in page


def test_a_copy_of_a_long_id_stays_within_80_characters(client, instructor):
    quiz = quiz_of("alpha-check")
    document = working_document(db.session, quiz)
    long_id = "q" * 80
    document["questions"][0]["id"] = long_id
    save_draft(db.session, quiz, document, actor_id=instructor.id, read_at_count=quiz.edit_count)
    db.session.commit()
    assert act(client, quiz, long_id, "duplicate").status_code == 302
    assert ids("alpha-check")[:2] == [long_id, "q" * 75 + "-copy"]


def test_up_down_and_delete(client, instructor):
    quiz = quiz_of("alpha-check")
    assert act(client, quiz, "pick-many", "up").status_code == 302
    assert ids("alpha-check") == ["pick-many", "pick-one", "type-it", "count-it"]
    assert act(client, quiz, "pick-many", "down").status_code == 302
    assert ids("alpha-check") == ["pick-one", "pick-many", "type-it", "count-it"]
    assert act(client, quiz, "type-it", "delete").status_code == 302
    assert ids("alpha-check") == ["pick-one", "pick-many", "count-it"]
    assert quiz_of("alpha-check").edit_count == 3
    # Already last: nothing to save.
    response = act(client, quiz, "count-it", "down")
    assert response.status_code == 302 and quiz_of("alpha-check").edit_count == 3
    assert "already last" in client.get(overview(quiz)).get_data(as_text=True)


def test_unknown_questions_and_quizzes_are_not_found(client, instructor):
    quiz = quiz_of("alpha-check")
    assert client.get(edit_url(quiz, "no-such-question")).status_code == 404
    assert act(client, quiz, "no-such-question", "delete").status_code == 404
    assert client.get("/author/quizzes/999999/questions/new?type=single").status_code == 404
    assert client.get("/author/quizzes/999999/questions/pick-one/edit").status_code == 404


# --------------------------------------------------------------------------- conflicts


@pytest.fixture()
def other_editor(make_user):
    """Another instructor, who saves a change to alpha-check through the service."""
    other = make_user("instructor", email="ann@example.org", name="Ann Other")

    def change(rename: str | None = None):
        quiz = quiz_of("alpha-check")
        document = working_document(db.session, quiz)
        document["questions"][0]["prompt"] = "Changed by Ann."
        if rename:
            document["questions"][0]["id"] = rename
        save_draft(db.session, quiz, document, actor_id=other.id, read_at_count=quiz.edit_count)
        db.session.commit()
        return quiz_of("alpha-check").draft

    return change


def test_a_stale_form_is_refused_with_who_changed_it(client, instructor, other_editor):
    quiz = quiz_of("alpha-check")
    fields = typed(open_form(client, edit_url(quiz, "pick-one")), {"prompt": "My own words."})
    theirs = other_editor()
    response = send(client, edit_url(quiz, "pick-one"), fields)
    page = unescape(response.get_data(as_text=True))
    assert response.status_code == 409
    assert "Ann Other changed this quiz" in page
    assert parse_form(page).fields["prompt"] == "My own words."
    assert quiz_of("alpha-check").draft == theirs and quiz_of("alpha-check").edit_count == 1


def test_a_stale_new_question_and_a_renamed_question_are_conflicts_too(client, instructor, other_editor):
    quiz = quiz_of("alpha-check")
    new = typed(open_form(client, new_url(quiz, "ordering")), {"items-0-text": "mine"})
    edit = typed(open_form(client, edit_url(quiz, "pick-one")), {"prompt": "My own words."})
    theirs = other_editor(rename="pick-uno")
    for url, fields, kept in ((new_url(quiz, "ordering"), new, "items-0-text"), (edit_url(quiz, "pick-one"), edit,
                                                                                 "prompt")):
        response = send(client, url, fields)
        page = unescape(response.get_data(as_text=True))
        assert response.status_code == 409 and "Ann Other changed this quiz" in page
        assert parse_form(page).fields[kept] == fields[kept]
    assert quiz_of("alpha-check").draft == theirs


def test_a_stale_action_is_refused_with_who_changed_it(client, instructor, other_editor):
    quiz = quiz_of("alpha-check")
    theirs = other_editor()
    response = act(client, quiz, "pick-many", "delete", count=0)
    assert response.status_code == 409
    assert "Ann Other changed this quiz" in unescape(response.get_data(as_text=True))
    assert quiz_of("alpha-check").draft == theirs


# --------------------------------------------------------------------------- who may use it


def editor_requests(quiz: Quiz) -> list[tuple[str, str]]:
    base = f"/author/quizzes/{quiz.id}/questions"
    return [("GET", f"{base}/new"), ("GET", f"{base}/new?type=single"), ("POST", f"{base}/new?type=single"),
            ("GET", f"{base}/pick-one/edit"), ("POST", f"{base}/pick-one/edit")] + \
        [("POST", f"{base}/pick-one/{action}") for action in ("duplicate", "up", "down", "delete")]


def test_a_student_may_use_none_of_it(client, student, course):
    quiz = quiz_of("alpha-check")
    token = csrf_token(client)
    for method, url in editor_requests(quiz):
        response = client.open(url, method=method, data={"csrf_token": token, "edit_count": 0, "id": "x"}
                               if method == "POST" else None)
        assert response.status_code == 403, (method, url)
    assert quiz_of("alpha-check").draft is None


def test_a_visitor_is_sent_to_sign_in(client, course):
    quiz = quiz_of("alpha-check")
    for method, url in editor_requests(quiz):
        if method == "GET":
            response = client.get(url)
            assert response.status_code == 302 and "/auth/login" in response.headers["Location"], url



def test_a_question_group_is_edited_kept_and_drawn_by(client, instructor):
    """The editor shows and saves `group`; the settings form keeps a draw by group as typed."""
    quiz = quiz_of("final")
    for qid, group in (("f1", "a"), ("f2", "b"), ("f3", "b")):
        fields = open_form(client, edit_url(quiz, qid))
        assert fields["group"] == ""
        fields["group"] = group
        assert send(client, edit_url(quiz_of("final"), qid), fields).status_code == 302
    fields = open_form(client, edit_url(quiz_of("final"), "f1"))
    assert fields["group"] == "a"
    fields["prompt"] = "Alpha is the first letter."  # an edit elsewhere keeps the group
    assert send(client, edit_url(quiz_of("final"), "f1"), fields).status_code == 302
    draft = quiz_of("final").draft
    assert [q.get("group") for q in draft["questions"]] == ["a", "b", "b", None, None]

    settings_url = f"/author/quizzes/{quiz.id}/settings"
    assert 'name="draw" type="text" value="3"' in client.get(settings_url).get_data(as_text=True)

    def post_draw(typed: str):
        current = quiz_of("final")
        return client.post(settings_url, data={
            "csrf_token": csrf_token(client, settings_url), "edit_count": current.edit_count,
            "title": current.title, "grading": "highest", "feedback": "deferred", "shuffle_questions": "y",
            "review_after_submit": ["score"], "review_after_close": ["score"], "draw": typed})

    assert post_draw("{groups: {a: 1, b: 2}, any: 1}").status_code == 302
    assert quiz_of("final").draft["settings"]["draw"] == {"groups": {"a": 1, "b": 2}, "any": 1}
    assert 'value="{groups: {a: 1, b: 2}, any: 1}"' in client.get(settings_url).get_data(as_text=True)
    response = post_draw("{groups: {a: 2}}")
    assert response.status_code == 422
    assert "asks for 2 questions from group &#39;a&#39;, which has 1" in response.get_data(as_text=True)
