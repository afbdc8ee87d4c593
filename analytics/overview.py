"""The executive overview: every table of the overview page from one lazy plan, collected once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from analytics.evm import project_kpis, rollup
from analytics.health import DIMENSIONS, project_health
from analytics.inputs import checked, checked_date
from analytics.milestones import LIVE_STATUSES, gates_due, overdue_gates
from analytics.risk import top_risks

Frame = pl.DataFrame | pl.LazyFrame

STATUSES = ("proposed", "active", "on_hold", "completed", "cancelled")
NOT_ASSESSED = "not assessed"
HEALTH_BUCKETS = ("green", "amber", "red", NOT_ASSESSED)

TOTALS_COLUMNS = ("projects", "active", "bac", "pv", "ev", "ac", "eac", "cpi", "spi", "cv", "sv",
                  "vac", "percent_complete", "eac_unknown")
DEPARTMENT_COLUMNS = ("department_code", "department", "projects", "bac", "ac", "eac", "pv", "ev",
                      "cpi", "spi", "vac", "eac_unknown")
PROJECT_HEALTH_COLUMNS = (
    "project_id", "code", "name", "department_code", "department", "manager", "phase", "status",
    "bac", "ac", "ev", "pv", "eac", "vac", "cpi", "spi", "percent_complete",
    *(f"{d}_{part}" for d in DIMENSIONS for part in ("rag", "reason")),
    "overall_rag", "overall_reason",
)
IN_TROUBLE_COLUMNS = ("project_id", "code", "name", "department", "manager", "status", "bac", "eac",
                      "vac", "cpi", "spi", "reasons")


@dataclass(frozen=True)
class Overview:
    """The collected tables of the executive overview at ``as_of``."""

    as_of: date
    totals: pl.DataFrame          # one row: TOTALS_COLUMNS
    by_status: pl.DataFrame       # status, projects (every known status, 0 when none)
    by_health: pl.DataFrame       # overall_rag (green, amber, red, not assessed), projects
    by_department: pl.DataFrame   # DEPARTMENT_COLUMNS
    project_health: pl.DataFrame  # PROJECT_HEALTH_COLUMNS, one row per project, by code
    in_trouble: pl.DataFrame      # IN_TROUBLE_COLUMNS, overall red, lowest CPI first
    top_risks: pl.DataFrame       # analytics.risk.TOP_RISK_COLUMNS
    gates_due: pl.DataFrame       # analytics.milestones.gates_due columns
    overdue_gates: pl.DataFrame   # analytics.milestones.overdue_gates columns


def count_in_buckets(frame: pl.LazyFrame, column: str, buckets: tuple[str, ...]) -> pl.LazyFrame:
    """(column, projects): rows per value, every bucket (0 when none), unknown ones last."""
    counts = frame.group_by(column).agg(pl.len().cast(pl.Int64).alias("projects"))
    return in_buckets(counts, column, buckets)


def in_buckets(counts: Frame, column: str, buckets: tuple[str, ...]) -> pl.LazyFrame:
    """(column, projects) from counted (column, projects): every bucket (0 when none), in the
    buckets' order, unknown values last."""
    order = pl.LazyFrame({column: list(buckets), "_order": list(range(len(buckets)))},
                         schema={column: pl.String, "_order": pl.Int64})
    return (order.join(counts.lazy(), on=column, how="full", coalesce=True)
            .with_columns(pl.col("projects").fill_null(0))
            .sort("_order", column, nulls_last=True)
            .select(column, "projects"))


def department_filter(codes: list[str] | None) -> pl.Expr:
    """department_code ∈ codes (every project when codes is None)."""
    if codes is None:
        return pl.lit(True)
    if isinstance(codes, str) or not all(isinstance(c, str) for c in codes):
        raise TypeError("department_codes must be a list of department codes (strings) or None")
    return pl.col("department_code").is_in(list(codes))


def overview_plans(kpis: pl.LazyFrame, health: pl.LazyFrame, projects: pl.LazyFrame,
                   milestones: pl.LazyFrame, risks: pl.LazyFrame, *, as_of: date, top_n: int = 10,
                   gate_days: int = 30) -> dict[str, pl.LazyFrame]:
    """The overview's tables as lazy plans, from project KPIs and health already planned."""
    if isinstance(top_n, bool) or not isinstance(top_n, int) or top_n < 0:
        raise ValueError(f"top_n must be a whole number >= 0, got {top_n!r}")
    active = kpis.select((pl.col("status") == "active").sum().cast(pl.Int64).alias("active"))
    live = projects.filter(pl.col("status").is_in(LIVE_STATUSES))
    return {
        "totals": rollup(kpis, []).join(active, how="cross").select(TOTALS_COLUMNS),
        "by_status": count_in_buckets(kpis, "status", STATUSES),
        "by_health": count_in_buckets(
            health.select(pl.col("overall_rag").fill_null(NOT_ASSESSED)), "overall_rag",
            HEALTH_BUCKETS),
        "by_department": rollup(kpis, ["department_code", "department"]).select(DEPARTMENT_COLUMNS),
        "project_health": health.with_columns(pl.col("id").alias("project_id"))
                                .select(PROJECT_HEALTH_COLUMNS).sort("code"),
        "in_trouble": health.filter(pl.col("overall_rag") == "red")
                            .with_columns(pl.col("id").alias("project_id"),
                                          pl.col("overall_reason").alias("reasons"))
                            .sort("cpi", "code", nulls_last=True)
                            .select(IN_TROUBLE_COLUMNS),
        "top_risks": top_risks(risks, live, top_n, as_of=as_of),
        "gates_due": gates_due(milestones, projects, as_of, gate_days),
        "overdue_gates": overdue_gates(milestones, projects, as_of),
    }


def overview(projects: Frame, costs: Frame, progress: Frame, milestones: Frame, risks: Frame,
             status_reports: Frame, thresholds: pl.DataFrame, *, as_of: date,
             department_codes: list[str] | None = None, top_n: int = 10,
             gate_days: int = 30) -> Overview:
    """All overview tables at as_of for ``department_codes`` (None: all), collected once."""
    as_of = checked_date(as_of)
    scoped = checked("projects", projects).filter(department_filter(department_codes))
    costs, progress = checked("costs", costs), checked("progress", progress)
    milestones, risks = checked("milestones", milestones), checked("risks", risks)
    status_reports = checked("status_reports", status_reports)
    kpis = project_kpis(scoped, costs, progress, as_of=as_of)
    health = project_health(kpis, milestones, risks, status_reports, thresholds, as_of=as_of)
    plans = overview_plans(kpis, health, scoped, milestones, risks, as_of=as_of, top_n=top_n,
                           gate_days=gate_days)
    frames = pl.collect_all(list(plans.values()))
    return Overview(as_of=as_of, **dict(zip(plans, frames)))
