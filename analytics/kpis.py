"""The one entry point: the whole KPI set of a filtered portfolio, from loaded frames, built as
lazy plans and collected together (``pl.collect_all``) after the few small frames most tables
share (projects in scope, their EVM + earned schedule, health, gates, the assignments' capacity
reductions) are collected first. Pages and ``pmo kpis`` use it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import MISSING, dataclass, fields
from datetime import date

import polars as pl

from analytics.alignment import alignment, investment_mix, projects_without_objective
from analytics.capacity import capacity_demand, capacity_views
from analytics.drift import drift_alerts, month_ends
from analytics.earned_schedule import ES_COLUMNS, earned_schedule_at
from analytics.filters import PortfolioFilter
from analytics.evm import (KPI_COLUMNS, ROLLUP_COLUMNS, project_kpis, project_kpis_at, rollup,
                           rollup_by_objective)
from analytics.health import HEALTH_COLUMNS, project_health
from analytics.inputs import checked, checked_date
from analytics.milestones import gate_compliance, project_compliance
from analytics.overview import Overview, department_filter, overview_plans
from analytics.risk import overdue_mitigations, risk_matrix

Frame = pl.DataFrame | pl.LazyFrame
GRAINS = ("project", "department", "objective")
PROJECT_EVM_COLUMNS = tuple(c for c in ROLLUP_COLUMNS if c not in ("projects", "eac_unknown"))
PROJECT_ID_COLUMNS = ("project_id", "code", "name", "department_code", "department", "manager",
                      "methodology", "phase", "status", "baseline_start", "baseline_end",
                      "forecast_end")


@dataclass(frozen=True)
class KpiInputs:
    """The loaded frames (data_access.queries.portfolio.kpi_queries gives exactly these names).

    The first seven are needed for everything; a section whose own frames are left out
    (None) is not computed and is None in the KpiSet: the overview page reads no assignments.
    """

    projects: Frame
    costs: Frame
    progress: Frame
    milestones: Frame
    risks: Frame
    status_reports: Frame
    thresholds: pl.DataFrame
    deliverables: Frame | None = None
    assignments: Frame | None = None
    people: Frame | None = None
    objectives: Frame | None = None
    contributions: Frame | None = None

    @classmethod
    def from_mapping(cls, frames: Mapping[str, Frame], *, full: bool = True) -> KpiInputs:
        """Pick this class's frames out of a mapping; with ``full`` a missing one is an error."""
        needed = [f.name for f in fields(cls) if full or f.default is MISSING]
        missing = [name for name in needed if name not in frames]
        if missing:
            raise ValueError(f"the KPI set needs these frames too: {', '.join(missing)}")
        return cls(**{f.name: frames[f.name] for f in fields(cls) if f.name in frames})


@dataclass(frozen=True)
class KpiSet:
    """Every KPI table at ``as_of`` (collected polars DataFrames)."""

    as_of: date
    overview: Overview                # the executive overview's tables (analytics.overview)
    projects: pl.DataFrame            # a row a project: EVM, earned schedule, health (+ below)
    departments: pl.DataFrame         # department_code, department + evm.ROLLUP_COLUMNS
    portfolio: pl.DataFrame           # one row: ROLLUP_COLUMNS
    alerts: pl.DataFrame              # drift.ALERT_COLUMNS
    risk_matrix: pl.DataFrame         # risk.MATRIX_COLUMNS, all 25 cells
    overdue_mitigations: pl.DataFrame  # risk.OVERDUE_COLUMNS
    # Sections that need more frames (None when their frames were not given):
    objectives: pl.DataFrame | None = None          # objective_id, objective_code, objective + ROLLUP
    gates: pl.DataFrame | None = None               # milestones.COMPLIANCE_COLUMNS
    capacity_by_role: pl.DataFrame | None = None    # role + capacity.METRIC_COLUMNS
    capacity_by_team: pl.DataFrame | None = None    # team + capacity.METRIC_COLUMNS
    capacity_by_person: pl.DataFrame | None = None  # person_id, name, role, team + METRIC_COLUMNS
    investment_mix: pl.DataFrame | None = None      # alignment.MIX_COLUMNS
    without_objective: pl.DataFrame | None = None   # alignment.WITHOUT_OBJECTIVE_COLUMNS

    def table(self, by: str) -> pl.DataFrame:
        """The EVM table at one grain: 'project', 'department' or 'objective' (+ a total row)."""
        if by not in GRAINS:
            raise ValueError(f"unknown grain {by!r}: choose one of {', '.join(GRAINS)}")
        if by == "project":
            extra = ["alignment_score"] if "alignment_score" in self.projects.columns else []
            return self.projects.select("code", "name", "department", "status", *PROJECT_EVM_COLUMNS,
                                        *ES_COLUMNS[:-1], "overall_rag", *extra)
        frame = self.departments if by == "department" else self.objectives
        if frame is None:
            raise ValueError("the objective grain needs the objectives and contributions frames")
        key = "department" if by == "department" else "objective"
        total = self.portfolio.with_columns(pl.lit("Portfolio").alias(key))
        return pl.concat([frame.select(key, *ROLLUP_COLUMNS), total.select(key, *ROLLUP_COLUMNS)],
                         how="vertical_relaxed")


def _whole(periods: object) -> bool:
    """periods is one drift_alerts accepts (it raises the error otherwise)."""
    return isinstance(periods, int) and not isinstance(periods, bool) and periods >= 2


def _shared_frames(projects: pl.LazyFrame, costs: pl.LazyFrame, progress: pl.LazyFrame,
                   assignments: pl.LazyFrame | None, *, as_of: date, alert_periods: object
                   ) -> tuple[pl.LazyFrame, pl.LazyFrame | None, dict[str, pl.LazyFrame] | None]:
    """(project KPIs + earned schedule at as_of, the drift trend series, the assignments'
    capacity reductions), collected together in one collect_all.

    The earned schedule at as_of and at the alerts' month ends is ONE pass (the PV curve is built
    once): a row's ES depends only on that row and its project's curve.
    """
    ends = month_ends(as_of, alert_periods) if _whole(alert_periods) else []
    now = project_kpis(projects, costs, progress, as_of=as_of)
    points = pl.concat([now.with_columns(pl.lit(as_of).alias("status_date"),
                                         pl.lit(True).alias("_now")),
                        project_kpis_at(projects, costs, progress, ends)
                        .select(*now.collect_schema().names(), "status_date")
                        .with_columns(pl.lit(False).alias("_now"))])
    plans = {"es": earned_schedule_at(points, costs)}
    if assignments is not None:
        plans |= capacity_demand(assignments)
    done = {name: frame.lazy() for name, frame in zip(plans, pl.collect_all(plans.values()),
                                                      strict=True)}
    es = done.pop("es")
    return (es.filter(pl.col("_now")).drop("status_date", "_now"),
            es.filter(~pl.col("_now")).drop("_now") if ends else None,
            done or None)


def kpi_set(inputs: KpiInputs, *, as_of: date, department_codes: list[str] | None = None,
            portfolio_filter: PortfolioFilter | None = None, alert_periods: int = 3,
            top_n: int = 10) -> KpiSet:
    """All KPI tables at as_of for the projects kept by the filters (all when None), collected."""
    as_of = checked_date(as_of)
    projects = checked("projects", inputs.projects).filter(department_filter(department_codes))
    if portfolio_filter is not None and not portfolio_filter.is_empty:
        kept = portfolio_filter.project_ids(projects, inputs.contributions, inputs.objectives)
        projects = projects.join(kept.select(pl.col("project_id").alias("id")), on="id",
                                 how="semi")
    costs, progress = checked("costs", inputs.costs), checked("progress", inputs.progress)
    milestones, risks = checked("milestones", inputs.milestones), checked("risks", inputs.risks)
    reports = checked("status_reports", inputs.status_reports)
    # Collected at this edge before the tables, because most tables read them (issue 3, see
    # bench/README.md): every later plan starts from these small collected frames instead of
    # re-deriving them in each of its ~22 plans.
    projects = projects.collect()
    in_scope = pl.col("project_id").is_in(projects.get_column("id").implode())
    projects = projects.lazy()
    assignments = (checked("assignments", inputs.assignments).filter(in_scope)
                   if inputs.assignments is not None and inputs.people is not None else None)
    kpis, series, demand = _shared_frames(projects, costs, progress, assignments, as_of=as_of,
                                          alert_periods=alert_periods)
    second = {"health": project_health(kpis, milestones, risks, reports, inputs.thresholds,
                                       as_of=as_of)}
    if inputs.deliverables is not None:
        second["gates"] = gate_compliance(milestones, checked("deliverables", inputs.deliverables),
                                          projects).gates
    second = dict(zip(second, (f.lazy() for f in pl.collect_all(second.values())), strict=True))
    health = second["health"]
    per_project = (health.with_columns(pl.col("id").alias("project_id"))
                   .select(*PROJECT_ID_COLUMNS, "bac", *KPI_COLUMNS, *ES_COLUMNS, *HEALTH_COLUMNS))
    plans: dict[str, pl.LazyFrame] = {
        f"overview.{name}": plan for name, plan in overview_plans(
            kpis, health, projects, milestones, risks, as_of=as_of, top_n=top_n).items()}
    plans |= {
        "departments": rollup(kpis, ["department_code", "department"]),
        "portfolio": rollup(kpis, []),
        "alerts": drift_alerts(projects, costs, progress, reports, as_of=as_of,
                               thresholds=inputs.thresholds, periods=alert_periods, kpis=kpis,
                               series=series),
        "risk_matrix": risk_matrix(risks, as_of=as_of, projects=projects),
        "overdue_mitigations": overdue_mitigations(risks, projects, as_of),
    }
    if inputs.objectives is not None and inputs.contributions is not None:
        objectives_in = checked("objectives", inputs.objectives)
        contributions = checked("contributions", inputs.contributions).filter(in_scope)
        aligned = alignment(projects, contributions, objectives_in).select(
            "project_id", "alignment_score", "objectives_served", "serves_no_objective")
        per_project = per_project.join(aligned, on="project_id", how="left")
        names = objectives_in.select(pl.col("id").alias("objective_id"),
                                     pl.col("code").alias("objective_code"),
                                     pl.col("name").alias("objective"))
        plans |= {
            "objectives": names.join(rollup_by_objective(kpis, contributions), on="objective_id",
                                     how="right")
            .select("objective_id", "objective_code", pl.col("objective").fill_null("unaligned"),
                    *ROLLUP_COLUMNS)
            .sort("objective_code", nulls_last=True),
            "investment_mix": investment_mix(projects, contributions, objectives_in),
            "without_objective": projects_without_objective(projects, contributions,
                                                            objectives=objectives_in),
        }
    if "gates" in second:
        per_project = per_project.join(
            project_compliance(second["gates"], projects).drop("code", "name"), on="project_id",
            how="left")
        plans["gates"] = second["gates"]
    if demand is not None:
        views = capacity_views(demand, checked("people", inputs.people))
        plans |= {f"capacity_by_{view}": plan for view, plan in views.items()}
    plans["projects"] = per_project.sort("code")
    collected = dict(zip(plans, pl.collect_all(list(plans.values())), strict=True))
    view = Overview(as_of=as_of, **{k.removeprefix("overview."): collected.pop(k)
                                    for k in list(collected) if k.startswith("overview.")})
    return KpiSet(as_of=as_of, overview=view, **collected)
