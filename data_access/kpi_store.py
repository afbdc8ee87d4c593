"""The KPI store's writes and bookkeeping: stale marks, the refresh lock, replacing a batch of
projects' rows in one transaction, the store's state. Reads are in data_access.queries.kpis.

A write that changes what a project's KPIs are computed from marks the project stale in the
same transaction (data_access.stale, through the unit of work). A refresh takes the lock, reads
the marks (:func:`pending`), recomputes those projects and calls :func:`replace_rows`, which in
ONE transaction swaps their rows and clears the marks it has seen (marks written meanwhile have
larger ids and stay). A refresh that fails or is killed leaves the previous rows and the marks.
"""

from __future__ import annotations

import threading
import zlib
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime

import polars as pl
from sqlalchemy import Connection, Engine, delete, func, select, update

from data_access.bulk import insert_frames_on
from data_access.models.base import utcnow
from data_access.models.kpi_store import (kpi_alerts, kpi_dirty, kpi_gates, kpi_projects,
                                          kpi_store_state, kpi_top_risks)

ROW_TABLES = {"projects": kpi_projects, "alerts": kpi_alerts, "top_risks": kpi_top_risks,
              "gates": kpi_gates}
"""The store's row tables by the name of the frame :func:`replace_rows` takes."""
_LOCK = zlib.crc32(b"pmo.kpi_store.refresh")  # PostgreSQL advisory lock key
_local_locks: dict[str, threading.Lock] = {}
_local_guard = threading.Lock()


@dataclass(frozen=True)
class Pending:
    """The stale marks at one moment: up to mark ``upto``; ``everything`` or ``project_ids``."""

    upto: int
    everything: bool
    project_ids: frozenset[int]

    @property
    def empty(self) -> bool:
        return not self.everything and not self.project_ids


@dataclass(frozen=True)
class StoreState:
    """What the store holds: rows at ``as_of`` computed from ``data_version``, and the last
    failure (None when the last refresh succeeded)."""

    as_of: date | None
    data_version: int | None
    refreshed_at: datetime | None
    projects: int | None
    failed_at: datetime | None
    failure: str | None


def pending(conn: Connection | Engine) -> Pending:
    """The marks written so far (the caller holds the refresh lock to act on them)."""
    with _connection(conn) as c:
        upto = c.execute(select(func.coalesce(func.max(kpi_dirty.c.id), 0))).scalar_one()
        everything = c.execute(select(kpi_dirty.c.id).where(
            kpi_dirty.c.id <= upto, kpi_dirty.c.project_id.is_(None)).limit(1)).first()
        ids = [] if everything else c.execute(select(kpi_dirty.c.project_id).distinct().where(
            kpi_dirty.c.id <= upto)).scalars().all()
    return Pending(int(upto), everything is not None, frozenset(int(i) for i in ids))


def state(conn: Connection | Engine) -> StoreState:
    """The store's state row."""
    t = kpi_store_state
    with _connection(conn) as c:
        row = c.execute(select(t.c.as_of, t.c.data_version, t.c.refreshed_at, t.c.projects,
                               t.c.failed_at, t.c.failure).where(t.c.id == 1)).first()
    if row is None:
        return StoreState(None, None, None, None, None, None)
    return StoreState(*row)


@contextmanager
def refresh_lock(engine: Engine) -> Iterator[None]:
    """One refresh at a time for this database: a PostgreSQL advisory lock (every replica), or
    a lock of this process for SQLite (a single-process database)."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.execute(select(func.pg_advisory_lock(_LOCK)))
            conn.commit()
            try:
                yield
            finally:
                conn.execute(select(func.pg_advisory_unlock(_LOCK)))
                conn.commit()
        return
    key = engine.url.render_as_string(hide_password=False)
    with _local_guard:
        lock = _local_locks.setdefault(key, threading.Lock())
    with lock:
        yield


def replace_rows(engine: Engine, frames: Mapping[str, pl.DataFrame], *, as_of: date,
                 data_version: int, refreshed: Pending, project_ids: Iterable[int],
                 failure: str | None = None) -> int:
    """In one transaction: delete the rows of ``project_ids`` (every row when
    ``refreshed.everything``), insert ``frames`` (ROW_TABLES names, stamped here), clear the
    marks up to ``refreshed.upto`` of the projects refreshed, update the state. A project of
    ``refreshed`` left out of ``project_ids`` (it failed) keeps its rows and its mark.
    Returns the number of project rows in the store afterwards."""
    ids = sorted(set(int(p) for p in project_ids))
    unknown = set(frames) - set(ROW_TABLES)
    if unknown:
        raise ValueError(f"unknown KPI store table(s): {', '.join(sorted(unknown))}")
    stamped = {ROW_TABLES[name].name: _stamp(frame, as_of, data_version)
               for name, frame in frames.items() if frame.height}
    whole = refreshed.everything and failure is None
    with engine.begin() as conn:
        for table in ROW_TABLES.values():
            if whole:
                conn.execute(delete(table))
            else:
                for chunk in _chunks(ids):
                    conn.execute(delete(table).where(table.c.project_id.in_(chunk)))
        if stamped:
            insert_frames_on(conn, stamped)
        seen = kpi_dirty.c.id <= refreshed.upto
        if whole:
            conn.execute(delete(kpi_dirty).where(seen))
        else:
            for chunk in _chunks(ids):
                conn.execute(delete(kpi_dirty).where(seen, kpi_dirty.c.project_id.in_(chunk)))
        count = conn.execute(select(func.count()).select_from(kpi_projects)).scalar_one()
        now = utcnow()
        conn.execute(update(kpi_store_state).where(kpi_store_state.c.id == 1).values(
            as_of=as_of, data_version=data_version, refreshed_at=now, projects=count,
            failed_at=now if failure else None, failure=failure))
    return int(count)


def record_failure(engine: Engine, failure: str) -> None:
    """Note a refresh that stored nothing (the previous rows and marks stay)."""
    with engine.begin() as conn:
        conn.execute(update(kpi_store_state).where(kpi_store_state.c.id == 1).values(
            failed_at=utcnow(), failure=failure[:4000]))


def _stamp(frame: pl.DataFrame, as_of: date, data_version: int) -> pl.DataFrame:
    """The frame with its stamp, NaN and infinities as NULL (unknown values, not numbers)."""
    floats = [c for c, t in frame.schema.items() if t in (pl.Float32, pl.Float64)]
    return frame.with_columns(
        *(pl.when(pl.col(c).is_finite()).then(pl.col(c)).otherwise(None).alias(c)
          for c in floats),
        pl.lit(as_of, dtype=pl.Date).alias("as_of"),
        pl.lit(data_version, dtype=pl.Int64).alias("data_version"))


def _chunks(ids: list[int], size: int = 500) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


@contextmanager
def _connection(conn: Connection | Engine) -> Iterator[Connection]:
    if isinstance(conn, Engine):
        with conn.connect() as c:
            yield c
    else:
        yield conn
