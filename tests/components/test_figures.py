"""Figure builders are pure: inspect the figure, no streamlit needed."""

import polars as pl
import pytest

from components import figures


def test_projects_by_status_in_lifecycle_order_with_counts():
    by_status = pl.DataFrame({"status": ["completed", "active", "proposed", "on_hold", "cancelled"],
                              "projects": [4, 30, 6, 2, 1]})
    fig = figures.projects_by_status(by_status)
    bar = fig.data[0]
    assert list(bar.y) == ["proposed", "active", "on hold", "completed", "cancelled"]
    assert list(bar.x) == [6, 30, 2, 4, 1]
    assert fig.layout.title.text == "Projects by status"


def test_projects_by_health_colours_are_rag_and_zero_buckets_hidden():
    by_health = pl.DataFrame({"overall_rag": ["green", "amber", "red", "not assessed"],
                              "projects": [20, 5, 0, 3]})
    pie = figures.projects_by_health(by_health).data[0]
    assert list(pie.labels) == ["amber", "green", "not assessed"]
    assert list(pie.values) == [5, 20, 3]
    assert list(pie.marker.colors) == ["#f9a825", "#2e7d32", "#9e9e9e"]


def test_budget_by_department_has_three_series_with_escaped_labels():
    by_department = pl.DataFrame({
        "department": ["Finance", "<b>R&D</b>"], "bac": [1_000_000.0, 250_000.0],
        "ac": [400_000.0, 0.0], "eac": [1_100_000.0, None]})
    fig = figures.budget_by_department(by_department, "€")
    assert [t.name for t in fig.data] == ["Budget (BAC)", "Actual cost (AC)", "Forecast (EAC)"]
    assert list(fig.data[0].x) == ["Finance", "&lt;b&gt;R&amp;D&lt;/b&gt;"]
    assert list(fig.data[1].y) == [400_000.0, 0.0]
    assert list(fig.data[2].y) == [1_100_000.0, None]     # an unknown EAC is no bar, never 0
    assert list(fig.data[2].text) == ["€1.1M", "unknown"]
    assert fig.layout.barmode == "group"


@pytest.mark.parametrize("builder, frame", [
    (figures.projects_by_status, pl.DataFrame({"status": [], "projects": []}, schema={"status": pl.String, "projects": pl.Int64})),
    (figures.projects_by_health, pl.DataFrame({"overall_rag": [], "projects": []}, schema={"overall_rag": pl.String, "projects": pl.Int64})),
    (figures.budget_by_department, pl.DataFrame(schema={"department": pl.String, "bac": pl.Float64, "ac": pl.Float64, "eac": pl.Float64})),
])
def test_empty_inputs_give_empty_figures(builder, frame):
    fig = builder(frame)
    assert all(len(getattr(trace, "x", None) or getattr(trace, "values", None) or []) == 0 for trace in fig.data)
