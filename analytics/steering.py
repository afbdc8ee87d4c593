"""What goes to the steering committee, from a KPI set: the portfolio summary, health, top
risks, drift alerts, the decisions needed and the projects in trouble; and the KPI set's
tables as exported (one sheet each). Pure polars: the pack file is written elsewhere."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import polars as pl

from analytics.actions import overdue_actions

from analytics.health import DIMENSIONS
from analytics.kpis import KpiSet

SUMMARY_COLUMNS = ("projects", "active", "bac", "ac", "ev", "pv", "eac", "vac", "cpi", "spi",
                   "percent_complete", "red", "amber", "green", "not_assessed", "open_risks",
                   "drift_alerts", "red_alerts", "overdue_gates")
DECISION_KINDS = ("recovery", "budget", "gate")
"""Kinds of decision, in the order the committee takes them."""
DECISION_COLUMNS = ("kind", "project_id", "code", "name", "subject", "detail", "ask")
TROUBLE_COLUMNS = ("project_id", "code", "name", "department", "manager", "phase", "status",
                   "bac", "ac", "ev", "pv", "eac", "vac", "cpi", "spi", "spi_t",
                   "percent_complete", "open_risks", "max_risk_score",
                   *(f"{d}_{part}" for d in DIMENSIONS for part in ("rag", "reason")),
                   "overall_reason")
ASKS = {
    "recovery": "Approve a recovery plan, re-baseline or stop",
    "budget": "Approve extra budget, reduce scope or stop",
    "gate": "Decide go / no-go, or set a new gate date",
}
DEFAULT_OVERRUN = 0.10
"""EAC above BAC by this fraction asks for a budget decision (the default red threshold)."""


@dataclass(frozen=True)
class SteeringPack:
    """The content of a steering-committee pack at ``as_of`` (collected frames)."""

    as_of: date
    summary: pl.DataFrame      # one row: SUMMARY_COLUMNS
    health: pl.DataFrame       # overall_rag (green, amber, red, not assessed), projects
    departments: pl.DataFrame  # department, projects, bac, eac, vac, cpi, spi
    top_risks: pl.DataFrame    # analytics.risk.TOP_RISK_COLUMNS
    alerts: pl.DataFrame       # analytics.drift.ALERT_COLUMNS, red first
    decisions: pl.DataFrame    # DECISION_COLUMNS, by kind then project code
    in_trouble: pl.DataFrame   # TROUBLE_COLUMNS: overall red, lowest CPI first (at most the cap)
    more_in_trouble: int       # red projects left out of in_trouble by the cap
    project_alerts: pl.DataFrame  # alerts of the projects in trouble
    project_gates: pl.DataFrame   # overdue gates of the projects in trouble
    overdue_actions: pl.DataFrame = field(default_factory=pl.DataFrame)  # analytics.actions


def overrun_threshold(thresholds: pl.DataFrame | None) -> float:
    """The red threshold of metric 'eac_overrun' in ``thresholds`` (DEFAULT_OVERRUN without)."""
    if thresholds is None or "metric" not in thresholds.columns:
        return DEFAULT_OVERRUN
    row = thresholds.filter(pl.col("metric") == "eac_overrun")
    return float(row["red"][0]) if row.height else DEFAULT_OVERRUN


def summary(kset: KpiSet) -> pl.DataFrame:
    """One row: totals of the overview, projects per health, open risks (Σ), drift alerts (all,
    red) and overdue gates."""
    by_health = dict(zip(kset.overview.by_health["overall_rag"].to_list(),
                         kset.overview.by_health["projects"].to_list()))
    counts = pl.DataFrame({
        "red": [by_health.get("red", 0)], "amber": [by_health.get("amber", 0)],
        "green": [by_health.get("green", 0)], "not_assessed": [by_health.get("not assessed", 0)],
        "open_risks": [int(kset.projects["open_risks"].fill_null(0).sum())],
        "drift_alerts": [kset.alerts.height],
        "red_alerts": [kset.alerts.filter(pl.col("severity") == "red").height],
        "overdue_gates": [kset.overview.overdue_gates.height],
    }, schema={c: pl.Int64 for c in ("red", "amber", "green", "not_assessed", "open_risks",
                                     "drift_alerts", "red_alerts", "overdue_gates")})
    return kset.overview.totals.join(counts, how="cross").select(SUMMARY_COLUMNS)


def _decision(kind: str, frame: pl.LazyFrame, subject: pl.Expr, detail: pl.Expr) -> pl.LazyFrame:
    return frame.select(pl.lit(kind).alias("kind"), pl.col("project_id"), pl.col("code"),
                        pl.col("name"), subject.alias("subject"), detail.alias("detail"),
                        pl.lit(ASKS[kind]).alias("ask"))


def _money(column: str) -> pl.Expr:
    """A money column as '1,234,567' text."""
    return pl.col(column).round(0).cast(pl.Int64).map_elements(
        lambda v: f"{v:,}", return_dtype=pl.String)


def decisions(kset: KpiSet, *, overrun: float = DEFAULT_OVERRUN) -> pl.DataFrame:
    """Decisions needed: a recovery decision per red project, a budget decision per project whose
    EAC exceeds BAC by ``overrun`` or more (eac_overrun = EAC / BAC − 1), a go / no-go per
    overdue gate (forecast date passed, no actual date). DECISION_COLUMNS."""
    projects = kset.projects.lazy()
    red = _decision("recovery", projects.filter(pl.col("overall_rag") == "red"),
                    pl.lit("Overall health red"), pl.col("overall_reason").fill_null(""))
    over = _decision(
        "budget", projects.filter(pl.col("eac_overrun") >= overrun),
        pl.lit("Forecast over budget"),
        pl.concat_str(pl.lit("EAC "), _money("eac"), pl.lit(" vs BAC "), _money("bac"),
                      pl.lit(" (+"), (pl.col("eac_overrun") * 100).round(0).cast(pl.Int64)
                      .cast(pl.String), pl.lit("%)")))
    gates = kset.overview.overdue_gates.lazy().rename(
        {"project_code": "code", "project_name": "name"})
    overdue = _decision(
        "gate", gates, pl.concat_str(pl.lit("Gate overdue: "), pl.col("gate")),
        pl.concat_str(pl.lit("forecast "), pl.col("forecast_date").dt.to_string("%Y-%m-%d"),
                      pl.lit(", "), pl.col("days_overdue").cast(pl.String),
                      pl.lit(" days overdue")))
    order = pl.col("kind").replace_strict({k: i for i, k in enumerate(DECISION_KINDS)},
                                          return_dtype=pl.Int64)
    return (pl.concat([red, over, overdue], how="vertical_relaxed")
            .sort(order, "code", "subject").select(DECISION_COLUMNS).collect())


def steering_pack(kset: KpiSet, *, thresholds: pl.DataFrame | None = None,
                  actions: pl.DataFrame | None = None, top_n: int = 10,
                  max_alerts: int = 15, max_trouble: int = 30) -> SteeringPack:
    """The pack's content: every section from ``kset`` (and the corrective actions overdue at
    as_of from ``actions``, data_access.actions.ACTIONS); lists capped (top_n risks, max_alerts
    alerts red first, max_trouble projects in trouble, lowest CPI first)."""
    for name, value in (("top_n", top_n), ("max_alerts", max_alerts), ("max_trouble", max_trouble)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"{name} must be a whole number >= 0, got {value!r}")
    red = kset.overview.in_trouble
    kept = red.head(max_trouble).select("project_id", pl.int_range(pl.len()).alias("_order"))
    trouble = (kset.projects.join(kept, on="project_id")
               .sort("_order").select(TROUBLE_COLUMNS))
    ids = trouble["project_id"].implode()
    return SteeringPack(
        as_of=kset.as_of,
        summary=summary(kset),
        health=kset.overview.by_health,
        departments=kset.overview.by_department.select("department", "projects", "bac", "eac",
                                                        "vac", "cpi", "spi"),
        top_risks=kset.overview.top_risks.head(top_n),
        alerts=kset.alerts.head(max_alerts),
        decisions=decisions(kset, overrun=overrun_threshold(thresholds)),
        in_trouble=trouble,
        more_in_trouble=max(red.height - max_trouble, 0),
        project_alerts=kset.alerts.filter(pl.col("project_id").is_in(ids)),
        project_gates=kset.overview.overdue_gates.filter(pl.col("project_id").is_in(ids)),
        overdue_actions=(pl.DataFrame() if actions is None
                         else overdue_actions(actions, kset.as_of).collect()),
    )


def kpi_tables(kset: KpiSet) -> dict[str, pl.DataFrame]:
    """The KPI set as named tables (one sheet each in the export), in reading order; sections
    that were not computed are left out. Person-level capacity is not exported."""
    overview = kset.overview
    tables = {
        "portfolio": kset.portfolio, "departments": kset.departments,
        "objectives": kset.objectives, "projects": kset.projects,
        "health": overview.by_health, "status": overview.by_status,
        "in_trouble": overview.in_trouble, "drift_alerts": kset.alerts,
        "top_risks": overview.top_risks, "risk_matrix": kset.risk_matrix,
        "overdue_mitigations": kset.overdue_mitigations, "gates": kset.gates,
        "gates_due": overview.gates_due, "overdue_gates": overview.overdue_gates,
        "capacity_by_role": kset.capacity_by_role, "capacity_by_team": kset.capacity_by_team,
        "investment_mix": kset.investment_mix, "without_objective": kset.without_objective,
    }
    return {name: frame for name, frame in tables.items() if frame is not None}
