"""Milestone and stage-gate schedule: slip against baseline, gates coming due and gates overdue,
and gate compliance (the required deliverables of each gate validated or not).
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

import polars as pl

from analytics.exprs import days_between

Frame = pl.DataFrame | pl.LazyFrame

#: Project statuses whose gates are still to be passed (completed and cancelled ones are not).
LIVE_STATUSES = ("proposed", "active", "on_hold")

GATE_COLUMNS = ("milestone_id", "project_id", "project_code", "project_name", "gate", "gate_type",
                "baseline_date", "forecast_date", "validation_state")


def slip_days() -> pl.Expr:
    """slip_days = (actual_date if set, else forecast_date) − baseline_date, in days (> 0 late)."""
    return days_between(pl.col("baseline_date"),
                        pl.coalesce("actual_date", "forecast_date")).alias("slip_days")


def days_until(as_of: date) -> pl.Expr:
    """days_until_due = forecast_date − as_of in days."""
    return days_between(pl.lit(as_of), pl.col("forecast_date")).alias("days_until_due")


def worst_slip(milestones: Frame) -> pl.LazyFrame:
    """Per project: the milestone or gate with max slip_days (ties: earliest baseline, then id).

    Output: project_id, milestones (count), worst_milestone, worst_milestone_kind, worst_slip_days.
    """
    order = dict(by=["slip_days", "baseline_date", "id"], descending=[True, False, False],
                 nulls_last=True)
    return (
        milestones.lazy()
        .with_columns(slip_days())
        .group_by("project_id")
        .agg(
            pl.len().cast(pl.Int64).alias("milestones"),
            pl.col("name").sort_by(**order).first().alias("worst_milestone"),
            pl.col("kind").sort_by(**order).first().alias("worst_milestone_kind"),
            pl.col("slip_days").max().alias("worst_slip_days"),
        )
    )


def _open_gates(milestones: Frame, projects: Frame, statuses: tuple[str, ...]) -> pl.LazyFrame:
    """Gates without actual_date of projects with a status in ``statuses``, with code and name."""
    project_cols = projects.lazy().filter(pl.col("status").is_in(statuses)).select(
        pl.col("id").alias("project_id"), pl.col("code").alias("project_code"),
        pl.col("name").alias("project_name"))
    return (
        milestones.lazy()
        .filter((pl.col("kind") == "gate") & pl.col("actual_date").is_null())
        .join(project_cols, on="project_id", how="inner")
        .with_columns(pl.col("id").alias("milestone_id"), pl.col("name").alias("gate"), slip_days())
    )


def gates_due(milestones: Frame, projects: Frame, as_of: date, days: int = 30, *,
              statuses: tuple[str, ...] = LIVE_STATUSES) -> pl.LazyFrame:
    """Open gates with as_of <= forecast_date <= as_of + days; days_until_due = forecast − as_of.

    Output: GATE_COLUMNS, slip_days, days_until_due; sorted by forecast_date then project_code.
    """
    if days < 0:
        raise ValueError(f"days must be >= 0, got {days}")
    return (
        _open_gates(milestones, projects, statuses)
        .with_columns(days_until(as_of))
        .filter(pl.col("days_until_due").is_between(0, days, closed="both"))
        .select(*GATE_COLUMNS, "slip_days", "days_until_due")
        .sort("forecast_date", "project_code", "gate")
    )


def overdue_gates(milestones: Frame, projects: Frame, as_of: date, *,
                  statuses: tuple[str, ...] = LIVE_STATUSES) -> pl.LazyFrame:
    """Gates without actual_date and forecast_date < as_of; days_overdue = as_of − forecast_date.

    Output: GATE_COLUMNS, slip_days, days_overdue; most overdue first.
    """
    return (
        _open_gates(milestones, projects, statuses)
        .with_columns((-days_until(as_of)).alias("days_overdue"))
        .filter(pl.col("days_overdue") > 0)
        .select(*GATE_COLUMNS, "slip_days", "days_overdue")
        .sort(["days_overdue", "project_code", "gate"], descending=[True, False, False])
    )


COMPLIANCE_COLUMNS = ("milestone_id", "project_id", "project_code", "project_name", "gate",
                      "gate_type", "baseline_date", "forecast_date", "actual_date",
                      "validation_state", "required_deliverables",
                      "validated_deliverables", "missing_deliverables", "missing_names",
                      "compliant", "passed")
PROJECT_COMPLIANCE_COLUMNS = ("project_id", "code", "name", "gates_total", "gates_passed",
                              "gates_compliant", "missing_deliverables")


class GateCompliance(NamedTuple):
    """Gate compliance per gate (COMPLIANCE_COLUMNS) and per project (PROJECT_COMPLIANCE_...)."""

    gates: pl.LazyFrame
    projects: pl.LazyFrame


def gate_passed() -> pl.Expr:
    """passed = actual_date is set and validation_state is 'validated'."""
    return (pl.col("actual_date").is_not_null()
            & (pl.col("validation_state") == "validated").fill_null(False)).alias("passed")


def required_deliverables(deliverables: Frame) -> pl.LazyFrame:
    """Per milestone: required count, validated count among them, missing names sorted, ', '."""
    validated = pl.col("validated").fill_null(False)
    required = deliverables.lazy().filter(pl.col("required").fill_null(False))
    counts = required.group_by("milestone_id").agg(
        pl.len().cast(pl.Int64).alias("required_deliverables"),
        validated.sum().cast(pl.Int64).alias("validated_deliverables"))
    # the missing names sorted once for all milestones (a group_by keeps that order within each
    # group), not per group: about 2× cheaper
    missing = (required.filter(~validated).sort("milestone_id", "name", maintain_order=True)
               .group_by("milestone_id").agg(pl.col("name").str.join(", ").alias("missing_names")))
    return (counts.join(missing, on="milestone_id", how="left")
            .with_columns(pl.col("missing_names").fill_null("")))


def gate_compliance(milestones: Frame, deliverables: Frame, projects: Frame) -> GateCompliance:
    """Per gate of ``projects``: required/validated deliverables, missing ones, compliant, passed.

    Only deliverables marked required count (a null required or validated counts as False).
    compliant = every required deliverable validated (true for a gate requiring none);
    missing_names = the names of the required deliverables not validated, sorted, joined by
    ', ' ('' when none). Per project (every project, 0 without gates): gates_total, gates_passed
    (see :func:`gate_passed`), gates_compliant, missing_deliverables (sum over its gates).
    """
    project_cols = projects.lazy().select(
        pl.col("id").alias("project_id"), pl.col("code").alias("project_code"),
        pl.col("name").alias("project_name"))
    gates = (
        milestones.lazy()
        .filter(pl.col("kind") == "gate")
        .join(project_cols, on="project_id", how="inner")
        .join(required_deliverables(deliverables), left_on="id", right_on="milestone_id",
              how="left")
        .with_columns(pl.col("id").alias("milestone_id"), pl.col("name").alias("gate"),
                      pl.col("required_deliverables", "validated_deliverables").fill_null(0),
                      pl.col("missing_names").fill_null(""), gate_passed())
        .with_columns((pl.col("required_deliverables") - pl.col("validated_deliverables"))
                      .alias("missing_deliverables"))
        .with_columns((pl.col("missing_deliverables") == 0).alias("compliant"))
        .select(COMPLIANCE_COLUMNS)
        .sort("project_code", "baseline_date", "gate", nulls_last=True)
    )
    return GateCompliance(gates=gates, projects=project_compliance(gates, projects))


def project_compliance(gates: Frame, projects: Frame) -> pl.LazyFrame:
    """PROJECT_COMPLIANCE_COLUMNS per project of ``projects`` from gate_compliance(...).gates."""
    return (
        projects.lazy().select(pl.col("id").alias("project_id"), "code", "name")
        .join(gates.lazy().group_by("project_id").agg(
            pl.len().cast(pl.Int64).alias("gates_total"),
            pl.col("passed").sum().cast(pl.Int64).alias("gates_passed"),
            pl.col("compliant").sum().cast(pl.Int64).alias("gates_compliant"),
            pl.col("missing_deliverables").sum().cast(pl.Int64)), on="project_id", how="left")
        .with_columns(pl.col("gates_total", "gates_passed", "gates_compliant",
                             "missing_deliverables").fill_null(0))
        .select(PROJECT_COMPLIANCE_COLUMNS)
        .sort("code")
    )


def next_gates(milestones: Frame) -> pl.LazyFrame:
    """Per project, its open gate (no actual date) forecast first (then baseline, id):
    project_id, next_gate, next_gate_due."""
    return (milestones.lazy()
            .filter((pl.col("kind") == "gate") & pl.col("actual_date").is_null())
            .sort("forecast_date", "baseline_date", "id", nulls_last=True)
            .group_by("project_id", maintain_order=True)
            .agg(pl.col("name").first().alias("next_gate"),
                 pl.col("forecast_date").first().alias("next_gate_due")))
