"""Stage-gate governance of the portfolio: gate compliance per methodology, projects past framing
without a validated framing gate (G1_framing), and the methodology mix.

Inputs are the KPI set's tables: ``projects`` (a row a project with project_id, code, name,
department, manager, methodology, phase, status, bac and the gate columns gates_total,
gates_passed, gates_compliant, missing_deliverables of analytics.milestones.gate_compliance)
and ``gates`` (analytics.milestones.COMPLIANCE_COLUMNS).
"""

from __future__ import annotations

import polars as pl

from analytics.exprs import safe_div

Frame = pl.DataFrame | pl.LazyFrame

FRAMING_GATE = "G1_framing"
#: Phases that come after framing: the framing gate should have been passed by then.
PAST_FRAMING_PHASES = ("execution", "closure", "closed")
#: Label of a project whose methodology is not recorded.
UNSPECIFIED = "unspecified"

METHODOLOGY_COMPLIANCE_COLUMNS = ("methodology", "projects", "gates_total", "gates_passed",
                                  "gates_compliant", "missing_deliverables", "pass_rate",
                                  "compliance_rate")
WITHOUT_FRAMING_COLUMNS = ("project_id", "code", "name", "department", "manager", "methodology",
                           "phase", "status", "framing_state", "missing_names")
MIX_COLUMNS = ("methodology", "projects", "bac", "project_share", "bac_share")


def _methodology() -> pl.Expr:
    return pl.col("methodology").fill_null(UNSPECIFIED).alias("methodology")


def past_framing() -> pl.Expr:
    """past_framing = phase in (execution, closure, closed) and status is not cancelled."""
    return (pl.col("phase").is_in(PAST_FRAMING_PHASES)
            & (pl.col("status") != "cancelled").fill_null(True)).alias("past_framing")


def compliance_by_methodology(projects: Frame) -> pl.LazyFrame:
    """Per methodology: Σ gate columns; pass_rate = Σ passed / Σ total, compliance_rate = Σ compliant / Σ total.

    Rates are null for a methodology without gates. Sorted by methodology.
    """
    sums = ("gates_total", "gates_passed", "gates_compliant", "missing_deliverables")
    return (
        projects.lazy()
        .group_by(_methodology())
        .agg(pl.len().cast(pl.Int64).alias("projects"),
             *(pl.col(c).fill_null(0).sum().cast(pl.Int64) for c in sums))
        .with_columns(safe_div("gates_passed", "gates_total").alias("pass_rate"),
                      safe_div("gates_compliant", "gates_total").alias("compliance_rate"))
        .sort("methodology")
        .select(METHODOLOGY_COMPLIANCE_COLUMNS)
    )


def projects_without_framing(projects: Frame, gates: Frame) -> pl.LazyFrame:
    """Projects past framing none of whose G1_framing gates is passed; WITHOUT_FRAMING_COLUMNS.

    framing_state = 'missing' when the project has no G1_framing gate, else the validation_state
    of its latest G1_framing gate (by baseline_date, then milestone_id); missing_names = the
    required deliverables of that gate not validated ('' when none). Sorted by code.
    """
    order = dict(by=["baseline_date", "milestone_id"], nulls_last=False)
    framing = (
        gates.lazy()
        .filter(pl.col("gate_type") == FRAMING_GATE)
        .group_by("project_id")
        .agg(pl.col("passed").fill_null(False).any().alias("framing_passed"),
             pl.col("validation_state").sort_by(**order).last().alias("framing_state"),
             pl.col("missing_names").sort_by(**order).last().alias("missing_names"))
    )
    return (
        projects.lazy()
        .filter(past_framing())
        .join(framing, on="project_id", how="left")
        .filter(~pl.col("framing_passed").fill_null(False))
        .with_columns(_methodology(), pl.col("framing_state").fill_null("missing"),
                      pl.col("missing_names").fill_null(""))
        .sort("code")
        .select(WITHOUT_FRAMING_COLUMNS)
    )


def methodology_mix(projects: Frame) -> pl.LazyFrame:
    """Per methodology: projects, Σ bac; project_share = projects / all, bac_share = Σ bac / Σ all bac.

    A null bac adds 0. Sorted by projects descending, then methodology.
    """
    return (
        projects.lazy()
        .group_by(_methodology())
        .agg(pl.len().cast(pl.Int64).alias("projects"),
             pl.col("bac").fill_null(0.0).sum().cast(pl.Float64).alias("bac"))
        .with_columns(safe_div(pl.col("projects"), pl.col("projects").sum()).alias("project_share"),
                      safe_div(pl.col("bac"), pl.col("bac").sum()).alias("bac_share"))
        .sort(["projects", "methodology"], descending=[True, False])
        .select(MIX_COLUMNS)
    )
