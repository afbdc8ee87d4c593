"""The manager's RAG against the computed KPIs: flags, hand-computed (default thresholds: CPI and
SPI amber 0.95 red 0.90; EAC overrun amber 5 % red 10 %; slip amber 15 red 45 days)."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from analytics.status_check import FLAG_COLUMNS, FLAG_SCHEMA, status_flags

from test_analytics_factories import thresholds

REPORT_SCHEMA = {"project_id": pl.Int64, "schedule_rag": pl.String, "cost_rag": pl.String,
                 "eac": pl.Float64, "forecast_end": pl.Date}
KPI_SCHEMA = {"project_id": pl.Int64, "bac": pl.Float64, "cpi": pl.Float64, "spi": pl.Float64,
              "eac_overrun": pl.Float64, "worst_slip_days": pl.Int64, "baseline_end": pl.Date,
              "code": pl.String}
END = date(2027, 1, 31)


def report(**kw) -> dict:
    """Green everywhere, the manager's EAC on budget, forecast end on the baseline."""
    return {"project_id": 1, "schedule_rag": "green", "cost_rag": "green", "eac": 1000.0,
            "forecast_end": END} | kw


def kpi(**kw) -> dict:
    """A healthy project: BAC 1000, CPI = SPI = 1, no overrun, no slip."""
    return {"project_id": 1, "bac": 1000.0, "cpi": 1.0, "spi": 1.0, "eac_overrun": 0.0,
            "worst_slip_days": 0, "baseline_end": END, "code": "P1"} | kw


def flags(reports=(report(),), kpis=(kpi(),)) -> pl.DataFrame:
    out = status_flags(pl.DataFrame(list(reports), schema=REPORT_SCHEMA),
                       pl.DataFrame(list(kpis), schema=KPI_SCHEMA), thresholds()).collect()
    assert out.columns == list(FLAG_COLUMNS)
    assert out.schema == pl.Schema(FLAG_SCHEMA)
    return out


@pytest.mark.parametrize("rep, k, expected", [
    # the example of the issue: CPI 0.82 is past the red limit 0.90
    (report(), kpi(cpi=0.82), [("cost", "cpi", "red",
                                "green cost but CPI 0.82 below 0.90 (red threshold)")]),
    # at the amber limit is amber (the worse band)
    (report(), kpi(spi=0.95), [("schedule", "spi", "amber",
                                "green schedule but SPI 0.95 at or below 0.95 (amber threshold)")]),
    # amber reported, red computed: still contradicted
    (report(cost_rag="amber"), kpi(cpi=0.90),
     [("cost", "cpi", "red", "amber cost but CPI 0.90 at or below 0.90 (red threshold)")]),
    # red reported: nothing can be worse
    (report(cost_rag="red", schedule_rag="red"), kpi(cpi=0.5, spi=0.5, eac_overrun=1.0), []),
    # amber reported, amber computed: agrees
    (report(cost_rag="amber"), kpi(cpi=0.93), []),
    # computed overrun 0.125 -> 12.5 % above 10.0 %
    (report(), kpi(eac_overrun=0.125),
     [("cost", "eac_overrun", "red",
       "green cost but computed EAC overrun 12.5% above 10.0% (red threshold)")]),
    # the manager's own EAC 1060 on a BAC of 1000: (1060 - 1000) / 1000 = 6.0 % -> amber
    (report(eac=1060.0), kpi(),
     [("cost", "reported_eac_overrun", "amber",
       "green cost but your EAC overrun 6.0% above 5.0% (amber threshold)")]),
    # forecast end 31 Jan -> 17 Mar 2027 = 45 days: at the red limit
    (report(forecast_end=date(2027, 3, 17)), kpi(),
     [("schedule", "forecast_slip_days", "red",
       "green schedule but your forecast end slip 45 days at or above 45 (red threshold)")]),
    # worst milestone 16 days late: amber
    (report(), kpi(worst_slip_days=16),
     [("schedule", "worst_slip_days", "amber",
       "green schedule but worst milestone slip 16 days above 15 (amber threshold)")]),
    # no numbers (nothing spent, no EAC, no forecast): no flag, never a guess
    (report(eac=None, forecast_end=None),
     kpi(cpi=None, spi=None, eac_overrun=None, worst_slip_days=None), []),
    # BAC 0: the manager's overrun is undefined, not infinite
    (report(eac=10.0), kpi(bac=0.0), []),
])
def test_flags_name_the_metric_its_value_and_the_threshold(rep, k, expected):
    got = flags([rep], [k])
    assert list(zip(got["dimension"], got["metric"], got["computed_rag"], got["message"])) == expected
    assert got["reported_rag"].to_list() == [rep[f"{d}_rag"] for d, *_ in expected]


def test_several_flags_come_in_metric_order_per_project():
    got = flags([report(project_id=2), report(project_id=1, cost_rag="amber")],
                [kpi(project_id=1, cpi=0.85, eac_overrun=0.2),
                 kpi(project_id=2, spi=0.80, worst_slip_days=50)])
    assert list(zip(got["project_id"], got["metric"], got["value"])) == [
        (1, "cpi", 0.85), (1, "eac_overrun", 0.2), (2, "spi", 0.80), (2, "worst_slip_days", 50.0)]


def test_a_report_without_kpis_raises_no_flag():
    assert flags([report(project_id=9)], [kpi(project_id=1, cpi=0.1)]).is_empty()
