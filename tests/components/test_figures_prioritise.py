"""Prioritisation figures: stacked contributions, the frontier with the scenario, capacity."""

from __future__ import annotations

import polars as pl

from components.figures_prioritise import capacity_figure, frontier_figure, score_bars


def table() -> pl.DataFrame:
    return pl.DataFrame({
        "code": ["P2", "P1"], "name": ["<b>Two</b>", "One"], "score": [60.0, 80.0],
        "selected": [False, True],
        "contrib_alignment": [30.0, 20.0], "contrib_financial": [10.0, 20.0],
        "contrib_risk": [5.0, 10.0], "contrib_urgency": [10.0, 15.0],
        "contrib_compliance": [5.0, 15.0]})


def test_score_bars_stack_the_five_criteria_best_first_and_escape_names():
    fig = score_bars(table())
    assert [t.name for t in fig.data] == ["Strategic alignment", "Financial value",
                                          "Risk (inverse)", "Urgency", "Compliance"]
    assert fig.layout.barmode == "stack"
    first = fig.data[0]
    assert list(first.customdata) == ["P1", "P2"]            # best score first
    assert list(first.x) == [20.0, 30.0]
    assert first.y[1] == "✗ P2 &lt;b&gt;Two&lt;/b&gt;"      # user text escaped, out marked
    assert list(first.marker.opacity) == [1.0, 0.35]
    assert sum(t.x[0] for t in fig.data) == 80.0


def test_frontier_marks_the_scenario_and_skips_infeasible_budgets():
    frontier = pl.DataFrame({"budget": [0.0, 100.0, 200.0], "total_value": [0.0, 50.0, 80.0],
                             "total_cost": [0.0, 90.0, 200.0], "selected_count": [0, 1, 2],
                             "status": ["infeasible", "optimal", "optimal"]})
    fig = frontier_figure(frontier, budget=150.0, total_score=50.0, total_cost=90.0)
    assert list(fig.data[0].x) == [100.0, 200.0] and list(fig.data[0].y) == [50.0, 80.0]
    assert list(fig.data[1].x) == [150.0] and list(fig.data[1].y) == [50.0]
    no_cap = frontier_figure(frontier, budget=None, total_score=80.0, total_cost=200.0)
    assert list(no_cap.data[1].x) == [200.0]


def test_capacity_figure_shows_available_needed_and_all():
    capacity = pl.DataFrame({"role": ["Dev", "QA"], "capacity_hours": [100.0, 50.0],
                             "demand_all": [150.0, 20.0], "demand_selected": [90.0, 20.0],
                             "demand_greedy": [80.0, 0.0]})
    fig = capacity_figure(capacity)
    assert [t.name for t in fig.data] == ["Available", "Needed by the selection",
                                          "Needed by every candidate"]
    assert list(fig.data[1].y) == [90.0, 20.0] and list(fig.data[2].y) == [150.0, 20.0]
