"""Pure helpers of the trend blocks: which grain a user sees, value and delta texts, the figure."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from components.trend_view import delta_text, grain_of, trend_figure, value_text


@pytest.mark.parametrize(("grains", "expected"), [
    (["portfolio", "department", "project"], "portfolio"),   # unscoped executive / PMO
    (["department", "project"], "department"),               # scoped to departments
    (["project"], "project"),                                 # a manager
    ([], "project"),
])
def test_grain_of(grains, expected):
    assert grain_of(pl.DataFrame({"grain": grains}, schema={"grain": pl.String})) == expected


@pytest.mark.parametrize(("metric", "value", "text"), [
    ("eac", 1_234_567.0, "€1.2M"), ("cpi", 0.9123, "0.91"), ("percent_complete", 47.6, "48%"),
    ("red_projects", 3, "3"), ("cpi", None, "—"),
])
def test_value_text(metric, value, text):
    assert value_text(metric, value, "€") == text


@pytest.mark.parametrize(("metric", "delta", "text"), [
    ("eac", -250_000.0, "-€250.0k"), ("eac", 250_000.0, "+€250.0k"), ("cpi", 0.05, "+0.05"),
    ("cpi", -0.05, "-0.05"), ("red_projects", 0, "+0"), ("cpi", None, None),
])
def test_delta_text(metric, delta, text):
    assert delta_text(metric, delta, "€") == text


def test_trend_figure_one_line_per_key_with_escaped_names():
    points = pl.DataFrame({
        "as_of": [date(2026, 10, 1), date(2026, 11, 1), date(2026, 10, 1)],
        "grain": ["department"] * 3, "key": ["FIN", "FIN", "IT"],
        "name": ["<b>Finance</b>", "<b>Finance</b>", "IT"], "value": [0.8, 0.9, 1.1]})
    fig = trend_figure(points, "cpi", title="CPI over the snapshots")
    assert [t.name for t in fig.data] == ["&lt;b&gt;Finance&lt;/b&gt;", "IT"]
    assert list(fig.data[0].y) == [0.8, 0.9]
    assert fig.layout.yaxis.title.text == "CPI"
