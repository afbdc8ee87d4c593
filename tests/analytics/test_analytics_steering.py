"""The steering pack's content and the exported KPI tables, on the hand-computed portfolio of
steering_fixture.py."""

from __future__ import annotations

import polars as pl
import pytest

from analytics.steering import (ASKS, DECISION_COLUMNS, SUMMARY_COLUMNS, TROUBLE_COLUMNS,
                                decisions, kpi_tables, overrun_threshold, steering_pack)
from steering_fixture import small_kset
from test_analytics_factories import thresholds


@pytest.fixture(scope="module")
def kset():
    return small_kset()


def test_summary_row(kset):
    pack = steering_pack(kset)
    assert pack.summary.columns == list(SUMMARY_COLUMNS)
    row = pack.summary.row(0, named=True)
    assert (row["projects"], row["active"], row["red"], row["amber"], row["green"],
            row["not_assessed"]) == (2, 2, 1, 0, 1, 0)
    assert (row["bac"], row["ac"], row["ev"], row["pv"], row["eac"], row["vac"]) == \
        pytest.approx((2200, 1700, 1600, 2200, 2500, -300))
    assert row["cpi"] == pytest.approx(16 / 17) and row["spi"] == pytest.approx(16 / 22)
    assert row["open_risks"] == 2                 # the closed risk of P2 does not count
    assert row["overdue_gates"] == 1              # P2's gate, 14 days overdue
    assert row["drift_alerts"] == kset.alerts.height and row["red_alerts"] == kset.alerts.filter(
        pl.col("severity") == "red").height


def test_decisions_needed(kset):
    table = decisions(kset, overrun=0.10)
    assert table.columns == list(DECISION_COLUMNS)
    assert table.select("kind", "code", "subject", "detail").rows()[1:] == [
        ("budget", "P1", "Forecast over budget", "EAC 1,600 vs BAC 1,200 (+33%)"),
        ("gate", "P2", "Gate overdue: G3 Go live", "forecast 2026-11-01, 14 days overdue"),
    ]
    first = table.row(0, named=True)
    assert (first["kind"], first["code"], first["subject"]) == ("recovery", "P1",
                                                               "Overall health red")
    assert first["detail"].startswith("cost: CPI 0.75 below 0.90")
    assert table["ask"].to_list() == [ASKS["recovery"], ASKS["budget"], ASKS["gate"]]


@pytest.mark.parametrize(("overrun", "budget_codes"), [
    (0.10, ["P1"]), (1 / 3, ["P1"]),              # eac_overrun = 1600/1200 − 1 = 1/3 exactly
    (0.34, []), (-0.10, ["P1", "P2"]),            # P2: 900/1000 − 1 = −0.10
])
def test_budget_decisions_follow_the_threshold(kset, overrun, budget_codes):
    table = decisions(kset, overrun=overrun)
    assert table.filter(pl.col("kind") == "budget")["code"].to_list() == budget_codes


def test_overrun_threshold_comes_from_the_thresholds_table():
    assert overrun_threshold(thresholds()) == 0.10
    assert overrun_threshold(thresholds(eac_overrun=(0.1, 0.25))) == 0.25
    assert overrun_threshold(None) == 0.10


def test_projects_in_trouble_and_their_details(kset):
    pack = steering_pack(kset)
    assert pack.in_trouble.columns == list(TROUBLE_COLUMNS)
    assert pack.in_trouble["code"].to_list() == ["P1"]
    p1 = pack.in_trouble.row(0, named=True)
    assert (p1["cpi"], p1["spi"], p1["eac"], p1["vac"]) == pytest.approx((0.75, 0.5, 1600, -400))
    assert p1["cost_rag"] == "red" and p1["open_risks"] == 1 and p1["max_risk_score"] == 20
    assert set(pack.project_alerts["code"]) == {"P1"}
    assert "forecast_overrun" in pack.project_alerts["alert"].to_list()
    assert pack.project_gates.is_empty()          # the overdue gate is P2's, not in trouble
    assert pack.more_in_trouble == 0


def test_caps(kset):
    pack = steering_pack(kset, top_n=1, max_alerts=1, max_trouble=0)
    assert pack.top_risks["risk_id"].to_list() == [1]       # score 20 before score 4
    assert pack.alerts.height == 1
    assert pack.in_trouble.is_empty() and pack.more_in_trouble == 1
    with pytest.raises(ValueError, match="max_trouble must be a whole number >= 0"):
        steering_pack(kset, max_trouble=-1)


def test_health_and_departments(kset):
    pack = steering_pack(kset)
    assert dict(pack.health.rows()) == {"green": 1, "amber": 0, "red": 1, "not assessed": 0}
    assert pack.departments.select("department", "bac", "eac").rows() == [
        ("Finance", 1200.0, 1600.0), ("IT", 1000.0, 900.0)]


def test_kpi_tables_are_the_computed_sections(kset):
    tables = kpi_tables(kset)
    assert list(tables)[:4] == ["portfolio", "departments", "projects", "health"]
    assert "objectives" not in tables and "capacity_by_role" not in tables   # not computed
    assert tables["projects"].equals(kset.projects)
    assert tables["drift_alerts"].equals(kset.alerts)
    assert tables["overdue_gates"]["project_code"].to_list() == ["P2"]
