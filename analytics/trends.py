"""Trends from KPI snapshots: the series of a metric over the snapshot dates, and the deltas
"since the last steering committee" (the latest snapshot on or before a date vs now)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta

import polars as pl

from analytics.snapshots import METRICS

HIGHER_IS_BETTER = {
    "cpi": True, "spi": True, "spi_t": True, "percent_complete": True, "ev": True, "vac": True,
    "eac": False, "ac": False, "red_projects": False, "open_risks": False,
    "risk_exposure": False, "drift_alerts": False,
}
"""Direction of each metric (others - projects, bac, pv - are neither better nor worse)."""
LABELS = {
    "projects": "Projects", "bac": "Budget (BAC)", "pv": "Planned value (PV)",
    "ev": "Earned value (EV)", "ac": "Actual cost (AC)", "eac": "Forecast (EAC)",
    "vac": "Variance at completion (VAC)", "cpi": "CPI", "spi": "SPI", "spi_t": "SPI(t)",
    "percent_complete": "% complete", "red_projects": "Red projects", "open_risks": "Open risks",
    "risk_exposure": "Risk exposure", "drift_alerts": "Drift alerts",
}
SERIES_COLUMNS = ("as_of", "grain", "key", "name", "value")
DELTA_COLUMNS = ("grain", "key", "name", "metric", "before", "after", "delta", "delta_pct",
                 "better")
_KEYS = ["grain", "key"]


def _metric(metric: str) -> str:
    if metric not in METRICS:
        raise ValueError(f"unknown metric {metric!r}: choose one of {', '.join(METRICS)}")
    return metric


def series(snapshots: pl.DataFrame, metric: str, *, grain: str,
           keys: Iterable[str] | None = None) -> pl.DataFrame:
    """(as_of, grain, key, name, value): ``metric`` of each snapshot row of ``grain`` (and
    ``keys``, all when None), by key then date; the name is the latest one of its key."""
    metric = _metric(metric)
    rows = snapshots.lazy().filter(pl.col("grain") == grain)
    if keys is not None:
        rows = rows.filter(pl.col("key").is_in(list(keys)))
    return (rows.with_columns(pl.col("name").sort_by("as_of").last().over("key"))
            .select("as_of", "grain", "key", "name", pl.col(metric).cast(pl.Float64)
                    .alias("value"))
            .sort("key", "as_of").collect())


def latest_on_or_before(dates: Sequence[date] | pl.Series, day: date) -> date | None:
    """The latest of ``dates`` that is <= ``day`` (None when every date is later)."""
    eligible = [d for d in dates if d is not None and d <= day]
    return max(eligible) if eligible else None


def default_reference(dates: Sequence[date] | pl.Series, today: date,
                      min_age_days: int = 7) -> date | None:
    """The snapshot to compare with by default: the latest one at least ``min_age_days`` old."""
    if min_age_days < 0:
        raise ValueError(f"min_age_days must be >= 0, got {min_age_days}")
    return latest_on_or_before(dates, today - timedelta(days=min_age_days))


def rows_at(snapshots: pl.DataFrame, day: date) -> pl.DataFrame:
    """The snapshot rows taken on ``day``."""
    return snapshots.filter(pl.col("as_of") == day)


def deltas(before: pl.DataFrame, after: pl.DataFrame,
           metrics: Sequence[str] = METRICS) -> pl.DataFrame:
    """DELTA_COLUMNS, one row per (grain, key) present in both and metric: delta = after −
    before; delta_pct = delta / |before| (null when before is 0 or unknown); better = the
    change is an improvement (null when unchanged or the metric has no direction)."""
    metrics = [_metric(m) for m in metrics]
    if not metrics:
        raise ValueError("deltas need at least one metric")

    def long(frame: pl.DataFrame, side: str) -> pl.LazyFrame:
        return (frame.lazy().select(*_KEYS, "name", *(pl.col(m).cast(pl.Float64) for m in metrics))
                .unpivot(index=[*_KEYS, "name"], on=metrics, variable_name="metric",
                         value_name=side))

    direction = pl.col("metric").replace_strict(HIGHER_IS_BETTER, default=None,
                                                return_dtype=pl.Boolean)
    delta = pl.col("after") - pl.col("before")
    order = pl.col("metric").replace_strict({m: i for i, m in enumerate(metrics)},
                                            return_dtype=pl.Int64)
    return (long(after, "after")
            .join(long(before, "before").drop("name"), on=[*_KEYS, "metric"], how="inner")
            .with_columns(delta.alias("delta"))
            .with_columns(
                pl.when(pl.col("before").is_null() | (pl.col("before") == 0)).then(None)
                .otherwise(pl.col("delta") / pl.col("before").abs()).alias("delta_pct"),
                pl.when(direction.is_null() | pl.col("delta").is_null() | (pl.col("delta") == 0))
                .then(None).otherwise((pl.col("delta") > 0) == direction).alias("better"))
            .sort(pl.col("grain").replace_strict({"portfolio": 0, "department": 1, "project": 2},
                                                 default=3, return_dtype=pl.Int64),
                  "key", order)
            .select(DELTA_COLUMNS).collect())


def since(snapshots: pl.DataFrame, reference: date, *,
          current: pl.DataFrame | None = None, metrics: Sequence[str] = METRICS) -> pl.DataFrame:
    """Deltas since ``reference`` (the committee's date): the latest snapshot on or before it
    vs ``current`` (the rows of today's KPI set), or vs the latest snapshot when not given.
    Empty (DELTA_COLUMNS) when no snapshot is that old."""
    dates = snapshots["as_of"].unique().to_list() if snapshots.height else []
    base = latest_on_or_before(dates, reference)
    if base is None:
        return deltas(snapshots.clear(), snapshots.clear(), metrics)
    now = current if current is not None else rows_at(snapshots, max(dates))
    return deltas(rows_at(snapshots, base), now, metrics)
