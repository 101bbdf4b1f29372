"""Forms of the reports blueprint: the filters of the matrix, of the help list and of the exports.

They are GET forms: a filtered report is a page anyone may bookmark or share, and filtering changes
nothing, so they carry no CSRF token.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import NumberRange, Optional, ValidationError

from app.models import Cohort

SORT_CHOICES = [
    SelectChoice("name", "Name, A to Z"),
    SelectChoice("-name", "Name, Z to A"),
    SelectChoice("progress", "Least progress first"),
    SelectChoice("-progress", "Most progress first"),
    SelectChoice("last_active", "Longest inactive first"),
    SelectChoice("-last_active", "Most recently active first"),
]


def _cohort_id(value):
    """The chosen cohort's id, or None for every cohort; anything else is refused as an invalid choice."""
    return None if value in (None, "", "None") else int(value)


class CohortFilterForm(FlaskForm):
    """Which cohort a report covers; the choices are set from the viewer's cohorts."""

    class Meta:
        csrf = False

    cohort = SelectField("Cohort", coerce=_cohort_id, default=None)

    def offer(self, cohorts: list[Cohort]) -> CohortFilterForm:
        """Offer these cohorts (and "all") as the choices."""
        self.cohort.choices = [SelectChoice("", "All students I may see"),
                               *(SelectChoice(cohort.id, cohort.name) for cohort in cohorts)]
        return self

    def filters(self) -> dict:
        """The chosen filters as URL arguments, for links that keep them (exports, pages, sorting)."""
        return {name: str(field.raw_data[0]) for name, field in self._fields.items()
                if field.raw_data and field.raw_data[0] not in ("", None)}


class MatrixFilterForm(CohortFilterForm):
    """The progress matrix's filters: cohort, active between two dates, and the order of the students."""

    active_from = DateField("Active on or after", validators=[Optional()],
                            description="Only students who opened a lesson or worked on a quiz from this day on.")
    active_to = DateField("Active on or before", validators=[Optional()],
                          description="Only students active up to this day (inclusive).")
    sort = SelectField("Order", choices=SORT_CHOICES, default="name")

    def matrix_options(self) -> dict:
        """The validated choices, as the matrix and its exports take them."""
        return {"cohort_id": self.cohort.data, "active_from": self.active_from.data,
                "active_to": self.active_to.data, "sort": self.sort.data}

    def validate_active_to(self, field) -> None:
        """The range must not end before it starts."""
        if field.data and self.active_from.data and field.data < self.active_from.data:
            raise ValidationError("The end date must be on or after the start date.")


class HelpFilterForm(CohortFilterForm):
    """Who needs help: how long without activity, and how many failed attempts, count as a sign."""

    inactive_days = IntegerField("Inactive for at least (days)", default=14,
                                 validators=[Optional(), NumberRange(min=1, max=365, message="From 1 to 365 days.")])
    failed_attempts = IntegerField("Failed attempts at one quiz, at least", default=3,
                                   validators=[Optional(), NumberRange(min=1, max=100, message="From 1 to 100.")])


class ExportFilterForm(CohortFilterForm):
    """The filters of the attempts and responses exports: a cohort, and one quiz (or all)."""

    quiz = SelectField("Quiz", default="")

    def offer_quizzes(self, keys: list[str]) -> ExportFilterForm:
        """Offer these quiz ids (and "all")."""
        self.quiz.choices = [SelectChoice("", "All quizzes"), *(SelectChoice(key, key) for key in keys)]
        return self
