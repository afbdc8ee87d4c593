"""Earned schedule (ES, AT, SPI(t), SV(t), PD, IEAC(t)) against hand-computed values."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from analytics.earned_schedule import ES_COLUMNS, earned_schedule, earned_schedule_at
from analytics.evm import project_kpis_at

from test_analytics_factories import (assert_finite, costs, make_cost, make_progress, make_project,
                                      progress, projects)

# Plan: 100 a month for Jan-Apr 2026, BAC 400, baseline 2026-01-01 .. 2026-04-30.
# Period k ends on the last day of the k-th month: PV_0..PV_4 = 0, 100, 200, 300, 400.
FOUR_MONTHS = dict(
    projects=projects(make_project(bac=400.0, baseline_start=date(2026, 1, 1),
                                   baseline_end=date(2026, 4, 30))),
    costs=costs(*(make_cost(month=date(2026, m, 1), planned=100.0, actual=100.0)
                  for m in range(1, 5))),
)
OUT = ("ev", "at", "es", "spi_t", "sv_t", "pd", "ieac_t", "es_note")


def es_at(as_of: date, percent: float | None, **overrides) -> dict:
    frames = FOUR_MONTHS | overrides
    prog = progress() if percent is None else progress(
        make_progress(as_of=as_of, percent_complete=percent))
    df = earned_schedule(frames["projects"], frames["costs"], prog, as_of=as_of).collect()
    assert_finite(df)
    assert df.columns == ["project_id", "code", "cancelled", "ev", "spi", *ES_COLUMNS]
    return df.row(0, named=True)


def approx(values) -> dict:
    return {k: (pytest.approx(v) if isinstance(v, float) else v) for k, v in zip(OUT, values)}


@pytest.mark.parametrize("case, as_of, percent, expected", [
    # Before the start: AT 0; EV 0 -> C = 0, ES = 0 + (0-0)/(100-0) = 0; SPI(t) null (AT 0);
    # SV(t) 0 - 0 = 0; PD 4 (last planned month is period 4); IEAC(t) null.
    ("not started", date(2025, 12, 15), None, (0.0, 0.0, 0.0, None, 0.0, 4.0, None, "not started")),
    # On plan mid-month: Feb-14, AT = 1 + 14/28 = 1.5; EV = PV = 100 + 100 x 14/28 = 150
    # (37.5 %): C = 1, ES = 1 + (150-100)/(200-100) = 1.5; SPI(t) 1; SV(t) 0; IEAC 4/1 = 4.
    ("on plan", date(2026, 2, 14), 37.5, (150.0, 1.5, 1.5, 1.0, 0.0, 4.0, 4.0, None)),
    # Late: Mar-31, AT = 2 + 31/31 = 3; EV 150 -> ES 1.5; SPI(t) 1.5/3 = 0.5; SV(t) -1.5;
    # IEAC(t) 4/0.5 = 8 months.
    ("late", date(2026, 3, 31), 37.5, (150.0, 3.0, 1.5, 0.5, -1.5, 4.0, 8.0, None)),
    # Ahead: Jan-31, AT 1; EV 200 (50 %) -> C = 2 (PV_2 = 200 <= 200), ES = 2 + 0/100 = 2;
    # SPI(t) 2; SV(t) +1; IEAC(t) 4/2 = 2.
    ("ahead", date(2026, 1, 31), 50.0, (200.0, 1.0, 2.0, 2.0, 1.0, 4.0, 2.0, None)),
    # Nothing earned after a month: AT 1, ES 0 -> SPI(t) 0, SV(t) -1, IEAC(t) 4/0 null.
    ("nothing earned", date(2026, 1, 31), None, (0.0, 1.0, 0.0, 0.0, -1.0, 4.0, None, None)),
])
def test_four_month_plan(case, as_of, percent, expected):
    assert {k: es_at(as_of, percent)[k] for k in OUT} == approx(expected), case


def test_classic_spi_returns_to_one_for_a_late_finish_but_spi_t_does_not():
    # Planned Jan-Apr (4 months of 100), finished 2026-06-30 (100 %, EV = PV = BAC = 400).
    # Classic SPI = EV/PV = 400/400 = 1.0: it cannot tell a late finish from an on-time one.
    # ES = 4 (EV reached the whole plan, at its planned end, period 4); AT = 5 + 30/30 = 6;
    # SPI(t) = 4/6 = 2/3; SV(t) = 4 - 6 = -2 months; IEAC(t) = 4 / (2/3) = 6 months.
    row = es_at(date(2026, 6, 30), 100.0)
    assert row["spi"] == pytest.approx(1.0)
    assert (row["es"], row["at"], row["spi_t"], row["sv_t"], row["ieac_t"]) == (
        pytest.approx(4.0), pytest.approx(6.0), pytest.approx(2 / 3), pytest.approx(-2.0),
        pytest.approx(6.0))


def test_actual_time_stops_at_the_actual_end():
    # Same late finish, ended 2026-06-30, seen on 2026-09-15: AT stays 6 (not 8 + 15/30),
    # so SPI(t) stays 4/6.
    ended = projects(make_project(bac=400.0, status="completed", baseline_start=date(2026, 1, 1),
                                  actual_end=date(2026, 6, 30)))
    prog = progress(make_progress(as_of=date(2026, 6, 30), percent_complete=100.0))
    row = earned_schedule(ended, FOUR_MONTHS["costs"], prog, as_of=date(2026, 9, 15)).collect()
    assert row.select("at", "es", "spi_t").row(0) == (
        pytest.approx(6.0), pytest.approx(4.0), pytest.approx(2 / 3))


def plan(*months_planned: tuple[int, float]) -> pl.DataFrame:
    return costs(*(make_cost(month=date(2026, m, 1), planned=p) for m, p in months_planned))


@pytest.mark.parametrize("case, project, cost_rows, as_of, percent, expected", [
    # No February row (plans nothing): PV_1 = PV_2 = 100, PV_3 = 200. Mar-31, EV 100 (50 % of
    # 200): C = 2 (last period with PV <= 100), ES = 2 + (100-100)/(200-100) = 2; AT 3;
    # SPI(t) 2/3; SV(t) -1; PD 3; IEAC(t) 3/(2/3) = 4.5.
    ("gap month", make_project(bac=200.0), plan((1, 100.0), (3, 100.0)), date(2026, 3, 31), 50.0,
     (100.0, 3.0, 2.0, 2 / 3, -1.0, 3.0, 4.5, None)),
    # A zero-planned row is the same as no row.
    ("zero month", make_project(bac=200.0), plan((1, 100.0), (2, 0.0), (3, 100.0)),
     date(2026, 3, 31), 50.0, (100.0, 3.0, 2.0, 2 / 3, -1.0, 3.0, 4.5, None)),
    # Baseline starts in January, money planned from March: period 0 is January's start.
    # PV_0..PV_4 = 0, 0, 0, 100, 200. Mar-31, EV 50 (25 % of 200): C = 2, ES = 2 + 50/100 =
    # 2.5; AT 3; SPI(t) 2.5/3 = 5/6; SV(t) -0.5; PD 4; IEAC(t) 4/(5/6) = 4.8.
    ("plan starts later", make_project(bac=200.0), plan((3, 100.0), (4, 100.0)),
     date(2026, 3, 31), 25.0, (50.0, 3.0, 2.5, 5 / 6, -0.5, 4.0, 4.8, None)),
    # Money planned from February, baseline from March: the earlier, February, is period 0.
    # Feb-28: AT = 0 + 28/28 = 1; EV 100 (50 %) -> ES 1 + 0/100 = 1; SPI(t) 1; PD 2.
    ("plan starts earlier", make_project(bac=200.0, baseline_start=date(2026, 3, 1)),
     plan((2, 100.0), (3, 100.0)), date(2026, 2, 28), 50.0,
     (100.0, 1.0, 1.0, 1.0, 0.0, 2.0, 2.0, None)),
    # No cost rows: ES null ("no planned value"); AT from the baseline month, Jun-30 = 6;
    # PD = t(baseline_end 2026-12-31) = 11 + 31/31 = 12.
    ("no planned value", make_project(bac=1200.0), costs(), date(2026, 6, 30), 10.0,
     (120.0, 6.0, None, None, None, 12.0, None, "no planned value")),
    # Zero budget: EV is 0 whatever the progress, so ES and its ratios are null.
    ("zero budget", make_project(bac=0.0), plan((1, 100.0)), date(2026, 6, 30), 50.0,
     (0.0, 6.0, None, None, None, 1.0, None, "no budget")),
    # No baseline start and no plan: no time axis at all.
    ("no start date", make_project(baseline_start=None), costs(), date(2026, 6, 30), None,
     (0.0, None, None, None, None, None, None, "no start date")),
    # No baseline start: the first planned month (March) is period 0: PV_1..PV_3 = 100, 200,
    # 300. Apr-30: AT = 1 + 30/30 = 2; EV 300 (25 % of 1200) reaches the whole plan, so ES = its
    # planned end, 3; SPI(t) 3/2 = 1.5; SV(t) +1; PD 3; IEAC(t) 3/1.5 = 2.
    ("start from plan", make_project(baseline_start=None),
     plan((3, 100.0), (4, 100.0), (5, 100.0)), date(2026, 4, 30), 25.0,
     (300.0, 2.0, 3.0, 1.5, 1.0, 3.0, 2.0, None)),
    # Null planned counts 0; two rows of one month add up (50 + 50 = 100 in January).
    ("null and duplicate rows", make_project(bac=200.0),
     costs(make_cost(month=date(2026, 1, 1), planned=50.0),
           make_cost(month=date(2026, 1, 1), planned=50.0),
           make_cost(month=date(2026, 2, 1), planned=None),
           make_cost(month=date(2026, 3, 1), planned=100.0)),
     date(2026, 3, 31), 50.0, (100.0, 3.0, 2.0, 2 / 3, -1.0, 3.0, 4.5, None)),
])
def test_plan_shapes_and_missing_data(case, project, cost_rows, as_of, percent, expected):
    row = es_at(as_of, percent, projects=projects(project), costs=cost_rows)
    assert {k: row[k] for k in OUT} == approx(expected), case


def test_cancelled_project_is_computed_and_flagged():
    row = es_at(date(2026, 3, 31), 37.5,
                projects=projects(make_project(bac=400.0, status="cancelled")))
    assert (row["cancelled"], row["es"], row["spi_t"]) == (True, pytest.approx(1.5),
                                                           pytest.approx(0.5))


def test_several_projects_and_dates_at_once_match_one_at_a_time():
    # Project 1: the four-month plan. Project 2: 200 a month Feb-Mar, BAC 400, 50 % by Mar-15.
    many = projects(make_project(id=1, code="A", bac=400.0),
                    make_project(id=2, code="B", bac=400.0, baseline_start=date(2026, 2, 1)))
    cost_rows = costs(*(make_cost(project_id=1, month=date(2026, m, 1), planned=100.0)
                        for m in range(1, 5)),
                      make_cost(project_id=2, month=date(2026, 2, 1), planned=200.0),
                      make_cost(project_id=2, month=date(2026, 3, 1), planned=200.0))
    prog = progress(make_progress(project_id=1, as_of=date(2026, 2, 14), percent_complete=37.5),
                    make_progress(project_id=2, as_of=date(2026, 3, 15), percent_complete=50.0))
    dates = [date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31)]
    together = earned_schedule_at(project_kpis_at(many, cost_rows, prog, dates), cost_rows)
    got = together.collect().sort("id", "status_date")
    assert_finite(got)
    assert got.height == 6
    for row in got.iter_rows(named=True):
        alone = earned_schedule(many, cost_rows, prog, as_of=row["status_date"]).collect()
        want = alone.filter(pl.col("project_id") == row["id"]).row(0, named=True)
        assert {k: row[k] for k in ES_COLUMNS} == {
            k: (pytest.approx(v) if isinstance(v, float) else v)
            for k, v in want.items() if k in ES_COLUMNS}
    # B at Mar-31: origin Feb; EV 200 -> C = 1 (PV_1 = 200), ES = 1; AT = 1 + 31/31 = 2 -> 0.5.
    b = got.filter((pl.col("id") == 2) & (pl.col("status_date") == date(2026, 3, 31)))
    assert b.select("es", "at", "spi_t").row(0) == (1.0, 2.0, 0.5)
