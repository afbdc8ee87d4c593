"""Reads of the portfolio, each filtered by the caller's scope inside the SQL."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import aliased

from data_access import models as m
from data_access.queries import schemas as s
from data_access.reader import Query, read_frame, read_frames
from data_access.scope import Scope


def _scoped_project_ids(scope: Scope):
    return select(m.Project.id).where(scope.project_clause())


def departments_query(scope: Scope) -> Query:
    """Departments the scope may see: its own, or those of its projects (managers), or all."""
    stmt = select(m.Department.id, m.Department.code, m.Department.name).order_by(m.Department.code)
    if scope.role == "manager":
        stmt = stmt.where(m.Department.id.in_(select(m.Project.department_id).where(scope.project_clause())))
    elif scope.department_ids:
        stmt = stmt.where(m.Department.id.in_(sorted(scope.department_ids)))
    return stmt, s.DEPARTMENTS


def projects_query(scope: Scope) -> Query:
    manager = aliased(m.Person)
    p = m.Project
    stmt = (
        select(p.id, p.code, p.name, p.department_id, m.Department.code, m.Department.name,
               p.sponsor, p.manager_id, manager.name, p.methodology, p.phase, p.status,
               p.baseline_start, p.baseline_end, p.forecast_start, p.forecast_end,
               p.actual_start, p.actual_end, p.bac, p.mandatory, p.financial_value,
               p.strategic_fit, p.urgency, p.compliance, p.risk_level)
        .join(m.Department, m.Department.id == p.department_id)
        .outerjoin(manager, manager.id == p.manager_id)
        .where(scope.project_clause())
        .order_by(p.code)
    )
    return stmt, s.PROJECTS


def costs_query(scope: Scope) -> Query:
    c = m.CostEntry
    stmt = select(c.project_id, c.month, c.planned, c.actual).where(
        c.project_id.in_(_scoped_project_ids(scope)))
    return stmt, s.COSTS


def progress_query(scope: Scope) -> Query:
    g = m.Progress
    stmt = select(g.project_id, g.as_of, g.percent_complete).where(
        g.project_id.in_(_scoped_project_ids(scope)))
    return stmt, s.PROGRESS


def milestones_query(scope: Scope) -> Query:
    ms = m.Milestone
    stmt = select(ms.id, ms.project_id, ms.name, ms.kind, ms.gate_type, ms.baseline_date,
                  ms.forecast_date, ms.actual_date, ms.validation_state).where(
        ms.project_id.in_(_scoped_project_ids(scope)))
    return stmt, s.MILESTONES


def deliverables_query(scope: Scope) -> Query:
    d = m.Deliverable
    stmt = (select(d.id, d.milestone_id, d.name, d.required, d.validated)
            .join(m.Milestone, m.Milestone.id == d.milestone_id)
            .where(m.Milestone.project_id.in_(_scoped_project_ids(scope))))
    return stmt, s.DELIVERABLES


def risks_query(scope: Scope) -> Query:
    r = m.Risk
    stmt = select(r.id, r.project_id, r.title, r.category, r.probability, r.impact, r.cost_impact,
                  r.owner, r.mitigation, r.due_date, r.status, r.identified_on, r.closed_on).where(
        r.project_id.in_(_scoped_project_ids(scope)))
    return stmt, s.RISKS


def status_reports_query(scope: Scope) -> Query:
    r = m.StatusReport
    stmt = select(r.id, r.project_id, r.period, r.reported_on, r.schedule_rag, r.cost_rag,
                  r.scope_rag, r.quality_rag, r.comment, r.percent_complete, r.forecast_end,
                  r.eac).where(r.project_id.in_(_scoped_project_ids(scope)))
    return stmt, s.STATUS_REPORTS


def assignments_query(scope: Scope) -> Query:
    a = m.Assignment
    stmt = select(a.project_id, a.person_id, a.role, a.month, a.hours).where(
        a.project_id.in_(_scoped_project_ids(scope)))
    return stmt, s.ASSIGNMENTS


def people_query(scope: Scope) -> Query:
    """People of the scope's departments; for a manager, the people assigned to their projects."""
    pe = m.Person
    stmt = select(pe.id, pe.name, pe.role, pe.team, pe.department_id, pe.monthly_capacity_hours)
    if scope.role == "manager":
        staffed = select(m.Assignment.person_id).where(m.Assignment.project_id.in_(_scoped_project_ids(scope)))
        stmt = stmt.where(pe.id.in_(staffed))
    elif scope.department_ids:
        stmt = stmt.where(pe.department_id.in_(sorted(scope.department_ids)))
    return stmt, s.PEOPLE


def objectives_query() -> Query:
    o = m.Objective
    stmt = select(o.id, o.code, o.name, o.weight, o.target_share).order_by(o.code)
    return stmt, s.OBJECTIVES


def contributions_query(scope: Scope) -> Query:
    c = m.ProjectObjective
    stmt = select(c.project_id, c.objective_id, c.contribution).where(
        c.project_id.in_(_scoped_project_ids(scope)))
    return stmt, s.CONTRIBUTIONS


def dependencies_query(scope: Scope) -> Query:
    d = m.Dependency
    ids = _scoped_project_ids(scope)
    stmt = select(d.predecessor_id, d.successor_id, d.kind, d.lag_days).where(
        d.successor_id.in_(ids) | d.predecessor_id.in_(ids))
    return stmt, s.DEPENDENCIES


def lessons_query(scope: Scope) -> Query:
    """Lessons learned of the projects in scope (lessons of no project are for everyone)."""
    le = m.Lesson
    stmt = (select(le.id, le.project_id, le.title, le.went_well, le.went_badly, le.recommendation,
                   le.category, le.phase, le.tags, le.recorded_on)
            .where(le.project_id.in_(_scoped_project_ids(scope)) | le.project_id.is_(None))
            .order_by(le.recorded_on.desc(), le.id))
    return stmt, s.LESSONS


def thresholds_query() -> Query:
    t = m.Threshold
    stmt = select(t.metric, t.amber, t.red, t.higher_is_worse).order_by(t.metric)
    return stmt, s.THRESHOLDS


def departments(engine: Engine, scope: Scope) -> pl.DataFrame:
    return read_frame(engine, *departments_query(scope))


def projects(engine: Engine, scope: Scope) -> pl.DataFrame:
    return read_frame(engine, *projects_query(scope))


def costs(engine: Engine, scope: Scope) -> pl.DataFrame:
    return read_frame(engine, *costs_query(scope))


def progress(engine: Engine, scope: Scope) -> pl.DataFrame:
    return read_frame(engine, *progress_query(scope))


def milestones(engine: Engine, scope: Scope) -> pl.DataFrame:
    return read_frame(engine, *milestones_query(scope))


def deliverables(engine: Engine, scope: Scope) -> pl.DataFrame:
    return read_frame(engine, *deliverables_query(scope))


def risks(engine: Engine, scope: Scope) -> pl.DataFrame:
    return read_frame(engine, *risks_query(scope))


def status_reports(engine: Engine, scope: Scope) -> pl.DataFrame:
    return read_frame(engine, *status_reports_query(scope))


def assignments(engine: Engine, scope: Scope) -> pl.DataFrame:
    return read_frame(engine, *assignments_query(scope))


def people(engine: Engine, scope: Scope) -> pl.DataFrame:
    return read_frame(engine, *people_query(scope))


def objectives(engine: Engine) -> pl.DataFrame:
    return read_frame(engine, *objectives_query())


def contributions(engine: Engine, scope: Scope) -> pl.DataFrame:
    return read_frame(engine, *contributions_query(scope))


def dependencies(engine: Engine, scope: Scope) -> pl.DataFrame:
    return read_frame(engine, *dependencies_query(scope))


def lessons(engine: Engine, scope: Scope) -> pl.DataFrame:
    return read_frame(engine, *lessons_query(scope))


def thresholds(engine: Engine) -> pl.DataFrame:
    return read_frame(engine, *thresholds_query())


def data_version(engine: Engine) -> int:
    """A number that changes whenever data changes (every write appends to the audit log)."""
    with engine.connect() as conn:
        return int(conn.execute(select(func.coalesce(func.max(m.AuditEntry.id), 0))).scalar_one())


@dataclass(frozen=True)
class PortfolioFrames:
    """Everything the overview and analytics need, for one scope."""

    departments: pl.DataFrame
    projects: pl.DataFrame
    costs: pl.DataFrame
    progress: pl.DataFrame
    milestones: pl.DataFrame
    risks: pl.DataFrame
    status_reports: pl.DataFrame
    thresholds: pl.DataFrame


def load_portfolio(engine: Engine, scope: Scope) -> PortfolioFrames:
    """Read the frames of the executive overview for ``scope``, all from one snapshot."""
    return PortfolioFrames(**read_frames(engine, {
        "departments": departments_query(scope), "projects": projects_query(scope),
        "costs": costs_query(scope), "progress": progress_query(scope),
        "milestones": milestones_query(scope), "risks": risks_query(scope),
        "status_reports": status_reports_query(scope), "thresholds": thresholds_query(),
    }))


def kpi_queries(scope: Scope) -> dict[str, Query]:
    """Every frame the KPI set needs, for ``scope`` (names match analytics.kpis.KpiInputs)."""
    return {
        "departments": departments_query(scope), "projects": projects_query(scope),
        "costs": costs_query(scope), "progress": progress_query(scope),
        "milestones": milestones_query(scope), "deliverables": deliverables_query(scope),
        "risks": risks_query(scope), "status_reports": status_reports_query(scope),
        "assignments": assignments_query(scope), "people": people_query(scope),
        "objectives": objectives_query(), "contributions": contributions_query(scope),
        "dependencies": dependencies_query(scope), "thresholds": thresholds_query(),
        "lessons": lessons_query(scope),
    }


def load_kpi_frames(engine: Engine, scope: Scope) -> dict[str, pl.DataFrame]:
    """The frames of :func:`kpi_queries`, all read from one snapshot."""
    return read_frames(engine, kpi_queries(scope))
