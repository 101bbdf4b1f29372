"""Forms of the statistics blueprint: the filters read from the address."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice

from app.services.item_statistics import WHICH, WHICH_LABELS

TABLES = {"questions": "Per question", "answers": "Answer frequencies", "quiz": "Quiz figures"}


class _QueryForm(FlaskForm):
    """Filters read from the address (GET): nothing changes, so no CSRF token, and bookmarks keep working."""

    class Meta:
        csrf = False


class CohortFilterForm(_QueryForm):
    """Which cohort's students to count (the choices are the cohorts this viewer may look at)."""

    cohort = SelectField("Cohort", choices=[SelectChoice("", "Every student you may see")], default="")

    def set_cohorts(self, cohorts) -> None:
        """Offer these cohorts besides "every student"."""
        self.cohort.choices = [SelectChoice("", "Every student you may see"),
                               *(SelectChoice(str(cohort.id), cohort.name) for cohort in cohorts)]

    @property
    def cohort_id(self) -> int | None:
        """The chosen cohort's id, or None for every visible student."""
        return int(self.cohort.data) if self.cohort.data else None


class QuizStatisticsForm(CohortFilterForm):
    """Which attempts and which cohort the item statistics describe."""

    attempts = SelectField("Attempts counted",
                           choices=[SelectChoice(value, WHICH_LABELS[value].capitalize()) for value in WHICH],
                           default="all")


class ExportForm(QuizStatisticsForm):
    """The statistics export: the same filters, and which table."""

    table = SelectField("Table", choices=[SelectChoice(value, label) for value, label in TABLES.items()],
                        default="questions")
