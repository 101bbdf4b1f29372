"""Charts as geometry: data in, positioned shapes, ticks, a one-sentence summary and a data table out.

Pure Python (no Flask): templates/_macros/charts.html draws the result as server-rendered SVG. Every
chart carries its title, a summary computed from the data and the data as a table, so it reads without
the picture; marks differ by shape and label as well as colour.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

WIDTH, HEIGHT = 640, 340
# Room for tick labels on the left and below, and for labels beside the top of the plot.
LEFT, RIGHT, TOP, BOTTOM = 56, 24, 20, 56


@dataclass(frozen=True)
class Tick:
    """A labelled position along an axis, in SVG coordinates."""

    position: float
    label: str
    anchor: str = "middle"  # SVG text-anchor: a label at an end of the axis stays inside the picture


@dataclass(frozen=True)
class DataTable:
    """The chart's data: a caption, column headings, and rows whose first cell names the row."""

    caption: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Plot:
    """The plotting area inside the SVG."""

    left: float = LEFT
    top: float = TOP
    right: float = WIDTH - RIGHT
    bottom: float = HEIGHT - BOTTOM

    @property
    def width(self) -> float:
        """Horizontal extent."""
        return self.right - self.left

    @property
    def height(self) -> float:
        """Vertical extent."""
        return self.bottom - self.top


@dataclass(frozen=True)
class Bar:
    """One bar: its rectangle, its category and its value (drawn above it as text)."""

    x: float
    y: float
    width: float
    height: float
    category: str
    value: int
    text_x: float
    text_y: float


@dataclass(frozen=True)
class Zone:
    """A labelled region of a scatter plot where a flag applies."""

    x: float
    y: float
    width: float
    height: float
    label: str
    label_x: float
    label_y: float


@dataclass(frozen=True)
class Marker:
    """One data point: where it is, its shape (as an SVG path), its label and what it says."""

    x: float
    y: float
    path: str
    kind: str  # "ok" or "flagged": a CSS class and a shape, never colour alone
    label: str
    label_x: float
    label_y: float
    description: str
    label_anchor: str = "start"


@dataclass(frozen=True)
class Chart:
    """A chart ready to draw: title, summary, axes and marks, and the data table."""

    id: str
    kind: str  # "bar", "scatter" or "step"
    title: str
    summary: str
    table: DataTable
    x_label: str
    y_label: str
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]
    bars: tuple[Bar, ...] = ()
    zones: tuple[Zone, ...] = ()
    markers: tuple[Marker, ...] = ()
    line: str = ""  # an SVG path through the markers (step chart)
    plot: Plot = Plot()
    width: int = WIDTH
    height: int = HEIGHT

    @property
    def marks(self) -> int:
        """How many data marks the chart draws (bars or markers)."""
        return len(self.bars) + len(self.markers)


def nice_ceiling(value: float) -> float:
    """Round a positive maximum up to 1, 2, 2.5 or 5 times a power of ten, so ticks read well."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power


def count_ticks(maximum: float, plot: Plot, steps: int = 5) -> tuple[float, tuple[Tick, ...]]:
    """The axis top and the y ticks for counts from 0 to maximum (whole numbers only)."""
    top = max(1, math.ceil(nice_ceiling(maximum)))
    step = max(1, math.ceil(top / steps))
    top = step * math.ceil(top / step)
    ticks = tuple(Tick(plot.bottom - plot.height * value / top, str(value)) for value in range(0, top + 1, step))
    return top, ticks


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def score_distribution(chart_id: str, counts: Sequence[int], title: str = "Score distribution") -> Chart:
    """A bar chart of attempts per 10% band of score (counts[0] is 0-10%, the last includes 100%)."""
    plot = Plot()
    bands = len(counts)
    width = 100 / bands
    categories = [f"{round(i * width)}–{round((i + 1) * width)}%" for i in range(bands)]
    top, y_ticks = count_ticks(max(counts, default=0), plot)
    slot = plot.width / bands
    bars = []
    for index, (category, value) in enumerate(zip(categories, counts, strict=True)):
        height = plot.height * value / top
        x = plot.left + index * slot + slot * 0.1
        bars.append(Bar(x, plot.bottom - height, slot * 0.8, height, category, value,
                        x + slot * 0.4, plot.bottom - height - 4))
    x_ticks = tuple(Tick(plot.left + (i + 0.5) * slot, category) for i, category in enumerate(categories))
    total = sum(counts)
    if total:
        busiest = max(range(bands), key=lambda i: counts[i])
        passing = sum(counts[bands // 2:])
        summary = (f"{_plural(total, 'attempt')}; the most common band is {categories[busiest]} "
                   f"({_plural(counts[busiest], 'attempt')}), and {passing} of {total} scored 50% or more.")
    else:
        summary = "No finished attempts yet, so every band is empty."
    table = DataTable(title, ("Score band", "Attempts"),
                      tuple((category, str(value)) for category, value in zip(categories, counts, strict=True)))
    return Chart(chart_id, "bar", title, summary, table, "Score (percent of the maximum)", "Attempts",
                 x_ticks, y_ticks, bars=tuple(bars), plot=plot)


@dataclass(frozen=True)
class ItemPoint:
    """A question to place: its label, facility and discrimination index (percent) and its flags in words."""

    label: str
    facility: float | None
    discrimination: float | None
    flags: tuple[str, ...] = ()


# Where Moodle's rules of thumb flag a question (percent): facility below 20 or above 95, discrimination below 20.
HARD, EASY, WEAK = 20.0, 95.0, 20.0


def _shape(kind: str, x: float, y: float, size: float = 6) -> str:
    """An SVG path: a circle for a question without flags, a triangle for a flagged one."""
    if kind == "flagged":
        return f"M{x:.1f},{y - size:.1f} L{x + size:.1f},{y + size * 0.8:.1f} L{x - size:.1f},{y + size * 0.8:.1f} Z"
    r = size * 0.8
    return f"M{x - r:.1f},{y:.1f} a{r:.1f},{r:.1f} 0 1,0 {2 * r:.1f},0 a{r:.1f},{r:.1f} 0 1,0 {-2 * r:.1f},0 Z"


def facility_discrimination(chart_id: str, points: Sequence[ItemPoint],
                            title: str = "Facility against discrimination") -> Chart:
    """A scatter of questions by facility (x, 0-100%) and discrimination index (y), with the flag zones."""
    plot = Plot(left=LEFT, right=WIDTH - RIGHT)
    placed = [p for p in points if p.facility is not None and p.discrimination is not None]
    low = min([-20.0, *(math.floor(p.discrimination / 20) * 20 for p in placed)])

    def x_of(value: float) -> float:
        return plot.left + plot.width * min(max(value, 0.0), 100.0) / 100

    def y_of(value: float) -> float:
        return plot.bottom - plot.height * (min(value, 100.0) - low) / (100 - low)

    zones = (
        Zone(x_of(0), y_of(100), x_of(HARD) - x_of(0), plot.height, "too hard", x_of(0) + 4, y_of(100) + 14),
        Zone(x_of(EASY), y_of(100), x_of(100) - x_of(EASY), plot.height, "too easy", x_of(EASY) - 4, y_of(100) + 14),
        Zone(x_of(0), y_of(WEAK), plot.width, y_of(0) - y_of(WEAK), "weak discrimination", x_of(HARD) + 4,
             y_of(0) - 4),
        Zone(x_of(0), y_of(0), plot.width, y_of(low) - y_of(0), "negative: check the key", x_of(HARD) + 4,
             y_of(low) - 4),
    )
    markers = []
    for point in placed:
        x, y = x_of(point.facility), y_of(point.discrimination)
        kind = "flagged" if point.flags else "ok"
        # Labels go right of the marker, or left of it near the right edge so they are not cut off.
        right_side = x < plot.left + plot.width * 0.8
        markers.append(Marker(x, y, _shape(kind, x, y), kind, point.label, x + 8 if right_side else x - 8, y - 6,
                              f"{point.label}: facility {point.facility:.0f}%, discrimination "
                              f"{point.discrimination:.0f}%" + (f"; {'; '.join(point.flags)}" if point.flags else ""),
                              "start" if right_side else "end"))
    x_ticks = tuple(Tick(x_of(v), f"{v}%") for v in range(0, 101, 20))
    y_ticks = tuple(Tick(y_of(v), f"{v}%") for v in range(int(low), 101, 20))
    flagged = [p.label for p in placed if p.flags]
    unplaced = [p.label for p in points if p not in placed]
    if placed:
        summary = (f"{_plural(len(placed), 'question')} plotted; "
                   + (f"{len(flagged)} flagged ({', '.join(flagged)})" if flagged else "none flagged")
                   + (f"; {len(unplaced)} not plotted for want of figures ({', '.join(unplaced)})" if unplaced else "")
                   + ".")
    else:
        summary = "No question has both a facility and a discrimination index yet, so nothing is plotted."

    def cell(value: float | None) -> str:
        return "—" if value is None else f"{value:.1f}%"

    table = DataTable(title, ("Question", "Facility", "Discrimination index", "Flags"),
                      tuple((p.label, cell(p.facility), cell(p.discrimination), "; ".join(p.flags) or "none")
                            for p in points))
    return Chart(chart_id, "scatter", title, summary, table, "Facility index (% of the maximum mark)",
                 "Discrimination index (%)", x_ticks, y_ticks, zones=zones, markers=tuple(markers), plot=plot)


def _day(value: date) -> str:
    return f"{value.day} {value:%b %Y}"


def cumulative_completion(chart_id: str, per_day: Sequence[tuple[date, int]],
                          title: str = "Lesson completion over time") -> Chart:
    """A step chart of lessons completed so far, from completions per day (in date order)."""
    plot = Plot()
    days = [day for day, _ in per_day]
    running, totals = 0, []
    for _, count in per_day:
        running += count
        totals.append(running)
    top, y_ticks = count_ticks(running, plot)
    if days:
        first, span = days[0], max(1, (days[-1] - days[0]).days)
    else:
        first, span = date.min, 1

    def x_of(day: date) -> float:
        # A single day sits in the middle of the axis.
        offset = (day - first).days / span if len(days) > 1 else 0.5
        return plot.left + plot.width * offset

    def y_of(value: int) -> float:
        return plot.bottom - plot.height * value / top

    markers, segments = [], []
    for index, (day, total) in enumerate(zip(days, totals, strict=True)):
        x, y = x_of(day), y_of(total)
        if index == 0:
            segments.append(f"M{x:.1f},{plot.bottom:.1f} L{x:.1f},{y:.1f}")
        else:
            segments.append(f"H{x:.1f} V{y:.1f}")
        markers.append(Marker(x, y, _shape("ok", x, y, 5), "ok", "", x, y,
                              f"{_day(day)}: {per_day[index][1]} completed, {total} in all"))
    if days:
        chosen = sorted({0, len(days) - 1, *(round(i * (len(days) - 1) / 4) for i in range(5))})
        x_ticks = tuple(Tick(x_of(days[i]), _day(days[i]),
                             "end" if x_of(days[i]) > plot.right - 40 else "start" if x_of(days[i]) < plot.left + 40
                             else "middle") for i in chosen)
        busiest = max(range(len(per_day)), key=lambda i: per_day[i][1])
        summary = (f"{_plural(running, 'lesson')} completed between {_day(days[0])} and {_day(days[-1])}; "
                   f"the most in one day was {per_day[busiest][1]}, on {_day(per_day[busiest][0])}.")
    else:
        x_ticks = ()
        summary = "No lesson has been completed yet."
    table = DataTable(title, ("Day", "Completed that day", "Completed so far"),
                      tuple((_day(day), str(count), str(total))
                            for (day, count), total in zip(per_day, totals, strict=True)))
    return Chart(chart_id, "step", title, summary, table, "Day", "Lessons completed so far", x_ticks, y_ticks,
                 markers=tuple(markers), line=" ".join(segments), plot=plot)
