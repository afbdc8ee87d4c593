"""The current data in EXACTLY the import templates' columns (templates.py), one frame per kind,
so that ``data_access.exports`` (CSV/XLSX, formula-safe) writes files ``pmo import`` reads back
as the same data: an export -> import round trip changes nothing.

References are written the way the import resolves them: a project by its external key (its
code when it has none), a person by their external key (their name when they have none), a
department by its code. Months are "YYYY-MM", booleans "yes"/"no", dates and numbers typed.
A milestone or risk without an external key is exported with an empty key: the import then
reports it (a made-up key would create a duplicate when re-imported into the same database).
Every read is filtered by the scope (projects visible to it; a dependency when both ends are).
"""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import aliased

from data_access import models as m
from data_access.imports.templates import KINDS, TEMPLATES
from data_access.reader import Query, read_frames
from data_access.scope import Scope

_DTYPES = {"key": pl.String, "text": pl.String, "longtext": pl.String, "choice": pl.String,
           "ref": pl.String, "date": pl.Date, "month": pl.String, "money": pl.Float64,
           "number": pl.Float64, "int": pl.Int64, "percent": pl.Float64, "bool": pl.String}
"""Template column type -> dtype of the exported frame."""


def template_schema(kind: str) -> dict[str, type[pl.DataType]]:
    """Column -> dtype of the exported frame of ``kind``, in the template's column order."""
    return {c.name: _DTYPES[c.type] for c in TEMPLATES[kind].columns}


def _read_schema(kind: str) -> dict[str, type[pl.DataType]]:
    """The schema as read from the database (months as dates, booleans as booleans)."""
    types = {c.name: c.type for c in TEMPLATES[kind].columns}
    return {name: pl.Date if types[name] == "month" else pl.Boolean if types[name] == "bool"
            else dtype for name, dtype in template_schema(kind).items()}


def _project_ref(project) -> object:
    return func.coalesce(project.external_key, project.code)


def _person_ref(person) -> object:
    return func.coalesce(person.external_key, person.name)


def _visible(scope: Scope):
    return select(m.Project.id).where(scope.project_clause())


def _projects(scope: Scope) -> object:
    p, manager = m.Project, aliased(m.Person)
    return (select(_project_ref(p), p.code, p.name, p.description, m.Department.code, p.sponsor,
                   _person_ref(manager), p.methodology, p.phase, p.status, p.baseline_start,
                   p.baseline_end, p.forecast_start, p.forecast_end, p.actual_start,
                   p.actual_end, p.bac, p.mandatory, p.financial_value, p.strategic_fit,
                   p.urgency, p.compliance, p.risk_level)
            .join(m.Department, m.Department.id == p.department_id)
            .outerjoin(manager, manager.id == p.manager_id)
            .where(scope.project_clause()).order_by(p.code))


def _milestones(scope: Scope) -> object:
    p, ms = m.Project, m.Milestone
    return (select(_project_ref(p), ms.external_key, ms.name, ms.kind, ms.gate_type,
                   ms.baseline_date, ms.forecast_date, ms.actual_date, ms.validation_state)
            .join(p, p.id == ms.project_id).where(scope.project_clause())
            .order_by(p.code, ms.baseline_date, ms.id))


def _costs(scope: Scope) -> object:
    p, c = m.Project, m.CostEntry
    return (select(_project_ref(p), c.month, c.planned, c.actual)
            .join(p, p.id == c.project_id).where(scope.project_clause())
            .order_by(p.code, c.month))


def _progress(scope: Scope) -> object:
    p, g = m.Project, m.Progress
    return (select(_project_ref(p), g.as_of, g.percent_complete)
            .join(p, p.id == g.project_id).where(scope.project_clause())
            .order_by(p.code, g.as_of))


def _assignments(scope: Scope) -> object:
    p, a, person = m.Project, m.Assignment, aliased(m.Person)
    return (select(_project_ref(p), _person_ref(person), a.role, a.month, a.hours)
            .join(p, p.id == a.project_id).outerjoin(person, person.id == a.person_id)
            .where(scope.project_clause()).order_by(p.code, a.month, a.role, a.id))


def _risks(scope: Scope) -> object:
    p, r = m.Project, m.Risk
    return (select(r.external_key, _project_ref(p), r.title, r.description, r.category,
                   r.probability, r.impact, r.cost_impact, r.owner, r.mitigation, r.due_date,
                   r.status, r.identified_on, r.closed_on)
            .join(p, p.id == r.project_id).where(scope.project_clause())
            .order_by(p.code, r.identified_on, r.id))


def _status_reports(scope: Scope) -> object:
    p, s = m.Project, m.StatusReport
    return (select(_project_ref(p), s.period, s.reported_on, s.schedule_rag, s.cost_rag,
                   s.scope_rag, s.quality_rag, s.comment, s.percent_complete, s.forecast_end,
                   s.eac)
            .join(p, p.id == s.project_id).where(scope.project_clause())
            .order_by(p.code, s.period))


def _dependencies(scope: Scope) -> object:
    pred, succ, d = aliased(m.Project), aliased(m.Project), m.Dependency
    visible = _visible(scope)
    return (select(_project_ref(pred), _project_ref(succ), d.kind, d.lag_days)
            .join(pred, pred.id == d.predecessor_id).join(succ, succ.id == d.successor_id)
            .where(d.predecessor_id.in_(visible), d.successor_id.in_(visible))
            .order_by(pred.code, succ.code))


_QUERIES = {"projects": _projects, "milestones": _milestones, "costs": _costs,
            "progress": _progress, "assignments": _assignments, "risks": _risks,
            "status_reports": _status_reports, "dependencies": _dependencies}


def template_queries(scope: Scope, kinds: Iterable[str] = KINDS) -> dict[str, Query]:
    """kind -> (statement, schema as read) for ``kinds`` (ValueError naming an unknown kind)."""
    kinds = list(dict.fromkeys(kinds))
    unknown = [k for k in kinds if k not in TEMPLATES]
    if unknown:
        raise ValueError(f"unknown kind {unknown[0]!r}: choose among {', '.join(KINDS)}")
    return {kind: (_QUERIES[kind](scope), _read_schema(kind)) for kind in kinds}


def as_template(kind: str, frame: pl.DataFrame) -> pl.DataFrame:
    """A frame read by ``template_queries`` in the template's own value formats."""
    types = {c.name: c.type for c in TEMPLATES[kind].columns}
    exprs = []
    for name in frame.columns:
        col = pl.col(name)
        if types[name] == "month":
            col = col.dt.strftime("%Y-%m")
        elif types[name] == "bool":
            col = pl.when(col).then(pl.lit("yes")).when(col.not_()).then(pl.lit("no"))
        exprs.append(col.alias(name))
    return frame.select(exprs).cast(template_schema(kind))


def template_frames(engine: Engine, scope: Scope,
                    kinds: Iterable[str] = KINDS) -> dict[str, pl.DataFrame]:
    """kind -> the data ``scope`` may see, in that import template's columns (one snapshot)."""
    frames = read_frames(engine, template_queries(scope, kinds))
    return {kind: as_template(kind, frame) for kind, frame in frames.items()}
