"""KPI snapshots in the database: take one (idempotent per date, one audited transaction) and
read them back as a polars frame, filtered by the reader's scope.

Who reads what: portfolio rows only for an unrestricted scope (no departments) that is not a
manager's (a manager sees projects, not the portfolio totals); department rows for the
scope's departments (every department when unrestricted; none for a manager without
departments); project rows for the projects the scope may see today (Scope.project_clause).
"""

from __future__ import annotations

import math
import zlib
from datetime import date

import polars as pl
from sqlalchemy import Engine, and_, delete, false, func, insert, or_, select, true

from data_access.models import KpiSnapshot, Project
from data_access.models.base import utcnow
from data_access.models.snapshot import SNAPSHOT_GRAINS
from data_access.reader import read_frame
from data_access.scope import Scope
from data_access.uow import unit_of_work

METRIC_COLUMNS = ("projects", "bac", "pv", "ev", "ac", "eac", "vac", "cpi", "spi", "spi_t",
                  "percent_complete", "red_projects", "open_risks", "risk_exposure",
                  "drift_alerts")
ROW_COLUMNS = ("grain", "key", "name", "department_id", "project_id", *METRIC_COLUMNS,
               "overall_rag")
"""The columns :func:`take_snapshot` stores from each row (analytics.snapshots.SNAPSHOT_SCHEMA)."""
_INTS = {"department_id", "project_id", "projects", "red_projects", "open_risks", "drift_alerts"}
SNAPSHOTS = {
    "as_of": pl.Date, "taken_at": pl.Datetime("us", "UTC"), "grain": pl.String, "key": pl.String,
    "name": pl.String, "department_id": pl.Int64, "project_id": pl.Int64,
    **{c: pl.Int64 if c in _INTS else pl.Float64 for c in METRIC_COLUMNS},
    "overall_rag": pl.String,
}
"""Columns and dtypes of :func:`read_snapshots`."""
_T = KpiSnapshot.__table__
_LOCK = zlib.crc32(b"pmo.kpi_snapshots")  # PostgreSQL advisory lock key: one taker at a time


def _checked_rows(rows: pl.DataFrame) -> list[dict]:
    missing = [c for c in ROW_COLUMNS if c not in rows.columns]
    if missing:
        raise ValueError(f"snapshot rows lack columns: {', '.join(missing)}")
    unknown = set(rows["grain"].unique().to_list()) - set(SNAPSHOT_GRAINS)
    if unknown:
        raise ValueError(f"unknown snapshot grain(s): {', '.join(sorted(map(str, unknown)))}")
    if rows["key"].null_count():
        raise ValueError("every snapshot row needs a key (a project or department code)")
    duplicated = rows.filter(pl.struct("grain", "key").is_duplicated())
    if duplicated.height:
        first = duplicated.row(0, named=True)
        raise ValueError(f"duplicate snapshot row: {first['grain']} {first['key']!r}")
    records = rows.select(ROW_COLUMNS).to_dicts()
    for record in records:  # NaN / inf are unknown values, not numbers a database can keep
        for column, value in record.items():
            if isinstance(value, float) and not math.isfinite(value):
                record[column] = None
    return records


def take_snapshot(engine: Engine, rows: pl.DataFrame, *, as_of: date, actor: str) -> dict[str, int]:
    """Store ``rows`` as the snapshot of ``as_of``, replacing that date's rows if any, in one
    transaction audited as 'snapshot.take'. Returns {"rows": stored, "replaced": removed}."""
    if not isinstance(as_of, date):
        raise ValueError(f"as_of must be a date, got {as_of!r}")
    records = _checked_rows(rows)
    taken_at = utcnow()
    for record in records:
        record.update(as_of=as_of, taken_at=taken_at, taken_by=actor)
    with unit_of_work(engine, actor) as uow:
        s = uow.session
        if s.get_bind().dialect.name == "postgresql":  # SQLite: the DELETE locks the database
            s.execute(select(func.pg_advisory_xact_lock(_LOCK)))
        replaced = s.execute(delete(_T).where(_T.c.as_of == as_of)).rowcount
        if records:
            s.execute(insert(_T), records)
        counts = {"rows": len(records), "replaced": replaced}
        uow.audit("snapshot.take", entity="kpi_snapshots", entity_id=as_of.isoformat(),
                  after=counts | {"taken_at": taken_at.isoformat()})
        uow.commit()
    return counts


def scope_clause(scope: Scope):
    """WHERE clause on kpi_snapshots keeping the rows ``scope`` may read (see module doc)."""
    unrestricted = not scope.department_ids
    portfolio = true() if unrestricted and scope.role != "manager" else false()
    if scope.role != "manager" and unrestricted:
        departments = true()
    elif scope.department_ids:
        departments = _T.c.department_id.in_(sorted(scope.department_ids))
    else:
        departments = false()
    projects = _T.c.project_id.in_(select(Project.id).where(scope.project_clause()))
    return or_(and_(_T.c.grain == "portfolio", portfolio),
               and_(_T.c.grain == "department", departments),
               and_(_T.c.grain == "project", projects))


def read_snapshots(engine: Engine, scope: Scope, *, grains: tuple[str, ...] = SNAPSHOT_GRAINS,
                   since: date | None = None, until: date | None = None) -> pl.DataFrame:
    """The snapshot rows ``scope`` may read (SNAPSHOTS), of ``grains``, between ``since`` and
    ``until`` (inclusive), by date, grain and key."""
    unknown = set(grains) - set(SNAPSHOT_GRAINS)
    if unknown:
        raise ValueError(f"unknown snapshot grain(s): {', '.join(sorted(unknown))}")
    stmt = select(*(_T.c[c] for c in SNAPSHOTS)).where(scope_clause(scope),
                                                       _T.c.grain.in_(list(grains)))
    if since is not None:
        stmt = stmt.where(_T.c.as_of >= since)
    if until is not None:
        stmt = stmt.where(_T.c.as_of <= until)
    stmt = stmt.order_by(_T.c.as_of, _T.c.grain, _T.c.key)
    read = SNAPSHOTS | {"taken_at": pl.Datetime}  # the reader types datetimes as naive UTC
    return read_frame(engine, stmt, read).cast(SNAPSHOTS)


def snapshot_dates(engine: Engine) -> list[date]:
    """Every date a snapshot was taken, oldest first (dates say nothing about any project)."""
    with engine.connect() as conn:
        return list(conn.execute(select(_T.c.as_of).distinct().order_by(_T.c.as_of)).scalars())
