"""Marks of the projects whose stored KPIs are stale (the KPI store's ``kpi_dirty`` table),
written in the same transaction as the change that made them stale."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, insert

from data_access.models.base import utcnow
from data_access.models.kpi_store import kpi_dirty


def mark_stale(conn: Connection, project_ids: Iterable[int] | None) -> None:
    """Mark ``project_ids`` stale (None: every project), inside the caller's transaction."""
    now = utcnow()
    if project_ids is None:
        rows = [{"project_id": None, "marked_at": now}]
    else:
        rows = [{"project_id": int(p), "marked_at": now} for p in sorted(set(project_ids))]
    if rows:
        conn.execute(insert(kpi_dirty), rows)
