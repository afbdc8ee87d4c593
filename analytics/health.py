"""Project health: a RAG label and a reason in words per dimension, and the overall (worst) RAG.

Dimensions (each the worst of its metrics; the reason lists every metric at that worst level,
joined by '; '):
- cost: CPI and EAC overrun = (EAC − BAC) / BAC (assessed once money has been spent, AC > 0);
- schedule: SPI and the worst milestone/gate slip in days (see analytics.milestones);
- risk: highest score P × I among open or mitigating risks; green "No open risks" when the
  register has risks but none is open;
- scope, quality: as reported in the latest status report reported on or before the status date.
A dimension without data is null with reason "no data" (never green). overall_rag is the worst
dimension, null when none has data. Only projects whose status is 'active' or 'on_hold' are
assessed; the others get null RAGs and reason "not assessed (<status>)".
Threshold boundaries: see analytics.thresholds (a value at a threshold is in the worse band).
"""

from __future__ import annotations

from datetime import date

import polars as pl
import polars.selectors as cs

from analytics.exprs import rag_label, rag_rank, safe_div, worst_rank
from analytics.milestones import worst_slip
from analytics.risk import risk_summary
from analytics.thresholds import Threshold, parse_thresholds

Frame = pl.DataFrame | pl.LazyFrame

ASSESSED_STATUSES = ("active", "on_hold")
DIMENSIONS = ("cost", "schedule", "risk", "scope", "quality")
#: dimension -> the metric columns (prefix of <metric>_rag / <metric>_reason) it takes the worst of
DIMENSION_METRICS = {
    "cost": ("_cpi", "_eac_overrun"),
    "schedule": ("_spi", "_slip"),
    "risk": ("_risk",),
    "scope": ("_scope",),
    "quality": ("_quality",),
}
NO_DATA = "no data"
HEALTH_COLUMNS = ("eac_overrun", "worst_milestone", "worst_slip_days", "max_risk_score",
                  "open_risks",
                  *(f"{d}_{part}" for d in DIMENSIONS for part in ("rag", "reason")),
                  "overall_rag", "overall_reason")


def eac_overrun() -> pl.Expr:
    """eac_overrun = (EAC − BAC) / BAC, null while CPI is null (nothing spent) or BAC is 0."""
    return (pl.when(pl.col("cpi").is_not_null())
            .then(safe_div(pl.col("eac") - pl.col("bac"), pl.col("bac")))
            .alias("eac_overrun"))


def ratio_reason(label: str, column: str, t: Threshold) -> pl.Expr:
    """'<label> <value> <comparison>', e.g. 'CPI 0.82 below 0.90'."""
    value = pl.col(column)
    return pl.concat_str(pl.lit(f"{label} "), t.shown_text(value), pl.lit(" "), t.comparison(value))


def overrun_reason(t: Threshold) -> pl.Expr:
    """'EAC overruns budget by 12.5% (above 10.0%)' or 'EAC under budget by 3.0% (below 5.0%)'."""
    value = pl.col("eac_overrun")
    amount = (pl.when(t.shown(value) >= 0)
              .then(pl.concat_str(pl.lit("EAC overruns budget by "), t.shown_text(value)))
              .otherwise(pl.concat_str(pl.lit("EAC under budget by "), t.shown_text(-value))))
    return pl.concat_str(amount, pl.lit(" ("), t.comparison(value), pl.lit(")"))


def slip_reason(t: Threshold) -> pl.Expr:
    """"Milestone 'X' 52 days late (above 45)" (Gate for gates; 'on time', 'n days early')."""
    days = pl.col("worst_slip_days")
    what = (pl.when(days > 1).then(pl.concat_str(days.cast(pl.String), pl.lit(" days late")))
            .when(days == 1).then(pl.lit("1 day late"))
            .when(days == 0).then(pl.lit("on time"))
            .when(days == -1).then(pl.lit("1 day early"))
            .otherwise(pl.concat_str((-days).cast(pl.String), pl.lit(" days early"))))
    kind = pl.when(pl.col("worst_milestone_kind") == "gate").then(pl.lit("Gate")).otherwise(
        pl.lit("Milestone"))
    return pl.concat_str(kind, pl.lit(" '"), pl.col("worst_milestone"), pl.lit("' "), what,
                         pl.lit(" ("), t.comparison(days), pl.lit(")"))


def risk_rag(t: Threshold) -> pl.Expr:
    """RAG of the highest open score; green when the register has risks but none open; else null."""
    return (pl.when(pl.col("max_risk_score").is_not_null()).then(t.rag(pl.col("max_risk_score")))
            .when(pl.col("risks_registered") > 0).then(pl.lit("green")))


def risk_reason(t: Threshold) -> pl.Expr:
    """'Open risk scored 20 (at or above 20)', or 'No open risks'."""
    top = pl.col("max_risk_score")
    return (pl.when(top.is_not_null())
            .then(pl.concat_str(pl.lit("Open risk scored "), top.cast(pl.String), pl.lit(" ("),
                                t.comparison(top), pl.lit(")")))
            .when(pl.col("risks_registered") > 0).then(pl.lit("No open risks")))


def reported_reason(dimension: str) -> pl.Expr:
    """'reported amber in 2026-10 report' from the latest status report."""
    return pl.concat_str(pl.lit("reported "), pl.col(f"report_{dimension}_rag"), pl.lit(" in "),
                         pl.col("report_period").dt.to_string("%Y-%m"), pl.lit(" report"))


def ranked(parts: list[str]) -> list[pl.Expr]:
    """_<part>_rank = severity rank of <part>_rag (green 0, amber 1, red 2), for each part."""
    return [rag_rank(pl.col(f"{p}_rag")).alias(f"_{p}_rank") for p in parts]


def worst_of(parts: list[str], name: str, *, labelled: bool = False) -> list[pl.Expr]:
    """<name>_rag = worst of <part>_rag; <name>_reason = reasons at that level joined by '; '.

    Needs the _<part>_rank columns made by :func:`ranked`.
    """
    worst = worst_rank([pl.col(f"_{p}_rank") for p in parts])

    def reason(p: str) -> pl.Expr:
        text = pl.col(f"{p}_reason")
        return pl.concat_str(pl.lit(f"{p}: "), text) if labelled else text

    joined = pl.concat_str([pl.when(pl.col(f"_{p}_rank") == worst).then(reason(p)) for p in parts],
                           separator="; ", ignore_nulls=True)
    return [rag_label(worst).alias(f"{name}_rag"),
            pl.when(worst.is_null()).then(pl.lit(NO_DATA)).otherwise(joined)
            .alias(f"{name}_reason")]


def latest_report(status_reports: Frame, as_of: date) -> pl.LazyFrame:
    """Per project: scope/quality RAG and period of the latest report reported by as_of."""
    order = ["period", "reported_on", "id"]
    return (
        status_reports.lazy()
        .filter(pl.col("reported_on") <= as_of)
        .group_by("project_id")
        .agg(pl.col("scope_rag").sort_by(order).last().alias("report_scope_rag"),
             pl.col("quality_rag").sort_by(order).last().alias("report_quality_rag"),
             pl.col("period").sort_by(order).last().alias("report_period"))
    )


def _mask_unassessed() -> list[pl.Expr]:
    assessed = pl.col("status").is_in(ASSESSED_STATUSES).fill_null(False)
    why = pl.concat_str(pl.lit("not assessed ("), pl.col("status").fill_null("unknown"),
                        pl.lit(")"))
    rags = [f"{d}_rag" for d in (*DIMENSIONS, "overall")]
    reasons = [f"{d}_reason" for d in (*DIMENSIONS, "overall")]
    return [*(pl.when(assessed).then(pl.col(c)).otherwise(None).alias(c) for c in rags),
            *(pl.when(assessed).then(pl.col(c)).otherwise(why).alias(c) for c in reasons)]


def project_health(kpis: Frame, milestones: Frame, risks: Frame, status_reports: Frame,
                   thresholds: pl.DataFrame, *, as_of: date) -> pl.LazyFrame:
    """kpis (evm.project_kpis) + HEALTH_COLUMNS: RAG and reason per dimension, overall = worst."""
    t = parse_thresholds(thresholds)
    metrics = {
        "_cpi": (t["cpi"].rag(pl.col("cpi")), ratio_reason("CPI", "cpi", t["cpi"])),
        "_eac_overrun": (t["eac_overrun"].rag(pl.col("eac_overrun")),
                         overrun_reason(t["eac_overrun"])),
        "_spi": (t["spi"].rag(pl.col("spi")), ratio_reason("SPI", "spi", t["spi"])),
        "_slip": (t["milestone_slip_days"].rag(pl.col("worst_slip_days")),
                  slip_reason(t["milestone_slip_days"])),
        "_risk": (risk_rag(t["risk_score"]), risk_reason(t["risk_score"])),
        "_scope": (rag_label(rag_rank(pl.col("report_scope_rag"))), reported_reason("scope")),
        "_quality": (rag_label(rag_rank(pl.col("report_quality_rag"))), reported_reason("quality")),
    }
    metric_cols = [e for m, (rag, why) in metrics.items()
                   for e in (rag.alias(f"{m}_rag"), why.alias(f"{m}_reason"))]
    return (
        kpis.lazy()
        .join(worst_slip(milestones), left_on="id", right_on="project_id", how="left")
        .join(risk_summary(risks, as_of), left_on="id", right_on="project_id", how="left")
        .join(latest_report(status_reports, as_of), left_on="id", right_on="project_id", how="left")
        .with_columns(eac_overrun())
        .with_columns(metric_cols)
        .with_columns(ranked(list(metrics)))
        .with_columns(e for d, parts in DIMENSION_METRICS.items() for e in worst_of(list(parts), d))
        .with_columns(ranked(list(DIMENSIONS)))
        .with_columns(worst_of(list(DIMENSIONS), "overall", labelled=True))
        .with_columns(_mask_unassessed())
        .with_columns(pl.col("open_risks").fill_null(0))
        .drop(cs.starts_with("_"), "milestones", "worst_milestone_kind", "risks_registered",
              "report_scope_rag", "report_quality_rag", "report_period")
        .select(pl.all().exclude(HEALTH_COLUMNS), *HEALTH_COLUMNS)
    )
