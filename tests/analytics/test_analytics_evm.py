"""Earned value per project and roll-ups, against hand-computed values."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from analytics.evm import (KPI_COLUMNS, ROLLUP_COLUMNS, project_kpis, project_kpis_at, rollup,
                          rollup_by_objective)
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
    # Zero BAC with money spent: EV 0 whatever the progress, so every ratio is null (no budget:
    # CPI would say 0 for a project 40 % done); EAC unknown (null), never NaN.
    ("zero bac, spent",
     dict(projects=projects(make_project(bac=0.0)),
          costs=costs(make_cost(planned=0.0, actual=50.0)),
          progress=progress(make_progress(percent_complete=40.0))),
     (0, 50, 40, 0, -50, 0, None, None, None, None)),
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
    return dict(id=1, department="D1", bac=1000.0, pv=0.0, ev=0.0, ac=0.0, eac=1000.0,
                eac_composite=1000.0) | overrides


def kpi_frame(*rows: dict) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema={"id": pl.Int64, "department": pl.String,
                                            "bac": pl.Float64, "pv": pl.Float64, "ev": pl.Float64,
                                            "ac": pl.Float64, "eac": pl.Float64,
                                            "eac_composite": pl.Float64})


# A: BAC 1000, PV 500, EV 100, AC 100 -> CPI 1.0, SPI 0.2, EAC 1000;
#    composite 100 + 900/(1 x 0.2) = 4600.
# B: BAC 1000, PV 1000, EV 900, AC 1800 -> CPI 0.5, SPI 0.9, EAC 2000;
#    composite 1800 + 100/(0.5 x 0.9) = 1800 + 2000/9 = 18200/9.
# Averages of ratios would say CPI 0.75 and SPI 0.55. The portfolio says
# CPI = (100+900)/(100+1800) = 1000/1900 and SPI = 1000/1500 = 2/3; EAC 3000; VAC 2000-3000 = -1000.
A = make_kpi_row(id=1, pv=500.0, ev=100.0, ac=100.0, eac=1000.0, eac_composite=4600.0)
B = make_kpi_row(id=2, pv=1000.0, ev=900.0, ac=1800.0, eac=2000.0, eac_composite=18200 / 9)


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
    # eac_atypical = ΣAC + ΣBAC − ΣEV = 1900 + 2000 − 1000 = 2900 (= 1000 + 1900, the members');
    # eac_composite = 4600 + 18200/9 = 59600/9; ETC = 3000 − 1900 = 1100;
    # TCPI_bac = (2000 − 1000)/(2000 − 1900) = 10; TCPI_eac = 1000/(3000 − 1900) = 10/11.
    assert {k: got[k] for k in ("eac_cpi", "eac_atypical", "eac_composite", "etc", "tcpi_bac",
                                "tcpi_eac")} == dict(
        eac_cpi=3000.0, eac_atypical=pytest.approx(2900.0),
        eac_composite=pytest.approx(59600 / 9), etc=pytest.approx(1100.0),
        tcpi_bac=pytest.approx(10.0), tcpi_eac=pytest.approx(10 / 11))
    assert list(got) == list(ROLLUP_COLUMNS)


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
    assert got.select("projects", "bac", "pv", "ev", "ac", "eac", "cpi", "spi", "vac", "tcpi_bac",
                      "tcpi_eac").row(0) == (
        0, 0.0, 0.0, 0.0, 0.0, 0.0, None, None, 0.0, None, None)
    assert rollup(kpi_frame(), ["department"]).collect().height == 0


# --- EAC variants, ETC and TCPI -------------------------------------------------------------

NEW = ("eac_cpi", "eac_atypical", "eac_composite", "etc", "tcpi_bac", "tcpi_eac")


def new_kpis_at(as_of: date, **frames) -> dict:
    df = project_kpis(frames["projects"], frames["costs"], frames["progress"],
                      as_of=as_of).collect()
    assert_finite(df)
    return df.select(NEW).row(0, named=True)


def approx_dict(names, values) -> dict:
    return {k: (None if v is None else pytest.approx(v)) for k, v in zip(names, values)}


@pytest.mark.parametrize("as_of, expected", [
    # Jan-31: BAC 1200, PV 300, AC 250, EV 240, CPI 0.96, SPI 0.8, EAC 1250.
    # atypical 250 + (1200-240) = 1210; composite 250 + 960/(0.96 x 0.8) = 250 + 1250 = 1500;
    # ETC 1250-250 = 1000; TCPI_bac 960/(1200-250) = 96/95; TCPI_eac 960/(1250-250) = 0.96.
    (date(2026, 1, 31), (1250, 1210, 1500, 1000, 96 / 95, 0.96)),
    # Feb-15: AC 750, EV 600, CPI 0.8, SPI 7/6, EAC 1500. atypical 750 + 600 = 1350;
    # composite 750 + 600/(0.8 x 7/6) = 750 + 600 x 15/14 = 750 + 4500/7; ETC 750;
    # TCPI_bac 600/450 = 4/3; TCPI_eac 600/(1500-750) = 0.8.
    (date(2026, 2, 15), (1500, 1350, 750 + 4500 / 7, 750, 4 / 3, 0.8)),
    # Feb-28: AC 750, EV 720, CPI 0.96, SPI 36/35, EAC 1250. atypical 750 + 480 = 1230;
    # composite 750 + 480/(0.96 x 36/35) = 750 + 480 x 35/34.56 = 750 + 4375/9; ETC 500;
    # TCPI_bac 480/450 = 16/15; TCPI_eac 480/500 = 0.96.
    (date(2026, 2, 28), (1250, 1230, 750 + 4375 / 9, 500, 16 / 15, 0.96)),
    # Before the start: AC 0 so the CPI-based estimates fall back to BAC 1200; atypical
    # 0 + 1200 = 1200; ETC 1200; TCPI_bac 1200/1200 = 1; TCPI_eac 1200/(1200-0) = 1.
    (date(2025, 12, 31), (1200, 1200, 1200, 1200, 1.0, 1.0)),
])
def test_eac_variants_on_the_three_month_example(as_of, expected):
    assert new_kpis_at(as_of, **THREE_MONTHS) == approx_dict(NEW, expected)


@pytest.mark.parametrize("case, frames, expected", [
    # Spent 300, nothing earned: CPI 0 and SPI 0 -> composite has no value; EAC null so ETC and
    # TCPI_eac null; atypical 300 + 1200 = 1500; TCPI_bac 1200/(1200-300) = 4/3.
    ("no progress",
     dict(projects=projects(make_project()), costs=costs(make_cost(planned=200.0, actual=300.0)),
          progress=progress()),
     (None, 1500, None, None, 4 / 3, None)),
    # Nothing booked yet, 10 % (EV 120): estimates fall back to BAC 1200; atypical 0 + 1080;
    # ETC 1200; TCPI_bac 1080/1200 = 0.9 = TCPI_eac.
    ("no actuals",
     dict(projects=projects(make_project()), costs=costs(make_cost(planned=200.0, actual=None)),
          progress=progress(make_progress(percent_complete=10.0))),
     (1200, 1080, 1200, 1200, 0.9, 0.9)),
    # Zero BAC with 50 spent: atypical 50 + 0 - 0 = 50; the rest has no value (ratios null).
    ("zero bac, spent",
     dict(projects=projects(make_project(bac=0.0)),
          costs=costs(make_cost(planned=0.0, actual=50.0)),
          progress=progress(make_progress(percent_complete=40.0))),
     (None, 50, None, None, None, None)),
    # Zero BAC, nothing spent: every estimate is BAC 0, ETC 0; TCPI null (no budget).
    ("zero bac, nothing spent",
     dict(projects=projects(make_project(bac=0.0)), costs=costs(), progress=progress()),
     (0, 0, 0, 0, None, None)),
    # Budget used up: BAC 1000, PV 1000, AC 1100, 80 % -> EV 800, CPI 8/11, SPI 0.8;
    # EAC 1000 x 11/8 = 1375; atypical 1100 + 200 = 1300; composite 1100 + 200/(8/11 x 0.8)
    # = 1100 + 343.75 = 1443.75; ETC 275; TCPI_bac 200/(1000-1100) has no meaning -> null;
    # TCPI_eac 200/(1375-1100) = 8/11.
    ("budget used up",
     dict(projects=projects(make_project(bac=1000.0)),
          costs=costs(make_cost(planned=1000.0, actual=1100.0)),
          progress=progress(make_progress(percent_complete=80.0))),
     (1375, 1300, 1443.75, 275, None, 8 / 11)),
    # Finished on budget: BAC 1000 = PV = AC = EV: EAC 1000, ETC 0, TCPI: nothing left (0/0).
    ("finished",
     dict(projects=projects(make_project(bac=1000.0)),
          costs=costs(make_cost(planned=1000.0, actual=1000.0)),
          progress=progress(make_progress(percent_complete=100.0))),
     (1000, 1000, 1000, 0, None, None)),
])
def test_eac_variants_edge_cases(case, frames, expected):
    assert new_kpis_at(date(2026, 6, 30), **frames) == approx_dict(NEW, expected), case


def test_cancelled_projects_are_computed_and_flagged():
    frames = dict(projects=projects(make_project(id=1, code="A", status="cancelled"),
                                    make_project(id=2, code="B", status="active")),
                  costs=costs(make_cost(project_id=1, planned=100.0, actual=100.0)),
                  progress=progress(make_progress(project_id=1, percent_complete=5.0)))
    df = project_kpis(**frames, as_of=date(2026, 6, 30)).collect().sort("id")
    # A: EV 1200 x 5 % = 60, AC 100 -> CPI 0.6, computed like any other project.
    assert df.select("code", "cancelled", "ev", "cpi").rows() == [
        ("A", True, 60.0, pytest.approx(0.6)), ("B", False, 0.0, None)]


@pytest.mark.parametrize("dates", [
    [date(2025, 12, 31), date(2026, 1, 31), date(2026, 2, 15), date(2026, 2, 28)],
    [date(2026, 3, 1)],
])
def test_project_kpis_at_several_dates_equals_project_kpis_at_each(dates):
    got = project_kpis_at(**THREE_MONTHS, dates=dates).collect().sort("status_date")
    assert_finite(got)
    assert got["status_date"].to_list() == dates
    for row, as_of in zip(got.iter_rows(named=True), dates):
        one = project_kpis(**THREE_MONTHS, as_of=as_of).collect().row(0, named=True)
        assert {k: row[k] for k in KPI_COLUMNS} == {
            k: (pytest.approx(v) if isinstance(v, float) else v) for k, v in one.items()
            if k in KPI_COLUMNS}


# --- Roll-up by objective -----------------------------------------------------------------

# P1: BAC 1000, PV 500, EV 400, AC 500 -> CPI 0.8, SPI 0.8, EAC 1250,
#     composite 500 + 600/0.64 = 1437.5; serves O10 (0.6) and O20 (0.2): weights 0.75 / 0.25.
# P2: BAC 2000, PV = EV = AC = 1000, EAC 2000, composite 2000; serves O20 (1.0): weight 1.
# P3: BAC 600, PV 300, EV 150, AC 300, EAC 1200, composite 300 + 450/0.25 = 2100; only a 0
#     contribution -> unaligned. A contribution of unknown project 99 is ignored.
OBJ_KPIS = kpi_frame(
    make_kpi_row(id=1, bac=1000.0, pv=500.0, ev=400.0, ac=500.0, eac=1250.0, eac_composite=1437.5),
    make_kpi_row(id=2, bac=2000.0, pv=1000.0, ev=1000.0, ac=1000.0, eac=2000.0,
                 eac_composite=2000.0),
    make_kpi_row(id=3, bac=600.0, pv=300.0, ev=150.0, ac=300.0, eac=1200.0, eac_composite=2100.0),
)
CONTRIBUTIONS = pl.DataFrame(
    [(1, 10, 0.6), (1, 20, 0.2), (2, 20, 1.0), (3, 10, 0.0), (99, 10, 1.0)],
    schema={"project_id": pl.Int64, "objective_id": pl.Int64, "contribution": pl.Float64},
    orient="row")

OBJ_COLUMNS = ("objective_id", "projects", "bac", "pv", "ev", "ac", "eac", "eac_composite", "cpi",
               "spi", "tcpi_bac")


@pytest.mark.parametrize("objective, expected", [
    # O10 = 0.75 x P1: BAC 750, PV 375, EV 300, AC 375, EAC 937.5, composite 1078.125;
    # CPI 300/375 = 0.8, SPI 300/375 = 0.8, TCPI_bac (750-300)/(750-375) = 1.2.
    (10, (10, 1, 750, 375, 300, 375, 937.5, 1078.125, 0.8, 0.8, 1.2)),
    # O20 = 0.25 x P1 + P2: BAC 250+2000 = 2250, PV 125+1000 = 1125, EV 100+1000 = 1100,
    # AC 125+1000 = 1125, EAC 312.5+2000 = 2312.5, composite 359.375+2000 = 2359.375;
    # CPI 1100/1125 = 44/45, SPI 44/45, TCPI_bac (2250-1100)/(2250-1125) = 46/45.
    (20, (20, 2, 2250, 1125, 1100, 1125, 2312.5, 2359.375, 44 / 45, 44 / 45, 46 / 45)),
    # Unaligned (objective_id null) = P3 whole: CPI 0.5, SPI 0.5, TCPI_bac 450/300 = 1.5.
    (None, (None, 1, 600, 300, 150, 300, 1200, 2100, 0.5, 0.5, 1.5)),
])
def test_rollup_by_objective_allocates_by_contribution_share(objective, expected):
    df = rollup_by_objective(OBJ_KPIS, CONTRIBUTIONS).collect()
    assert_finite(df)
    assert df.columns == ["objective_id", *ROLLUP_COLUMNS]
    assert df["objective_id"].to_list() == [10, 20, None]  # unaligned last
    row = df.filter(pl.col("objective_id").eq_missing(objective)).select(OBJ_COLUMNS).row(0)
    assert row == (*expected[:2], *(pytest.approx(v) for v in expected[2:]))


def test_rollup_by_objective_counts_every_amount_once():
    df = rollup_by_objective(OBJ_KPIS, CONTRIBUTIONS).collect()
    total = rollup(OBJ_KPIS, []).collect()
    for column in ("bac", "pv", "ev", "ac", "eac", "eac_composite"):
        assert df[column].sum() == pytest.approx(total[column].item()), column


def test_rollup_by_objective_without_contributions_is_one_unaligned_bucket():
    empty = CONTRIBUTIONS.clear()
    df = rollup_by_objective(OBJ_KPIS, empty).collect()
    # everything unaligned: BAC 1000+2000+600 = 3600, EV 400+1000+150 = 1550,
    # AC 500+1000+300 = 1800 -> CPI 1550/1800 = 31/36.
    assert df.select("objective_id", "projects", "bac", "cpi").row(0) == (
        None, 3, 3600.0, pytest.approx(31 / 36))
