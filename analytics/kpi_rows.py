"""The KPI store's rows, both ways: from a KPI set computed for a batch of projects to the rows
the store keeps per project, and from the store's few rows (sums per group, the rows shown) to
the executive overview's tables. Pure polars; the store itself is data_access.kpi_store."""

from __future__ import annotations

from datetime import date

import polars as pl

from analytics.evm import rollup_ratios
from analytics.kpis import KpiSet
from analytics.milestones import GATE_COLUMNS, LIVE_STATUSES, next_gates
from analytics.overview import (DEPARTMENT_COLUMNS, HEALTH_BUCKETS, NOT_ASSESSED, STATUSES,
                                TOTALS_COLUMNS, Overview, in_buckets)
from analytics.risk import TOP_RISK_COLUMNS, top_risks
from analytics.snapshots import METRICS, PORTFOLIO_KEY, SNAPSHOT_SCHEMA, project_measures

STORE_TABLES = ("projects", "alerts", "top_risks", "gates")
SEARCHED = ("code", "name", "department", "manager")
SEARCH_SEPARATOR = "\x1f"
SNAPSHOT_SUMS = ("red_projects", "open_risks", "risk_exposure", "drift_alerts")


def store_rows(kset: KpiSet, projects: pl.DataFrame, risks: pl.DataFrame,
               milestones: pl.DataFrame, *, risks_per_project: int) -> dict[str, pl.DataFrame]:
    """Per project of ``kset``: its KPI row (+ department_id, forecast start, next gate, Σ live
    exposure, alert count), its alerts, its ``risks_per_project`` top live risks, its gates due
    and overdue."""
    loaded = projects.lazy().select(pl.col("id").alias("project_id"), "department_id",
                                    "forecast_start")
    rows = (project_measures(kset, risks)
            .join(loaded, on="project_id", how="left")
            .join(next_gates(milestones), on="project_id", how="left")
            .with_columns(search_text())
            .drop("projects", "red_projects"))
    live = projects.lazy().filter(pl.col("status").is_in(LIVE_STATUSES))
    ranked = (top_risks(risks, live, risks.height, as_of=kset.as_of)
              .filter(pl.int_range(pl.len()).over("project_id") < risks_per_project))
    o = kset.overview
    gates = pl.concat([
        o.gates_due.lazy().select(pl.lit("due").alias("kind"), *GATE_COLUMNS, "slip_days",
                                  pl.col("days_until_due").alias("days")),
        o.overdue_gates.lazy().select(pl.lit("overdue").alias("kind"), *GATE_COLUMNS,
                                      "slip_days", pl.col("days_overdue").alias("days")),
    ])
    rows, ranked, gates = pl.collect_all([rows, ranked, gates])
    return {"projects": rows, "alerts": kset.alerts, "top_risks": ranked, "gates": gates}


def search_text(columns: tuple[str, ...] = SEARCHED) -> pl.Expr:
    """search_text = lower(code) ␟ lower(name) ␟ lower(department) ␟ lower(manager) (␟ = \\x1f):
    'contains x in any field' is then one LIKE in SQL, lower-cased as polars does (Unicode)."""
    return pl.concat_str([pl.col(c).fill_null("").str.to_lowercase() for c in columns],
                         separator=SEARCH_SEPARATOR).alias("search_text")


def overview_from_store(reads: dict[str, pl.DataFrame], *, as_of: date) -> Overview:
    """The overview's tables from the store's reads (data_access.queries.kpis.overview_queries);
    ``project_health`` is left empty: the page does not show it."""
    totals = (rollup_ratios(reads["totals"], [])
              .with_columns(pl.lit(reads["totals"]["active"][0]).cast(pl.Int64).alias("active"))
              .select(TOTALS_COLUMNS))
    by_department = rollup_ratios(reads["by_department"], ["department_code", "department"])
    health = (reads["by_health"].lazy()
              .with_columns(pl.col("overall_rag").fill_null(NOT_ASSESSED))
              .group_by("overall_rag").agg(pl.col("projects").sum()))
    in_trouble, top, due, overdue = (reads[k] for k in ("in_trouble", "top_risks", "gates_due",
                                                          "overdue_gates"))
    totals, by_department, by_status, by_health = pl.collect_all([
        totals, by_department.select(DEPARTMENT_COLUMNS),
        in_buckets(reads["by_status"], "status", STATUSES),
        in_buckets(health, "overall_rag", HEALTH_BUCKETS)])
    return Overview(as_of=as_of, totals=totals, by_status=by_status, by_health=by_health,
                    by_department=by_department, project_health=pl.DataFrame(),
                    in_trouble=in_trouble, top_risks=top.select(TOP_RISK_COLUMNS),
                    gates_due=due, overdue_gates=overdue)


def current_snapshot_rows(reads: dict[str, pl.DataFrame], departments: pl.DataFrame
                          ) -> pl.DataFrame:
    """Today's rows at the portfolio and department grains (SNAPSHOT_SCHEMA) from the store's
    sums: money and ratios as in analytics.snapshots.snapshot_rows, spi_t and RAG empty."""
    ids = departments.lazy().select(pl.col("id").alias("department_id"),
                                    pl.col("code").alias("department_code"))
    by = ["department_code", "department"]
    department_rows = (rollup_ratios(reads["by_department"], by)
                       .join(reads["by_department"].lazy().select(*by, *SNAPSHOT_SUMS), on=by,
                             how="left")
                       .join(ids, on="department_code", how="left")
                       .select(pl.lit("department").alias("grain"),
                               pl.col("department_code").alias("key"),
                               pl.col("department").alias("name"), "department_id",
                               pl.lit(None, dtype=pl.Int64).alias("project_id"),
                               *_metrics(), pl.lit(None, dtype=pl.String).alias("overall_rag"))
                       .sort("key"))
    portfolio_row = (rollup_ratios(reads["totals"], [])
                     .join(reads["totals"].lazy().select(SNAPSHOT_SUMS), how="cross")
                     .select(pl.lit("portfolio").alias("grain"),
                             pl.lit(PORTFOLIO_KEY).alias("key"),
                             pl.lit("Portfolio").alias("name"),
                             pl.lit(None, dtype=pl.Int64).alias("department_id"),
                             pl.lit(None, dtype=pl.Int64).alias("project_id"),
                             *_metrics(), pl.lit(None, dtype=pl.String).alias("overall_rag")))
    conform = [pl.col(c).cast(t) for c, t in SNAPSHOT_SCHEMA.items()]
    return pl.concat([portfolio_row.select(conform), department_rows.select(conform)]).collect()


def _metrics() -> list[pl.Expr]:
    return [pl.lit(None, dtype=pl.Float64).alias(m) if m == "spi_t" else pl.col(m)
            for m in METRICS]
