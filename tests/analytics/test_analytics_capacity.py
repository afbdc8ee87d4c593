"""Capacity versus demand per role, team or person and month, and the projects behind overloads."""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
import polars as pl
import pytest

from analytics.capacity import (DRIVER_COLUMNS, KEYS, METRIC_COLUMNS, UNLISTED, UNSTAFFED, VIEWS,
                                capacity, capacity_by_person, capacity_by_role, capacity_by_team,
                                capacity_demand, capacity_views, overload_drivers)
from data_access.queries import schemas as s

from test_analytics_factories import assert_finite, frame, make_project, projects

JAN, FEB, MAR = date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)
METRICS = list(METRIC_COLUMNS)


def make_assignment(**overrides) -> dict:
    return dict(project_id=1, person_id=1, role="Developer", month=JAN, hours=10.0) | overrides


def make_person(**overrides) -> dict:
    return dict(id=1, name="Ann", role="Developer", team="Alpha", department_id=1,
                monthly_capacity_hours=100.0) | overrides


def assignments(*rows: dict) -> pl.DataFrame:
    return frame(s.ASSIGNMENTS, rows)


def people(*rows: dict) -> pl.DataFrame:
    return frame(s.PEOPLE, rows)


PEOPLE = people(
    make_person(id=1, name="Ann", role="Developer", team="Alpha", monthly_capacity_hours=100.0),
    make_person(id=2, name="Bob", role="Developer", team="Beta", monthly_capacity_hours=80.0),
    make_person(id=3, name="Cid", role="Analyst", team="Alpha", monthly_capacity_hours=50.0),
    make_person(id=4, name="Dee", role="Tester", team="Beta", monthly_capacity_hours=0.0),
)
# Capacity per month: Developer 100 + 80 = 180, Analyst 50, Tester 0; Alpha 100 + 50 = 150,
# Beta 80 + 0 = 80.
ASSIGNMENTS = assignments(
    make_assignment(project_id=1, person_id=1, role="Developer", month=JAN, hours=120.0),
    make_assignment(project_id=2, person_id=1, role="Developer", month=JAN, hours=30.0),
    make_assignment(project_id=2, person_id=2, role="Developer", month=JAN, hours=30.0),
    make_assignment(project_id=1, person_id=None, role="Developer", month=JAN, hours=40.0),
    make_assignment(project_id=2, person_id=3, role="Analyst", month=FEB, hours=20.0),
    make_assignment(project_id=1, person_id=4, role="Tester", month=FEB, hours=10.0),
    make_assignment(project_id=3, person_id=99, role="Developer", month=FEB, hours=15.0),
    make_assignment(project_id=2, person_id=1, role="Developer", month=FEB, hours=20.0),
)
PROJECTS = projects(make_project(id=1, code="P001", name="One"),
                    make_project(id=2, code="P002", name="Two"))  # project 3 is not listed


def rows(df: pl.DataFrame) -> list[tuple]:
    return [tuple(pytest.approx(v) if isinstance(v, float) else v for v in r) for r in df.rows()]


# key, month, demand, capacity, load_pct, over, free, overloaded
ROLE_ROWS = [
    ("Analyst", JAN, 0.0, 50.0, 0.0, 0.0, 50.0, False),
    ("Analyst", FEB, 20.0, 50.0, 40.0, 0.0, 30.0, False),            # 20 / 50
    ("Developer", JAN, 220.0, 180.0, 220 / 180 * 100, 40.0, 0.0, True),  # 120+30+30+40 unstaffed
    ("Developer", FEB, 35.0, 180.0, 35 / 180 * 100, 0.0, 145.0, False),  # 20 + 15 (unlisted)
    ("Tester", JAN, 0.0, 0.0, None, 0.0, 0.0, False),                # no capacity, no demand
    ("Tester", FEB, 10.0, 0.0, None, 10.0, 0.0, True),               # demand on zero capacity
]
TEAM_ROWS = [
    ("Alpha", JAN, 150.0, 150.0, 100.0, 0.0, 0.0, False),  # 120 + 30 = capacity: not over
    ("Alpha", FEB, 40.0, 150.0, 40 / 150 * 100, 0.0, 110.0, False),  # Cid 20 + Ann 20
    ("Beta", JAN, 30.0, 80.0, 37.5, 0.0, 50.0, False),
    ("Beta", FEB, 10.0, 80.0, 12.5, 0.0, 70.0, False),
    (UNLISTED, JAN, 0.0, 0.0, None, 0.0, 0.0, False),
    (UNLISTED, FEB, 15.0, 0.0, None, 15.0, 0.0, True),     # person 99 is not in PEOPLE
    (UNSTAFFED, JAN, 40.0, 0.0, None, 40.0, 0.0, True),
    (UNSTAFFED, FEB, 0.0, 0.0, None, 0.0, 0.0, False),
]
PERSON_ROWS = [  # staffed rows of listed people only
    (1, "Ann", "Developer", "Alpha", JAN, 150.0, 100.0, 150.0, 50.0, 0.0, True),
    (1, "Ann", "Developer", "Alpha", FEB, 20.0, 100.0, 20.0, 0.0, 80.0, False),
    (2, "Bob", "Developer", "Beta", JAN, 30.0, 80.0, 37.5, 0.0, 50.0, False),
    (3, "Cid", "Analyst", "Alpha", FEB, 20.0, 50.0, 40.0, 0.0, 30.0, False),
    (4, "Dee", "Tester", "Beta", FEB, 10.0, 0.0, None, 10.0, 0.0, True),
]


@pytest.mark.parametrize("view, expected", [
    (capacity_by_role, ROLE_ROWS), (capacity_by_team, TEAM_ROWS), (capacity_by_person, PERSON_ROWS),
])
def test_views_hand_computed(view, expected):
    df = view(ASSIGNMENTS, PEOPLE).collect().sort(pl.all())
    assert_finite(df)
    assert rows(df) == expected


# The shared reductions of ASSIGNMENTS (hand-summed from the rows above).
DEMAND_ROWS = {
    "role": [("Analyst", FEB, 20.0), ("Developer", JAN, 220.0), ("Developer", FEB, 35.0),
             ("Tester", FEB, 10.0)],
    "person": [(1, JAN, 150.0), (1, FEB, 20.0), (2, JAN, 30.0), (3, FEB, 20.0), (4, FEB, 10.0),
               (99, FEB, 15.0)],                    # person 99 (unlisted) is still demand here
    "unstaffed": [(JAN, 40.0)],
}


def test_capacity_demand_hand_computed():
    demand = capacity_demand(ASSIGNMENTS)
    assert {name: rows(plan.collect().sort(pl.all())) for name, plan in demand.items()} == (
        DEMAND_ROWS)


@pytest.mark.parametrize("collected", [False, True])
@pytest.mark.parametrize("view, expected", [
    ("role", ROLE_ROWS), ("team", TEAM_ROWS), ("person", PERSON_ROWS),
])
def test_views_from_shared_reductions_hand_computed(collected, view, expected):
    demand = capacity_demand(ASSIGNMENTS)
    if collected:  # as kpi_set does: reductions collected once, then the three views
        demand = {name: plan.collect() for name, plan in demand.items()}
    df = capacity_views(demand, PEOPLE)[view].collect().sort(pl.all())
    assert df.columns == [*KEYS[view], *METRICS]
    assert rows(df) == expected


@pytest.mark.parametrize("from_month, to_month", [(FEB, FEB), (None, JAN), (JAN, MAR)])
def test_views_from_shared_reductions_respect_the_month_range(from_month, to_month):
    months = dict(from_month=from_month, to_month=to_month)
    views = capacity_views(capacity_demand(ASSIGNMENTS, **months), PEOPLE, **months)
    for by, one_view in (("role", capacity_by_role), ("team", capacity_by_team),
                         ("person", capacity_by_person)):
        expected = one_view(ASSIGNMENTS, PEOPLE, **months).collect().sort(pl.all())
        assert views[by].collect().sort(pl.all()).equals(expected)


@pytest.mark.parametrize("by", VIEWS)
def test_columns_and_dtypes(by):
    df = capacity(ASSIGNMENTS, PEOPLE, by=by).collect()
    assert df.columns == [*KEYS[by], *METRICS]
    assert df.select(METRICS).dtypes == [pl.Date, *[pl.Float64] * 5, pl.Boolean]


@pytest.mark.parametrize("from_month, to_month, expected_months", [
    (FEB, FEB, [FEB]),
    (date(2026, 2, 15), None, [FEB]),              # any day of the month: the whole month
    (None, date(2026, 1, 31), [JAN]),
    (JAN, date(2026, 3, 20), [JAN, FEB, MAR]),     # March has no demand: capacity still shown
    (date(2025, 12, 1), JAN, [date(2025, 12, 1), JAN]),
])
def test_month_range(from_month, to_month, expected_months):
    df = capacity_by_role(ASSIGNMENTS, PEOPLE, from_month=from_month,
                          to_month=to_month).collect()
    assert sorted(set(df["month"])) == expected_months
    assert df.height == 3 * len(expected_months)  # Analyst, Developer, Tester every month


def test_month_without_demand_in_range_is_all_free():
    df = capacity_by_role(ASSIGNMENTS, PEOPLE, from_month=MAR, to_month=MAR).collect()
    dev = df.filter(pl.col("role") == "Developer").row(0, named=True)
    assert (dev["demand_hours"], dev["capacity_hours"], dev["load_pct"], dev["free_hours"]) == (
        0.0, 180.0, 0.0, 180.0)


def test_gap_month_inside_horizon_is_filled():
    a = assignments(make_assignment(month=JAN, hours=10.0), make_assignment(month=MAR, hours=30.0))
    df = capacity_by_role(a, people(make_person())).collect()
    assert df.select("month", "demand_hours").rows() == [(JAN, 10.0), (FEB, 0.0), (MAR, 30.0)]


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(from_month=FEB, to_month=JAN), ValueError, "after to_month"),
    (dict(from_month=datetime(2026, 1, 1)), TypeError, "from_month must be a datetime.date"),
    (dict(to_month="2026-01"), TypeError, "to_month must be a datetime.date"),
    (dict(by="department"), ValueError, "by must be one of role, team, person"),
])
def test_bad_parameters_are_refused(kwargs, error, match):
    with pytest.raises(error, match=match):
        capacity(ASSIGNMENTS, PEOPLE, **kwargs)


def test_inactive_people_bring_no_capacity():
    staff = PEOPLE.with_columns(active=pl.Series([False, True, True, True]))  # Ann has left
    df = capacity_by_role(ASSIGNMENTS, staff).collect().filter(
        (pl.col("role") == "Developer") & (pl.col("month") == FEB))
    assert df.select("capacity_hours", "load_pct").row(0) == (80.0, pytest.approx(35 / 80 * 100))
    ann = capacity_by_person(ASSIGNMENTS, staff).collect().filter(pl.col("person_id") == 1)
    assert ann["capacity_hours"].to_list() == [0.0, 0.0]
    assert ann["overloaded"].to_list() == [True, True]  # still assigned: demand on no capacity


def test_null_capacity_counts_zero():
    df = capacity_by_role(assignments(make_assignment(hours=5.0)),
                          people(make_person(monthly_capacity_hours=None))).collect()
    assert df.select("capacity_hours", "load_pct", "overloaded").row(0) == (0.0, None, True)


def test_categorical_role_comes_out_as_text():
    a = ASSIGNMENTS.with_columns(pl.col("role").cast(pl.Categorical))
    df = capacity_by_role(a, PEOPLE).collect().sort(pl.all())
    assert df.schema["role"] == pl.String
    assert rows(df) == ROLE_ROWS


@pytest.mark.parametrize("by", VIEWS)
@pytest.mark.parametrize("lazy", [False, True])
def test_empty_inputs_give_empty_frames(by, lazy):
    a, p = assignments(), people()
    if lazy:
        a, p = a.lazy(), p.lazy()
    load = capacity(a, p, by=by).collect()
    drivers = overload_drivers(a, p, projects(), by=by).collect()
    assert (load.height, load.columns) == (0, [*KEYS[by], *METRICS])
    assert (drivers.height, drivers.columns) == (0, [*KEYS[by], *DRIVER_COLUMNS])


def test_no_demand_but_a_range_shows_capacity():
    df = capacity_by_team(assignments(), PEOPLE, from_month=JAN, to_month=JAN).collect()
    assert df.select("team", "capacity_hours", "free_hours").sort("team").rows() == [
        ("Alpha", 150.0, 150.0), ("Beta", 80.0, 80.0)]


@pytest.mark.parametrize("person_id, month", [
    (1, date(1900, 1, 1)), (2**31 - 1, date(9999, 12, 1)), (7, date(1970, 1, 1)),
    (123_456, date(1969, 12, 1)),
])
def test_person_month_key_round_trips(person_id, month):
    df = capacity_by_person(assignments(make_assignment(person_id=person_id, month=month)),
                            people(make_person(id=person_id))).collect()
    assert df.select("person_id", "month", "demand_hours").rows() == [(person_id, month, 10.0)]


# key..., month, rank, project_id, code, name, hours, share_pct, demand, capacity, load_pct
DRIVERS = {
    "role": [
        ("Developer", JAN, 1, 1, "P001", "One", 160.0, 160 / 220 * 100, 220.0, 180.0,
         220 / 180 * 100),                                       # 120 staffed + 40 unstaffed
        ("Developer", JAN, 2, 2, "P002", "Two", 60.0, 60 / 220 * 100, 220.0, 180.0,
         220 / 180 * 100),                                       # 30 Ann + 30 Bob
        ("Tester", FEB, 1, 1, "P001", "One", 10.0, 100.0, 10.0, 0.0, None),
    ],
    "team": [
        (UNLISTED, FEB, 1, 3, None, None, 15.0, 100.0, 15.0, 0.0, None),  # project 3 unlisted
        (UNSTAFFED, JAN, 1, 1, "P001", "One", 40.0, 100.0, 40.0, 0.0, None),
    ],
    "person": [
        (1, "Ann", "Developer", "Alpha", JAN, 1, 1, "P001", "One", 120.0, 80.0, 150.0, 100.0,
         150.0),                                                 # 120 / 150
        (1, "Ann", "Developer", "Alpha", JAN, 2, 2, "P002", "Two", 30.0, 20.0, 150.0, 100.0,
         150.0),
        (4, "Dee", "Tester", "Beta", FEB, 1, 1, "P001", "One", 10.0, 100.0, 10.0, 0.0, None),
    ],
}


@pytest.mark.parametrize("by", VIEWS)
def test_overload_drivers_hand_computed(by):
    df = overload_drivers(ASSIGNMENTS, PEOPLE, PROJECTS, by=by).collect()
    assert df.columns == [*KEYS[by], *DRIVER_COLUMNS]
    assert_finite(df)
    assert rows(df) == DRIVERS[by]


def test_driver_ties_rank_by_project_id():
    a = assignments(*(make_assignment(project_id=pid, hours=60.0) for pid in (3, 1, 2)))
    df = overload_drivers(a, people(make_person()), PROJECTS).collect()  # 180 > 100
    assert df.select("rank", "project_id").rows() == [(1, 1), (2, 2), (3, 3)]


def test_drivers_respect_the_month_range():
    df = overload_drivers(ASSIGNMENTS, PEOPLE, PROJECTS, by="role", from_month=FEB).collect()
    assert df.select("role", "month", "project_id").rows() == [("Tester", FEB, 1)]


def test_random_portfolio_totals_agree():
    """Seeded random frames: every view keeps the demand it should (Σ over rows)."""
    rng = np.random.default_rng(7)
    n = 5_000
    person = rng.integers(1, 60, n).astype(float)
    person[rng.random(n) < 0.2] = np.nan  # unstaffed
    a = pl.DataFrame({
        "project_id": rng.integers(1, 40, n), "person_id": person,
        "role": rng.choice(["Dev", "BA", "QA"], n),
        "month": [date(2026, m, 1) for m in rng.integers(1, 13, n)],
        "hours": rng.integers(1, 40, n).astype(float)},
    ).with_columns(pl.col("person_id").fill_nan(None).cast(pl.Int64))
    p = people(*(make_person(id=i, team=f"T{i % 4}", role="Dev") for i in range(1, 50)))
    total = a["hours"].sum()
    staffed_listed = a.filter(pl.col("person_id") < 50)["hours"].sum()
    by_role, by_team, by_person = pl.collect_all(
        [capacity(a, p, by=by) for by in VIEWS])
    assert by_role["demand_hours"].sum() == pytest.approx(total)
    assert by_team["demand_hours"].sum() == pytest.approx(total)
    assert by_person["demand_hours"].sum() == pytest.approx(staffed_listed)
    assert by_team["capacity_hours"].sum() == pytest.approx(49 * 100.0 * 12)  # every month
    for df in (by_role, by_team, by_person):
        assert_finite(df)
        assert (df["overloaded"] == (df["over_hours"] > 0)).all()
