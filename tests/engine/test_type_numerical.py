"""Numerical questions: lenient parsing and tolerant comparison."""

from __future__ import annotations

import pytest

from app.engine import Numerical, QuestionError, build_question, grade_response, parse_number


def make(*answers):
    """Build a numerical question from answer mappings."""
    return Numerical.from_dict({"type": "numerical", "answers": list(answers)})


def score(q, text):
    """Grade one typed response."""
    return grade_response(q, {"answer": text}).fraction


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("3.5", 3.5),
        ("3,5", 3.5),
        (" 3 . 5 ", 3.5),
        ("-2", -2.0),
        ("+2", 2.0),
        ("\u22122", -2.0),
        (".5", 0.5),
        ("5.", 5.0),
        ("1e3", 1000.0),
        ("1.5E-2", 0.015),
        ("6,02e23", 6.02e23),
        ("1 000", 1000.0),
    ],
)
def test_parse_number_accepts(text, value):
    """Decimal point, a single decimal comma, signs, spaces and exponents parse."""
    assert parse_number(text) == value


@pytest.mark.parametrize(
    "text",
    ["", "abc", "1,23,4", "1,234,5.6.7", "12,34.5", "1.2.3", "nan", "inf", "1e999", "1_000", "0x10", "--1", "1e",
     "e3", None, 3, "½"],
)
def test_parse_number_rejects(text):
    """Ambiguous separators, non-finite and non-numbers give None."""
    assert parse_number(text) is None


def test_tolerance_boundaries_are_inclusive_despite_float_error():
    """Boundaries computed in floating point still include the typed bound."""
    assert 0.7 + 0.1 < 0.8 and 0.8 - 0.1 > 0.7  # the float traps this guards against
    assert score(make({"value": 0.7, "tolerance": 0.1}), "0.8") == 1.0
    q = make({"value": 0.8, "tolerance": 0.1})
    assert score(q, "0.7") == 1.0
    assert score(q, "0.9") == 1.0
    assert score(q, "0.9000001") == 0.0
    assert score(q, "0.6999999") == 0.0
    assert score(make({"value": 0.3, "tolerance": 0}), str(0.1 + 0.2)) == 1.0
    assert score(make({"value": 0.1, "tolerance": 0.2}), "0.3") == 1.0


def test_exact_zero_has_no_slack():
    """Relative slack at zero is zero, so only zero matches."""
    q = make({"value": 0})
    assert score(q, "0") == 1.0
    assert score(q, "-0") == 1.0
    assert score(q, "1e-300") == 0.0


def test_ranges_and_best_weight():
    """min/max ranges are inclusive; the best weight among matches wins."""
    q = make(
        {"min": 9, "max": 11, "weight": 0.5, "feedback": "Roughly."},
        {"value": 9.81, "tolerance": 0.01, "feedback": "Exactly."},
    )
    assert grade_response(q, {"answer": "9,81"}).feedback == ("Exactly.",)
    assert score(q, "9.8") == 1.0
    assert grade_response(q, {"answer": "11"}).fraction == 0.5
    assert score(q, "8.999") == 0.0


def test_non_numbers_and_garbage_score_zero():
    """Text, lists of junk and wrong types are unanswered."""
    q = make({"value": 1})
    for raw in ({}, {"answer": "one"}, {"answer": [None]}, {"answer": 1}, None):
        assert grade_response(q, raw).fraction == 0.0
    assert q.grade("1").fraction == 0.0  # type: ignore[arg-type]
    assert q.grade(10**400).fraction == 0.0
    assert q.grade(True).fraction == 0.0  # type: ignore[arg-type]


def test_correct_response_and_public():
    """The model answer is the value, or the middle of a range; public() shows nothing."""
    assert make({"value": 2.5, "tolerance": 1}).correct_response() == 2.5
    assert make({"min": 1, "max": 2}).correct_response() == 1.5
    assert make({"value": 1}).public() == {"kind": "numerical"}


def test_string_numbers_from_yaml_are_accepted():
    """YAML reads 1e3 as a string, so author numbers may be text."""
    assert make({"value": "1e3", "tolerance": "0,5"}).answers[0].high == 1000.5


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ([], "answers"),
        ([{"tolerance": 1}], "answers[0].min"),
        ([{"min": 1}], "answers[0].max"),
        ([{"value": 1, "min": 0}], "answers[0].min"),
        ([{"min": 0, "max": 1, "tolerance": 1}], "answers[0].tolerance"),
        ([{"min": 2, "max": 1}], "answers[0].max"),
        ([{"value": 1, "tolerance": -1}], "answers[0].tolerance"),
        ([{"value": "ten"}], "answers[0].value"),
        ([{"value": True}], "answers[0].value"),
        ([{"value": 1, "weight": 0.5}], "answers"),
        ([{"value": 1, "unit": "m"}], "answers[0].unit"),
        ([{"value": 1e308, "tolerance": 1e308}], "answers[0].tolerance"),
    ],
)
def test_validation(answers, field):
    """Each malformed answer names its field."""
    with pytest.raises(QuestionError) as caught:
        Numerical.from_dict({"answers": answers})
    assert caught.value.field == field


@pytest.mark.parametrize(("text", "value"), [("6,000", 6000.0), ("1,234.5", 1234.5), ("1,000,000", 1e6),
                                             ("-2,500", -2500.0), ("3,5", 3.5), ("0,25", 0.25)])
def test_commas_group_thousands_or_mark_decimals(text, value):
    assert parse_number(text) == value


UNITS = {"type": "numerical", "answers": [{"value": 1.5, "tolerance": 0.01}],
         "units": ["m", {"unit": "cm", "multiplier": 100}, {"unit": "km", "multiplier": 0.001}]}


@pytest.mark.parametrize(("typed", "fraction"), [
    ("1.5", 1.0), ("1.5 m", 1.0), ("1.5m", 1.0), ("150 cm", 1.0), ("150 CM", 1.0), ("0.0015 km", 1.0),
    ("150", 0.0), ("1.5 mm", 0.0), ("cm", 0.0), ("1.5 miles", 0.0),
])
def test_units_divide_the_typed_number_by_their_multiplier(typed, fraction):
    """Moodle's rule: answers are in the unit of multiplier 1; another unit's number is divided by its multiplier."""
    question = build_question(UNITS)
    assert question.grade(question.normalize({"answer": [typed]})).fraction == fraction


def test_a_percent_unit_accepts_what_students_type():
    question = build_question({"type": "numerical", "answers": [{"value": 70}], "units": ["%", "percent"]})
    for typed in ("70", "70%", "70 %", "70 percent", "70 Percent"):
        assert question.grade(question.normalize({"answer": [typed]})).fraction == 1.0, typed
    assert question.public() == {"kind": "numerical", "units": ["%", "percent"]}


@pytest.mark.parametrize(("units", "field", "message"), [
    ([""], "units[0].unit", "must not be empty"),
    (["5m"], "units[0].unit", "must not start with a digit"),
    ([{"unit": "cm", "multiplier": 0}], "units[0].multiplier", "positive"),
    ([{"unit": "cm", "multiplier": "lots"}], "units[0].multiplier", "expected a number"),
    (["m", "M"], "units[1]", "listed twice"),
    ([{"unit": "m", "factor": 2}], "units[0].factor", "unknown key"),
])
def test_bad_units_are_refused_where_they_are(units, field, message):
    with pytest.raises(QuestionError) as refused:
        build_question({"type": "numerical", "answers": [{"value": 1}], "units": units})
    assert refused.value.field == field and message in refused.value.message


@pytest.mark.parametrize(("typed", "fraction"), [
    ("70%", 1.0), ("70 %", 1.0), ("70", 1.0), (" 70  % ", 1.0), ("70.0%", 1.0), ("70 percent", 1.0),
    ("60%", 0.0), ("70 km", 0.0), ("70%%", 0.0), ("% 70", 0.0),
])
def test_a_percent_unit_reads_70_percent_as_70(typed, fraction):
    """With `%` declared, "70%", "70 %" and "70" are all 70; an undeclared unit is still not a number."""
    q = Numerical.from_dict({"type": "numerical", "answers": [{"value": 70}], "units": ["%", "percent"]})
    assert score(q, typed) == fraction


def test_a_unit_with_a_multiplier_still_scales():
    q = Numerical.from_dict({"type": "numerical", "answers": [{"value": 0.7}],
                             "units": [{"unit": "%", "multiplier": 100}]})
    assert score(q, "70%") == score(q, "70 %") == score(q, "0.7") == 1.0
    assert score(q, "70") == 0.0
