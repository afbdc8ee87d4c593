"""Reads of the KPI store, each filtered by the reader's scope (and department filter) in SQL,
each returning only the rows a page shows: sums per group are computed by the database
(``GROUP BY``); the ratios of those sums are the analytics layer's (analytics.evm.rollup_ratios).
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl
from sqlalchemy import Engine, Select, case, func, select

from data_access import models as m
from data_access.models.kpi_store import (ALERT_COLUMNS, GATE_COLUMNS, PROJECT_COLUMNS,
                                          RISK_COLUMNS, kpi_alerts, kpi_gates, kpi_projects,
                                          kpi_top_risks)
from data_access.reader import Query, read_frames
from data_access.scope import Scope

DTYPES = {"int": pl.Int64, "float": pl.Float64, "text": pl.String, "date": pl.Date,
          "bool": pl.Boolean}
SUM_COLUMNS = {"projects": pl.Int64, "active": pl.Int64, "bac": pl.Float64, "pv": pl.Float64,
               "ev": pl.Float64, "ac": pl.Float64, "eac": pl.Float64,
               "eac_composite": pl.Float64, "eac_unknown": pl.Int64, "red_projects": pl.Int64,
               "open_risks": pl.Int64, "risk_exposure": pl.Float64, "drift_alerts": pl.Int64}
"""What :func:`sums_query` returns per group (ratios are derived from these)."""
_P = kpi_projects


def schema(columns: Sequence[tuple[str, str]], *, first: Sequence[str] = ("project_id",)) -> dict:
    """The polars schema of a store table's columns (``first`` are Int64 keys)."""
    return {**{c: pl.Int64 for c in first}, **{c: DTYPES[k] for c, k in columns}}


PROJECTS = schema(PROJECT_COLUMNS)
ALERTS = schema(ALERT_COLUMNS)
TOP_RISKS = schema(RISK_COLUMNS)
GATES = schema(GATE_COLUMNS)


def project_ids(scope: Scope, department_codes: Sequence[str] | None = None) -> Select:
    """The ids of the projects ``scope`` may read, kept by the department filter (None: all)."""
    stmt = select(m.Project.id).where(scope.project_clause())
    if department_codes is not None:
        stmt = stmt.join(m.Department, m.Department.id == m.Project.department_id).where(
            m.Department.code.in_(sorted(department_codes)))
    return stmt


def _known_sum(column: str):
    """Σ column, NULL when a project with a budget has none (analytics.evm._known_sum)."""
    unknown = func.sum(case((_P.c[column].is_(None) & _P.c.bac.is_not(None), 1), else_=0))
    return case((unknown > 0, None), else_=func.coalesce(func.sum(_P.c[column]), 0.0))


def sums_query(scope: Scope, department_codes: Sequence[str] | None = None, *,
               by_department: bool = False) -> Query:
    """SUM_COLUMNS over the stored projects in scope: one row, or one per department."""
    aggregates = [
        func.count().label("projects"),
        func.coalesce(func.sum(case((_P.c.status == "active", 1), else_=0)), 0).label("active"),
        *(func.coalesce(func.sum(_P.c[c]), 0.0).label(c) for c in ("bac", "pv", "ev", "ac")),
        _known_sum("eac").label("eac"), _known_sum("eac_composite").label("eac_composite"),
        func.coalesce(func.sum(case((_P.c.eac.is_(None) & _P.c.bac.is_not(None), 1), else_=0)),
                      0).label("eac_unknown"),
        func.coalesce(func.sum(case((_P.c.overall_rag == "red", 1), else_=0)),
                      0).label("red_projects"),
        func.coalesce(func.sum(_P.c.open_risks), 0).label("open_risks"),
        func.coalesce(func.sum(_P.c.risk_exposure), 0.0).label("risk_exposure"),
        func.coalesce(func.sum(_P.c.drift_alerts), 0).label("drift_alerts"),
    ]
    keys = [_P.c.department_code, _P.c.department] if by_department else []
    stmt = select(*keys, *aggregates).where(
        _P.c.project_id.in_(project_ids(scope, department_codes)))
    columns = dict(SUM_COLUMNS)
    if by_department:
        stmt = stmt.group_by(*keys).order_by(_P.c.department_code.nulls_last(),
                                             _P.c.department.nulls_last())
        columns = {"department_code": pl.String, "department": pl.String, **columns}
    return stmt, columns


def counts_query(column: str, scope: Scope, department_codes: Sequence[str] | None = None) -> Query:
    """(column, projects): stored projects in scope per value of ``column`` (status, overall_rag)."""
    if column not in ("status", "overall_rag"):
        raise ValueError(f"counts by {column!r} are not offered")
    stmt = (select(_P.c[column], func.count().label("projects"))
            .where(_P.c.project_id.in_(project_ids(scope, department_codes)))
            .group_by(_P.c[column]))
    return stmt, {column: pl.String, "projects": pl.Int64}


def in_trouble_query(scope: Scope, department_codes: Sequence[str] | None = None) -> Query:
    """Stored projects whose overall health is red, lowest CPI first (the overview's order)."""
    columns = ("project_id", "code", "name", "department", "manager", "status", "bac", "eac",
               "vac", "cpi", "spi", "overall_reason")
    stmt = (select(*(_P.c[c] for c in columns))
            .where(_P.c.project_id.in_(project_ids(scope, department_codes)),
                   _P.c.overall_rag == "red")
            .order_by(_P.c.cpi.nulls_last(), _P.c.code.nulls_last()))
    out = {c: PROJECTS[c] for c in columns[:-1]} | {"reasons": pl.String}
    return stmt, out


def top_risks_query(scope: Scope, department_codes: Sequence[str] | None = None, *,
                    limit: int = 10) -> Query:
    """The ``limit`` stored risks of the scope with the highest score, then exposure."""
    t = kpi_top_risks
    stmt = (select(t.c.risk_id, t.c.project_id, *(t.c[c] for c, _ in RISK_COLUMNS[1:]))
            .where(t.c.project_id.in_(project_ids(scope, department_codes)))
            .order_by(t.c.score.desc().nulls_last(), t.c.money_exposure.desc().nulls_last(),
                      t.c.risk_id)
            .limit(limit))
    return stmt, {"risk_id": pl.Int64, "project_id": pl.Int64,
                  **{c: DTYPES[k] for c, k in RISK_COLUMNS[1:]}}


def gates_query(kind: str, scope: Scope, department_codes: Sequence[str] | None = None) -> Query:
    """Stored open gates of ``kind`` ('due': soonest first; 'overdue': most overdue first)."""
    t = kpi_gates
    names = [c for c, _ in GATE_COLUMNS if c not in ("kind", "milestone_id", "days")]
    days = "days_until_due" if kind == "due" else "days_overdue"
    order = ((t.c.forecast_date, t.c.project_code, t.c.gate) if kind == "due"
             else (t.c.days.desc(), t.c.project_code, t.c.gate))
    stmt = (select(t.c.milestone_id, t.c.project_id, *(t.c[c] for c in names),
                   t.c.days.label(days))
            .where(t.c.kind == kind, t.c.project_id.in_(project_ids(scope, department_codes)))
            .order_by(*order))
    return stmt, {"milestone_id": pl.Int64, "project_id": pl.Int64,
                  **{c: GATES[c] for c in names}, days: pl.Int64}


def alerts_query(scope: Scope, department_codes: Sequence[str] | None = None) -> Query:
    """Stored drift alerts of the scope, red first, then by project code and alert."""
    t = kpi_alerts
    stmt = (select(t.c.project_id, *(t.c[c] for c, _ in ALERT_COLUMNS))
            .where(t.c.project_id.in_(project_ids(scope, department_codes)))
            .order_by(case((t.c.severity == "red", 0), else_=1), t.c.code, t.c.alert))
    return stmt, ALERTS


def project_rows_query(scope: Scope, codes: Sequence[str] = (), *,
                       ids: Sequence[int] = ()) -> Query:
    """The stored KPI rows of the projects ``codes`` (or ``ids``) that ``scope`` may read."""
    chosen = _P.c.code.in_(sorted(codes)) if codes else _P.c.project_id.in_(sorted(ids))
    stmt = (select(_P.c.project_id, *(_P.c[c] for c, _ in PROJECT_COLUMNS))
            .where(_P.c.project_id.in_(project_ids(scope)), chosen)
            .order_by(_P.c.code))
    return stmt, PROJECTS


def overview_queries(scope: Scope, department_codes: Sequence[str] | None = None, *,
                     top_n: int = 10) -> dict[str, Query]:
    """Every read of the executive overview (names as in data_access.queries.kpis readers)."""
    codes = department_codes
    return {
        "totals": sums_query(scope, codes),
        "by_department": sums_query(scope, codes, by_department=True),
        "by_status": counts_query("status", scope, codes),
        "by_health": counts_query("overall_rag", scope, codes),
        "in_trouble": in_trouble_query(scope, codes),
        "top_risks": top_risks_query(scope, codes, limit=top_n),
        "gates_due": gates_query("due", scope, codes),
        "overdue_gates": gates_query("overdue", scope, codes),
        "alerts": alerts_query(scope, codes),
    }


def read_overview(engine: Engine, scope: Scope, department_codes: Sequence[str] | None = None, *,
                  top_n: int = 10) -> dict[str, pl.DataFrame]:
    """The overview's stored rows for ``scope``, all read from one snapshot."""
    return read_frames(engine, overview_queries(scope, department_codes, top_n=top_n))
