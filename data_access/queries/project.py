"""Reads of ONE project's card and of the project picker, each filtered by the reader's scope in
SQL: the card's cost does not grow with the portfolio (only the project's own rows, the projects
it depends on or that depend on it, and the projects that recorded lessons are read)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import polars as pl
from sqlalchemy import Engine, Select, or_, select
from sqlalchemy.orm import aliased

from data_access import models as m
from data_access.queries import portfolio as q
from data_access.queries import schemas
from data_access.reader import Query, read_frames
from data_access.scope import Scope


def picker_query(scope: Scope, **filters: Sequence[str]) -> Query:
    """(id, code, name) of the projects in scope kept by the portfolio filters, by code."""
    p = m.Project
    stmt = select(p.id, p.code, p.name).where(p.id.in_(kept_ids(scope, **filters)))
    return stmt.order_by(p.code), {"id": pl.Int64, "code": pl.String, "name": pl.String}


def kept_ids(scope: Scope, *, departments: Sequence[str] = (), objectives: Sequence[str] = (),
             phases: Sequence[str] = (), statuses: Sequence[str] = (),
             managers: Sequence[str] = ()) -> Select:
    """The ids of the projects in scope kept by the portfolio filters (each set one is
    required; an empty one means any): analytics.filters.PortfolioFilter in SQL."""
    p, manager = m.Project, aliased(m.Person)
    stmt = select(p.id).where(scope.project_clause())
    if departments:
        stmt = stmt.join(m.Department, m.Department.id == p.department_id).where(
            m.Department.code.in_(sorted(departments)))
    if managers:
        stmt = stmt.join(manager, manager.id == p.manager_id).where(
            manager.name.in_(sorted(managers)))
    if phases:
        stmt = stmt.where(p.phase.in_(sorted(phases)))
    if statuses:
        stmt = stmt.where(p.status.in_(sorted(statuses)))
    if objectives:
        serving = (select(m.ProjectObjective.project_id)
                   .join(m.Objective, m.Objective.id == m.ProjectObjective.objective_id)
                   .where(m.ProjectObjective.contribution > 0,
                          m.Objective.code.in_(sorted(objectives))))
        stmt = stmt.where(p.id.in_(serving))
    return stmt


def filter_values_queries(scope: Scope) -> dict[str, Query]:
    """The values the portfolio filters offer: departments, objectives, and the phases,
    statuses and managers of the projects in scope (distinct values, not the projects)."""
    p, manager = m.Project, aliased(m.Person)
    return {
        "departments": q.departments_query(scope),
        "objectives": q.objectives_query(),
        "phases": (select(p.phase).distinct().where(scope.project_clause()),
                   {"phase": pl.String}),
        "statuses": (select(p.status).distinct().where(scope.project_clause()),
                     {"status": pl.String}),
        "managers": (select(manager.name).distinct().join(p, p.manager_id == manager.id)
                     .where(scope.project_clause()), {"manager": pl.String}),
    }


def read_filter_values(engine: Engine, scope: Scope) -> dict[str, pl.DataFrame]:
    return read_frames(engine, filter_values_queries(scope))


def _team_people_query(scope: Scope) -> Query:
    staffed = select(m.Assignment.person_id).where(
        m.Assignment.project_id.in_(select(m.Project.id).where(scope.project_clause())))
    pe = m.Person
    stmt = select(pe.id, pe.name, pe.role, pe.team, pe.department_id,
                  pe.monthly_capacity_hours).where(pe.id.in_(staffed))
    return stmt, schemas.PEOPLE


def read_project_card(engine: Engine, scope: Scope, project_id: int) -> dict[str, pl.DataFrame]:
    """The card of ``project_id`` (which ``scope`` may read): its own rows (costs, progress,
    milestones, risks, status reports, assignments and the people on them, dependencies, lessons),
    the projects linked to it, and the lessons and projects the "similar lessons" ranking reads."""
    one = replace(scope, project_ids=frozenset({project_id}))
    d = m.Dependency
    linked = select(d.predecessor_id).where(d.successor_id == project_id).union(
        select(d.successor_id).where(d.predecessor_id == project_id))
    with_lessons = select(m.Lesson.project_id).where(m.Lesson.project_id.is_not(None))
    related_stmt, related_schema = q.projects_query(scope)
    related = related_stmt.where(or_(m.Project.id == project_id, m.Project.id.in_(linked),
                                     m.Project.id.in_(with_lessons)))
    return read_frames(engine, {
        "projects": (related, related_schema),
        "costs": q.costs_query(one), "progress": q.progress_query(one),
        "milestones": q.milestones_query(one), "risks": q.risks_query(one),
        "status_reports": q.status_reports_query(one), "assignments": q.assignments_query(one),
        "people": _team_people_query(one), "dependencies": q.dependencies_query(one),
        "lessons": q.lessons_query(scope),
    })
