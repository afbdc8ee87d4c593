"""Trends and "since the last steering committee" deltas on hand-made snapshot rows."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from analytics.snapshots import METRICS, SNAPSHOT_SCHEMA
from analytics.trends import (DELTA_COLUMNS, default_reference, deltas, latest_on_or_before,
                              series, since)

D1, D2, D3 = date(2026, 10, 1), date(2026, 10, 15), date(2026, 11, 1)


def snap(as_of: date, grain: str, key: str, name: str, **metrics) -> dict:
    row = {c: None for c in SNAPSHOT_SCHEMA} | {"grain": grain, "key": key, "name": name}
    return row | metrics | {"as_of": as_of}


SNAPSHOTS = pl.DataFrame([
    snap(D1, "portfolio", "portfolio", "Portfolio", cpi=0.80, eac=2000.0, red_projects=3,
         bac=1000.0),
    snap(D2, "portfolio", "portfolio", "Portfolio", cpi=0.90, eac=2500.0, red_projects=2,
         bac=1000.0),
    snap(D3, "portfolio", "portfolio", "Portfolio", cpi=1.00, eac=2200.0, red_projects=2,
         bac=1000.0),
    snap(D1, "department", "FIN", "Finance (old name)", cpi=0.5),
    snap(D3, "department", "FIN", "Finance", cpi=0.6),
    snap(D3, "department", "IT", "IT", cpi=1.1),
], schema={**SNAPSHOT_SCHEMA, "as_of": pl.Date})


def test_series_of_a_metric_by_key_then_date_with_the_latest_name():
    got = series(SNAPSHOTS, "cpi", grain="department")
    assert got.select("as_of", "key", "name", "value").rows() == [
        (D1, "FIN", "Finance", 0.5), (D3, "FIN", "Finance", 0.6), (D3, "IT", "IT", 1.1)]
    assert series(SNAPSHOTS, "cpi", grain="department", keys=["IT"])["key"].to_list() == ["IT"]
    assert series(SNAPSHOTS, "eac", grain="portfolio")["value"].to_list() == [2000, 2500, 2200]


def test_unknown_metric_is_refused():
    with pytest.raises(ValueError, match="unknown metric 'magic'"):
        series(SNAPSHOTS, "magic", grain="portfolio")


@pytest.mark.parametrize(("day", "expected"), [
    (date(2026, 9, 30), None), (D1, D1), (date(2026, 10, 14), D1), (D2, D2),
    (date(2027, 1, 1), D3)])
def test_latest_on_or_before(day, expected):
    assert latest_on_or_before([D1, D2, D3], day) == expected


@pytest.mark.parametrize(("today", "expected"), [
    (date(2026, 11, 7), D2),      # D3 is 6 days old: too recent
    (date(2026, 11, 8), D3),      # exactly 7 days old
    (date(2026, 10, 7), None)])
def test_default_reference_is_the_latest_at_least_a_week_old(today, expected):
    assert default_reference([D1, D2, D3], today) == expected


def test_deltas_hand_computed():
    got = deltas(SNAPSHOTS.filter(pl.col("as_of") == D1), SNAPSHOTS.filter(pl.col("as_of") == D3),
                 ["cpi", "eac", "red_projects", "bac"])
    assert got.columns == list(DELTA_COLUMNS)
    rows = {(r["key"], r["metric"]): r for r in got.iter_rows(named=True)}
    cpi = rows[("portfolio", "cpi")]
    assert (cpi["before"], cpi["after"]) == (0.80, 1.00)
    assert cpi["delta"] == pytest.approx(0.20) and cpi["delta_pct"] == pytest.approx(0.25)
    assert cpi["better"] is True
    eac = rows[("portfolio", "eac")]
    assert (eac["delta"], eac["delta_pct"], eac["better"]) == (200.0, pytest.approx(0.10), False)
    red = rows[("portfolio", "red_projects")]
    assert (red["delta"], red["better"]) == (-1.0, True)
    assert rows[("portfolio", "bac")]["better"] is None          # unchanged, and no direction
    fin = rows[("FIN", "cpi")]
    assert fin["delta"] == pytest.approx(0.1) and fin["delta_pct"] == pytest.approx(0.2)
    assert fin["name"] == "Finance"                              # the name of "after"
    assert ("IT", "cpi") not in rows                             # no IT row at D1
    assert fin["key"] == "FIN" and got["grain"].to_list()[0] == "portfolio"


def test_delta_pct_is_unknown_when_before_is_zero_or_unknown():
    before = pl.DataFrame([snap(D1, "portfolio", "portfolio", "P", cpi=0.0, eac=None)],
                          schema={**SNAPSHOT_SCHEMA, "as_of": pl.Date})
    after = pl.DataFrame([snap(D3, "portfolio", "portfolio", "P", cpi=0.5, eac=10.0)],
                         schema={**SNAPSHOT_SCHEMA, "as_of": pl.Date})
    got = {r["metric"]: r for r in deltas(before, after, ["cpi", "eac"]).iter_rows(named=True)}
    assert (got["cpi"]["delta"], got["cpi"]["delta_pct"]) == (0.5, None)
    assert (got["eac"]["delta"], got["eac"]["delta_pct"], got["eac"]["better"]) == (None, None,
                                                                                     None)


def test_since_the_last_committee():
    # committee on 2026-10-20: the reference is D2's snapshot; now is the latest (D3)
    got = since(SNAPSHOTS, date(2026, 10, 20), metrics=["cpi"])
    assert got.select("key", "before", "after").rows() == [("portfolio", 0.90, 1.00)]
    # against today's live rows instead of the latest snapshot
    current = pl.DataFrame([snap(date(2026, 11, 20), "portfolio", "portfolio", "Portfolio",
                                 cpi=1.05)], schema={**SNAPSHOT_SCHEMA, "as_of": pl.Date})
    got = since(SNAPSHOTS, D1, current=current.drop("as_of"), metrics=["cpi"])
    assert got.select("before", "after").rows() == [(0.80, 1.05)]
    assert since(SNAPSHOTS, date(2026, 1, 1)).is_empty()          # nothing that old


def test_every_metric_can_be_compared():
    got = deltas(SNAPSHOTS.filter(pl.col("as_of") == D1), SNAPSHOTS.filter(pl.col("as_of") == D3))
    assert got.filter(pl.col("key") == "portfolio")["metric"].to_list() == list(METRICS)
