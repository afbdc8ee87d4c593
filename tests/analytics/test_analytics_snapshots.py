"""Snapshot rows of the hand-computed portfolio (steering_fixture.py)."""

from __future__ import annotations

import polars as pl
import pytest

from analytics.snapshots import SNAPSHOT_SCHEMA, snapshot_rows
from steering_fixture import DEPARTMENTS, RISKS, small_kset
from test_analytics_factories import risks


@pytest.fixture(scope="module")
def rows() -> pl.DataFrame:
    return snapshot_rows(small_kset(), risks(*RISKS), DEPARTMENTS)


def by_key(rows: pl.DataFrame, grain: str, key: str) -> dict:
    return rows.filter((pl.col("grain") == grain) & (pl.col("key") == key)).row(0, named=True)


def test_schema_and_one_row_per_grain_and_key(rows):
    assert dict(rows.schema) == SNAPSHOT_SCHEMA
    assert rows.select("grain", "key").rows() == [
        ("portfolio", "portfolio"), ("department", "FIN"), ("department", "IT"),
        ("project", "P1"), ("project", "P2")]


def test_project_rows(rows):
    p1, p2 = by_key(rows, "project", "P1"), by_key(rows, "project", "P2")
    assert (p1["bac"], p1["pv"], p1["ev"], p1["ac"], p1["eac"], p1["vac"], p1["cpi"], p1["spi"]) \
        == pytest.approx((1200, 1200, 600, 800, 1600, -400, 0.75, 0.5))
    assert (p1["department_id"], p1["project_id"], p1["name"], p1["overall_rag"]) == \
        (1, 1, "Ledger", "red")
    assert (p1["projects"], p1["red_projects"], p1["open_risks"]) == (1, 1, 1)
    assert p1["risk_exposure"] == pytest.approx(800.0)      # 4/5 × 1000
    assert (p2["red_projects"], p2["open_risks"], p2["overall_rag"]) == (0, 1, "green")
    assert p2["risk_exposure"] == pytest.approx(200.0)      # 2/5 × 500; the closed risk is out
    assert p1["spi_t"] is not None


def test_drift_alerts_are_counted_per_project(rows):
    kset = small_kset()
    counts = dict(kset.alerts.group_by("code").len().rows())
    assert by_key(rows, "project", "P1")["drift_alerts"] == counts["P1"]
    assert by_key(rows, "project", "P2")["drift_alerts"] == counts.get("P2", 0)
    assert by_key(rows, "portfolio", "portfolio")["drift_alerts"] == kset.alerts.height


def test_department_and_portfolio_rows_sum_the_projects(rows):
    fin, it = by_key(rows, "department", "FIN"), by_key(rows, "department", "IT")
    assert (fin["department_id"], fin["name"], fin["projects"], fin["bac"], fin["cpi"]) == \
        (1, "Finance", 1, 1200.0, 0.75)
    assert (it["department_id"], it["red_projects"], it["risk_exposure"]) == (2, 0, 200.0)
    total = by_key(rows, "portfolio", "portfolio")
    assert (total["projects"], total["bac"], total["eac"], total["vac"]) == (2, 2200, 2500, -300)
    assert total["cpi"] == pytest.approx(16 / 17)       # recomputed from sums, not averaged
    assert (total["red_projects"], total["open_risks"], total["risk_exposure"]) == (1, 2, 1000.0)
    assert total["spi_t"] is None and total["overall_rag"] is None
    assert total["department_id"] is None and total["project_id"] is None


def test_infinite_ratios_are_stored_as_unknown():
    kset = small_kset()
    broken = kset.projects.with_columns(pl.lit(float("inf")).alias("cpi"))
    from dataclasses import replace

    rows = snapshot_rows(replace(kset, projects=broken), risks(*RISKS), DEPARTMENTS)
    assert rows.filter(pl.col("grain") == "project")["cpi"].to_list() == [None, None]
