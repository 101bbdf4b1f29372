"""CSV for export, one line at a time and safe to open in a spreadsheet (no cell runs as a formula)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import date
from itertools import chain
from typing import Any

# A spreadsheet runs a text cell starting with one of these as a formula (OWASP "CSV injection"); a leading
# apostrophe makes it text. Numbers are written as numbers, so a negative figure is left alone.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def csv_cell(value: Any) -> Any:
    """One value as a CSV cell: formula-like text quoted, None empty, booleans yes/no, times in ISO 8601."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return value
    if isinstance(value, date):  # dates and datetimes
        return value.isoformat()
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_rows(rows: Iterable[Iterable[Any]]) -> Iterator[str]:
    """Each row as one CSV line, produced as the rows come (for a streamed response or a file)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate(0)


def csv_lines(header: Iterable[str], rows: Iterable[Iterable[Any]]) -> Iterator[str]:
    """A header line, then one CSV line per row."""
    return csv_rows(chain([header], rows))
