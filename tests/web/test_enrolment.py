"""Enrolment from CSV, in the browser and with `flask users import`: the preview lists every row and every
problem with its line; nothing is enrolled unless every row is good; the enrolment is one transaction; a
second run finds everyone existing; the links are shown once; the preview's queries do not grow with rows."""

from __future__ import annotations

import html
import io
import re
from datetime import date

import pytest
from sqlalchemy import func, insert, select

from app.cohorts import routes as cohort_routes
from app.cohorts.commands import users_import
from app.extensions import db
from app.models import AuditEvent, Cohort, CohortMember, PasswordReset, User
from app.services.enrolment import MAX_BYTES, MAX_ROWS
from app.services.password_resets import pending_reset
from tests.conftest import csrf_token

ENROL = "/admin/cohorts/enrol"
CONFIRM = f"{ENROL}/confirm"
HEADER = "name,email,role,cohort\n"
HIDDEN_TEXT = re.compile(r'<input id="csv_text" name="csv_text" type="hidden" value="([^"]*)">')
LINK = re.compile(r"/auth/reset/([A-Za-z0-9_-]+)")

GOOD = (HEADER
        + "Ann Lee,ann@example.org,student,Spring 2026\n"
        + "Bo Ng,bo@example.org,student,Spring 2026\n"
        + "Cy Old,old@example.org,student,Spring 2026\n"
        + "Di Free,di@example.org,student,\n"
        + "Tess Teacher,tess@example.org,instructor,Spring 2026\n")


@pytest.fixture()
def admin(make_user, auth):
    """A signed-in administrator."""
    user = make_user("admin", email="admin@example.org", name="Ada Admin")
    assert auth.login("admin@example.org").status_code == 302
    return user


@pytest.fixture()
def spring(app) -> Cohort:
    """The cohort the files name."""
    cohort = Cohort(name="Spring 2026", starts_on=date(2026, 3, 2))
    db.session.add(cohort)
    db.session.commit()
    return cohort


@pytest.fixture()
def old_student(make_user, spring) -> User:
    """A student who exists already, and is in Spring 2026 already."""
    user = make_user("student", email="old@example.org", name="Cy Old")
    db.session.add(CohortMember(cohort_id=spring.id, user_id=user.id))
    db.session.commit()
    return user


def upload(client, data: bytes | str, filename: str = "people.csv"):
    """Post a file to the preview step."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    return client.post(ENROL, content_type="multipart/form-data",
                       data={"csrf_token": csrf_token(client, ENROL), "file": (io.BytesIO(data), filename)})


def paste(client, text: str):
    """Post pasted text to the preview step."""
    return client.post(ENROL, content_type="multipart/form-data",
                       data={"csrf_token": csrf_token(client, ENROL), "text": text})


def carried_text(page: str) -> str:
    """The CSV text the preview carries to the confirm step, as the browser would send it back."""
    match = HIDDEN_TEXT.search(page)
    assert match, "the preview has no confirm form"
    return html.unescape(match.group(1))


def confirm(client, text: str):
    """Post the confirm step with the given text."""
    return client.post(CONFIRM, data={"csrf_token": csrf_token(client, ENROL), "csv_text": text})


def state() -> tuple[int, int, int, int]:
    """How many accounts, memberships, audit events and reset links there are now."""
    db.session.expire_all()
    return tuple(db.session.scalar(select(func.count()).select_from(model))
                 for model in (User, CohortMember, AuditEvent, PasswordReset))


def members(cohort: Cohort) -> set[str]:
    """The emails of a cohort's members now."""
    return set(db.session.scalars(select(User.email).join(CohortMember, CohortMember.user_id == User.id)
                                  .where(CohortMember.cohort_id == cohort.id)))


def preview_rows(page: str) -> list[tuple[str, str]]:
    """(line, what will happen) for each row of the preview table."""
    rows = re.findall(r'<th scope="row">(\d+)</th>.*?<td>(?:<strong class="outcome-wrong">✗ Problem:</strong>|'
                      r'<span class="outcome-right">✓</span>) ([^<]*)</td>', page, flags=re.S)
    return [(line, html.unescape(text)) for line, text in rows]


# --------------------------------------------------------------------------- the good path


def test_preview_lists_every_row_and_changes_nothing(client, admin, spring, old_student):
    before = state()
    response = upload(client, GOOD)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert preview_rows(page) == [
        ("2", "create a student account; add to cohort “Spring 2026”"),
        ("3", "create a student account; add to cohort “Spring 2026”"),
        ("4", "account already exists; already in cohort “Spring 2026”"),
        ("5", "create a student account"),
        ("6", "create an instructor account; add to cohort “Spring 2026”"),
    ]
    assert "All 5 rows are good" in page and "4 new accounts, 1 existing, 3 cohort additions" in page
    assert carried_text(page) == GOOD
    assert state() == before


def test_enrol_creates_everything_in_one_go_and_shows_each_link_once(client, admin, spring, old_student):
    before = state()
    page = confirm(client, carried_text(upload(client, GOOD).get_data(as_text=True))).get_data(as_text=True)
    assert "4 accounts created, 1 already existed; 3 added to a cohort, 1 already in theirs." in page
    users, memberships, _, resets = state()
    assert (users, memberships, resets) == (before[0] + 4, before[1] + 3, before[3] + 4)
    assert members(spring) == {"ann@example.org", "bo@example.org", "old@example.org", "tess@example.org"}
    created = {user.email: user for user in db.session.scalars(select(User).where(User.id != admin.id,
                                                                                   User.id != old_student.id))}
    assert {email: (user.name, user.role) for email, user in created.items()} == {
        "ann@example.org": ("Ann Lee", "student"), "bo@example.org": ("Bo Ng", "student"),
        "di@example.org": ("Di Free", "student"), "tess@example.org": ("Tess Teacher", "instructor")}
    # Nobody can sign in with any password until they use their link.
    assert not any(user.check_password("") or user.check_password(user.password_hash) for user in created.values())
    # One link per new account, each for its own account, each shown once with the full address.
    tokens = set(LINK.findall(page))
    assert len(tokens) == 4 and "http://parley.test/auth/reset/" in page
    assert {db.session.get(User, pending_reset(db.session, token).user_id).email for token in tokens} == set(created)
    # The audit log: one enrol event with the counts, and each created account.
    enrol = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "enrol")).one()
    assert enrol.actor_id == admin.id
    assert {key: enrol.details[key] for key in ("rows", "created", "existing", "added", "already_in")} == {
        "rows": 5, "created": 4, "existing": 1, "added": 3, "already_in": 1}
    assert enrol.details["cohorts"] == ["Spring 2026"]
    account_events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "account-create")).all()
    assert {event.target_user_id for event in account_events} == {user.id for user in created.values()}
    assert all(event.actor_id == admin.id for event in account_events)


def test_the_summary_says_who_was_created_existed_and_joined_which_cohort(client, admin, spring, old_student):
    page = confirm(client, GOOD).get_data(as_text=True)
    created, rest = page.split('id="existing-heading"')
    existing, cohorts = rest.split('id="cohort-heading-1"')
    assert "Created (4)" in created and all(name in created for name in ("Ann Lee", "Bo Ng", "Di Free", "Tess"))
    assert "Already existed (1)" in existing and "Cy Old" in existing and "Ann Lee" not in existing
    added, already = cohorts.split('id="cohort-heading-2"')
    assert "Added to a cohort (3)" in added and "Cy Old" not in added and "Spring 2026" in added
    assert "Already in the cohort (1)" in already and "Cy Old" in already


def test_uploading_again_reports_everyone_existing_and_a_second_enrol_creates_nothing(client, admin, spring):
    first = confirm(client, GOOD)
    assert first.status_code == 200
    after_first = state()
    page = upload(client, GOOD).get_data(as_text=True)
    assert {outcome for _, outcome in preview_rows(page)} == {
        "account already exists; already in cohort “Spring 2026”", "account already exists"}
    # A double submit of the confirm form: re-checked on the server, it creates no duplicate.
    again = confirm(client, GOOD).get_data(as_text=True)
    assert "0 accounts created, 5 already existed; 0 added to a cohort, 4 already in theirs." in again
    assert not LINK.search(again)
    users, memberships, _, resets = state()
    assert (users, memberships, resets) == (after_first[0], after_first[1], after_first[3])


def test_utf8_bom_pasted_text_and_semicolons_are_accepted(client, admin, spring):
    page = upload(client, b"\xef\xbb\xbf" + "name;email;role;cohort\nJosé Ñu;jose@example.org;student;\n"
                  .encode()).get_data(as_text=True)
    assert preview_rows(page) == [("2", "create a student account")]
    assert carried_text(page).startswith("name;email")
    page = paste(client, "email,name,role\r\nzoe@example.org,Zoë,student\r\n").get_data(as_text=True)
    assert preview_rows(page) == [("2", "create a student account")]
    confirm(client, carried_text(page))
    assert db.session.scalars(select(User.name).where(User.email == "zoe@example.org")).one() == "Zoë"


def test_existing_account_keeps_its_name_and_a_deactivated_one_says_so(client, admin, make_user):
    user = make_user("student", email="kept@example.org", name="Kept Name")
    user.active = False
    db.session.commit()
    page = upload(client, HEADER + "Other Name,KEPT@example.org,student,\n").get_data(as_text=True)
    assert preview_rows(page) == [("2", "account already exists (deactivated) under the name “Kept Name” (kept)")]
    confirm(client, carried_text(page))
    db.session.expire_all()
    assert (user.name, user.active) == ("Kept Name", False)


def test_links_download_as_csv(client, admin, spring):
    page = confirm(client, HEADER + "=Evil,evil@example.org,student,\nAnn,ann@example.org,student,\n"
                   ).get_data(as_text=True)
    links_csv = html.unescape(re.search(r'name="links_csv" type="hidden" value="([^"]*)"', page).group(1))
    response = client.post(f"{ENROL}/links.csv", data={"csrf_token": csrf_token(client, ENROL),
                                                       "links_csv": links_csv})
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    body = response.get_data(as_text=True)
    lines = body.lstrip("\ufeff").splitlines()
    assert lines[0] == "name,email,link"
    assert lines[1].startswith("'=Evil,evil@example.org,http://parley.test/auth/reset/")
    assert lines[2].startswith("Ann,ann@example.org,http://parley.test/auth/reset/")
    bad = client.post(f"{ENROL}/links.csv", data={"csrf_token": csrf_token(client, ENROL), "links_csv": "a,b\n"})
    assert bad.status_code == 400


# --------------------------------------------------------------------------- bad input changes nothing


def many_rows(count: int) -> str:
    """A header and `count` good rows."""
    return HEADER + "".join(f"P{index},p{index}@example.org,student,\n" for index in range(count))


BAD_FILES = [
    pytest.param(b"Ann,ann@example.org,student,\n", ["line 1: this looks like a row of data, not the header"],
                 id="missing header"),
    pytest.param(b"name,email,cohort\nAnn,ann@example.org,\n", ["line 1: the header has no column role"],
                 id="missing column"),
    pytest.param((HEADER + "Ann,ann@example.org,student,\nJosé,jose@example.org,student,\n").encode("cp1252"),
                 ["The file is not UTF-8 text", "on line 3", "0xE9", "CSV UTF-8"], id="not utf-8"),
    pytest.param((HEADER + "Ann,ann@example.org,student,\n").encode("utf-16"), ["UTF-16", "CSV UTF-8"],
                 id="utf-16"),
    pytest.param(HEADER + "Ann,ann@example.org,student,\nBad,bad@,student,\n",
                 ["line 3: “bad@” is not an email address."], id="bad email"),
    pytest.param(HEADER + "Ann,ann@example.org,student,\n ,empty@example.org,student,\n",
                 ["line 3: the name is empty."], id="empty name"),
    pytest.param(HEADER + "Ann,ann@example.org,teacher,\n",
                 ["line 2: unknown role “teacher”: use student, instructor or admin."], id="unknown role"),
    pytest.param(HEADER + "Ann,ann@example.org,student,Spring 2026\nBo,bo@example.org,student,Autumn\n",
                 ["line 3: no cohort is called “Autumn”: create the cohort first"], id="unknown cohort"),
    pytest.param(HEADER + "Ann,ann@example.org,student,spring 2026\n",
                 ["line 2: no cohort is called “spring 2026” (did you mean “Spring 2026”?"], id="cohort case"),
    pytest.param(HEADER + "Ann,ann@example.org,student,\nBo,bo@example.org,student,\nAnn B,Ann@Example.org,student,\n",
                 ["line 2: the email ann@example.org is on lines 2 and 4", "line 4: the email ann@example.org is on "
                  "lines 2 and 4"], id="duplicate email"),
    pytest.param(HEADER + "Tess,tess@example.org,student,\n",
                 ["line 2: an account with the email tess@example.org already exists as an instructor, but this row "
                  "says student. Enrolment does not change roles"], id="role differs"),
    pytest.param(HEADER + "Ann,ann@example.org,admin,Spring 2026\n",
                 ["line 2: administrators see every cohort and are not members of one"], id="admin in cohort"),
    pytest.param(many_rows(MAX_ROWS + 1), [f"The file has more than {MAX_ROWS} rows"], id="too many rows"),
    pytest.param(HEADER.encode() + b"x" * MAX_BYTES, ["at most 512 KB"], id="too big"),
    pytest.param(HEADER, ["header but no rows"], id="no rows"),
]


@pytest.mark.parametrize(("data", "expected"), BAD_FILES)
def test_bad_file_gives_line_and_reason_and_enrols_nothing(client, admin, spring, make_user, data, expected):
    make_user("instructor", email="tess@example.org", name="Tess")
    before = state()
    response = upload(client, data)
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 200
    for text in expected:
        assert text in page
    assert "Nothing can be enrolled" in page and "Fix the file and upload it again" in page
    assert CONFIRM not in page and not HIDDEN_TEXT.search(page)  # no confirm button
    assert state() == before
    # Posting the text straight to the confirm step is checked again, and refused the same way (the confirm
    # step carries text: bytes that are not UTF-8 cannot reach it).
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
    except UnicodeDecodeError:
        return
    if text:
        page = html.unescape(confirm(client, text).get_data(as_text=True))
        assert "Nothing was enrolled" in page
        assert state() == before


def test_every_bad_row_is_listed_at_once(client, admin, spring):
    page = html.unescape(upload(client, HEADER + "Ann,ann@example.org,student,\n,x@example.org,student,\n"
                                + "Bo,bo@,student,\nCy,cy@example.org,boss,\nDi,di@example.org,student,Nope\n"
                                ).get_data(as_text=True))
    assert "4 problems in this file" in page
    rows = preview_rows(page)
    assert [line for line, _ in rows] == ["2", "3", "4", "5", "6"]
    assert rows[0] == ("2", "create a student account")
    assert [outcome.split(":")[0] for _, outcome in rows[1:]] == [
        "the name is empty.", "“bo@” is not an email address.", "unknown role “boss”",
        "no cohort is called “Nope”"]


def test_a_row_made_bad_after_the_preview_is_caught_at_enrol(client, admin, spring, make_user):
    page = upload(client, HEADER + "Ann,ann@example.org,student,\nBo,bo@example.org,student,\n").get_data(as_text=True)
    make_user("instructor", email="bo@example.org")  # meanwhile, bo@ became an instructor's account
    before = state()
    page = html.unescape(confirm(client, carried_text(page)).get_data(as_text=True))
    assert "Nothing was enrolled" in page and "line 3: an account with the email bo@example.org already exists" in page
    assert state() == before


def test_a_clash_at_the_same_moment_rolls_everything_back(client, admin, spring, monkeypatch):
    """Another enrolment creating one of the accounts between the check and the insert: the unique
    constraint refuses it, nothing of this enrolment stays, and the page says what happened."""
    real_plan = cohort_routes.plan_enrolment
    calls = []

    def plan_then_race(session, file):
        plan = real_plan(session, file)
        calls.append(plan)
        if len(calls) == 1:
            session.execute(insert(User).values(email="bo@example.org", name="Bo", role="student",
                                                password_hash="!x", active=True, session_token="t"))
        return plan

    monkeypatch.setattr(cohort_routes, "plan_enrolment", plan_then_race)
    before = state()
    page = confirm(client, HEADER + "Ann,ann@example.org,student,Spring 2026\nBo,bo@example.org,student,\n"
                   ).get_data(as_text=True)
    assert "another enrolment added some of these people at the same moment" in page
    assert len(calls) == 2
    assert state() == before


def test_empty_submission_asks_for_a_file(client, admin):
    page = client.post(ENROL, content_type="multipart/form-data",
                       data={"csrf_token": csrf_token(client, ENROL), "text": "  "}).get_data(as_text=True)
    assert "Choose a CSV file, or paste its text below." in page


def test_file_beyond_the_request_limit_is_413(app, client, admin):
    assert upload(client, b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1)).status_code == 413


# --------------------------------------------------------------------------- bounded queries


def test_preview_queries_do_not_grow_with_the_rows(client, admin, spring, make_user, count_queries):
    """Accounts, cohorts and memberships are looked up with IN queries, not one per row."""
    autumn = Cohort(name="Autumn", starts_on=date(2026, 9, 1))
    db.session.add(autumn)
    db.session.commit()
    existing = [make_user("student", email=f"e{index}@example.org") for index in range(4)]
    db.session.add(CohortMember(cohort_id=spring.id, user_id=existing[0].id))
    db.session.commit()

    def statements(rows: int) -> int:
        lines = [f"E{index},e{index}@example.org,student,{'Spring 2026' if index % 2 else 'Autumn'}"
                 for index in range(min(rows, 4))]
        lines += [f"N{index},n{index}@example.org,student,{'Spring 2026' if index % 2 else 'Autumn'}"
                  for index in range(rows - len(lines))]
        data = HEADER + "\n".join(lines) + "\n"
        with count_queries() as recorded:
            page = upload(client, data).get_data(as_text=True)
        assert f"All {rows} rows are good" in page
        return len(recorded)

    assert statements(3) == statements(40) == statements(400)


# --------------------------------------------------------------------------- the command line


def write(tmp_path, data: bytes | str):
    """A CSV file on disk."""
    path = tmp_path / "people.csv"
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return str(path)


def test_cli_bad_rows_go_to_stderr_and_change_nothing(runner, spring, tmp_path):
    before = state()
    result = runner.invoke(users_import, [write(tmp_path, HEADER + "Ann,ann@example.org,student,\n"
                                                + "Bo,bo@,student,\nCy,cy@example.org,student,Nope\n")])
    assert result.exit_code == 1
    assert "line 2: ann@example.org (Ann, student): create a student account" in result.stdout
    assert result.stderr.splitlines()[:2] == [
        "line 3: “bo@” is not an email address.",
        "line 4: no cohort is called “Nope”: create the cohort first, or correct the name."]
    assert "2 problems: nothing was enrolled" in result.stderr
    assert state() == before


def test_cli_dry_run_only_previews(runner, spring, tmp_path):
    before = state()
    result = runner.invoke(users_import, [write(tmp_path, GOOD), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "line 6: tess@example.org (Tess Teacher, instructor): create an instructor account" in result.stdout
    assert "Dry run: nothing was enrolled." in result.stdout
    assert state() == before


def test_cli_enrols_prints_links_once_and_a_second_run_finds_everyone(runner, spring, old_student, tmp_path):
    path = write(tmp_path, GOOD)
    result = runner.invoke(users_import, [path])
    assert result.exit_code == 0, result.output
    # SERVER_NAME is configured in the tests: the links are full addresses, as `flask users reset-password` prints.
    tokens = re.findall(r"set-password link: http://parley.test/auth/reset/([A-Za-z0-9_-]+)$", result.stdout,
                        flags=re.M)
    assert len(tokens) == 4
    assert all(pending_reset(db.session, token) for token in tokens)
    assert "exists:  student    old@example.org (Cy Old)" in result.stdout
    assert "added:   ann@example.org to cohort Spring 2026" in result.stdout
    assert "4 created, 1 already existed, 3 added to a cohort, 1 already in it." in result.stdout
    enrol = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "enrol")).one()
    assert enrol.actor_id is None and enrol.details["created"] == 4
    after = state()
    again = runner.invoke(users_import, [path])
    assert again.exit_code == 0
    assert "0 created, 5 already existed, 0 added to a cohort, 4 already in it." in again.stdout
    assert "/auth/reset/" not in again.stdout
    assert state()[:2] == after[:2]


def test_cli_without_server_name_prints_paths(make_app, spring, tmp_path):
    other = make_app(SERVER_NAME=None)
    result = other.test_cli_runner().invoke(users_import, [write(tmp_path, HEADER + "Ann,ann@example.org,student,\n")])
    assert result.exit_code == 0, result.output
    assert re.search(r"set-password link: /auth/reset/[A-Za-z0-9_-]+$", result.stdout, flags=re.M)
    assert "put the site's address in front of each" in result.stdout


def test_cli_reads_standard_input_and_refuses_a_latin1_file(runner, spring):
    result = runner.invoke(users_import, ["-"], input=(HEADER + "René,rene@example.org,student,\n").encode("latin-1"))
    assert result.exit_code == 1
    assert "not UTF-8" in result.stderr and "CSV UTF-8" in result.stderr
