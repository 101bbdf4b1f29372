"""Charts: geometry from data, a summary sentence and a data table, drawn by the SVG macros."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from xml.etree import ElementTree

import pytest
from jinja2 import Environment, FileSystemLoader, select_autoescape

from app.charts import (
    ItemPoint,
    cumulative_completion,
    facility_discrimination,
    nice_ceiling,
    score_distribution,
)

TEMPLATES = Path(__file__).resolve().parents[1] / "app" / "templates"


def draw(chart) -> str:
    """The chart as the macro renders it."""
    environment = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))
    return environment.from_string(
        '{% from "_macros/charts.html" import chart_figure %}{{ chart_figure(chart) }}').render(chart=chart)


def assert_accessible_figure(html: str, chart) -> None:
    """Title, picture labelled by title and summary, the summary sentence, the data table; no inline style."""
    assert f'<figcaption id="{chart.id}-title" class="chart-title">' in html
    assert f'role="img" aria-labelledby="{chart.id}-title {chart.id}-summary"' in html
    assert f'<p id="{chart.id}-summary" class="chart-summary">' in html
    assert "<details" in html and "<caption>" in html and '<th scope="col">' in html
    assert len(re.findall(r'<th scope="row">', html)) == len(chart.table.rows)
    assert "style=" not in html
    # The SVG is well-formed XML.
    svg = re.search(r"<svg.*?</svg>", html, re.S).group(0)
    ElementTree.fromstring(svg)


@pytest.mark.parametrize(("value", "expected"), [(0, 1), (1, 1), (3, 5), (7, 10), (12, 20), (24, 25), (260, 500)])
def test_axis_tops_are_round_numbers(value, expected):
    assert nice_ceiling(value) == expected


def test_the_score_distribution_has_one_bar_per_band_scaled_to_the_counts():
    counts = [0, 1, 0, 2, 5, 3, 0, 4, 1, 1]
    chart = score_distribution("scores", counts)
    assert chart.marks == 10
    heights = [bar.height for bar in chart.bars]
    assert heights[4] == max(heights) and heights[0] == 0
    assert heights[3] == pytest.approx(2 * heights[1])
    assert chart.summary == ("17 attempts; the most common band is 40–50% (5 attempts), and 9 of 17 scored "
                             "50% or more.")
    assert chart.table.rows[4] == ("40–50%", "5")
    html = draw(chart)
    assert_accessible_figure(html, chart)
    assert html.count('<rect class="chart-bar"') == 10
    assert "<title>40–50%: 5</title>" in html


def test_an_empty_distribution_says_so():
    chart = score_distribution("scores", [0] * 10)
    assert chart.summary == "No finished attempts yet, so every band is empty."
    assert all(bar.height == 0 for bar in chart.bars)


def test_the_scatter_places_each_question_labels_it_and_marks_flags_by_shape():
    points = [ItemPoint("q1", 50.0, 40.0), ItemPoint("q2", 98.0, 10.0, ("too easy",)),
              ItemPoint("q3", 30.0, -35.0, ("negative discrimination: check the key",)),
              ItemPoint("q4", 100.0, None)]
    chart = facility_discrimination("items", points)
    assert chart.marks == 3
    first, second, third = chart.markers
    assert third.x < first.x < second.x  # placed along facility
    assert third.y > first.y  # negative discrimination sits lower
    assert (first.kind, second.kind, third.kind) == ("ok", "flagged", "flagged")
    assert first.path.count("a") == 2 and second.path.count("L") == 2  # circle versus triangle
    assert [zone.label for zone in chart.zones] == ["too hard", "too easy", "weak discrimination",
                                                    "negative: check the key"]
    # The axis reaches down far enough for the negative question.
    assert chart.y_ticks[0].label == "-40%"
    assert chart.summary == "3 questions plotted; 2 flagged (q2, q3); 1 not plotted for want of figures (q4)."
    assert chart.table.rows[3] == ("q4", "100.0%", "—", "none")
    html = draw(chart)
    assert_accessible_figure(html, chart)
    assert html.count('class="chart-marker chart-marker-') == 3
    assert ">q2 ⚠</text>" in html and ">q1</text>" in html
    assert 'fill="url(#items-hatch)"' in html


def test_cumulative_completion_steps_up_each_day():
    per_day = [(date(2025, 3, 3), 2), (date(2025, 3, 4), 0), (date(2025, 3, 7), 3)]
    chart = cumulative_completion("done", per_day)
    assert chart.marks == 3
    assert [row[2] for row in chart.table.rows] == ["2", "2", "5"]
    ys = [marker.y for marker in chart.markers]
    assert ys[0] == ys[1] > ys[2]
    assert chart.line.startswith("M") and chart.line.count("H") == 2
    assert chart.summary == ("5 lessons completed between 3 Mar 2025 and 7 Mar 2025; the most in one day was 3, "
                             "on 7 Mar 2025.")
    html = draw(chart)
    assert_accessible_figure(html, chart)
    assert html.count('class="chart-marker chart-marker-ok"') == 3


def test_completion_with_one_day_or_none():
    one = cumulative_completion("done", [(date(2025, 3, 3), 4)])
    assert one.markers[0].x == pytest.approx(one.plot.left + one.plot.width / 2)
    empty = cumulative_completion("done", [])
    assert empty.summary == "No lesson has been completed yet." and empty.marks == 0
    assert "No data." in draw(empty)


def test_chart_text_is_escaped():
    chart = score_distribution("scores", [1] * 10, title="<script>alert(1)</script>")
    html = draw(chart)
    assert "<script>" not in html and "&lt;script&gt;" in html
