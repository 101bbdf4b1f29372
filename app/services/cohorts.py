"""Cohorts: create and edit an intake, list them with their sizes, add and remove the people in one.

Every change is written to the audit log with the administrator who made it. A member's role says what
they do in the cohort: students learn in it, instructors teach it. Administrators see every cohort already
and are never added to one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import case, delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.models import Cohort, CohortMember, User, utcnow
from app.services import audit


class CohortInvalid(ValueError):
    """A cohort's fields break a rule; `field` names the form field the message belongs to."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


class MembershipRefused(ValueError):
    """This person cannot be a member of a cohort (an administrator); the message says why."""


@dataclass(frozen=True)
class CohortSummary:
    """A cohort with how many students and instructors it has."""

    cohort: Cohort
    students: int
    instructors: int


def cohort_summaries(session: Session) -> list[CohortSummary]:
    """Every cohort, newest start first, with its numbers of students and instructors (one query)."""
    counted = (select(Cohort,
                      func.count(case((User.role == "student", 1))),
                      func.count(case((User.role == "instructor", 1))))
               .outerjoin(CohortMember, CohortMember.cohort_id == Cohort.id)
               .outerjoin(User, User.id == CohortMember.user_id)
               .group_by(Cohort.id)
               .order_by(Cohort.starts_on.desc(), Cohort.name))
    return [CohortSummary(cohort, students, instructors)
            for cohort, students, instructors in session.execute(counted)]


def cohort_members(session: Session, cohort: Cohort) -> list[User]:
    """The people in a cohort, by name (one query); their roles say who teaches and who learns."""
    return list(session.scalars(select(User).join(CohortMember, CohortMember.user_id == User.id)
                                .where(CohortMember.cohort_id == cohort.id).order_by(User.name, User.email)))


def _check(session: Session, name: str, starts_on: date, ends_on: date | None, cohort_id: int | None) -> None:
    """Raise CohortInvalid if the dates are reversed or another cohort has this name (in any case)."""
    if not name:
        raise CohortInvalid("name", "Give the cohort a name.")
    if ends_on is not None and ends_on < starts_on:
        raise CohortInvalid("ends_on", "The end date is before the start date.")
    clash = select(Cohort.name).where(func.lower(Cohort.name) == name.lower())
    if cohort_id is not None:
        clash = clash.where(Cohort.id != cohort_id)
    taken = session.scalars(clash).first()
    if taken is not None:
        # Differing only in case would make two cohorts nobody can tell apart in a CSV file or a list.
        raise CohortInvalid("name", f"A cohort called “{taken}” already exists: choose another name.")


def _flush_or_name_taken(session: Session, name: str) -> None:
    """Flush; two administrators creating one name at the same moment meet the unique constraint."""
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        raise CohortInvalid("name", f"A cohort called “{name}” already exists: choose another name.") from None


def create_cohort(session: Session, *, name: str, starts_on: date, ends_on: date | None, actor_id: int | None,
                  now: datetime | None = None) -> Cohort:
    """Create a cohort with a unique name and dates in order; CohortInvalid says what is wrong."""
    name = name.strip()
    _check(session, name, starts_on, ends_on, None)
    cohort = Cohort(name=name, starts_on=starts_on, ends_on=ends_on, created_at=now or utcnow())
    session.add(cohort)
    _flush_or_name_taken(session, name)
    audit.record(session, "cohort-create", f"cohort {name}", actor_id=actor_id, starts_on=starts_on.isoformat(),
                 ends_on=ends_on.isoformat() if ends_on else None)
    session.flush()
    return cohort


def edit_cohort(session: Session, cohort: Cohort, *, name: str, starts_on: date, ends_on: date | None,
                actor_id: int | None) -> bool:
    """Change a cohort's name and dates; False if nothing changed; CohortInvalid says what is wrong."""
    name = name.strip()
    _check(session, name, starts_on, ends_on, cohort.id)
    before = {"name": cohort.name, "starts_on": cohort.starts_on, "ends_on": cohort.ends_on}
    after = {"name": name, "starts_on": starts_on, "ends_on": ends_on}
    changes = {key: [_text(before[key]), _text(value)] for key, value in after.items() if before[key] != value}
    if not changes:
        return False
    cohort.name, cohort.starts_on, cohort.ends_on = name, starts_on, ends_on
    _flush_or_name_taken(session, name)
    audit.record(session, "cohort-edit", f"cohort {name}", actor_id=actor_id, changes=changes)
    session.flush()
    return True


def _text(value: str | date | None) -> str | None:
    return value.isoformat() if isinstance(value, date) else value


def add_member(session: Session, cohort: Cohort, user: User, *, actor_id: int | None,
               now: datetime | None = None) -> bool:
    """Put a student or an instructor in a cohort; False if they already are; MembershipRefused for an admin."""
    if user.role == "admin":
        raise MembershipRefused(f"{user.email} is an administrator: administrators see every cohort and are not "
                                "added to one.")
    present = select(CohortMember.id).where(CohortMember.cohort_id == cohort.id, CohortMember.user_id == user.id)
    if session.scalar(present) is not None:
        return False
    try:
        with session.begin_nested():
            session.add(CohortMember(cohort_id=cohort.id, user_id=user.id, added_at=now or utcnow()))
    except IntegrityError:
        return False  # added by someone else at the same moment
    audit.record(session, "cohort-add", f"cohort {cohort.name}", actor_id=actor_id, target=user, role=user.role)
    session.flush()
    return True


def remove_member(session: Session, cohort: Cohort, user: User, *, actor_id: int | None) -> bool:
    """Take someone out of a cohort (their account and records stay); False if they were not in it."""
    # One conditional DELETE: of two removals at the same moment, only one finds the row and records it.
    removed = session.execute(delete(CohortMember).where(CohortMember.cohort_id == cohort.id,
                                                         CohortMember.user_id == user.id))
    if removed.rowcount == 0:
        return False
    audit.record(session, "cohort-remove", f"cohort {cohort.name}", actor_id=actor_id, target=user, role=user.role)
    session.flush()
    return True
