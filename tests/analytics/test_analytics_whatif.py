"""What-if scenarios: shifting a project's assignments, capping a role (hand-computed)."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from analytics.capacity import capacity_by_role
from analytics.whatif import Scenario, apply_scenario, cap_role, cell_people, shift_project
from data_access.queries import schemas as s

from test_analytics_factories import frame

NOV, DEC, JAN, FEB, MAR = (date(2025, 11, 1), date(2025, 12, 1), date(2026, 1, 1),
                           date(2026, 2, 1), date(2026, 3, 1))


def assignment(**overrides) -> dict:
    return dict(project_id=1, person_id=1, role="Developer", month=JAN, hours=10.0) | overrides


def person(**overrides) -> dict:
    return dict(id=1, name="Ann", role="Developer", team="Alpha", department_id=1,
                monthly_capacity_hours=100.0) | overrides


ASSIGNMENTS = frame(s.ASSIGNMENTS, [
    assignment(project_id=1, month=DEC, hours=10.0),
    assignment(project_id=1, month=JAN, hours=20.0),
    assignment(project_id=2, month=JAN, hours=5.0),
])
PEOPLE = frame(s.PEOPLE, [
    person(id=1, role="Developer", monthly_capacity_hours=100.0),
    person(id=2, name="Bob", role="Developer", monthly_capacity_hours=60.0),
    person(id=3, name="Cy", role="Tester", monthly_capacity_hours=80.0),
    person(id=4, name="Di", role="Developer", monthly_capacity_hours=None),
])


def months_of(frame_: pl.LazyFrame) -> list[tuple[int, date, float]]:
    return sorted(frame_.collect().select("project_id", "month", "hours").iter_rows())


@pytest.mark.parametrize(("months", "expected"), [
    # project 1: Dec 2025 -> +2 = Feb 2026, Jan 2026 -> +2 = Mar 2026; project 2 untouched
    (2, [(1, FEB, 10.0), (1, MAR, 20.0), (2, JAN, 5.0)]),
    # -1: Dec 2025 -> Nov 2025 (across the year), Jan 2026 -> Dec 2025
    (-1, [(1, NOV, 10.0), (1, DEC, 20.0), (2, JAN, 5.0)]),
    # 12: a year later, same month
    (12, [(1, date(2026, 12, 1), 10.0), (1, date(2027, 1, 1), 20.0), (2, JAN, 5.0)]),
    (0, [(1, DEC, 10.0), (1, JAN, 20.0), (2, JAN, 5.0)]),
])
def test_shift_project_moves_only_that_project(months, expected):
    assert months_of(shift_project(ASSIGNMENTS, 1, months)) == expected


def test_shift_of_a_project_without_assignments_changes_nothing():
    assert months_of(shift_project(ASSIGNMENTS, 99, 3)) == months_of(ASSIGNMENTS.lazy())


@pytest.mark.parametrize(("project_id", "months", "message"), [
    (1, 1.5, "months must be a whole number"),
    (1, True, "months must be a whole number"),
    ("1", 2, "project_id must be a whole number"),
])
def test_shift_refuses_bad_input(project_id, months, message):
    with pytest.raises(TypeError, match=message):
        shift_project(ASSIGNMENTS, project_id, months)


def capacities(people: pl.LazyFrame) -> dict[int, float | None]:
    return dict(people.collect().select("id", "monthly_capacity_hours").iter_rows())


@pytest.mark.parametrize(("role", "cap", "expected"), [
    # Developers: 100 + 60 + null(0) = 160; cap 80 -> factor 0.5: 50, 30; null stays null
    ("Developer", 80.0, {1: 50.0, 2: 30.0, 3: 80.0, 4: None}),
    # cap 120 -> factor 0.75: 75, 45
    ("Developer", 120, {1: 75.0, 2: 45.0, 3: 80.0, 4: None}),
    # cap above the total (160 <= 200): unchanged
    ("Developer", 200.0, {1: 100.0, 2: 60.0, 3: 80.0, 4: None}),
    # cap exactly the total: unchanged
    ("Developer", 160.0, {1: 100.0, 2: 60.0, 3: 80.0, 4: None}),
    # cap 0: no capacity left
    ("Tester", 0.0, {1: 100.0, 2: 60.0, 3: 0.0, 4: None}),
    # a role nobody has: nothing to cap
    ("Architect", 10.0, {1: 100.0, 2: 60.0, 3: 80.0, 4: None}),
])
def test_cap_role_scales_the_role_pro_rata(role, cap, expected):
    assert capacities(cap_role(PEOPLE, role, cap)) == expected


def test_cap_role_ignores_inactive_people():
    people = PEOPLE.with_columns(active=pl.Series([True, False, True, True]))
    # active Developers: Ann 100 only; cap 50 -> factor 0.5 -> Ann 50; Bob (inactive) keeps 60
    assert capacities(cap_role(people, "Developer", 50.0)) == {1: 50.0, 2: 60.0, 3: 80.0, 4: None}


@pytest.mark.parametrize(("role", "cap", "error", "message"), [
    ("Developer", -1.0, ValueError, "max_hours must be a number of hours >= 0"),
    ("Developer", float("nan"), ValueError, "max_hours must be a number of hours >= 0"),
    ("Developer", "80", ValueError, "max_hours must be a number of hours >= 0"),
    ("", 10.0, TypeError, "role must be a non-empty role name"),
])
def test_cap_role_refuses_bad_input(role, cap, error, message):
    with pytest.raises(error, match=message):
        cap_role(PEOPLE, role, cap)


def test_scenario_feeds_the_capacity_view():
    scenario = Scenario(project_id=1, shift_months=1, role="Developer", cap_hours=80.0)
    assignments, people = apply_scenario(ASSIGNMENTS, PEOPLE, scenario)
    load = capacity_by_role(assignments, people).collect().filter(pl.col("role") == "Developer")
    # project 1 moves Dec 10 h -> Jan, Jan 20 h -> Feb; project 2 stays Jan 5 h
    # Developer capacity 160 capped to 80
    assert load.select("month", "demand_hours", "capacity_hours", "load_pct").rows() == [
        (JAN, 15.0, 80.0, 18.75),   # 10 + 5 = 15; 15 / 80 = 18.75 %
        (FEB, 20.0, 80.0, 25.0),    # 20 / 80 = 25 %
    ]


@pytest.mark.parametrize(("scenario", "empty"), [
    (Scenario(), True),
    (Scenario(project_id=1, shift_months=0), True),
    (Scenario(role="Developer"), True),
    (Scenario(project_id=1, shift_months=2), False),
    (Scenario(role="Developer", cap_hours=0.0), False),
])
def test_scenario_is_empty(scenario, empty):
    assert scenario.is_empty is empty
    assignments, people = apply_scenario(ASSIGNMENTS, PEOPLE, scenario)
    if empty:
        assert assignments.collect().equals(ASSIGNMENTS)
        assert people.collect().equals(PEOPLE)


CELL_ASSIGNMENTS = frame(s.ASSIGNMENTS, [
    assignment(project_id=1, person_id=1, role="Developer", month=JAN, hours=30.0),
    assignment(project_id=2, person_id=1, role="Developer", month=JAN, hours=20.0),
    assignment(project_id=2, person_id=2, role="Developer", month=JAN, hours=40.0),
    assignment(project_id=1, person_id=None, role="Developer", month=JAN, hours=15.0),
    assignment(project_id=1, person_id=3, role="Tester", month=JAN, hours=8.0),
    assignment(project_id=1, person_id=1, role="Developer", month=FEB, hours=99.0),
    assignment(project_id=3, person_id=77, role="Developer", month=JAN, hours=5.0),
])


@pytest.mark.parametrize(("by", "group", "expected"), [
    # Developer × Jan: Ann 30 + 20 = 50, Bob 40, unstaffed 15, person 77 (not listed) 5
    ("role", "Developer", [(1, "Ann", "Developer", "Alpha", 50.0, 100.0),
                           (2, "Bob", "Developer", "Alpha", 40.0, 60.0),
                           (None, "unstaffed", "Developer", None, 15.0, None),
                           (77, "unlisted", "Developer", None, 5.0, None)]),
    ("role", "Tester", [(3, "Cy", "Tester", "Alpha", 8.0, 80.0)]),
    # team Alpha × Jan: Ann 50, Bob 40, Cy 8 (every role of the team)
    ("team", "Alpha", [(1, "Ann", "Developer", "Alpha", 50.0, 100.0),
                       (2, "Bob", "Developer", "Alpha", 40.0, 60.0),
                       (3, "Cy", "Tester", "Alpha", 8.0, 80.0)]),
    ("team", "unstaffed", [(None, "unstaffed", "Developer", None, 15.0, None)]),
    ("team", "unlisted", [(77, "unlisted", "Developer", None, 5.0, None)]),
    ("team", "Beta", []),
])
def test_cell_people_lists_who_makes_the_cell(by, group, expected):
    rows = cell_people(CELL_ASSIGNMENTS, PEOPLE, by=by, group=group, month=date(2026, 1, 15))
    assert rows.collect().rows() == expected


@pytest.mark.parametrize(("by", "month", "error", "message"), [
    ("person", JAN, ValueError, "by must be 'role' or 'team'"),
    ("role", "2026-01", TypeError, "month must be a datetime.date"),
])
def test_cell_people_refuses_bad_input(by, month, error, message):
    with pytest.raises(error, match=message):
        cell_people(CELL_ASSIGNMENTS, PEOPLE, by=by, group="Developer", month=month)
