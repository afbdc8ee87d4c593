"""Refresh the KPI store: recompute the stored rows of the stale projects (or of all), in
batches of projects read from the database (memory bounded by the batch, not the portfolio),
and swap them in ONE transaction. A project whose computation fails keeps its previous rows
and its stale mark; the failure names it, in the log and in the result.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date

import polars as pl
from sqlalchemy import Engine, func, select

from analytics.kpi_rows import STORE_TABLES, store_rows
from analytics.kpis import KpiInputs, kpi_set
from data_access import kpi_store
from data_access.models import Project
from data_access.models.kpi_store import TOP_RISKS
from data_access.queries.portfolio import data_version, kpi_queries
from data_access.reader import read_frames
from data_access.scope import SYSTEM
from data_access.settings import today as settings_today

log = logging.getLogger("pmo.kpi_refresh")
Progress = Callable[[int, int], None]
"""progress(projects_done, projects_total)"""
FRAMES = ("projects", "costs", "progress", "milestones", "deliverables", "risks",
          "status_reports", "objectives", "contributions", "thresholds")
"""What a project's stored KPIs are computed from (not the assignments: capacity is not kept)."""
BATCH = 2_000
APP_REFRESH_LIMIT = 500
"""The most stale projects a page refreshes before it reads; more go to a background thread."""
_background: dict[str, threading.Thread] = {}
_background_guard = threading.Lock()


@dataclass(frozen=True)
class RefreshResult:
    """What a refresh did: projects recomputed, whether it was a full rebuild, the failures
    (project code -> reason), the data version and status date stored."""

    refreshed: int
    full: bool
    failures: dict[str, str]
    data_version: int | None
    as_of: date | None

    @property
    def ok(self) -> bool:
        return not self.failures


Compute = Callable[[Engine, Sequence[int], date], dict[str, pl.DataFrame]]
"""compute(engine, project_ids, as_of) -> the store rows of those projects"""


def refresh(engine: Engine, *, everything: bool = False, as_of: date | None = None,
            batch: int = BATCH, progress: Progress | None = None,
            compute: Compute | None = None) -> RefreshResult:
    """Recompute the stale projects' stored KPIs (every project when ``everything``, when the
    store is for another status date, or when something marked every project). ``compute``
    replaces :func:`store_rows_of` (tests inject faults with it)."""
    compute = compute or store_rows_of
    as_of = as_of or settings_today()
    with kpi_store.refresh_lock(engine):
        stored = kpi_store.state(engine)
        marks = kpi_store.pending(engine)
        full = everything or marks.everything or stored.as_of != as_of
        version = data_version(engine)
        if not full and marks.empty:
            return RefreshResult(0, False, {}, stored.data_version, stored.as_of)
        ids = _project_ids(engine, None if full else marks.project_ids)
        refreshed_marks = marks if not full else replace(marks, everything=True)
        parts: dict[str, list[pl.DataFrame]] = {name: [] for name in STORE_TABLES}
        done: list[int] = []
        failures: dict[str, str] = {}
        for start in range(0, len(ids), batch):
            chunk = ids[start:start + batch]
            rows, ok, failed = _compute(compute, engine, chunk, as_of)
            for name, frame in rows.items():
                parts[name].append(frame)
            done += ok
            failures |= failed
            if progress:
                progress(min(start + batch, len(ids)), len(ids))
        frames = {name: pl.concat(p, how="vertical_relaxed") for name, p in parts.items() if p}
        failure = _describe(failures) if failures else None
        kpi_store.replace_rows(engine, frames, as_of=as_of, data_version=version,
                               refreshed=refreshed_marks, project_ids=done, failure=failure)
    if failures:
        log.error("KPI refresh: %s", failure)
    return RefreshResult(len(done), full, failures, version, as_of)


def ensure_fresh(engine: Engine, *, as_of: date | None = None,
                 limit: int = APP_REFRESH_LIMIT) -> kpi_store.StoreState:
    """What a page calls before it reads the store: a refresh of at most ``limit`` stale
    projects now; a larger one (a new day, a changed standard) runs in a background thread of
    this process while the page shows the last good figures. Returns the state to show."""
    as_of = as_of or settings_today()
    stored = kpi_store.state(engine)
    marks = kpi_store.pending(engine)
    if marks.empty and stored.as_of == as_of:
        return stored
    big = marks.everything or stored.as_of != as_of or len(marks.project_ids) > limit
    size = stored.projects if stored.projects is not None else _count_projects(engine)
    if big and size > limit:
        _in_background(engine, as_of)
        return stored
    try:
        refresh(engine, as_of=as_of)
    except Exception:  # the page shows the last good figures; the log says why
        log.exception("KPI refresh failed; showing the last stored figures")
    return kpi_store.state(engine)


def _in_background(engine: Engine, as_of: date) -> None:
    key = engine.url.render_as_string(hide_password=False)
    with _background_guard:
        running = _background.get(key)
        if running is not None and running.is_alive():
            return

        def work() -> None:
            try:
                refresh(engine, as_of=as_of)
            except Exception:
                log.exception("background KPI refresh failed")

        thread = threading.Thread(target=work, name="pmo-kpi-refresh", daemon=True)
        _background[key] = thread
        thread.start()


def _count_projects(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(Project)).scalar_one())


def _project_ids(engine: Engine, only: frozenset[int] | None) -> list[int]:
    stmt = select(Project.id).order_by(Project.id)
    with engine.connect() as conn:
        ids = list(conn.execute(stmt).scalars())
    return ids if only is None else [i for i in ids if i in only]


def _compute(compute: Compute, engine: Engine, ids: Sequence[int], as_of: date
             ) -> tuple[dict[str, pl.DataFrame], list[int], dict[str, str]]:
    """The store rows of ``ids``; a batch that fails is retried project by project, so that
    one bad project does not keep the others stale."""
    try:
        return compute(engine, ids, as_of), list(ids), {}
    except Exception:
        log.warning("KPI refresh: a batch of %d project(s) failed; retrying one by one",
                    len(ids), exc_info=True)
    rows: dict[str, list[pl.DataFrame]] = {name: [] for name in STORE_TABLES}
    ok: list[int] = []
    failures: dict[str, str] = {}
    for project_id in ids:
        try:
            one = compute(engine, [project_id], as_of)
        except Exception as exc:  # named in the result and the log, never swallowed
            failures[_code(engine, project_id)] = f"{type(exc).__name__}: {exc}"
            continue
        ok.append(project_id)
        for name, frame in one.items():
            rows[name].append(frame)
    return ({name: pl.concat(f, how="vertical_relaxed") for name, f in rows.items() if f}, ok,
            failures)


def store_rows_of(engine: Engine, ids: Sequence[int], as_of: date) -> dict[str, pl.DataFrame]:
    """The store rows of the projects ``ids`` at ``as_of``, from their rows in the database."""
    scope = replace(SYSTEM, project_ids=frozenset(ids))
    queries = kpi_queries(scope)
    frames = read_frames(engine, {name: queries[name] for name in FRAMES})
    kset = kpi_set(KpiInputs.from_mapping(frames, full=False), as_of=as_of)
    return store_rows(kset, frames["projects"], frames["risks"], frames["milestones"],
                      risks_per_project=TOP_RISKS)


def _code(engine: Engine, project_id: int) -> str:
    with engine.connect() as conn:
        code = conn.execute(select(Project.code).where(Project.id == project_id)).scalar()
    return code or f"project id {project_id}"


def _describe(failures: dict[str, str]) -> str:
    shown = "; ".join(f"{code}: {why}" for code, why in list(failures.items())[:5])
    more = f" (and {len(failures) - 5} more)" if len(failures) > 5 else ""
    return f"{len(failures)} project(s) not refreshed, previous figures kept: {shown}{more}"
