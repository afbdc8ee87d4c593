"""KPI store test helpers: what the store serves against what a full recompute gives."""

from __future__ import annotations

import datetime as dt

import polars as pl
from polars.testing import assert_frame_equal
from sqlalchemy import Engine, select, update

from analytics.kpi_rows import overview_from_store
from analytics.kpis import KpiInputs, kpi_set
from data_access.models import Project, Risk
from data_access.models.kpi_store import kpi_dirty, kpi_projects
from data_access.queries.kpis import PROJECTS, project_ids, read_overview
from data_access.reader import read_frame
from data_access.queries.portfolio import load_kpi_frames
from data_access.scope import Scope
from data_access.uow import unit_of_work

OVERVIEW_TABLES = ("totals", "by_status", "by_health", "by_department", "in_trouble",
                   "top_risks", "gates_due", "overdue_gates")


def recomputed(engine: Engine, scope: Scope, as_of: dt.date,
               codes: list[str] | None = None):
    """The full KPI set of ``scope`` recomputed from the transaction rows (the old path)."""
    frames = load_kpi_frames(engine, scope)
    return kpi_set(KpiInputs.from_mapping(frames), as_of=as_of, department_codes=codes)


def assert_store_matches(engine: Engine, scope: Scope, as_of: dt.date,
                         codes: list[str] | None = None) -> int:
    """Every overview table and alert the store serves equals the full recompute's (floats to
    1e-9 relative: the database adds in its own order). Returns the projects compared."""
    expected = recomputed(engine, scope, as_of, codes)
    reads = read_overview(engine, scope, codes)
    served = overview_from_store(reads, as_of=as_of)
    pairs = [(name, getattr(served, name), getattr(expected.overview, name))
             for name in OVERVIEW_TABLES] + [("alerts", reads["alerts"], expected.alerts)]
    for name, got, want in pairs:
        try:
            assert_frame_equal(got, want, check_exact=False, rel_tol=1e-9, abs_tol=1e-6)
        except AssertionError as exc:
            raise AssertionError(f"the store's {name} differ from the recompute: {exc}") from exc
    return expected.projects.height


def stored_projects(engine: Engine, scope: Scope) -> pl.DataFrame:
    """Every stored project row ``scope`` may read, by code."""
    t = kpi_projects
    stmt = (select(*(t.c[c] for c in PROJECTS)).where(t.c.project_id.in_(project_ids(scope)))
            .order_by(t.c.code))
    return read_frame(engine, stmt, PROJECTS)


def marks(engine: Engine) -> list[int | None]:
    with engine.connect() as conn:
        return list(conn.execute(select(kpi_dirty.c.project_id).order_by(kpi_dirty.c.id)).scalars())


def raise_risk(engine: Engine, project_code: str, *, probability: int = 5) -> int:
    """A risk of the project made likelier, through a unit of work that audits it."""
    with unit_of_work(engine, "tester") as uow:
        s = uow.session
        pid = s.execute(select(Project.id).where(Project.code == project_code)).scalar_one()
        rid = s.execute(select(Risk.id).where(Risk.project_id == pid).order_by(Risk.id)
                        .limit(1)).scalar_one()
        s.execute(update(Risk).where(Risk.id == rid).values(probability=probability,
                                                           impact=5, status="open"))
        uow.audit("risk.update", entity="risk", entity_id=rid, after={"probability": probability})
        uow.commit()
    return pid


def project_with_risks(engine: Engine) -> str:
    with engine.connect() as conn:
        return conn.execute(select(Project.code).join(Risk, Risk.project_id == Project.id)
                            .order_by(Project.code).limit(1)).scalar_one()
