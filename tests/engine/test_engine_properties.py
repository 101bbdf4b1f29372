"""Property tests over generated questions of every type."""

from __future__ import annotations

import json
import os
import random

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from app.engine import Grade, QuestionError, build_question, grade_response, normalize_text

settings.register_profile("engine", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("engine-thorough", parent=settings.get_profile("engine"), max_examples=3000)
settings.load_profile(os.environ.get("ENGINE_HYPOTHESIS_PROFILE", "engine"))

# Shown to students: a small alphabet so texts collide often enough to exercise dedup paths.
visible = st.text(alphabet="abcdefgh ", min_size=1, max_size=10).filter(str.strip)
# Never shown: markers make a leak detectable in public(), arbitrary suffixes stress normalization.
secret = st.builds(lambda tail: "SECRET" + tail, st.text(max_size=8))
feedback = st.builds(lambda tail: "FEEDBACK" + tail, st.text(max_size=5))
FORBIDDEN_KEYS = {"weight", "correct", "feedback", "answers", "answer", "value", "tolerance", "min", "max", "pairs"}


def distinct(strategy, low, high):
    """A list of unique values."""
    return st.lists(strategy, min_size=low, max_size=high, unique=True)


@st.composite
def single_choice(draw):
    """A single-choice question: one weight-1 choice, others anywhere in [-1, 1)."""
    texts = draw(distinct(visible, 2, 6))
    right = draw(st.integers(0, len(texts) - 1))
    choices = []
    for index, text in enumerate(texts):
        choice = {"text": text}
        if index == right:
            choice["correct"] = True
        elif draw(st.booleans()):
            choice["weight"] = draw(st.floats(-1, 0.99))
        if draw(st.booleans()):
            choice["feedback"] = draw(feedback)
        choices.append(choice)
    return {"type": "single", "choices": choices, "shuffle": draw(st.booleans())}


@st.composite
def multiple_response(draw):
    """A multiple-response question in shorthand or explicit-weight form."""
    texts = draw(distinct(visible, 2, 6))
    if draw(st.booleans()):
        flags = draw(st.lists(st.booleans(), min_size=len(texts), max_size=len(texts)).filter(any))
        choices = [{"text": t, "correct": f} for t, f in zip(texts, flags, strict=True)]
    else:
        shares = draw(st.lists(st.integers(0, 5), min_size=len(texts), max_size=len(texts)).filter(any))
        total = sum(shares)
        choices = [
            {"text": t, "weight": s / total if s else -draw(st.floats(0, 1))}
            for t, s in zip(texts, shares, strict=True)
        ]
    for choice in choices:
        if draw(st.booleans()):
            choice["feedback"] = draw(feedback)
    return {"type": "multiple", "choices": choices}


@st.composite
def true_false(draw):
    """A true/false question with optional feedback."""
    return {
        "type": "true_false",
        "answer": draw(st.booleans()),
        "feedback_true": draw(feedback),
        "feedback_false": draw(feedback),
    }


@st.composite
def text_answers(draw):
    """Accepted answers, one worth full marks, some with wildcards."""
    answers = [
        {"text": draw(secret) + draw(st.sampled_from(["", "*", "x*y", "\\*"])), "weight": draw(st.floats(0, 1))}
        for _ in range(draw(st.integers(1, 4)))
    ]
    answers[draw(st.integers(0, len(answers) - 1))]["weight"] = 1
    for answer in answers:
        if draw(st.booleans()):
            answer["feedback"] = draw(feedback)
    return answers


@st.composite
def short_answer(draw):
    """A short-answer question."""
    return {"type": "short", "answers": draw(text_answers())}


@st.composite
def numerical(draw):
    """A numerical question with tolerances and ranges."""
    number = st.floats(-1e9, 1e9, allow_nan=False, allow_infinity=False)
    answers = []
    for _ in range(draw(st.integers(1, 3))):
        if draw(st.booleans()):
            answer = {"value": draw(number), "tolerance": draw(st.floats(0, 1e3))}
        else:
            low, high = sorted(draw(st.tuples(number, number)))
            answer = {"min": low, "max": high}
        answer["weight"] = draw(st.floats(0, 1))
        answer["feedback"] = draw(feedback)
        answers.append(answer)
    answers[draw(st.integers(0, len(answers) - 1))]["weight"] = 1
    return {"type": "numerical", "answers": answers}


@st.composite
def matching(draw):
    """A matching question whose right-hand options may repeat, with distractors."""
    lefts = draw(distinct(visible, 2, 5))
    pool = draw(distinct(visible, 1, 4))
    pairs = [{"left": left, "right": draw(st.sampled_from(pool))} for left in lefts]
    extra = draw(distinct(visible.filter(lambda t: t not in pool), 0, 3))
    return {"type": "matching", "pairs": pairs, "distractors": extra, "shuffle": draw(st.booleans())}


@st.composite
def ordering(draw):
    """An ordering question."""
    return {"type": "ordering", "items": draw(distinct(visible, 2, 6))}


@st.composite
def cloze(draw):
    """A cloze text with numbered blanks in a random order, mapping or list form."""
    count = draw(st.integers(1, 4))
    numbers = draw(st.permutations(range(1, count + 1)))
    text = "".join(f"{draw(st.text(alphabet='abc .', max_size=6))}[[{n}]]" for n in numbers) + draw(visible)
    blanks = [{"answers": draw(text_answers())} for _ in range(count)]
    for blank in blanks:
        if draw(st.booleans()):
            blank["feedback"] = draw(feedback)
    as_mapping = draw(st.booleans())
    return {
        "type": "cloze",
        "text": text,
        "blanks": {i + 1: blank for i, blank in enumerate(blanks)} if as_mapping else blanks,
    }


any_question = st.one_of(
    single_choice(), multiple_response(), true_false(), short_answer(), numerical(), matching(), ordering(), cloze()
)


def form_fields(question):
    """Field names the question reads, plus ones it does not."""
    return ["answer", "junk", *question.part_ids]


def ids_in(view):
    """Every id shown in a public view."""
    found = []
    for key in ("choices", "left", "right", "items"):
        found += [entry["id"] for entry in view.get(key, [])]
    return found


def as_form(question, response):
    """Encode a normalized response as posted form fields."""
    kind = question.kind
    if kind in ("single", "short"):
        return {"answer": response}
    if kind in ("multiple", "ordering"):
        return {"answer": list(response)}
    if kind == "true_false":
        return {"answer": "true" if response else "false"}
    if kind == "numerical":
        return {"answer": repr(response)}
    return dict(response)


def walk(value):
    """Yield every key and leaf in a JSON-like value."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from walk(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from walk(item)
    else:
        yield value


def in_range(grade):
    """A grade's fraction is in [0, 1] and agrees with its correctness flag."""
    assert isinstance(grade, Grade)
    assert 0.0 <= grade.fraction <= 1.0
    assert grade.correct is (True if grade.fraction == 1 else False if grade.fraction == 0 else None)


@given(any_question, st.data())
def test_any_posted_fields_score_in_unit_interval(definition, data):
    """Random and garbage form data never raise and always score within [0, 1]."""
    question = build_question(definition)
    order = question.shuffle_order(random.Random(data.draw(st.integers())))
    names = form_fields(question) + ids_in(question.public(order))
    value = st.one_of(
        st.text(max_size=20),
        st.sampled_from(names),
        st.lists(st.one_of(st.sampled_from(names), st.text(max_size=5), st.integers(), st.none()), max_size=6),
        st.integers(),
        st.none(),
        st.floats(),
        st.dictionaries(st.text(max_size=3), st.text(max_size=3), max_size=2),
    )
    raw = data.draw(st.dictionaries(st.one_of(st.sampled_from(names), st.text(max_size=5)), value, max_size=8))
    in_range(grade_response(question, raw))
    in_range(grade_response(question, data.draw(st.one_of(st.none(), st.integers(), st.text(), st.lists(st.text())))))


@given(any_question, st.data())
def test_garbage_responses_passed_straight_to_grade_never_raise(definition, data):
    """grade() degrades to unanswered on values of the wrong shape."""
    question = build_question(definition)
    junk = data.draw(
        st.one_of(
            st.none(),
            st.integers(),
            st.floats(),
            st.text(),
            st.lists(st.text()),
            st.dictionaries(st.text(), st.text()),
            st.frozensets(st.text()),
        )
    )
    in_range(question.grade(junk))


@given(any_question)
def test_correct_response_earns_full_marks(definition):
    """The model response, directly and posted through a form, is worth 1.0."""
    question = build_question(definition)
    grade = question.grade(question.correct_response())
    assert (grade.fraction, grade.correct) == (1.0, True)
    assert all(grade.parts)
    assert grade_response(question, as_form(question, question.correct_response())).fraction == 1.0


@given(st.one_of(single_choice(), multiple_response(), matching(), ordering()), st.data())
def test_shuffling_never_changes_the_score_of_a_logical_response(definition, data):
    """Picking the same texts under two different shuffles earns the same grade."""
    question = build_question(definition)
    views = [question.public(question.shuffle_order(random.Random(data.draw(st.integers())))) for _ in range(2)]
    kind = question.kind
    if kind in ("single", "multiple"):
        texts = [c["text"] for c in views[0]["choices"]]
        # A single choice is one pick (or none); several values would be a different logical response.
        picked = set(data.draw(st.lists(st.sampled_from(texts), max_size=1 if kind == "single" else len(texts))))
        raws = [{"answer": [c["id"] for c in view["choices"] if c["text"] in picked]} for view in views]
    elif kind == "matching":
        rights = [o["text"] for o in views[0]["right"]]
        chosen = {left["text"]: data.draw(st.sampled_from(rights)) for left in views[0]["left"]}
        raws = [
            {
                left["id"]: next(o["id"] for o in view["right"] if o["text"] == chosen[left["text"]])
                for left in view["left"]
            }
            for view in views
        ]
    else:
        sequence = data.draw(st.permutations([item["text"] for item in views[0]["items"]]))
        raws = [
            {"answer": [next(i["id"] for i in view["items"] if i["text"] == text) for text in sequence]}
            for view in views
        ]
    first, second = (grade_response(question, raw) for raw in raws)
    assert first == second


@given(any_question, st.integers())
def test_public_reveals_nothing_about_the_key(definition, seed):
    """public() is JSON-able and holds no weights, flags, feedback or accepted answers."""
    question = build_question(definition)
    order = question.shuffle_order(random.Random(seed))
    view = question.public(order)
    dumped = json.dumps(view)
    assert "SECRET" not in dumped
    assert "FEEDBACK" not in dumped
    leaves = list(walk(view))
    assert not FORBIDDEN_KEYS & {leaf for leaf in leaves if isinstance(leaf, str)}
    assert not [leaf for leaf in leaves if isinstance(leaf, int | float) and not isinstance(leaf, bool)]
    assert view["kind"] == question.kind
    # Round-tripped through JSON, a stored order must still render the same view.
    assert question.public(json.loads(json.dumps(order))) == view


@given(st.one_of(single_choice(), multiple_response(), matching(), ordering()), st.integers())
def test_shuffle_order_is_reproducible_and_complete(definition, seed):
    """The same seed gives the same order, and the order shows every choice exactly once."""
    question = build_question(definition)
    order = question.shuffle_order(random.Random(seed))
    assert order == question.shuffle_order(random.Random(seed))
    view = question.public(order)
    shown = ids_in(view)
    assert len(shown) == len(set(shown)) or question.kind == "matching"
    if question.kind == "ordering":
        assert order != question.correct_response()
        assert [item["id"] for item in view["items"]] == list(order)


@given(st.text(), st.sampled_from(["", "*", "a*", "*b", "\\*", "x*y*z"]), st.text(max_size=3))
def test_any_unicode_answer_accepts_its_model_response(stem, wildcard, tail):
    """However exotic the accepted text, the model answer matches it (normalization is idempotent)."""
    text = stem + wildcard + tail
    try:
        question = build_question({"type": "short", "answers": [text]})
    except QuestionError:
        assume(False)  # blank once normalized: rightly refused
    assert question.grade(question.correct_response()).fraction == 1.0
    assert normalize_text(normalize_text(text)) == normalize_text(text)
