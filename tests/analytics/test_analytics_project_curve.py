"""The project S-curve: cumulative PV, EV and AC per month, hand-computed."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from analytics.project_curve import CURVE_COLUMNS, project_curve
from data_access.queries import schemas as s

COSTS = pl.DataFrame({
    "project_id": [1, 1, 1, 1, 1, 2],
    "month": [date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1), date(2026, 4, 1),
              date(2026, 1, 1), date(2026, 1, 1)],
    # two January rows of project 1 add up; project 2 never leaks in
    "planned": [100.0, 200.0, 300.0, 400.0, 50.0, 9999.0],
    "actual": [120.0, None, 250.0, 999.0, 0.0, 9999.0],
}, schema=s.COSTS)
PROGRESS = pl.DataFrame({
    "project_id": [1, 1, 1, 1, 2],
    "as_of": [date(2026, 1, 31), date(2026, 2, 15), date(2026, 2, 28), date(2026, 3, 20),
              date(2026, 1, 31)],
    "percent_complete": [10.0, 15.0, 20.0, 35.0, 99.0],
}, schema=s.PROGRESS)


def curve(as_of: date, bac: float | None = 1000.0, progress: pl.DataFrame = PROGRESS) -> dict:
    return project_curve(COSTS, progress, project_id=1, bac=bac, as_of=as_of).collect().to_dict(
        as_series=False)


def test_cumulative_by_month_at_a_mid_month_status_date():
    # as_of 10 March: the 20 March report is not known yet -> March EV uses 28 Feb (20 %).
    # April has not started -> EV and AC null; PV is the whole plan, cumulative.
    got = curve(date(2026, 3, 10))
    assert tuple(got) == CURVE_COLUMNS
    assert got["month"] == [date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1), date(2026, 4, 1)]
    assert got["pv"] == [150.0, 350.0, 650.0, 1050.0]
    assert got["ev"] == [100.0, 200.0, 200.0, None]   # 1000 × 10 %, × 20 % (last Feb report)
    assert got["ac"] == [120.0, 120.0, 370.0, None]   # null Feb actual counts 0


def test_after_the_last_report_ev_stays_and_ac_runs_on():
    got = curve(date(2026, 4, 30))
    assert got["ev"] == [100.0, 200.0, 350.0, 350.0]
    assert got["ac"] == [120.0, 120.0, 370.0, 1369.0]


@pytest.mark.parametrize(("bac", "progress", "expected_ev"), [
    (None, PROGRESS, [0.0, 0.0]),                         # no budget: nothing earned
    (1000.0, PROGRESS.clear(), [0.0, 0.0]),               # no report yet: 0, not null
])
def test_ev_is_zero_without_budget_or_report(bac, progress, expected_ev):
    got = curve(date(2026, 2, 10), bac=bac, progress=progress)
    assert got["ev"][:2] == expected_ev
    assert got["ev"][2:] == [None, None]


def test_a_project_without_cost_plan_has_an_empty_curve():
    got = project_curve(COSTS, PROGRESS, project_id=3, bac=10.0, as_of=date(2026, 3, 1)).collect()
    assert got.is_empty() and got.columns == list(CURVE_COLUMNS)
