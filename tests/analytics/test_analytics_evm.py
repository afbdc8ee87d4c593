"""Earned value per project and roll-ups, against hand-computed values."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from analytics.evm import KPI_COLUMNS, project_kpis, rollup
from analytics.exprs import safe_div

from test_analytics_factories import (assert_finite, costs, make_cost, make_progress,
                                      make_project, progress, projects)

KPIS = ("pv", "ac", "percent_complete", "ev", "cv", "sv", "cpi", "spi", "eac", "vac")

# Three-month example, BAC 1200:
#   month   planned  actual      progress rows
#   Jan-01    300      250       Jan-31: 20 %
#   Feb-01    400      500       Feb-14: 50 %, Feb-28: 60 %
#   Mar-01    500      null
THREE_MONTHS = dict(
    projects=projects(make_project(bac=1200.0)),
    costs=costs(make_cost(month=date(2026, 1, 1), planned=300.0, actual=250.0),
                make_cost(month=date(2026, 2, 1), planned=400.0, actual=500.0),
                make_cost(month=date(2026, 3, 1), planned=500.0, actual=None)),
    progress=progress(make_progress(as_of=date(2026, 1, 31), percent_complete=20.0),
                      make_progress(as_of=date(2026, 2, 14), percent_complete=50.0),
                      make_progress(as_of=date(2026, 2, 28), percent_complete=60.0)),
)


def kpis_at(as_of: date, **frames) -> dict:
    df = project_kpis(frames["projects"], frames["costs"], frames["progress"],
                      as_of=as_of).collect()
    assert_finite(df)
    assert df.height == 1
    return df.select(KPIS).row(0, named=True)


@pytest.mark.parametrize("as_of, expected", [
    # Jan-31: PV 300, AC 250, 20 % -> EV 1200*0.2 = 240; CV 240-250 = -10; SV 240-300 = -60;
    # CPI 240/250 = 0.96; SPI 240/300 = 0.8; EAC 1200/0.96 = 1250; VAC 1200-1250 = -50.
    (date(2026, 1, 31), (300, 250, 20, 240, -10, -60, 0.96, 0.8, 1250, -50)),
    # Feb-15: PV 300 + 400 x 15/28 = 3600/7 (Feb accrues linearly), AC 250+500 = 750 (Feb's
    # actual as booked), 50 % (Feb-14 row; Feb-28 is later) -> EV 600; CV -150;
    # SV 600 - 3600/7 = 600/7; CPI 600/750 = 0.8; SPI 600/(3600/7) = 7/6; EAC 1500; VAC -300.
    (date(2026, 2, 15), (3600 / 7, 750, 50, 600, -150, 600 / 7, 0.8, 7 / 6, 1500, -300)),
    # Feb-28: March not reached yet; progress row of that very day counts (60 %) -> EV 720;
    # CV -30; SV 20; CPI 720/750 = 0.96; SPI 720/700 = 36/35; EAC 1250; VAC -50.
    (date(2026, 2, 28), (700, 750, 60, 720, -30, 20, 0.96, 36 / 35, 1250, -50)),
    # Mar-01: one day of March: PV 700 + 500/31 = 22200/31; its null actual counts 0: AC 750;
    # EV 720; SV 720 - 22200/31 = 120/31; SPI 720/(22200/31) = 186/185.
    (date(2026, 3, 1), (22200 / 31, 750, 60, 720, -30, 120 / 31, 0.96, 186 / 185, 1250, -50)),
    # Before the start: nothing planned, spent or done. CPI and SPI have no denominator (null);
    # EAC falls back to BAC because nothing has been spent; VAC 0.
    (date(2025, 12, 31), (0, 0, 0, 0, 0, 0, None, None, 1200, 0)),
])
def test_three_month_example(as_of, expected):
    got = kpis_at(as_of, **THREE_MONTHS)
    assert got == {k: (None if v is None else pytest.approx(v)) for k, v in zip(KPIS, expected)}


@pytest.mark.parametrize("case, frames, expected", [
    # Spent 300 with no progress row: EV 0, CPI 0/300 = 0, EAC 1200/0 has no value (null).
    ("no progress",
     dict(projects=projects(make_project()), costs=costs(make_cost(planned=200.0, actual=300.0)),
          progress=progress()),
     (200, 300, 0, 0, -300, -200, 0.0, 0.0, None, None)),
    # Actuals not yet booked (null): AC 0 -> CPI null, EAC falls back to BAC 1200.
    ("no actuals",
     dict(projects=projects(make_project()), costs=costs(make_cost(planned=200.0, actual=None)),
          progress=progress(make_progress(percent_complete=10.0))),
     (200, 0, 10, 120, 120, -80, None, 0.6, 1200, 0)),
    # Zero BAC with money spent: EV 0, CPI 0, EAC 0/0 unknown (null), never NaN.
    ("zero bac, spent",
     dict(projects=projects(make_project(bac=0.0)),
          costs=costs(make_cost(planned=0.0, actual=50.0)),
          progress=progress(make_progress(percent_complete=40.0))),
     (0, 50, 40, 0, -50, 0, 0.0, None, None, None)),
    # Zero BAC, nothing spent: EAC = BAC = 0, VAC 0.
    ("zero bac, nothing spent",
     dict(projects=projects(make_project(bac=0.0)), costs=costs(), progress=progress()),
     (0, 0, 0, 0, 0, 0, None, None, 0, 0)),
    # No cost rows at all, 25 % done: PV 0 so SPI null, AC 0 so CPI null.
    ("no cost rows",
     dict(projects=projects(make_project()), costs=costs(),
          progress=progress(make_progress(percent_complete=25.0))),
     (0, 0, 25, 300, 300, 300, None, None, 1200, 0)),
    # Costs of another project are ignored.
    ("costs of another project",
     dict(projects=projects(make_project()),
          costs=costs(make_cost(project_id=99, planned=500.0, actual=500.0)), progress=progress()),
     (0, 0, 0, 0, 0, 0, None, None, 1200, 0)),
])
def test_edge_cases_never_give_inf_or_nan(case, frames, expected):
    got = kpis_at(date(2026, 6, 30), **frames)
    want = {k: (None if v is None else pytest.approx(v)) for k, v in zip(KPIS, expected)}
    assert got == want, case


def test_project_kpis_keeps_every_project_and_its_columns():
    frames = dict(projects=projects(make_project(id=1, code="A"), make_project(id=2, code="B")),
                  costs=costs(make_cost(project_id=2, planned=100.0, actual=100.0)),
                  progress=progress())
    df = project_kpis(**frames, as_of=date(2026, 6, 30)).collect()
    assert df.columns == [*frames["projects"].columns, *KPI_COLUMNS]
    assert df.sort("id").select("code", "pv", "ac").rows() == [("A", 0.0, 0.0), ("B", 100.0, 100.0)]


@pytest.mark.parametrize("num, den, expected", [
    (1.0, 2.0, 0.5), (1.0, 0.0, None), (0.0, 0.0, None), (-1.0, 0.0, None), (None, 1.0, None),
    (1.0, None, None),
])
def test_safe_div(num, den, expected):
    df = pl.DataFrame({"n": [num], "d": [den]}, schema={"n": pl.Float64, "d": pl.Float64})
    assert df.select(safe_div("n", "d").alias("q")).item() == expected


def make_kpi_row(**overrides) -> dict:
    return dict(department="D1", bac=1000.0, pv=0.0, ev=0.0, ac=0.0, eac=1000.0) | overrides


def kpi_frame(*rows: dict) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema={"department": pl.String, "bac": pl.Float64,
                                            "pv": pl.Float64, "ev": pl.Float64, "ac": pl.Float64,
                                            "eac": pl.Float64})


# A: BAC 1000, PV 500, EV 100, AC 100 -> CPI 1.0, SPI 0.2, EAC 1000.
# B: BAC 1000, PV 1000, EV 900, AC 1800 -> CPI 0.5, SPI 0.9, EAC 2000.
# Averages of ratios would say CPI 0.75 and SPI 0.55. The portfolio says
# CPI = (100+900)/(100+1800) = 1000/1900 and SPI = 1000/1500 = 2/3; EAC 3000; VAC 2000-3000 = -1000.
A = make_kpi_row(pv=500.0, ev=100.0, ac=100.0, eac=1000.0)
B = make_kpi_row(pv=1000.0, ev=900.0, ac=1800.0, eac=2000.0)


def test_rollup_recomputes_ratios_instead_of_averaging_them():
    got = rollup(kpi_frame(A, B), []).collect().row(0, named=True)
    assert got["cpi"] == pytest.approx(1000 / 1900)
    assert got["cpi"] != pytest.approx((1.0 + 0.5) / 2)
    assert got["spi"] == pytest.approx(2 / 3)
    assert got["spi"] != pytest.approx((0.2 + 0.9) / 2)
    assert {k: got[k] for k in ("projects", "bac", "pv", "ev", "ac", "eac", "vac", "cv", "sv",
                                "eac_unknown")} == dict(
        projects=2, bac=2000.0, pv=1500.0, ev=1000.0, ac=1900.0, eac=3000.0, vac=-1000.0,
        cv=-900.0, sv=-500.0, eac_unknown=0)
    assert got["percent_complete"] == pytest.approx(50.0)  # 1000 / 2000


@pytest.mark.parametrize("rows, by, expected", [
    # One group per department, sorted by department: D0 CPI 50/25 = 2, SPI 50/100 = 0.5,
    # VAC 1000-500 = 500; D1 is A alone.
    ((A, make_kpi_row(department="D0", pv=100.0, ev=50.0, ac=25.0, eac=500.0)), ["department"],
     [("D0", 1, 2.0, 0.5, 500.0, 500.0), ("D1", 1, 1.0, 0.2, 1000.0, 0.0)]),
    # A member with a budget but no EAC (money spent, nothing earned) makes the EAC sum unknown;
    # CPI (100+0)/(100+10) and SPI (100+0)/(500+0) are still known.
    ((A, make_kpi_row(ev=0.0, ac=10.0, eac=None)), ["department"],
     [("D1", 2, 100 / 110, 0.2, None, None)]),
])
def test_rollup_groups(rows, by, expected):
    df = rollup(kpi_frame(*rows), by).collect()
    assert_finite(df)
    got = df.select(*by, "projects", "cpi", "spi", "eac", "vac").rows()
    assert got == [tuple(pytest.approx(v) if isinstance(v, float) else v for v in row)
                   for row in expected]


def test_rollup_of_nothing_is_one_row_of_zeros_and_null_ratios():
    got = rollup(kpi_frame(), []).collect()
    assert got.height == 1
    assert got.select("projects", "bac", "pv", "ev", "ac", "eac", "cpi", "spi", "vac").row(0) == (
        0, 0.0, 0.0, 0.0, 0.0, 0.0, None, None, 0.0)
    assert rollup(kpi_frame(), ["department"]).collect().height == 0
