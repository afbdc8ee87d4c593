"""The one entry point: the whole KPI set of a filtered portfolio, from loaded frames, built as
one lazy plan and collected once (``pl.collect_all``). Pages and ``pmo kpis`` use it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date

import polars as pl

from analytics.alignment import alignment, investment_mix, projects_without_objective
from analytics.capacity import capacity_by_person, capacity_by_role, capacity_by_team
from analytics.drift import drift_alerts
from analytics.earned_schedule import ES_COLUMNS, add_earned_schedule
from analytics.evm import KPI_COLUMNS, ROLLUP_COLUMNS, project_kpis, rollup, rollup_by_objective
from analytics.health import HEALTH_COLUMNS, project_health
from analytics.inputs import checked, checked_date
from analytics.milestones import gate_compliance
from analytics.risk import overdue_mitigations, risk_matrix

Frame = pl.DataFrame | pl.LazyFrame
GRAINS = ("project", "department", "objective")
PROJECT_EVM_COLUMNS = tuple(c for c in ROLLUP_COLUMNS if c not in ("projects", "eac_unknown"))
PROJECT_ID_COLUMNS = ("project_id", "code", "name", "department_code", "department", "manager",
                      "methodology", "phase", "status", "baseline_start", "baseline_end",
                      "forecast_end")


@dataclass(frozen=True)
class KpiInputs:
    """The loaded frames (data_access.queries.portfolio.kpi_queries gives exactly these names)."""

    projects: Frame
    costs: Frame
    progress: Frame
    milestones: Frame
    deliverables: Frame
    risks: Frame
    status_reports: Frame
    thresholds: pl.DataFrame
    assignments: Frame
    people: Frame
    objectives: Frame
    contributions: Frame

    @classmethod
    def from_mapping(cls, frames: Mapping[str, Frame]) -> KpiInputs:
        """Pick this class's frames out of a larger mapping; a missing one is a clear error."""
        missing = [f.name for f in fields(cls) if f.name not in frames]
        if missing:
            raise ValueError(f"the KPI set needs these frames too: {', '.join(missing)}")
        return cls(**{f.name: frames[f.name] for f in fields(cls)})


@dataclass(frozen=True)
class KpiSet:
    """Every KPI table at ``as_of`` (collected polars DataFrames)."""

    as_of: date
    projects: pl.DataFrame            # one row a project: EVM, earned schedule, health, alignment, gates
    departments: pl.DataFrame         # department_code, department + evm.ROLLUP_COLUMNS
    objectives: pl.DataFrame          # objective_id, objective_code, objective + ROLLUP_COLUMNS
    portfolio: pl.DataFrame           # one row: ROLLUP_COLUMNS
    alerts: pl.DataFrame              # drift.ALERT_COLUMNS
    gates: pl.DataFrame               # milestones.COMPLIANCE_COLUMNS
    capacity_by_role: pl.DataFrame    # role + capacity.METRIC_COLUMNS
    capacity_by_team: pl.DataFrame    # team + capacity.METRIC_COLUMNS
    capacity_by_person: pl.DataFrame  # person_id, name, role, team + capacity.METRIC_COLUMNS
    risk_matrix: pl.DataFrame         # risk.MATRIX_COLUMNS, all 25 cells
    overdue_mitigations: pl.DataFrame  # risk.OVERDUE_COLUMNS
    investment_mix: pl.DataFrame      # alignment.MIX_COLUMNS
    without_objective: pl.DataFrame   # alignment.WITHOUT_OBJECTIVE_COLUMNS

    def table(self, by: str) -> pl.DataFrame:
        """The EVM table at one grain: 'project', 'department' or 'objective' (+ a total row)."""
        if by not in GRAINS:
            raise ValueError(f"unknown grain {by!r}: choose one of {', '.join(GRAINS)}")
        if by == "project":
            return self.projects.select("code", "name", "department", "status", *PROJECT_EVM_COLUMNS,
                                        *ES_COLUMNS[:-1], "overall_rag", "alignment_score")
        frame = self.departments if by == "department" else self.objectives
        key = "department" if by == "department" else "objective"
        total = self.portfolio.with_columns(pl.lit("Portfolio").alias(key))
        return pl.concat([frame.select(key, *ROLLUP_COLUMNS), total.select(key, *ROLLUP_COLUMNS)],
                         how="vertical_relaxed")


def _department_filter(codes: list[str] | None) -> pl.Expr:
    if codes is None:
        return pl.lit(True)
    if isinstance(codes, str) or not all(isinstance(c, str) for c in codes):
        raise TypeError("department_codes must be a list of department codes (strings) or None")
    return pl.col("department_code").is_in(list(codes))


def kpi_set(inputs: KpiInputs, *, as_of: date, department_codes: list[str] | None = None,
            alert_periods: int = 3) -> KpiSet:
    """All KPI tables at as_of for the projects of department_codes (all when None), collected once."""
    as_of = checked_date(as_of)
    projects = checked("projects", inputs.projects).filter(_department_filter(department_codes))
    costs, progress = checked("costs", inputs.costs), checked("progress", inputs.progress)
    milestones, risks = checked("milestones", inputs.milestones), checked("risks", inputs.risks)
    reports = checked("status_reports", inputs.status_reports)
    deliverables = checked("deliverables", inputs.deliverables)
    people = checked("people", inputs.people)
    objectives_in = checked("objectives", inputs.objectives)
    ids = projects.select(pl.col("id").alias("project_id"))
    assignments = checked("assignments", inputs.assignments).join(ids, on="project_id", how="semi")
    contributions = checked("contributions", inputs.contributions).join(ids, on="project_id",
                                                                        how="semi")

    kpis = add_earned_schedule(project_kpis(projects, costs, progress, as_of=as_of), costs,
                               as_of=as_of)
    health = project_health(kpis, milestones, risks, reports, inputs.thresholds, as_of=as_of)
    aligned = alignment(projects, contributions, objectives_in).select(
        "project_id", "alignment_score", "objectives_served", "serves_no_objective")
    compliance = gate_compliance(milestones, deliverables, projects)
    objectives = objectives_in.select(pl.col("id").alias("objective_id"),
                                                 pl.col("code").alias("objective_code"),
                                                 pl.col("name").alias("objective"))
    per_project = (
        health.with_columns(pl.col("id").alias("project_id"))
        .select(*PROJECT_ID_COLUMNS, "bac", *KPI_COLUMNS, *ES_COLUMNS, *HEALTH_COLUMNS)
        .join(aligned, on="project_id", how="left")
        .join(compliance.projects.drop("code", "name"), on="project_id", how="left")
        .sort("code")
    )
    plans = {
        "projects": per_project,
        "departments": rollup(kpis, ["department_code", "department"]),
        "objectives": objectives.join(rollup_by_objective(kpis, contributions), on="objective_id",
                                      how="right").select("objective_id", "objective_code",
                                                          pl.col("objective").fill_null("unaligned"),
                                                          *ROLLUP_COLUMNS)
                                                  .sort("objective_code", nulls_last=True),
        "portfolio": rollup(kpis, []),
        "alerts": drift_alerts(projects, costs, progress, reports, as_of=as_of,
                               thresholds=inputs.thresholds, periods=alert_periods),
        "gates": compliance.gates,
        "capacity_by_role": capacity_by_role(assignments, people),
        "capacity_by_team": capacity_by_team(assignments, people),
        "capacity_by_person": capacity_by_person(assignments, people),
        "risk_matrix": risk_matrix(risks, as_of=as_of, projects=projects),
        "overdue_mitigations": overdue_mitigations(risks, projects, as_of),
        "investment_mix": investment_mix(projects, contributions, objectives_in),
        "without_objective": projects_without_objective(projects, contributions,
                                                        objectives=objectives_in),
    }
    collected = pl.collect_all(list(plans.values()))
    return KpiSet(as_of=as_of, **dict(zip(plans, collected, strict=True)))
