"""Reads of the portfolio, each filtered by the caller's scope inside the SQL."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import aliased

from data_access import models as m
from data_access.queries import schemas as s
from data_access.reader import read_frame
from data_access.scope import Scope


def _scoped_project_ids(scope: Scope):
    return select(m.Project.id).where(scope.project_clause())


def departments(engine: Engine, scope: Scope) -> pl.DataFrame:
    stmt = select(m.Department.id, m.Department.code, m.Department.name).order_by(m.Department.code)
    if scope.department_ids:
        stmt = stmt.where(m.Department.id.in_(sorted(scope.department_ids)))
    return read_frame(engine, stmt, s.DEPARTMENTS)


def projects(engine: Engine, scope: Scope) -> pl.DataFrame:
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
    return read_frame(engine, stmt, s.PROJECTS)


def costs(engine: Engine, scope: Scope) -> pl.DataFrame:
    c = m.CostEntry
    stmt = select(c.project_id, c.month, c.planned, c.actual).where(
        c.project_id.in_(_scoped_project_ids(scope)))
    return read_frame(engine, stmt, s.COSTS)


def progress(engine: Engine, scope: Scope) -> pl.DataFrame:
    g = m.Progress
    stmt = select(g.project_id, g.as_of, g.percent_complete).where(
        g.project_id.in_(_scoped_project_ids(scope)))
    return read_frame(engine, stmt, s.PROGRESS)


def milestones(engine: Engine, scope: Scope) -> pl.DataFrame:
    ms = m.Milestone
    stmt = select(ms.id, ms.project_id, ms.name, ms.kind, ms.gate_type, ms.baseline_date,
                  ms.forecast_date, ms.actual_date, ms.validation_state).where(
        ms.project_id.in_(_scoped_project_ids(scope)))
    return read_frame(engine, stmt, s.MILESTONES)


def deliverables(engine: Engine, scope: Scope) -> pl.DataFrame:
    d = m.Deliverable
    stmt = (select(d.id, d.milestone_id, d.name, d.required, d.validated)
            .join(m.Milestone, m.Milestone.id == d.milestone_id)
            .where(m.Milestone.project_id.in_(_scoped_project_ids(scope))))
    return read_frame(engine, stmt, s.DELIVERABLES)


def risks(engine: Engine, scope: Scope) -> pl.DataFrame:
    r = m.Risk
    stmt = select(r.id, r.project_id, r.title, r.category, r.probability, r.impact, r.cost_impact,
                  r.owner, r.mitigation, r.due_date, r.status, r.identified_on, r.closed_on).where(
        r.project_id.in_(_scoped_project_ids(scope)))
    return read_frame(engine, stmt, s.RISKS)


def status_reports(engine: Engine, scope: Scope) -> pl.DataFrame:
    r = m.StatusReport
    stmt = select(r.id, r.project_id, r.period, r.reported_on, r.schedule_rag, r.cost_rag,
                  r.scope_rag, r.quality_rag, r.comment, r.percent_complete, r.forecast_end,
                  r.eac).where(r.project_id.in_(_scoped_project_ids(scope)))
    return read_frame(engine, stmt, s.STATUS_REPORTS)


def assignments(engine: Engine, scope: Scope) -> pl.DataFrame:
    a = m.Assignment
    stmt = select(a.project_id, a.person_id, a.role, a.month, a.hours).where(
        a.project_id.in_(_scoped_project_ids(scope)))
    return read_frame(engine, stmt, s.ASSIGNMENTS)


def people(engine: Engine, scope: Scope) -> pl.DataFrame:
    pe = m.Person
    stmt = select(pe.id, pe.name, pe.role, pe.team, pe.department_id, pe.monthly_capacity_hours)
    if scope.department_ids:
        stmt = stmt.where(pe.department_id.in_(sorted(scope.department_ids)))
    return read_frame(engine, stmt, s.PEOPLE)


def objectives(engine: Engine) -> pl.DataFrame:
    o = m.Objective
    stmt = select(o.id, o.code, o.name, o.weight, o.target_share).order_by(o.code)
    return read_frame(engine, stmt, s.OBJECTIVES)


def contributions(engine: Engine, scope: Scope) -> pl.DataFrame:
    c = m.ProjectObjective
    stmt = select(c.project_id, c.objective_id, c.contribution).where(
        c.project_id.in_(_scoped_project_ids(scope)))
    return read_frame(engine, stmt, s.CONTRIBUTIONS)


def dependencies(engine: Engine, scope: Scope) -> pl.DataFrame:
    d = m.Dependency
    ids = _scoped_project_ids(scope)
    stmt = select(d.predecessor_id, d.successor_id, d.kind, d.lag_days).where(
        d.successor_id.in_(ids) | d.predecessor_id.in_(ids))
    return read_frame(engine, stmt, s.DEPENDENCIES)


def thresholds(engine: Engine) -> pl.DataFrame:
    t = m.Threshold
    stmt = select(t.metric, t.amber, t.red, t.higher_is_worse).order_by(t.metric)
    return read_frame(engine, stmt, s.THRESHOLDS)


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
    """Read the frames of the executive overview for ``scope``."""
    return PortfolioFrames(
        departments=departments(engine, scope), projects=projects(engine, scope),
        costs=costs(engine, scope), progress=progress(engine, scope),
        milestones=milestones(engine, scope), risks=risks(engine, scope),
        status_reports=status_reports(engine, scope), thresholds=thresholds(engine),
    )
