"""The KPI set frozen as snapshot rows: one per project, one per department, one for the
portfolio, each with the main KPIs (what ``pmo snapshot`` stores in kpi_snapshots)."""

from __future__ import annotations

import polars as pl

from analytics.kpis import KpiSet
from analytics.risk import is_live, money_exposure

GRAINS = ("portfolio", "department", "project")
PORTFOLIO_KEY = "portfolio"
MONEY = ("bac", "pv", "ev", "ac", "eac", "vac", "risk_exposure")
RATIOS = ("cpi", "spi", "spi_t", "percent_complete")
COUNTS = ("projects", "red_projects", "open_risks", "drift_alerts")
METRICS = ("projects", "bac", "pv", "ev", "ac", "eac", "vac", "cpi", "spi", "spi_t",
           "percent_complete", "red_projects", "open_risks", "risk_exposure", "drift_alerts")
SNAPSHOT_SCHEMA = {
    "grain": pl.String, "key": pl.String, "name": pl.String, "department_id": pl.Int64,
    "project_id": pl.Int64,
    **{m: pl.Int64 if m in COUNTS else pl.Float64 for m in METRICS},
    "overall_rag": pl.String,
}
"""Columns and dtypes of :func:`snapshot_rows` (the stored columns but id, as_of, taken_*)."""

_SUMMED = ("red_projects", "open_risks", "risk_exposure", "drift_alerts")


def project_measures(kset: KpiSet, risks: pl.DataFrame | pl.LazyFrame) -> pl.LazyFrame:
    """Project rows with the extra per-project measures: red (0/1), Σ exposure, alerts."""
    exposure = (risks.lazy().filter(is_live(kset.as_of))
                .group_by("project_id")
                .agg(money_exposure().sum().cast(pl.Float64).alias("risk_exposure")))
    alerts = (kset.alerts.lazy().group_by("project_id")
              .agg(pl.len().cast(pl.Int64).alias("drift_alerts")))
    return (kset.projects.lazy()
            .join(exposure, on="project_id", how="left")
            .join(alerts, on="project_id", how="left")
            .with_columns(pl.lit(1, dtype=pl.Int64).alias("projects"),
                          (pl.col("overall_rag") == "red").fill_null(False).cast(pl.Int64)
                          .alias("red_projects"),
                          pl.col("open_risks").fill_null(0).cast(pl.Int64),
                          pl.col("risk_exposure").fill_null(0.0),
                          pl.col("drift_alerts").fill_null(0)))


def _finite(column: str, dtype: pl.DataType) -> pl.Expr:
    col = pl.col(column).cast(dtype)
    if dtype == pl.Float64:  # inf / NaN have no place in a database column: unknown
        return pl.when(col.is_finite()).then(col).otherwise(None).alias(column)
    return col.alias(column)


def snapshot_rows(kset: KpiSet, risks: pl.DataFrame | pl.LazyFrame,
                  departments: pl.DataFrame) -> pl.DataFrame:
    """SNAPSHOT_SCHEMA rows: portfolio (key 'portfolio'), each department (key: its code), each
    project (key: its code), in that order, each grain by key. Department and portfolio money and ratios are kset's roll-ups
    (ratios recomputed from sums); red_projects, open_risks, risk_exposure (Σ probability / 5 ×
    cost impact of live risks) and drift_alerts are sums of the project rows; spi_t and
    overall_rag only exist per project."""
    projects = project_measures(kset, risks)
    sums = projects.group_by("department_code").agg(pl.col(_SUMMED).sum())
    dept_ids = departments.lazy().select(pl.col("id").alias("department_id"),
                                         pl.col("code").alias("department_code"))
    project_rows = projects.join(dept_ids, on="department_code", how="left").select(
        pl.lit("project").alias("grain"), pl.col("code").alias("key"), "name", "department_id",
        "project_id", *METRICS, "overall_rag").sort("key")
    department_rows = (kset.departments.lazy()
                       .join(sums, on="department_code", how="left")
                       .join(dept_ids, on="department_code", how="left")
                       .select(pl.lit("department").alias("grain"),
                               pl.col("department_code").alias("key"),
                               pl.col("department").alias("name"), "department_id",
                               pl.lit(None, dtype=pl.Int64).alias("project_id"),
                               *(pl.lit(None).alias(m) if m == "spi_t" else m for m in METRICS),
                               pl.lit(None, dtype=pl.String).alias("overall_rag"))
                       .sort("key"))
    totals = projects.select(pl.col(_SUMMED).sum())
    portfolio_row = (kset.portfolio.lazy().join(totals, how="cross")
                     .select(pl.lit("portfolio").alias("grain"), pl.lit(PORTFOLIO_KEY).alias("key"),
                             pl.lit("Portfolio").alias("name"),
                             pl.lit(None, dtype=pl.Int64).alias("department_id"),
                             pl.lit(None, dtype=pl.Int64).alias("project_id"),
                             *(pl.lit(None).alias(m) if m == "spi_t" else m for m in METRICS),
                             pl.lit(None, dtype=pl.String).alias("overall_rag")))
    rows = pl.concat([portfolio_row.select(_conform()), department_rows.select(_conform()),
                      project_rows.select(_conform())], how="vertical")
    return rows.with_columns(pl.col(list(_SUMMED)).fill_null(0)).collect()


def _conform() -> list[pl.Expr]:
    return [_finite(name, dtype) for name, dtype in SNAPSHOT_SCHEMA.items()]
