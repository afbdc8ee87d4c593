"""Drift alerts: performance sliding over the last months, forecasts slipping again and again.

Alert kinds (one row per project and kind that fires):
- cpi_trend / spi_t_trend: CPI and SPI(t) (analytics.earned_schedule) at each of the last
  ``periods`` month ends <= as_of. Fires when the value crossed into red during the window (red
  at the last month end, not red at an earlier one) or fell at every month end (strictly, at the
  2 decimals shown). Severity red when the last value is red, else amber. SPI(t) uses the spi
  thresholds.
- repeated_slip: the forecast_end of the status reports (reported by as_of; the latest report of
  each period; reports without a forecast skipped) moved later in >= 2 consecutive reports up to
  the latest one. value = days moved over that run; red when at or above the
  milestone_slip_days red limit, else amber.
- forecast_overrun: (EAC − BAC)/BAC at as_of, or the latest reported EAC's, at or above the
  eac_overrun red limit (red).
Thresholds and their boundary rule: analytics.thresholds.
"""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl

from analytics.earned_schedule import earned_schedule_at
from analytics.evm import project_kpis, project_kpis_at
from analytics.exprs import fmt_fixed, safe_div
from analytics.health import eac_overrun
from analytics.thresholds import Threshold, parse_thresholds

Frame = pl.DataFrame | pl.LazyFrame

ALERT_COLUMNS = ("project_id", "code", "name", "status", "alert", "severity", "metric", "value",
                 "threshold", "evidence")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_REPORT_SCHEMA = {"id": pl.Int64, "project_id": pl.Int64, "period": pl.Date,
                  "reported_on": pl.Date, "forecast_end": pl.Date, "eac": pl.Float64}


def month_ends(as_of: date, periods: int) -> list[date]:
    """The last ``periods`` month ends <= as_of, oldest first (as_of itself if a month end)."""
    last = as_of if (as_of + timedelta(days=1)).day == 1 else as_of.replace(day=1) - timedelta(1)
    ends = [last]
    while len(ends) < periods:
        ends.append(ends[-1].replace(day=1) - timedelta(days=1))
    return ends[::-1]


def window_label(ends: list[date]) -> str:
    """'Sep–Nov 2026', or 'Nov 2026–Jan 2027' across a year end."""
    first, last = ends[0], ends[-1]
    head = MONTHS[first.month - 1] + ("" if first.year == last.year else f" {first.year}")
    return f"{head}–{MONTHS[last.month - 1]} {last.year}"


def trend_alerts(series: Frame, column: str, label: str, kind: str, t: Threshold, n: int,
                 window: str) -> pl.LazyFrame:
    """Trend alerts of ``column`` in series (id, status_date, column; ``n`` dates per id).

    Output: id, alert, severity, metric, value (the last), threshold (red), evidence.
    """
    value = pl.col(column)
    red = (t.rag(value) == "red").sort_by("status_date")
    found = (
        series.lazy().group_by("id")
        .agg(value.sort_by("status_date").last().alias("value"),
             value.sort_by("status_date").alias("_series"),
             (t.shown(value).sort_by("status_date").diff() < 0).sum().alias("_drops"),
             red.last().fill_null(False).alias("_red_now"),
             (~red.head(n - 1)).any().alias("_was_not_red"))
        .with_columns((pl.col("_drops") == n - 1).alias("_declining"),
                      (pl.col("_red_now") & pl.col("_was_not_red")).alias("_crossed"))
        .filter(pl.col("_declining") | pl.col("_crossed"))
        # the values as words only for the alerts that fire (a small share of the projects)
        .with_columns(pl.col("_series").list.eval(t.shown_text(pl.element()).fill_null("n/a"))
                      .list.join(" → ").alias("_values"))
    )
    reasons = pl.concat_str(
        [pl.when(pl.col("_declining")).then(pl.lit("declining every month")),
         pl.when(pl.col("_crossed")).then(pl.concat_str(pl.lit("crossed into red ("),
                                                        t.comparison(pl.col("value")), pl.lit(")")))
         .when(pl.col("_red_now")).then(pl.concat_str(pl.lit("red ("),
                                                      t.comparison(pl.col("value")), pl.lit(")")))],
        separator="; ", ignore_nulls=True)
    return found.select(
        "id", pl.lit(kind).alias("alert"),
        pl.when(pl.col("_red_now")).then(pl.lit("red")).otherwise(pl.lit("amber"))
        .alias("severity"),
        pl.lit(column).alias("metric"), pl.col("value").cast(pl.Float64),
        pl.lit(t.red).alias("threshold"),
        pl.concat_str(pl.lit(f"{label} "), pl.col("_values"), pl.lit(f" over {window}: "), reasons)
        .alias("evidence"))


def trend_series(projects: Frame, costs: Frame, progress: Frame,
                 ends: list[date]) -> pl.LazyFrame:
    """The trend alerts' input: project_kpis_at the month ends + earned schedule (id, status_date,
    cpi, spi_t, ...), one row per project and month end."""
    return earned_schedule_at(project_kpis_at(projects, costs, progress, ends), costs)


def _reports(status_reports: Frame | None, as_of: date) -> pl.LazyFrame:
    """Status reports reported by as_of (an empty frame when None)."""
    if status_reports is None:
        return pl.LazyFrame(schema=_REPORT_SCHEMA)
    return status_reports.lazy().filter(pl.col("reported_on") <= as_of)


def repeated_slips(reports: Frame, t: Threshold) -> pl.LazyFrame:
    """repeated_slip alerts: forecast_end later than the report before, >= 2 reports in a row."""
    idx, later = pl.col("_idx"), pl.col("_later")
    run = pl.col("forecast_end").filter(idx >= idx.filter(~later).max())
    return (
        reports.lazy().filter(pl.col("forecast_end").is_not_null())
        .group_by("project_id", "period")
        .agg(pl.col("forecast_end").sort_by("reported_on", "id").last())
        .sort("project_id", "period")
        .with_columns((pl.col("forecast_end") > pl.col("forecast_end").shift(1).over("project_id"))
                      .fill_null(False).alias("_later"),
                      pl.int_range(pl.len()).over("project_id").alias("_idx"))
        .group_by("project_id")
        .agg((pl.len() - 1 - idx.filter(~later).max()).alias("_moves"),
             (run.last() - run.first()).dt.total_days().cast(pl.Float64).alias("value"),
             run.alias("_run"))
        .filter(pl.col("_moves") >= 2)
        .with_columns(pl.col("_run").list.eval(pl.element().dt.to_string("%Y-%m-%d"))
                      .list.join(" → ").alias("_dates"))
        .select(pl.col("project_id").alias("id"), pl.lit("repeated_slip").alias("alert"),
                pl.when(t.rag(pl.col("value")) == "red").then(pl.lit("red"))
                .otherwise(pl.lit("amber")).alias("severity"),
                pl.lit("forecast_end").alias("metric"), "value",
                pl.lit(t.red).alias("threshold"),
                pl.concat_str(pl.lit("forecast end moved later in "),
                              pl.col("_moves").cast(pl.String),
                              pl.lit(" consecutive reports: "), pl.col("_dates"), pl.lit(" (+"),
                              fmt_fixed(pl.col("value"), 0), pl.lit(" days)")).alias("evidence"))
    )


def _overrun_text(what: str, eac: str, overrun: str, t: Threshold) -> pl.Expr:
    """'EAC 1250 is 25.0% over BAC 1000 (above 10.0%)' when that overrun is red."""
    return pl.when(t.rag(pl.col(overrun)) == "red").then(pl.concat_str(
        pl.lit(f"{what} "), fmt_fixed(pl.col(eac), 0), pl.lit(" is "),
        t.shown_text(pl.col(overrun)), pl.lit(" over BAC "), fmt_fixed(pl.col("bac"), 0),
        pl.lit(" ("), t.comparison(pl.col(overrun)), pl.lit(")")))


def forecast_overruns(kpis: Frame, reports: Frame, t: Threshold) -> pl.LazyFrame:
    """forecast_overrun alerts: computed or reported EAC over BAC at or above the red limit."""
    reported = (reports.lazy().filter(pl.col("eac").is_not_null()).group_by("project_id")
                .agg(pl.col("eac").sort_by("period", "reported_on", "id").last()
                     .alias("reported_eac")))
    parts = [_overrun_text("EAC", "eac", "eac_overrun", t),
             _overrun_text("reported EAC", "reported_eac", "reported_overrun", t)]
    return (
        kpis.lazy().join(reported, left_on="id", right_on="project_id", how="left")
        .with_columns(eac_overrun(),
                      safe_div(pl.col("reported_eac") - pl.col("bac"), pl.col("bac"))
                      .alias("reported_overrun"))
        .with_columns(pl.concat_str(parts, separator="; ", ignore_nulls=True).alias("evidence"))
        .filter(pl.col("evidence").is_not_null() & (pl.col("evidence") != ""))
        .select("id", pl.lit("forecast_overrun").alias("alert"), pl.lit("red").alias("severity"),
                pl.lit("eac_overrun").alias("metric"),
                pl.max_horizontal("eac_overrun", "reported_overrun").alias("value"),
                pl.lit(t.red).alias("threshold"), "evidence")
    )


def drift_alerts(projects: Frame, costs: Frame, progress: Frame,
                 status_reports: Frame | None = None, *, as_of: date, thresholds: pl.DataFrame,
                 periods: int = 3, statuses: tuple[str, ...] | None = None,
                 kpis: Frame | None = None, series: Frame | None = None) -> pl.LazyFrame:
    """ALERT_COLUMNS, one row per project and alert kind that fires, red first then by code.

    ``statuses`` keeps only projects with those statuses (None: every project; ``status`` is
    an output column so the caller can drop cancelled or completed ones). ``kpis``: the
    projects' analytics.evm.project_kpis at as_of when the caller has them already (the
    statuses filter applies to them too), else computed here; likewise ``series``:
    trend_series(projects, costs, progress, month_ends(as_of, periods)).
    """
    if isinstance(periods, bool) or not isinstance(periods, int) or periods < 2:
        raise ValueError(f"periods must be a whole number >= 2, got {periods!r}")
    t = parse_thresholds(thresholds)
    scoped = projects.lazy()
    if statuses is not None:
        scoped = scoped.filter(pl.col("status").is_in(list(statuses)))
    ends = month_ends(as_of, periods)
    window = window_label(ends)
    if series is None:
        series = trend_series(scoped, costs, progress, ends)
    elif statuses is not None:
        series = series.lazy().filter(pl.col("status").is_in(list(statuses)))
    # read by both trend alerts: cache() computes it once in any enclosing plan
    series = series.lazy().cache()
    reports = _reports(status_reports, as_of)
    if kpis is None:
        now = project_kpis(scoped, costs, progress, as_of=as_of)
    else:
        now = kpis.lazy()
        if statuses is not None:
            now = now.filter(pl.col("status").is_in(list(statuses)))
    alerts = pl.concat([
        trend_alerts(series, "cpi", "CPI", "cpi_trend", t["cpi"], periods, window),
        trend_alerts(series, "spi_t", "SPI(t)", "spi_t_trend", t["spi"], periods, window),
        repeated_slips(reports, t["milestone_slip_days"]),
        forecast_overruns(now, reports, t["eac_overrun"]),
    ])
    names = scoped.select("id", "code", "name", "status")
    return (
        alerts.join(names, on="id", how="inner")
        .with_columns(pl.col("id").alias("project_id"))
        .sort(pl.col("severity") != "red", "code", "alert")
        .select(ALERT_COLUMNS)
    )
