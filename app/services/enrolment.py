"""Enrolment from a CSV file (name, email, role, cohort): read and check it, plan it, then apply it in one go.

Three steps, so the browser and `flask users import` share every rule:
- read_enrolment_csv(data) is pure: bytes in, rows and the problems that need no database out;
- plan_enrolment(session, file) looks every account, cohort and membership up (a fixed number of IN
  queries, whatever the number of rows) and says what would happen to each row, or why it cannot;
- apply_enrolment(session, plan, actor) refuses a plan with any problem, and otherwise creates the
  accounts, adds the memberships and writes the audit log, flushing only: the caller commits once.
Nothing is enrolled unless every row is good, and a second run of the same file finds everyone existing.
"""

from __future__ import annotations

import csv
import io
import re
import secrets
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import ROLES, Cohort, CohortMember, User, utcnow
from app.services import audit
from app.services.password_resets import IssuedReset, issue_resets

# What one upload may hold. The byte cap keeps the confirm step's hidden copy of the text, percent-encoded,
# inside MAX_CONTENT_LENGTH (2 MB), and equals MAX_FORM_MEMORY_SIZE, which bounds the pasted-text field.
MAX_BYTES = 512 * 1024
MAX_ROWS = 5000
COLUMNS = ("name", "email", "role", "cohort")
REQUIRED_COLUMNS = ("name", "email", "role")
HEADER = ",".join(COLUMNS)
NAME_MAX = 120  # User.name and Cohort.name
EMAIL_MAX = 254  # User.email
# The shape registration accepts (app/auth/forms.py): one "@" with something on both sides, a dot in the domain.
EMAIL_SHAPE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
UTF8_BOM = b"\xef\xbb\xbf"
SAVE_AS_UTF8 = ('save it as "CSV UTF-8" (Excel: File › Save As › "CSV UTF-8 (Comma delimited)"; LibreOffice: '
                'Save As › Text CSV, character set "Unicode (UTF-8)") and upload it again')
ROLE_LIST = "student, instructor or admin"
# Werkzeug's check_password_hash answers False for a hash without "$" (no method to run), so no password
# opens the account until its owner sets one with the link; and no second of hashing per row.
# A marker no real hash starts with (not a password).
UNUSABLE_PASSWORD_PREFIX = "!"  # nosec B105


@dataclass(frozen=True)
class Problem:
    """Why the file cannot be enrolled: at one line (the header is line 1), or about the whole file (line None)."""

    line: int | None
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line is not None else self.message


@dataclass(frozen=True)
class CsvRow:
    """One data row as the file gives it, trimmed; the email and the role in lower case, a blank cohort None."""

    line: int
    name: str
    email: str
    role: str
    cohort: str | None


@dataclass(frozen=True)
class EnrolmentFile:
    """A CSV file read without the database: its text (carried to the confirm step), its rows, its problems."""

    text: str
    rows: tuple[CsvRow, ...]
    problems: tuple[Problem, ...]


@dataclass(frozen=True)
class PlannedRow:
    """What enrolling one row would do: create an account or find it, add it to a cohort or find it there."""

    row: CsvRow
    account: User | None
    cohort: Cohort | None
    joins_cohort: bool
    problems: tuple[str, ...]

    @property
    def creates_account(self) -> bool:
        """Whether no account has this row's email yet."""
        return self.account is None

    @property
    def outcome(self) -> str:
        """What will happen to this row, in words, or why it cannot be enrolled."""
        if self.problems:
            return " ".join(self.problems)
        if self.account is None:
            words = [f"create {_a(self.row.role)} account"]
        else:
            words = ["account already exists" + (" (deactivated)" if not self.account.active else "")]
            if self.account.name != self.row.name:
                words[0] += f" under the name “{self.account.name}” (kept)"
        if self.row.cohort is not None:
            words.append(f"add to cohort “{self.row.cohort}”" if self.joins_cohort
                         else f"already in cohort “{self.row.cohort}”")
        return "; ".join(words)


@dataclass(frozen=True)
class EnrolmentPlan:
    """Every row of a file with what enrolling it would do, and every problem (file-wide first, then by line)."""

    text: str
    rows: tuple[PlannedRow, ...]
    problems: tuple[Problem, ...]

    @property
    def ready(self) -> bool:
        """Whether the file can be enrolled: it has rows and no problem at all."""
        return bool(self.rows) and not self.problems

    @property
    def creating(self) -> int:
        """How many accounts enrolling would create."""
        return sum(planned.creates_account for planned in self.rows if not planned.problems)

    @property
    def joining(self) -> int:
        """How many memberships enrolling would add."""
        return sum(planned.joins_cohort for planned in self.rows if not planned.problems)


@dataclass(frozen=True)
class CreatedAccount:
    """An account enrolment created, and the one-time link its owner sets a password with (shown once)."""

    user: User
    reset: IssuedReset


@dataclass(frozen=True)
class EnrolmentSummary:
    """Who was created, who already existed, who was added to which cohort and who already was in it."""

    created: tuple[CreatedAccount, ...]
    existing: tuple[User, ...]
    added: tuple[tuple[User, Cohort], ...]
    already_in: tuple[tuple[User, Cohort], ...]

    def counts(self) -> dict[str, int]:
        """The number of each, as the audit log records them."""
        return {"created": len(self.created), "existing": len(self.existing), "added": len(self.added),
                "already_in": len(self.already_in)}


class EnrolmentRefused(ValueError):
    """The plan has problems (or no rows): nothing may be enrolled."""

    def __init__(self, problems: tuple[Problem, ...]):
        super().__init__("; ".join(str(problem) for problem in problems) or "the file has no rows")
        self.problems = problems


# --------------------------------------------------------------------------- reading the file (pure)


def read_enrolment_csv(data: bytes, *, max_bytes: int = MAX_BYTES, max_rows: int = MAX_ROWS) -> EnrolmentFile:
    """Read a CSV file with the header name,email,role,cohort (any order; cohort may be left out or blank).

    Returns its rows and every problem found without the database: size, encoding, header, and each row's
    name, email and role, and emails given twice. A problem that stops the reading (a file too large, not
    UTF-8, without its header) comes alone, with no rows.
    """
    if len(data) > max_bytes:
        return _unreadable(f"The file is {_size(len(data))}; at most {_size(max_bytes)} and {max_rows} rows are "
                           "accepted. Split it into smaller files.")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _unreadable(f"The file is UTF-16 text, not UTF-8: {SAVE_AS_UTF8}.")
    if data.startswith(UTF8_BOM):
        data = data[len(UTF8_BOM):]  # Excel's "CSV UTF-8" starts with a byte-order mark
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return _unreadable(_not_utf8(data, exc))
    if "\x00" in text:
        lines = [number for number, line in enumerate(text.split("\n"), start=1) if "\x00" in line]
        return _unreadable(f"The file holds NUL characters ({_on_lines(lines)}): it is probably UTF-16 text, "
                           f"not UTF-8. To fix it, {SAVE_AS_UTF8}.")
    if not text.strip():
        return _unreadable(f"The file is empty. Its first line must be the header {HEADER}.")
    return _read_rows(text, max_rows)


def _read_rows(text: str, max_rows: int) -> EnrolmentFile:
    """Read the header, then every row, collecting problems; the text is valid UTF-8 without NUL."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        header_line, header = _next_record(reader)
        if header is None:
            return _unreadable(f"The file is empty. Its first line must be the header {HEADER}.", text)
        columns, problem = _read_header(header)
        if problem is not None:
            return _unreadable(problem, text, line=header_line)
        rows: list[CsvRow] = []
        problems: list[Problem] = []
        while True:
            line, record = _next_record(reader)
            if record is None:
                break
            if len(rows) == max_rows:
                problems.append(Problem(None, f"The file has more than {max_rows} rows. "
                                              f"Split it into files of at most {max_rows} rows."))
                break
            row, row_problems = _read_row(line, record, columns)
            rows.append(row)
            problems.extend(Problem(line, message) for message in row_problems)
    except csv.Error as exc:
        return _unreadable(f"cannot be read as CSV ({exc}); look for a stray double quote.", text,
                           line=reader.line_num)
    if not rows and not problems:
        problems.append(Problem(None, "The file has its header but no rows: add one line per person under it."))
    problems.extend(_duplicate_emails(rows))
    return EnrolmentFile(text, tuple(rows), tuple(sorted(problems, key=_problem_order)))


def _next_record(reader) -> tuple[int, list[str] | None]:
    """The next record that is not blank, and the line it starts on; (line, None) at the end of the file."""
    while True:
        line = reader.line_num + 1
        record = next(reader, None)
        if record is None:
            return line, None
        # Blank lines, and the ",,," rows a spreadsheet leaves under the data, are not rows.
        if any(cell.strip() for cell in record):
            return line, record


def _delimiter(text: str) -> str:
    """A comma, or the semicolon or tab some spreadsheets write when the header line clearly uses one."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    if "," not in first:
        for other in (";", "\t"):
            if other in first:
                return other
    return ","


def _read_header(header: list[str]) -> tuple[dict[str, int], str | None]:
    """The column of each known name, or the problem with the header line."""
    names = [cell.strip().lower() for cell in header]
    while names and not names[-1]:
        names.pop()  # trailing empty cells a spreadsheet adds
    columns: dict[str, int] = {}
    for index, name in enumerate(names):
        if name in columns:
            return {}, f"the column “{name}” appears twice in the header."
        columns[name] = index
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing and any("@" in cell for cell in header):
        return {}, (f"this looks like a row of data, not the header: the first line must be the header "
                    f"{HEADER} (in any order). Add it above the first row.")
    unknown = [name for name in columns if name not in COLUMNS]
    if missing or unknown:
        parts = []
        if missing:
            parts.append(f"the header has no column {_and(missing)}")
        if unknown:
            parts.append(f"unknown column{'s' if len(unknown) > 1 else ''} "
                         f"{_and([f'“{name}”' if name else '(one without a name)' for name in unknown])}")
        return {}, f"{'; '.join(parts)}. The header must be {HEADER} (in any order; cohort may be left out)."
    return columns, None


def _read_row(line: int, record: list[str], columns: dict[str, int]) -> tuple[CsvRow, list[str]]:
    """One data row and what is wrong with it, as far as the file alone can tell."""
    width = max(columns.values()) + 1
    extra = [cell for cell in record[width:] if cell.strip()]
    cells = {name: record[index].strip() if index < len(record) else "" for name, index in columns.items()}
    email, role = cells["email"].lower(), cells["role"].lower()
    row = CsvRow(line, cells["name"], email, role, cells.get("cohort") or None)
    if extra:
        # The values are shifted: what sits in each column says nothing more.
        return row, [f"this row has {len(record)} values but the header has {width} columns "
                     "(a value with a comma in it must be in double quotes)."]
    problems: list[str] = []
    for label, value in (("name", row.name), ("email", row.email), ("cohort", row.cohort or "")):
        if CONTROL_CHARACTERS.search(value):
            problems.append(f"the {label} holds a line break or control character "
                            "(is a double quote missing its partner?).")
    if not row.name:
        problems.append("the name is empty.")
    elif len(row.name) > NAME_MAX:
        problems.append(f"the name is longer than {NAME_MAX} characters.")
    if not row.email:
        problems.append("the email is empty.")
    elif len(row.email) > EMAIL_MAX or not EMAIL_SHAPE.fullmatch(row.email):
        problems.append(f"“{cells['email']}” is not an email address.")
    if not row.role:
        problems.append(f"the role is empty: use {ROLE_LIST}.")
    elif row.role not in ROLES:
        problems.append(f"unknown role “{cells['role']}”: use {ROLE_LIST}.")
    elif row.role == "admin" and row.cohort is not None:
        problems.append("administrators see every cohort and are not members of one: leave the cohort empty.")
    if row.cohort is not None and len(row.cohort) > NAME_MAX:
        problems.append(f"the cohort's name is longer than {NAME_MAX} characters.")
    return row, problems


def _duplicate_emails(rows: list[CsvRow]) -> list[Problem]:
    """A problem on every line of an email given more than once, naming all its lines."""
    lines: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        if row.email:
            lines[row.email].append(row.line)
    problems = []
    for email, found in lines.items():
        if len(found) > 1:
            message = (f"the email {email} is on lines {_and([str(line) for line in found])}: each person "
                       "may appear once (to put someone in a second cohort, add them on that cohort's page).")
            problems.extend(Problem(line, message) for line in found)
    return problems


def _not_utf8(data: bytes, exc: UnicodeDecodeError) -> str:
    """Say which lines are not UTF-8, which byte, what the file probably is, and how to fix it."""
    bad_lines = []
    for number, raw in enumerate(data.split(b"\n"), start=1):
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            bad_lines.append(number)
    line = data[:exc.start].count(b"\n") + 1
    return (f"The file is not UTF-8 text: it holds bytes that are not UTF-8 ({_on_lines(bad_lines or [line])}; "
            f"the first is 0x{data[exc.start]:02X} on line {line}). It was probably saved as Windows-1252 or "
            f"Latin-1, as Excel's plain \"CSV (Comma delimited)\" does. To fix it, {SAVE_AS_UTF8}.")


def _on_lines(numbers: list[int], shown: int = 10) -> str:
    """ "on line 3", "on lines 3 and 7", "on lines 1, 2, ... and 5 more"."""
    listed = _and([str(number) for number in numbers[:shown]])
    if len(numbers) > shown:
        listed = f"{', '.join(str(number) for number in numbers[:shown])} and {len(numbers) - shown} more"
    return f"on line{'s' if len(numbers) > 1 else ''} {listed}"


def _unreadable(message: str, text: str = "", *, line: int | None = None) -> EnrolmentFile:
    return EnrolmentFile(text, (), (Problem(line, message),))


def _problem_order(problem: Problem) -> tuple[int, int]:
    return (0, 0) if problem.line is None else (1, problem.line)


def _size(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{-(-size // 1024)} KB"


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


# --------------------------------------------------------------------------- planning against the database


def plan_enrolment(session: Session, file: EnrolmentFile) -> EnrolmentPlan:
    """What enrolling each row would do, with the problems only the database shows (a role that differs from
    the existing account's, an unknown cohort); three queries whatever the number of rows."""
    emails = sorted({row.email for row in file.rows if row.email})
    accounts = {user.email.lower(): user for user in session.scalars(
        select(User).where(func.lower(User.email).in_(emails)))} if emails else {}
    names = sorted({row.cohort.lower() for row in file.rows if row.cohort})
    found = session.scalars(select(Cohort).where(func.lower(Cohort.name).in_(names))).all() if names else []
    cohorts = {cohort.name: cohort for cohort in found}
    by_lower: dict[str, list[Cohort]] = defaultdict(list)
    for cohort in found:
        by_lower[cohort.name.lower()].append(cohort)
    memberships: set[tuple[int, int]] = set()
    if accounts and cohorts:
        memberships = {(user_id, cohort_id) for user_id, cohort_id in session.execute(
            select(CohortMember.user_id, CohortMember.cohort_id).where(
                CohortMember.user_id.in_([user.id for user in accounts.values()]),
                CohortMember.cohort_id.in_([cohort.id for cohort in cohorts.values()])))}

    file_problems: dict[int | None, list[str]] = defaultdict(list)
    for problem in file.problems:
        file_problems[problem.line].append(problem.message)
    planned: list[PlannedRow] = []
    problems = list(file.problems)
    for row in file.rows:
        found_here: list[str] = []
        account = accounts.get(row.email)
        cohort = cohorts.get(row.cohort) if row.cohort else None
        if account is not None and account.role != row.role and row.role in ROLES:
            found_here.append(
                f"an account with the email {row.email} already exists as {_a(account.role)}, but this row says "
                f"{row.role}. Enrolment does not change roles: change the role on the person's page first, "
                "or correct the row.")
        if row.cohort and cohort is None:
            found_here.append(_unknown_cohort(row.cohort, by_lower.get(row.cohort.lower(), [])))
        joins = cohort is not None and (account is None or (account.id, cohort.id) not in memberships)
        planned.append(PlannedRow(row, account, cohort, joins, (*file_problems.get(row.line, []), *found_here)))
        problems.extend(Problem(row.line, message) for message in found_here)
    return EnrolmentPlan(file.text, tuple(planned), tuple(sorted(problems, key=_problem_order)))


def _unknown_cohort(name: str, near: list[Cohort]) -> str:
    hint = f" (did you mean “{near[0].name}”? Names must match exactly)" if len(near) == 1 else ""
    return f"no cohort is called “{name}”{hint}: create the cohort first, or correct the name."


def _a(role: str) -> str:
    return f"an {role}" if role[0] in "aeiou" else f"a {role}"


# --------------------------------------------------------------------------- applying a plan


def unusable_password_hash() -> str:
    """A stored password hash that no password matches (distinct per account, so none looks like another)."""
    return UNUSABLE_PASSWORD_PREFIX + secrets.token_hex(16)


def apply_enrolment(session: Session, plan: EnrolmentPlan, actor: User | None, *,
                    now: datetime | None = None) -> EnrolmentSummary:
    """Create the plan's accounts (each with a one-time set-password link) and memberships, and audit it all.

    Refuses a plan with any problem. Only flushes: the caller commits, so it is all or nothing. Two runs of
    one file at the same moment meet the unique constraints on emails and memberships: the second flush
    raises IntegrityError, and the caller rolls back and plans again (then everyone already exists).
    """
    if not plan.ready:
        raise EnrolmentRefused(plan.problems)
    now = now or utcnow()
    actor_id = actor.id if actor is not None else None
    new_users: dict[str, User] = {}
    for planned in plan.rows:
        if planned.creates_account:
            row = planned.row
            new_users[row.email] = User(email=row.email, name=row.name, role=row.role, created_at=now,
                                        password_hash=unusable_password_hash())
    session.add_all(new_users.values())
    session.flush()  # one batched INSERT; the new ids are needed for the memberships below

    added: list[tuple[User, Cohort]] = []
    already_in: list[tuple[User, Cohort]] = []
    for planned in plan.rows:
        if planned.cohort is None:
            continue
        user = planned.account or new_users[planned.row.email]
        (added if planned.joins_cohort else already_in).append((user, planned.cohort))
    session.add_all(CohortMember(cohort_id=cohort.id, user_id=user.id, added_at=now) for user, cohort in added)

    for user in new_users.values():
        audit.record(session, "account-create", f"account {user.email}", actor_id=actor_id, target=user,
                     role=user.role, source="enrolment")
    session.flush()
    links = _issue_links(session, list(new_users.values()), actor, now)
    created = tuple(CreatedAccount(user, link) for user, link in zip(new_users.values(), links, strict=True))
    summary = EnrolmentSummary(created, tuple(planned.account for planned in plan.rows if planned.account),
                               tuple(added), tuple(already_in))
    audit.record(session, "enrol", f"enrolment of {len(plan.rows)} row{'s' if len(plan.rows) != 1 else ''}",
                 actor_id=actor_id, rows=len(plan.rows), **summary.counts(),
                 cohorts=sorted({cohort.name for _, cohort in added}))
    session.flush()
    return summary


def _issue_links(session: Session, users: list[User], actor: User | None, now: datetime) -> list[IssuedReset]:
    """A one-time set-password link for each new account (audited as "reset-issue" by password_resets)."""
    return issue_resets(session, users, issued_by=actor, now=now)
