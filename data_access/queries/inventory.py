"""The portfolio inventory read from the KPI store: filtered, searched, counted and paged in SQL,
so that the page fetches the rows of one page, whatever the portfolio's size."""

from __future__ import annotations

import polars as pl
from sqlalchemy import Engine, Select, and_, func, select

from data_access.models import Dependency
from data_access.models.kpi_store import kpi_projects
from data_access.queries.kpis import PROJECTS
from data_access.reader import read_frame, read_frames

_P = kpi_projects
INVENTORY = {c: t for c, t in PROJECTS.items() if c != "search_text"}
"""The columns of an inventory row (every stored project column but the search text)."""


def like_pattern(query: str) -> str | None:
    """The LIKE pattern 'contains ``query``' (lower-cased, wildcards escaped with '\\'); None
    for an empty query."""
    needle = query.strip().lower().replace("\x1f", "")
    if not needle:
        return None
    escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _where(kept: Select, query: str):
    pattern = like_pattern(query)
    clause = _P.c.project_id.in_(kept)
    return clause if pattern is None else and_(clause, _P.c.search_text.like(pattern, escape="\\"))


def read_inventory(engine: Engine, kept: Select, query: str = "", *, limit: int = 500,
                   offset: int = 0) -> tuple[pl.DataFrame, int]:
    """(one page of inventory rows by code, the number of rows matching) among the projects
    ``kept`` (a SELECT of project ids: scope and filters) whose code, name, department or
    manager contains ``query``, in one snapshot."""
    where = _where(kept, query)
    frames = read_frames(engine, {
        "rows": (select(*(_P.c[c] for c in INVENTORY)).where(where).order_by(_P.c.code)
                 .limit(limit).offset(offset), INVENTORY),
        "count": (select(func.count()).select_from(_P).where(where), {"count": pl.Int64}),
    })
    return frames["rows"], int(frames["count"]["count"][0])


def read_links(engine: Engine, project_ids: list[int]) -> pl.DataFrame:
    """(predecessor_id, successor_id, kind) of the dependencies between two of ``project_ids``."""
    d = Dependency
    ids = sorted(project_ids)
    stmt = select(d.predecessor_id, d.successor_id, d.kind).where(
        d.predecessor_id.in_(ids), d.successor_id.in_(ids))
    return read_frame(engine, stmt, {"predecessor_id": pl.Int64, "successor_id": pl.Int64,
                                     "kind": pl.String})
