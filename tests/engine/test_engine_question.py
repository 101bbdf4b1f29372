"""Base types: Grade, QuestionError paths, the registry and build_question."""

from __future__ import annotations

import pytest

from app.engine import (
    TYPE_NAMES,
    Grade,
    QuestionError,
    QuestionType,
    build_question,
    grade_response,
    question_type,
    register,
)


def test_every_documented_type_is_registered():
    """All eight kinds are registered and resolve to their class."""
    assert set(TYPE_NAMES) == {
        "single",
        "multiple",
        "true_false",
        "short",
        "numerical",
        "matching",
        "ordering",
        "cloze",
    }
    for name in TYPE_NAMES:
        cls = question_type(name)
        assert issubclass(cls, QuestionType)
        assert cls.kind == name


def test_unknown_type_names_the_type_field():
    """Looking up an unknown type raises QuestionError on "type"."""
    with pytest.raises(QuestionError) as caught:
        question_type("essay")
    assert caught.value.field == "type"
    assert "essay" in caught.value.message


def test_register_refuses_duplicates():
    """A second registration under a taken name is a programming error."""
    with pytest.raises(ValueError):
        register("single")(type("Dup", (), {}))


def test_build_question_requires_a_type():
    """A definition without "type" names the missing key."""
    with pytest.raises(QuestionError) as caught:
        build_question({"answer": True})
    assert caught.value.field == "type"


def test_build_question_rejects_non_mappings():
    """A list is not a question definition."""
    with pytest.raises(QuestionError) as caught:
        build_question(["x"])  # type: ignore[arg-type]
    assert caught.value.field is None


def test_common_keys_are_ignored_but_others_rejected():
    """Content-layer keys pass through from_dict; anything else is an unknown key."""
    q = build_question({"type": "true_false", "id": "q1", "prompt": "Sky is blue?", "points": 2, "answer": True})
    assert q.answer is True
    with pytest.raises(QuestionError) as caught:
        build_question({"type": "true_false", "answer": True, "hint": "no"})
    assert caught.value.field == "hint"


def test_from_dict_checks_a_given_type_matches():
    """Calling a class's from_dict with another type's name is refused."""
    with pytest.raises(QuestionError) as caught:
        question_type("true_false").from_dict({"type": "single", "answer": True})
    assert caught.value.field == "type"


def test_question_error_within_prefixes_paths():
    """Nesting an error keeps the path readable for the content layer."""
    err = QuestionError("bad", "choices[2].weight")
    assert err.within("questions[3]").field == "questions[3].choices[2].weight"
    assert QuestionError("bad", "[0]").within("items").field == "items[0]"
    assert QuestionError("bad").within("questions[1]").field == "questions[1]"
    assert str(err) == "choices[2].weight: bad"
    assert isinstance(err, ValueError)


def test_grade_rounds_and_derives_correctness():
    """Grade.of clamps, rounds to 7 places and sets correct from the fraction."""
    assert Grade.of(2 / 3).fraction == 0.6666667
    assert Grade.of(2 / 3).correct is None
    assert Grade.of(1.4).fraction == 1.0
    assert Grade.of(1.4).correct is True
    assert Grade.of(-0.5) == Grade(0.0, False)
    assert Grade.of(0.9999999).correct is True
    assert Grade.of(float("nan")).fraction == 0.0
    assert Grade.of(0.5, ("", "fb")).feedback == ("fb",)


def test_grade_refuses_out_of_range_fractions():
    """Constructing a Grade directly with an impossible fraction is a bug, not a clamp."""
    with pytest.raises(ValueError):
        Grade(1.5, True)


def test_grade_response_normalizes_then_grades():
    """The convenience wrapper goes from posted fields to a grade."""
    q = build_question({"type": "true_false", "answer": False, "feedback_false": "Right."})
    assert grade_response(q, {"answer": "false"}) == Grade(1.0, True, ("Right.",))
