"""Exporting quizzes to the file format: what `dump_quiz` writes reads back as the same quiz, byte for byte."""

from __future__ import annotations

import copy
import os
from datetime import UTC
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.content.bundle import read_content
from app.content.quiz_export import canonical_document, dump_quiz
from app.content.quiz_files import QUESTION_KEYS, QUIZ_KEYS, SETTING_KEYS, parse_quiz, parse_quiz_document

TESTS = Path(__file__).resolve().parents[1]
REPO = TESTS.parent
TREES = {
    "real course": (REPO / "course", REPO / "quizzes"),
    "fixture course": (TESTS / "fixtures" / "course", TESTS / "fixtures" / "quizzes"),
}


def round_trip(document: dict, lessons=None):
    """Dump, parse the text as a quiz file, and dump again: (text, reparsed quiz, second text)."""
    text = dump_quiz(document)
    parsed = parse_quiz(text, lessons, "exported.yaml")
    assert not parsed.problems, [str(problem) for problem in parsed.problems]
    return text, parsed.quiz, dump_quiz(parsed.quiz.document)


@pytest.mark.parametrize("tree", sorted(TREES))
def test_every_quiz_of_the_course_round_trips(tree):
    """Every quiz file gives, once exported and read back, the same document, hash and bytes."""
    course_dir, quizzes_dir = TREES[tree]
    bundle = read_content(course_dir, quizzes_dir)
    lessons = {lesson.key: lesson for lesson in bundle.course.lessons}
    assert bundle.quizzes
    for quiz in bundle.quizzes:
        text, again, second = round_trip(quiz.document, lessons)
        assert again.document == quiz.document, quiz.key
        assert again.content_hash == quiz.content_hash, quiz.key
        assert second == text, quiz.key
        assert text.endswith("\n") and not text.endswith("\n\n"), quiz.key


def test_the_canonical_format():
    """Keys in the file format's order whatever the document's, block style, literal blocks, real characters."""
    document = {
        "questions": [{
            "choices": [{"correct": True, "text": "Oui: «ça va»"}, {"text": "# not a comment"}],
            "general_feedback": "Line one.\nLine two.\n",
            "source": "alpha#the-alpha-idea", "points": 2, "prompt": "Pick one", "type": "single", "id": "q1",
        }],
        "settings": {"review": {"after_close": ["score"], "after_submit": ["score"]}, "feedback": "deferred",
                     "opens": "2026-01-05T09:00:00Z", "pass_mark": 60},
        "description": "A " + "very " * 40 + "long line.",
        "lesson": "alpha", "kind": "lesson", "title": "Check: Alpha", "id": "alpha-check",
    }
    assert dump_quiz(document) == (
        "id: alpha-check\n"
        "title: 'Check: Alpha'\n"
        "kind: lesson\n"
        "lesson: alpha\n"
        f"description: A {'very ' * 40}long line.\n"
        "settings:\n"
        "  pass_mark: 60\n"
        "  opens: 2026-01-05T09:00:00Z\n"
        "  feedback: deferred\n"
        "  review:\n"
        "    after_submit:\n"
        "      - score\n"
        "    after_close:\n"
        "      - score\n"
        "questions:\n"
        "  - id: q1\n"
        "    type: single\n"
        "    prompt: Pick one\n"
        "    points: 2\n"
        "    source: alpha#the-alpha-idea\n"
        "    general_feedback: |\n"
        "      Line one.\n"
        "      Line two.\n"
        "    choices:\n"
        "      - correct: true\n"
        "        text: 'Oui: «ça va»'\n"
        "      - text: '# not a comment'\n"
    )
    assert list(canonical_document(document)) == [key for key in QUIZ_KEYS if key in document]
    assert list(canonical_document(document)["settings"]) == [key for key in SETTING_KEYS
                                                              if key in document["settings"]]


def test_the_type_keys_keep_the_documents_order_after_the_common_ones():
    """A question's own keys follow id, type, prompt, points, source, general_feedback as the author gave them."""
    question = {"answers": ["x"], "id": "q", "source": "a#b", "type": "short", "prompt": "P", "zeta": 1, "alpha": 2}
    written = canonical_document({"questions": [question]})["questions"][0]
    assert list(written) == ["id", "type", "prompt", "source", "answers", "zeta", "alpha"]
    assert set(QUESTION_KEYS) >= {"id", "type", "prompt", "points", "source", "general_feedback"}


@pytest.mark.parametrize(("stored", "written"), [
    ("2026-01-05T09:00:00Z", "2026-01-05T09:00:00Z"),
    # Normalizing would give back other text (.500000, or Z for the offset): kept as quoted text.
    ("2026-01-05T09:00:00.5Z", "'2026-01-05T09:00:00.5Z'"),
    ("2026-01-05T10:00:00+01:00", "'2026-01-05T10:00:00+01:00'"),
])
def test_date_times_come_back_as_the_same_text(stored, written):
    """A stored date-time is written so that reading the file gives exactly the stored text."""
    document = {"id": "q", "title": "T", "kind": "final", "settings": {"closes": stored},
                "questions": [{"id": "a", "type": "true_false", "prompt": "P", "source": "a#b", "answer": True}]}
    text, again, second = round_trip(document)
    assert f"  closes: {written}\n" in text
    assert again.document["settings"]["closes"] == stored
    assert again.content_hash == parse_quiz_document(document, None).quiz.content_hash
    assert second == text


def test_awkward_text_survives():
    """Leading spaces, trailing spaces in a multi-line text, odd line breaks, tabs and emoji all come back."""
    texts = ["  leading", "trailing  ", "a\n  indented\n\n", "line with space \nnext", "\ttab", "x\r\ny",
             "next\x85line", "para\u2029graph", "😀 ünïcödé", "- dash", "? q", "key: value", "'quoted'",
             '"double"', "true", "null", "1.5", "[list]", "{map}", "&anchor", "*alias", "!tag", "|", ">", "@", "%"]
    document = {"id": "q", "title": "T", "kind": "final",
                "questions": [{"id": "o", "type": "ordering", "prompt": "\n".join(texts), "source": "a#b",
                               "items": texts}]}
    text, again, second = round_trip(document)
    assert again.document == document
    assert second == text
    assert "😀 ünïcödé" in text  # real characters, not \U escapes


def test_numbered_blanks_and_numbers_keep_their_type():
    """Cloze blank numbers are written bare (`1:`), and ints, floats and text that looks like numbers stay so."""
    document = {"id": "q", "title": "T", "kind": "final", "settings": {"pass_mark": 62.5},
                "questions": [{"id": "c", "type": "cloze", "prompt": "P", "source": "a#b", "points": 1.0,
                               "text": "[[1]] and [[2]]", "blanks": {"1": {"answers": ["1"]}, "2": ["1e3"]}},
                              {"id": "n", "type": "numerical", "prompt": "N", "source": "a#b",
                               "answers": [{"value": 1e-07, "tolerance": 0}, {"min": -2, "max": 1e20,
                                                                              "weight": 0.5}]}]}
    text, again, second = round_trip(document)
    assert "      1:\n" in text and "      2:\n" in text
    assert again.document == document and second == text
    loaded = yaml.safe_load(text)
    assert loaded["questions"][0]["points"] == 1.0 and isinstance(loaded["questions"][0]["points"], float)
    assert loaded["questions"][1]["answers"][1]["min"] == -2 and isinstance(loaded["settings"]["pass_mark"], float)


def test_dumping_does_not_change_the_document():
    """dump_quiz reads the document only (it is a stored version's, shared with the session)."""
    document = {"title": "T", "id": "q", "settings": {"closes": "2026-01-05T09:00:00Z"},
                "questions": [{"type": "true_false", "id": "a"}]}
    before = copy.deepcopy(document)
    dump_quiz(document)
    assert document == before and list(document) == list(before)


# --------------------------------------------------------------------------- generated quizzes

# Text that trips YAML writers: indicators, comments, quotes, look-alike scalars, odd spaces and breaks.
FRAGMENTS = ["'", '"', ":", ": ", " #", "#", "- ", "? ", "|", ">", "{", "}", "[", "]", ",", "&", "*", "!", "%",
             "@", "`", "\\", "---", "...", "~", "null", "true", "no", "0x1F", "1e3", "012", "1_000",
             "2026-01-05T09:00:00Z", "2026-01-05", " ", "  ", "\t", "\n", "\n\n", "\r\n", "\x85", "\u2028",
             "\u00a0", "\ufeff", "é", "ß", "日本語", "😀", "«»", "\u200b"]
awkward = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=3)), min_size=1, max_size=6) \
    .map("".join).filter(str.strip)
# Author text that must also be unique (choices, items, pairs): a unique tail keeps collisions rare.
labels = st.lists(awkward, min_size=2, max_size=5, unique_by=str.strip)
# An accepted answer must keep some text once case, spaces and trailing punctuation are folded away.
answer_text = st.tuples(awkward, awkward).map(lambda parts: f"{parts[0]}z{parts[1]}")
feedback = st.one_of(st.none(), awkward)
number = st.one_of(st.integers(-10**6, 10**6), st.floats(-1e12, 1e12, allow_nan=False, allow_infinity=False))
weight = st.floats(0, 0.99, allow_nan=False)


def with_feedback(draw, entry: dict) -> dict:
    """The entry, with a `feedback` text drawn or not."""
    text = draw(feedback)
    return entry | ({"feedback": text} if text is not None else {})


@st.composite
def single(draw):
    """A single-choice question with one right choice."""
    texts = draw(labels)
    right = draw(st.integers(0, len(texts) - 1))
    choices = [with_feedback(draw, {"text": text, "correct": True} if index == right else
                             {"text": text, **({"weight": draw(st.floats(-1, 0.9))} if draw(st.booleans()) else {})})
               for index, text in enumerate(texts)]
    return {"type": "single", "choices": choices, **({"shuffle": False} if draw(st.booleans()) else {})}


@st.composite
def multiple(draw):
    """A multiple-response question, with correct flags."""
    texts = draw(labels)
    flags = draw(st.lists(st.booleans(), min_size=len(texts), max_size=len(texts)).filter(any))
    return {"type": "multiple",
            "choices": [with_feedback(draw, {"text": text, "correct": flag}) for text, flag in zip(texts, flags,
                                                                                                  strict=True)]}


@st.composite
def true_false(draw):
    """A true/false question."""
    question = {"type": "true_false", "answer": draw(st.booleans())}
    for key in ("feedback_true", "feedback_false"):
        text = draw(feedback)
        if text is not None:
            question[key] = text
    return question


@st.composite
def text_answers(draw):
    """Accepted answers: plain texts or mappings, one worth full marks."""
    answers = [draw(st.one_of(answer_text, st.builds(lambda text, w: {"text": text, "weight": w}, answer_text,
                                                     weight)))
               for _ in range(draw(st.integers(1, 3)))]
    answers[0] = {"text": draw(answer_text), "weight": 1}
    return draw(st.permutations(answers))


@st.composite
def short(draw):
    """A short-answer question."""
    return {"type": "short", "answers": draw(text_answers())}


@st.composite
def numerical(draw):
    """A numerical question: values with tolerances, or ranges."""
    answers = []
    for _ in range(draw(st.integers(1, 3))):
        if draw(st.booleans()):
            answer = {"value": draw(number), "tolerance": draw(st.one_of(st.integers(0, 100), st.floats(0, 1e3)))}
        else:
            low, high = sorted(draw(st.tuples(number, number)))
            answer = {"min": low, "max": high}
        answers.append(with_feedback(draw, answer | {"weight": draw(weight)}))
    answers[draw(st.integers(0, len(answers) - 1))]["weight"] = 1
    return {"type": "numerical", "answers": answers}


@st.composite
def matching(draw):
    """A matching question, right-hand options shared, with distractors."""
    lefts = draw(labels)
    rights = draw(labels)
    pairs = [{"left": left, "right": draw(st.sampled_from(rights))} for left in lefts]
    unused = [text for text in rights if text not in {pair["right"] for pair in pairs}]
    return {"type": "matching", "pairs": pairs, "distractors": unused}


@st.composite
def ordering(draw):
    """An ordering question."""
    return {"type": "ordering", "items": draw(labels)}


@st.composite
def cloze(draw):
    """A cloze text with numbered blanks, as a mapping or a list."""
    count = draw(st.integers(1, 3))
    text = "".join(f"{draw(awkward).replace('[', '(')}[[{n}]]" for n in range(1, count + 1))
    blanks = [with_feedback(draw, {"answers": draw(text_answers())}) for _ in range(count)]
    if draw(st.booleans()):
        return {"type": "cloze", "text": text, "blanks": blanks}
    return {"type": "cloze", "text": text, "blanks": {str(n): blank for n, blank in enumerate(blanks, 1)}}


any_question = st.one_of(single(), multiple(), true_false(), short(), numerical(), matching(), ordering(), cloze())
moment = st.datetimes(timezones=st.just(UTC)).map(lambda m: m.replace(microsecond=0))


@st.composite
def quiz_settings(draw, questions: int):
    """Valid settings: any subset, in a random order."""
    chosen = {
        "pass_mark": draw(st.one_of(st.integers(0, 100), st.floats(0, 100))),
        "attempts": draw(st.one_of(st.just("unlimited"), st.integers(1, 20))),
        "grading": draw(st.sampled_from(["highest", "latest", "first", "average"])),
        "time_limit_minutes": draw(st.integers(1, 600)),
        "grace_seconds": draw(st.integers(0, 300)),
        "draw": draw(st.integers(1, questions)),
        "shuffle_questions": draw(st.booleans()),
        "questions_per_page": draw(st.integers(1, 50)),
        "review": {phase: draw(st.lists(st.sampled_from(["score", "correctness", "feedback", "correct_answers"]),
                                        unique=True)) for phase in draw(st.permutations(["after_submit",
                                                                                          "after_close"]))},
    }
    opens, closes = sorted(draw(st.lists(moment, min_size=2, max_size=2, unique=True)))
    chosen["opens"] = opens.isoformat().replace("+00:00", "Z")
    chosen["closes"] = closes.isoformat().replace("+00:00", "Z")
    if draw(st.booleans()):
        chosen |= {"feedback": "immediate", "penalty": draw(st.floats(0, 1))}
    else:
        chosen["feedback"] = "deferred"
    keys = draw(st.lists(st.sampled_from(sorted(chosen)), unique=True))
    if "penalty" in keys and "feedback" not in keys:
        keys.append("feedback")  # a penalty needs `feedback: immediate`
    return {key: chosen[key] for key in keys}


@st.composite
def quiz_documents(draw):
    """A valid quiz document with generated questions of every type and awkward author text."""
    questions = []
    for index, question in enumerate(draw(st.lists(any_question, min_size=1, max_size=4))):
        common = {"id": f"q{index}", "prompt": draw(awkward), "source": f"lesson-{index}#{draw(awkward)}"}
        if draw(st.booleans()):
            common["points"] = draw(st.one_of(st.integers(1, 10), st.floats(0.5, 10)))
        if draw(st.booleans()):
            common["general_feedback"] = draw(awkward)
        if draw(st.booleans()):
            common["group"] = draw(st.sampled_from(["lesson-1", "Lesson 2", "ü"]))
        # Type keys first, sometimes: the dumper must put the common keys ahead whatever the order.
        questions.append(question | common if draw(st.booleans()) else common | question)
    document = {"id": "a-quiz", "title": draw(awkward), "kind": "final", "questions": questions}
    if draw(st.booleans()):
        document["description"] = draw(awkward)
    document["settings"] = draw(quiz_settings(len(questions)))
    groups = {question["group"] for question in questions if "group" in question}
    if groups and draw(st.booleans()):
        # A draw by group: one from each, or named counts, then some from any (a mapping survives the round trip).
        by_group = ({"per_group": 1} if draw(st.booleans())
                    else {"groups": {group: 1 for group in draw(st.permutations(sorted(groups)))}})
        document["settings"]["draw"] = by_group | {"any": draw(st.integers(0, len(questions) - len(groups)))}
    return dict(draw(st.permutations(list(document.items()))))


# Each example renders every text's Markdown twice (about 0.1 s); EXPORT_EXAMPLES=2000 for a thorough run.
@settings(max_examples=int(os.environ.get("EXPORT_EXAMPLES", "60")), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(quiz_documents())
def test_generated_quizzes_round_trip(document):
    """Dump, parse: the same document and content hash; dumping it again gives the same bytes."""
    direct = parse_quiz_document(document, None)
    assert direct.quiz is not None, [str(problem) for problem in direct.problems]
    text, again, second = round_trip(direct.quiz.document)
    assert again.document == direct.quiz.document
    assert again.content_hash == direct.quiz.content_hash
    assert second == text
    assert dump_quiz(document) == text  # the key order given never shows in the bytes
