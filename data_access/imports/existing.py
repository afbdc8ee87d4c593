"""The rows an import would touch, and how a file's record is matched to one of them."""

from __future__ import annotations

import datetime as dt
import math

from sqlalchemy import Connection, Table, func, select

from data_access.imports.refs import Refs
from data_access.imports.values import norm_key, shown
from data_access.models import (Assignment, CostEntry, Dependency, Milestone, Progress, Project,
                                Risk, StatusReport)

TABLES: dict[str, Table] = {
    "projects": Project.__table__, "milestones": Milestone.__table__,
    "costs": CostEntry.__table__, "progress": Progress.__table__,
    "assignments": Assignment.__table__, "risks": Risk.__table__,
    "status_reports": StatusReport.__table__, "dependencies": Dependency.__table__,
}
CHUNK = 500
_NATURAL = {"costs": ("project_id", "month"), "progress": ("project_id", "as_of"),
            "status_reports": ("project_id", "period"),
            "assignments": ("project_id", "role", "person_id", "month"),
            "dependencies": ("predecessor_id", "successor_id")}


def key_of(kind: str, db: dict) -> tuple:
    """The identity of a record: its external key, else its natural key."""
    if kind in _NATURAL:
        return tuple(norm_key(db.get(c) or "") if c == "role" else db.get(c)
                     for c in _NATURAL[kind])
    return (norm_key(db.get("external_key") or ""),)


def label(kind: str, values: dict) -> str:
    """The key as the report shows it ('PRJ-1 2026-03')."""
    if kind in _NATURAL:
        names = {"project_id": "project", "person_id": "person", "predecessor_id": "predecessor",
                 "successor_id": "successor"}
        parts = [values.get(names.get(c, c)) for c in _NATURAL[kind]]
        return " ".join(shown(p) for p in parts if p not in (None, ""))
    return shown(values.get("key"))


def load_existing(conn: Connection, kind: str, records: list[dict], refs: Refs) -> dict:
    """key -> existing row (a dict of the table's columns) for the records of the file."""
    table = TABLES[kind]
    if kind == "projects":
        return {key_of(kind, r): r for r in refs.projects if r["external_key"]}
    if kind == "dependencies":
        rows = conn.execute(select(table)).mappings()
        return {key_of(kind, dict(r)): dict(r) for r in rows}
    out: dict = {}
    if kind in ("milestones", "risks"):
        wanted = sorted({(r.get("external_key") or "").strip().lower() for r in records})
        column = func.lower(table.c.external_key)
    else:
        wanted = sorted({r["project_id"] for r in records})
        column = table.c.project_id
    for start in range(0, len(wanted), CHUNK):
        stmt = select(table).where(column.in_(wanted[start:start + CHUNK]))
        for row in conn.execute(stmt).mappings():
            out.setdefault(key_of(kind, dict(row)), dict(row))
    return out


def match(kind: str, key: tuple, db: dict, current: dict, refs: Refs) -> dict | None:
    """The existing row this record updates; a project without key is adopted by its code."""
    found = current.get(key)
    if found is None and kind == "projects":
        by_code = refs.by_code.get(norm_key(db.get("code") or ""))
        if by_code is not None and not by_code["external_key"]:
            return by_code
    return found


def differs(before: object, after: object) -> bool:
    """Whether a stored value and an imported one differ (money to the cent, dates as dates)."""
    if before is None or after is None:
        return (before is None) != (after is None)
    if isinstance(after, bool) or isinstance(before, bool):
        return bool(before) != bool(after)
    if isinstance(after, (int, float)) and isinstance(before, (int, float)):
        return not math.isclose(float(before), float(after), rel_tol=1e-9, abs_tol=1e-6)
    if isinstance(after, dt.date) and isinstance(before, str):
        return before[:10] != after.isoformat()
    return before != after
