"""Milestone slip and stage gates coming due or overdue."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from analytics.milestones import gates_due, overdue_gates, slip_days, worst_slip

from test_analytics_factories import make_milestone, make_project, milestones, projects

AS_OF = date(2026, 6, 1)
PROJECTS = projects(make_project(id=1, code="P001", name="One"),
                    make_project(id=2, code="P002", name="Two", status="completed"),
                    make_project(id=3, code="P003", name="Three", status="proposed"))


@pytest.mark.parametrize("baseline, forecast, actual, expected", [
    (date(2026, 1, 1), date(2026, 2, 22), None, 52),
    (date(2026, 1, 1), date(2026, 1, 1), None, 0),
    (date(2026, 3, 1), date(2026, 2, 27), None, -2),
    (date(2026, 1, 1), date(2026, 3, 1), date(2026, 1, 11), 10),  # actual replaces forecast
    (date(2024, 2, 28), date(2024, 3, 1), None, 2),                 # leap day counted
])
def test_slip_days(baseline, forecast, actual, expected):
    df = milestones(make_milestone(baseline_date=baseline, forecast_date=forecast,
                                   actual_date=actual)).select(slip_days())
    assert df.item() == expected


def gate(id_: int, offset: int, **kw) -> dict:
    """A gate of project 1 forecast ``offset`` days after AS_OF."""
    return make_milestone(id=id_, name=f"G{id_}", kind="gate", baseline_date=AS_OF,
                          forecast_date=AS_OF + timedelta(days=offset), **kw)


@pytest.mark.parametrize("offset, due, overdue", [
    (-1, None, 1),   # yesterday: overdue by 1 day, not due
    (0, 0, None),    # today: due, day 0
    (1, 1, None),
    (30, 30, None),  # last day of the window
    (31, None, None),  # just outside
])
def test_gate_window_edges(offset, due, overdue):
    ms = milestones(gate(1, offset))
    got_due = gates_due(ms, PROJECTS, AS_OF, 30).collect()["days_until_due"].to_list()
    got_over = overdue_gates(ms, PROJECTS, AS_OF).collect()["days_overdue"].to_list()
    assert got_due == ([] if due is None else [due])
    assert got_over == ([] if overdue is None else [overdue])


@pytest.mark.parametrize("row, listed", [
    (gate(1, 5), True),
    (gate(1, 5, actual_date=AS_OF), False),                  # already passed
    (gate(1, 5) | {"kind": "milestone", "gate_type": None}, False),  # not a gate
    (gate(1, 5, project_id=2), False),                       # project completed
    (gate(1, 5, project_id=3), True),                        # proposed projects have gates ahead
    (gate(1, 5, project_id=99), False),                      # project not in scope
])
def test_which_gates_are_listed(row, listed):
    assert gates_due(milestones(row), PROJECTS, AS_OF).collect().height == int(listed)


def test_gates_due_columns_and_order():
    ms = milestones(gate(1, 20), gate(2, 3), gate(3, 3, project_id=3))
    df = gates_due(ms, PROJECTS, AS_OF).collect()
    assert df.select("gate", "project_code", "project_name", "days_until_due").rows() == [
        ("G2", "P001", "One", 3), ("G3", "P003", "Three", 3), ("G1", "P001", "One", 20)]
    assert df["slip_days"].to_list() == [3, 3, 20]  # forecast vs a baseline of AS_OF


def test_overdue_gates_most_overdue_first():
    ms = milestones(gate(1, -2), gate(2, -40), gate(3, 0))
    df = overdue_gates(ms, PROJECTS, AS_OF).collect()
    assert df.select("gate", "days_overdue").rows() == [("G2", 40), ("G1", 2)]


def test_negative_window_is_refused():
    with pytest.raises(ValueError, match="days must be >= 0"):
        gates_due(milestones(), PROJECTS, AS_OF, -1)


def test_worst_slip_ties_break_on_earliest_baseline():
    ms = milestones(
        make_milestone(id=1, name="Late", baseline_date=date(2026, 3, 1),
                       forecast_date=date(2026, 3, 11)),
        make_milestone(id=2, name="Earlier", baseline_date=date(2026, 2, 1),
                       forecast_date=date(2026, 2, 11)),
        make_milestone(id=3, name="Other project", project_id=2, baseline_date=date(2026, 2, 1),
                       forecast_date=date(2026, 1, 1)),
    )
    got = worst_slip(ms).collect().sort("project_id").rows()
    assert got == [(1, 2, "Earlier", "milestone", 10), (2, 1, "Other project", "milestone", -31)]
