"""The manager's judgement against the numbers: a RAG the computed KPIs contradict is flagged.

A reported cost or schedule RAG is flagged for each metric whose computed RAG (the health
thresholds of analytics.thresholds, a value at a threshold in the worse band) is WORSE than what
the manager reported, e.g. "green cost but CPI 0.82 below 0.90 (red threshold)". Metrics:
- cost: CPI = EV / AC; computed EAC overrun = (EAC − BAC) / BAC (assessed once AC > 0);
  the manager's own EAC overrun = (reported EAC − BAC) / BAC (threshold eac_overrun);
- schedule: SPI = EV / PV; worst milestone slip in days; the manager's forecast end slip =
  reported forecast end − baseline end, in days (threshold milestone_slip_days).
A metric without a value (null) never raises a flag. Scope and quality have no computed measure.
"""

from __future__ import annotations

import polars as pl

from analytics.exprs import days_between, rag_rank, safe_div
from analytics.thresholds import Threshold, parse_thresholds

Frame = pl.DataFrame | pl.LazyFrame

REPORT_COLUMNS = ("project_id", "schedule_rag", "cost_rag", "eac", "forecast_end")
KPI_COLUMNS = ("project_id", "bac", "cpi", "spi", "eac_overrun", "worst_slip_days",
               "baseline_end")
FLAG_COLUMNS = ("project_id", "dimension", "metric", "reported_rag", "computed_rag", "value",
                "message")
FLAG_SCHEMA = {"project_id": pl.Int64, "dimension": pl.String, "metric": pl.String,
               "reported_rag": pl.String, "computed_rag": pl.String, "value": pl.Float64,
               "message": pl.String}

#: (dimension, metric name, words before the value, threshold key, unit after the value)
METRICS = (
    ("cost", "cpi", "CPI", "cpi", ""),
    ("cost", "eac_overrun", "computed EAC overrun", "eac_overrun", ""),
    ("cost", "reported_eac_overrun", "your EAC overrun", "eac_overrun", ""),
    ("schedule", "spi", "SPI", "spi", ""),
    ("schedule", "worst_slip_days", "worst milestone slip", "milestone_slip_days", " days"),
    ("schedule", "forecast_slip_days", "your forecast end slip", "milestone_slip_days", " days"),
)


def reported_eac_overrun() -> pl.Expr:
    """reported_eac_overrun = (reported EAC − BAC) / BAC; null without an EAC or a BAC of 0."""
    return safe_div(pl.col("eac") - pl.col("bac"), pl.col("bac")).alias("reported_eac_overrun")


def forecast_slip_days() -> pl.Expr:
    """forecast_slip_days = reported forecast end − baseline end, in days (Float64)."""
    return days_between(pl.col("baseline_end"), pl.col("forecast_end")).cast(pl.Float64) \
        .alias("forecast_slip_days")


def metric_flag(dimension: str, metric: str, words: str, t: Threshold, unit: str) -> pl.Expr:
    """'<reported> <dimension> but <words> <value><unit> <comparison> (<computed> threshold)'."""
    value = pl.col(metric).cast(pl.Float64)
    return pl.concat_str(pl.col(f"{dimension}_rag"), pl.lit(f" {dimension} but {words} "),
                         t.shown_text(value), pl.lit(f"{unit} "), t.comparison(value),
                         pl.lit(" ("), t.rag(value), pl.lit(" threshold)"))


def status_flags(reports: Frame, kpis: Frame, thresholds: pl.DataFrame) -> pl.LazyFrame:
    """FLAG_COLUMNS: one row per (project, metric) whose computed RAG is worse than reported."""
    t = parse_thresholds(thresholds)
    base = (reports.lazy().select(REPORT_COLUMNS)
            .join(kpis.lazy().select(KPI_COLUMNS), on="project_id", how="left")
            .with_columns(reported_eac_overrun(), forecast_slip_days()))
    parts = [
        base.select(
            "project_id",
            pl.lit(dimension).alias("dimension"),
            pl.lit(metric).alias("metric"),
            pl.col(f"{dimension}_rag").alias("reported_rag"),
            t[key].rag(pl.col(metric).cast(pl.Float64)).alias("computed_rag"),
            pl.col(metric).cast(pl.Float64).alias("value"),
            metric_flag(dimension, metric, words, t[key], unit).alias("message"),
        )
        for dimension, metric, words, key, unit in METRICS
    ]
    return (pl.concat(parts, how="vertical")
            .filter(rag_rank(pl.col("computed_rag")) > rag_rank(pl.col("reported_rag")))
            .cast(FLAG_SCHEMA)
            .sort("project_id", maintain_order=True)  # then in METRICS order
            .select(FLAG_COLUMNS))
