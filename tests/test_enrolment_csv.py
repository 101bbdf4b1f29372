"""Reading an enrolment CSV without the database: header, encoding, size, and every row's name, email and role."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.services.enrolment import MAX_BYTES, MAX_ROWS, CsvRow, Problem, read_enrolment_csv

HEADER = "name,email,role,cohort\n"


def read(text: str):
    """Read a UTF-8 file given as text."""
    return read_enrolment_csv(text.encode("utf-8"))


def messages(result) -> list[str]:
    """The problems as printed: "line N: reason", or the file-wide reason."""
    return [str(problem) for problem in result.problems]


def test_good_file_gives_rows_with_their_lines_trimmed_and_lowercased():
    result = read(HEADER + " Ann Lee , Ann@Example.ORG ,Student, Spring 2026 \nBo Ng,bo@example.org,instructor,\n")
    assert result.problems == ()
    assert result.rows == (CsvRow(2, "Ann Lee", "ann@example.org", "student", "Spring 2026"),
                           CsvRow(3, "Bo Ng", "bo@example.org", "instructor", None))


def test_columns_in_any_order_and_cohort_column_optional():
    result = read("Email,ROLE,name\nann@example.org,student,Ann\n")
    assert result.problems == ()
    assert result.rows == (CsvRow(2, "Ann", "ann@example.org", "student", None),)


def test_utf8_bom_crlf_blank_lines_and_trailing_empty_cells_are_accepted():
    data = b"\xef\xbb\xbfname,email,role,cohort,,\r\n\r\nJos\xc3\xa9,jose@example.org,student,A,,\r\n,,,,,\r\n"
    result = read_enrolment_csv(data)
    assert result.problems == ()
    assert result.rows == (CsvRow(3, "José", "jose@example.org", "student", "A"),)
    assert not result.text.startswith("\ufeff")


def test_semicolon_separated_file_from_a_spreadsheet_is_read():
    result = read("name;email;role;cohort\nAnn;ann@example.org;student;A\n")
    assert result.problems == ()
    assert result.rows[0].cohort == "A"


def test_quoted_name_with_a_comma():
    result = read(HEADER + '"Lee, Ann",ann@example.org,student,\n')
    assert result.problems == ()
    assert result.rows[0].name == "Lee, Ann"


@pytest.mark.parametrize(("data", "expected"), [
    (b"", "The file is empty"),
    (b"\n\n", "The file is empty"),
    (HEADER.encode(), "header but no rows"),
    (b"Ann,ann@example.org,student,A\n", "line 1: this looks like a row of data, not the header"),
    (b"name,email\nAnn,ann@example.org\n", "line 1: the header has no column role"),
    (b"name,e-mail,role\n", "line 1: the header has no column email; unknown column “e-mail”"),
    (b"name,email,role,email\n", "line 1: the column “email” appears twice"),
    (b"name,,email,role\n", "unknown column (one without a name)"),
    ("name,email,role\n".encode("utf-16"), "UTF-16"),
    (b"name,email,role\x00\n", "NUL"),
])
def test_file_problems(data, expected):
    result = read_enrolment_csv(data)
    assert result.rows == ()
    assert len(result.problems) == 1
    assert expected in str(result.problems[0])


def test_latin1_file_names_the_lines_the_byte_and_the_fix():
    data = (HEADER + "José,jose@example.org,student,\nAnn,ann@example.org,student,\nRenée,r@example.org,student,\n"
            ).encode("latin-1")
    (problem,) = read_enrolment_csv(data).problems
    text = str(problem)
    assert "not UTF-8" in text
    assert "on lines 2 and 4" in text
    assert "0xE9 on line 2" in text
    assert "CSV UTF-8" in text


def test_every_bad_row_has_its_line_and_reason():
    result = read(HEADER
                  + "Ann,ann@example.org,student,\n"
                  + ",empty@example.org,student,\n"
                  + "Bad,not-an-email,student,\n"
                  + "Role,role@example.org,teacher,\n"
                  + "Ann again,ANN@example.org,student,\n"
                  + "No role,norole@example.org,,\n"
                  + "Boss,boss@example.org,admin,Spring\n"
                  + "Shifted,Name,shift@example.org,student,A\n")
    assert messages(result) == [
        "line 2: the email ann@example.org is on lines 2 and 6: each person may appear once "
        "(to put someone in a second cohort, add them on that cohort's page).",
        "line 3: the name is empty.",
        "line 4: “not-an-email” is not an email address.",
        "line 5: unknown role “teacher”: use student, instructor or admin.",
        "line 6: the email ann@example.org is on lines 2 and 6: each person may appear once "
        "(to put someone in a second cohort, add them on that cohort's page).",
        "line 7: the role is empty: use student, instructor or admin.",
        "line 8: administrators see every cohort and are not members of one: leave the cohort empty.",
        "line 9: this row has 5 values but the header has 4 columns (a value with a comma in it must be in "
        "double quotes).",
    ]
    assert [row.line for row in result.rows] == [2, 3, 4, 5, 6, 7, 8, 9]


def test_a_stray_quote_is_reported_at_its_line():
    result = read(HEADER + 'Ann,ann@example.org,student,\n"Bo,bo@example.org,student,\nCy,cy@example.org,student,\n')
    assert any(message.startswith("line 3:") and "double quote" in message for message in messages(result))


def test_too_long_name():
    result = read(HEADER + f"{'x' * 121},long@example.org,student,\n")
    assert messages(result) == ["line 2: the name is longer than 120 characters."]


def test_too_many_rows_and_too_many_bytes():
    rows = "".join(f"P{i},p{i}@example.org,student,\n" for i in range(MAX_ROWS + 1))
    result = read(HEADER + rows)
    assert f"more than {MAX_ROWS} rows" in messages(result)[0]
    assert len(read(HEADER + rows.split("\n", 1)[1]).problems) == 0  # exactly MAX_ROWS is fine
    result = read_enrolment_csv(HEADER.encode() + b"x" * MAX_BYTES)
    assert result.rows == () and "at most 512 KB" in messages(result)[0]


# --------------------------------------------------------------------------- properties

names = st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=40
                ).map(str.strip).filter(bool)
people = st.lists(st.tuples(names, st.sampled_from(["student", "instructor", "admin"])), max_size=30)


@given(people)
def test_any_well_formed_file_reads_back_its_rows(rows):
    """Whatever the names (quotes, commas, accents), a file written by a CSV writer reads back exactly."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["name", "email", "role", "cohort"])
    for index, (name, role) in enumerate(rows):
        writer.writerow([name, f"p{index}@example.org", role, ""])
    result = read(out.getvalue())
    if rows:
        assert result.problems == ()
        assert [(row.name, row.role, row.line) for row in result.rows] == [
            (name, role, index + 2) for index, (name, role) in enumerate(rows)]
    else:
        assert "no rows" in messages(result)[0]


@given(st.binary(max_size=300))
def test_any_bytes_give_rows_or_problems_never_an_exception(data):
    """Arbitrary bytes never raise; every problem has a message, and a line only within the file."""
    result = read_enrolment_csv(data)
    # A lone CR ends a line too, as for the csv module and the editors that wrote such a file.
    lines = max(1, len(data.splitlines()) + data.endswith((b"\n", b"\r")))
    for problem in result.problems:
        assert isinstance(problem, Problem) and problem.message
        assert problem.line is None or 1 <= problem.line <= lines
    assert result.rows == () or result.problems or all(row.email for row in result.rows)
