"""Candidates of the prioritisation: horizon, cost per budget year, role demand and capacity,
mandatory reasons (hand-computed)."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from analytics.candidates import (candidates, costs_by_year, demand_by_role, horizon,
                                  role_capacity)
from data_access.queries import schemas as s
from test_analytics_factories import make_cost, make_progress, make_project

AS_OF = date(2026, 11, 25)
SPAN = horizon(AS_OF, 2)


def frame(rows: list[dict], schema: dict) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=schema)


def assignment(**kw) -> dict:
    return dict(project_id=1, person_id=1, role="Dev", month=date(2027, 1, 1), hours=10.0) | kw


def person(**kw) -> dict:
    return dict(id=1, name="Ann", role="Dev", team="T", department_id=1,
                monthly_capacity_hours=100.0) | kw


@pytest.mark.parametrize("as_of, years, expected", [
    (date(2026, 11, 25), 2, (date(2027, 1, 1), date(2029, 1, 1), (2027, 2028))),
    (date(2026, 1, 1), 1, (date(2027, 1, 1), date(2028, 1, 1), (2027,))),
    (date(2026, 12, 31), 3, (date(2027, 1, 1), date(2030, 1, 1), (2027, 2028, 2029))),
])
def test_horizon_is_the_budget_years_after_the_status_year(as_of, years, expected):
    span = horizon(as_of, years)
    assert (span.start, span.end, span.years) == expected
    assert span.months == 12 * years


def test_planned_costs_per_year_and_ideas_estimated_from_their_budget():
    projects = frame([
        make_project(id=1, code="A"),
        # an idea without a cost plan: BAC 1,200 over Nov 2026..Apr 2027 = 6 months -> 200 a month;
        # 2027 holds Jan..Apr = 4 months = 800 (Nov, Dec 2026 are before the horizon)
        make_project(id=2, code="B", status="proposed", bac=1200.0,
                     forecast_start=date(2026, 11, 10), forecast_end=date(2027, 4, 2)),
    ], s.PROJECTS)
    costs = frame([
        make_cost(project_id=1, month=date(2026, 12, 1), planned=999.0),   # before: not counted
        make_cost(project_id=1, month=date(2027, 3, 1), planned=100.0),
        make_cost(project_id=1, month=date(2027, 7, 1), planned=50.0),
        make_cost(project_id=1, month=date(2028, 2, 1), planned=30.0),
        make_cost(project_id=1, month=date(2029, 1, 1), planned=999.0),    # after: not counted
    ], s.COSTS)
    got = costs_by_year(projects, costs, SPAN).collect().sort("project_id", "year")
    assert got.rows() == [(1, 2027, 150.0, False), (1, 2028, 30.0, False),
                          (2, 2027, pytest.approx(800.0), True)]


def test_demand_per_role_and_capacity_over_the_horizon():
    assignments = frame([assignment(hours=10.0), assignment(month=date(2028, 12, 1), hours=5.0),
                         assignment(month=date(2026, 12, 1), hours=99.0),
                         assignment(role="QA", person_id=None, hours=7.0)], s.ASSIGNMENTS)
    assert sorted(demand_by_role(assignments, SPAN).collect().rows()) == [(1, "Dev", 15.0),
                                                                           (1, "QA", 7.0)]
    people = frame([person(), person(id=2, monthly_capacity_hours=50.0),
                    person(id=3, role="QA", monthly_capacity_hours=None)], s.PEOPLE)
    # Dev: (100 + 50) h a month x 24 months x 80 % = 2,880 h; QA: no capacity known = 0
    got = dict(role_capacity(people, SPAN, 80).collect().rows())
    assert got == {"Dev": pytest.approx(2880.0), "QA": 0.0}


def test_candidates_are_open_projects_with_cost_or_demand_and_their_mandatory_reason():
    projects = frame([
        make_project(id=1, code="A", status="active"),                    # 60 % done -> PONR
        make_project(id=2, code="B", status="proposed", mandatory=True),  # regulatory
        make_project(id=3, code="C", status="on_hold"),                   # 20 % done: free
        make_project(id=4, code="D", status="completed"),                 # not a candidate
        make_project(id=5, code="E", status="active"),                    # nothing in horizon
    ], s.PROJECTS)
    costs = frame([make_cost(project_id=p, month=date(2027, 1, 1), planned=10.0 * p)
                   for p in (1, 2, 3, 4)] + [make_cost(project_id=5, month=date(2026, 5, 1))],
                  s.COSTS)
    progress = frame([make_progress(project_id=1, as_of=date(2026, 10, 31), percent_complete=60.0),
                      make_progress(project_id=1, as_of=date(2026, 12, 31), percent_complete=90.0),
                      make_progress(project_id=3, as_of=date(2026, 10, 31), percent_complete=20.0)],
                     s.PROGRESS)
    assignments = frame([assignment(project_id=3, hours=4.0)], s.ASSIGNMENTS)
    got = candidates(projects, costs, progress, assignments, as_of=AS_OF, span=SPAN,
                     ponr_pct=50).collect()
    assert got["code"].to_list() == ["A", "B", "C"]
    assert got["cost"].to_list() == [10.0, 20.0, 30.0]
    assert got["hours"].to_list() == [0.0, 0.0, 4.0]
    assert got["mandatory_reason"].to_list() == [
        "In flight, 60% complete (point of no return 50%)", "Mandatory (regulatory)", None]
    off = candidates(projects, costs, progress, assignments, as_of=AS_OF, span=SPAN,
                     ponr_pct=None).collect()
    assert off["mandatory_reason"].to_list() == [None, "Mandatory (regulatory)", None]
