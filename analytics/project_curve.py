"""One project's EVM S-curve: cumulative PV, EV and AC per month (the project card's chart).

Month convention (as analytics.evm): cost rows are monthly, ``month`` is the month's first day.
- pv = Σ planned of the months up to and including this one (the whole month's plan: the
  curve is read at month ends, unlike the KPI's PV which accrues linearly to the status date);
- ac = Σ actual (a null actual counting 0) up to this month, for months started on or before
  as_of; null afterwards (no actual cost in the future);
- ev = BAC × the latest percent_complete reported on or before min(month end, as_of) / 100;
  0 before the first report, null for months starting after as_of.
"""

from __future__ import annotations

from datetime import date

import polars as pl

Frame = pl.DataFrame | pl.LazyFrame

CURVE_COLUMNS = ("month", "pv", "ev", "ac")


def started(as_of: date) -> pl.Expr:
    """month <= as_of: the month has begun at the status date."""
    return pl.col("month") <= pl.lit(as_of, dtype=pl.Date)


def project_curve(costs: Frame, progress: Frame, *, project_id: int, bac: float | None,
                  as_of: date) -> pl.LazyFrame:
    """(month, pv, ev, ac) cumulative per month of ``project_id``'s cost plan, sorted by month."""
    points = (progress.lazy()
              .filter((pl.col("project_id") == project_id)
                      & (pl.col("as_of") <= pl.lit(as_of, dtype=pl.Date)))
              .select(pl.col("as_of").alias("reported_on"), "percent_complete")
              .sort("reported_on"))
    return (
        costs.lazy()
        .filter(pl.col("project_id") == project_id)
        .group_by("month")
        .agg(pl.col("planned").fill_null(0.0).sum(), pl.col("actual").fill_null(0.0).sum())
        .sort("month")
        .with_columns(pl.col("month").dt.month_end().alias("month_end"))
        .join_asof(points, left_on="month_end", right_on="reported_on", strategy="backward")
        .select(
            "month",
            pl.col("planned").cum_sum().alias("pv"),
            pl.when(started(as_of))
            .then(pl.lit(bac or 0.0) * pl.col("percent_complete").fill_null(0.0) / 100.0)
            .alias("ev"),
            pl.when(started(as_of)).then(pl.col("actual").cum_sum()).alias("ac"),
        )
    )
