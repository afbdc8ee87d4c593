"""Reading the audit log: who changed what and when, filtered and paginated, with the changes.

Who may read: PMO users (every entry) and executives. An executive scoped to departments sees
the entries about scenarios and about the projects of their departments and what belongs to
them (status reports, risks, lessons, cost entries); an unscoped executive sees every entry.
Filters: actor (exact), action prefix ("scenario" matches "scenario.save"), entity (exact),
entity id (exact), a date range (UTC days, both ends included) and a text searched (case-
insensitive, literally: % and _ are plain characters) in the actor, action, entity id, detail
and the before/after values.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

import polars as pl
from sqlalchemy import Engine, String, Text, cast, func, or_, select, true
from sqlalchemy.orm import Session

from data_access.models import AuditEntry, CostEntry, Lesson, Project, Risk, StatusReport
from data_access.users import CurrentUser

READERS = frozenset({"pmo", "executive"})
PAGE_SIZE, MAX_PAGE_SIZE = 50, 500
TEXT_MAX = 200
ENTRIES = {"id": pl.Int64, "at": pl.Datetime("us", "UTC"), "actor": pl.String,
           "action": pl.String, "entity": pl.String, "entity_id": pl.String,
           "changes": pl.String, "detail": pl.String, "before": pl.String, "after": pl.String}
"""Columns and dtypes of :attr:`AuditPage.rows` (before/after as JSON text)."""

_A = AuditEntry.__table__
#: entity name -> (id column, project column) of the tables whose entries follow a project
_PROJECT_ENTITIES = {
    "project": (Project.id, Project.id),
    "status_report": (StatusReport.id, StatusReport.project_id),
    "risk": (Risk.id, Risk.project_id),
    "lesson": (Lesson.id, Lesson.project_id),
    "cost_entry": (CostEntry.id, CostEntry.project_id),
}
_ALWAYS = ("scenario",)


class AuditTrailError(ValueError):
    """A filter that cannot be applied; the message says what is wrong."""


class AuditForbidden(PermissionError):
    """The user's role may not read the audit log."""


@dataclass(frozen=True)
class AuditFilter:
    actor: str | None = None
    action: str | None = None  # a prefix
    entity: str | None = None
    entity_id: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    text: str | None = None


@dataclass(frozen=True)
class AuditPage:
    rows: pl.DataFrame
    total: int
    page: int
    pages: int
    page_size: int


# --------------------------------------------------------------------------- the changes


def _shown(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".") if value % 1 else f"{value:,.0f}"
    if isinstance(value, (list, tuple)):
        return ", ".join(_shown(v) for v in value) or "none"
    return str(value)


def _flat(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            out.update(_flat(item, f"{prefix}{key}."))
        return out
    return {prefix[:-1]: value} if prefix else {"value": value}


def changes(before: dict | None, after: dict | None) -> list[str]:
    """'field: before → after' for every field whose value differs (nested keys joined by '.');
    a field only before or only after shows '—' on the other side; in key order of after."""
    old, new = _flat(before or {}), _flat(after or {})
    keys = list(dict.fromkeys([*new, *old]))
    return [f"{k}: {_shown(old.get(k))} → {_shown(new.get(k))}" for k in keys
            if old.get(k) != new.get(k)]


# --------------------------------------------------------------------------- the query


def _visible(user: CurrentUser):
    """WHERE clause on the audit log: the entries ``user`` may read."""
    if user.role == "pmo" or not user.department_ids:
        return true()
    scope = user.scope
    in_scope = select(Project.id).where(scope.project_clause())
    parts = [_A.c.entity.in_(_ALWAYS)]
    for entity, (id_col, project_col) in _PROJECT_ENTITIES.items():
        ids = select(cast(id_col, String)).where(project_col.in_(in_scope))
        parts.append((_A.c.entity == entity) & _A.c.entity_id.in_(ids))
    return or_(*parts)


def _like(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _clean(value: Any, what: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise AuditTrailError(f"{what} must be text, not {type(value).__name__}")
    value = value.strip()
    if len(value) > TEXT_MAX:
        raise AuditTrailError(f"{what} is {len(value)} characters long, at most {TEXT_MAX}")
    return value or None


def _where(user: CurrentUser, f: AuditFilter) -> list:
    clauses = [_visible(user)]
    for field, column in (("actor", _A.c.actor), ("entity", _A.c.entity),
                          ("entity_id", _A.c.entity_id)):
        if (value := _clean(getattr(f, field), field.replace("_", " "))) is not None:
            clauses.append(column == value)
    if (prefix := _clean(f.action, "action")) is not None:
        clauses.append(func.lower(_A.c.action).like(_like(prefix)[1:], escape="\\"))
    for value, what in ((f.date_from, "from"), (f.date_to, "to")):
        if value is not None and (isinstance(value, dt.datetime) or not isinstance(value, dt.date)):
            raise AuditTrailError(f"the '{what}' date must be a date, not {value!r}")
    if f.date_from and f.date_to and f.date_from > f.date_to:
        raise AuditTrailError(f"the 'from' date {f.date_from.isoformat()} is after the 'to' "
                              f"date {f.date_to.isoformat()}")
    if f.date_from:
        clauses.append(_A.c.at >= dt.datetime.combine(f.date_from, dt.time(), dt.timezone.utc))
    if f.date_to:
        end = dt.datetime.combine(f.date_to + dt.timedelta(days=1), dt.time(), dt.timezone.utc)
        clauses.append(_A.c.at < end)
    if (text := _clean(f.text, "search text")) is not None:
        pattern = _like(text)
        clauses.append(or_(*(func.lower(func.coalesce(c, "")).like(pattern, escape="\\") for c in (
            _A.c.actor, _A.c.action, _A.c.entity_id, _A.c.detail,
            cast(_A.c.before, Text), cast(_A.c.after, Text)))))
    return clauses


def _require(user: CurrentUser) -> None:
    if user.role not in READERS:
        raise AuditForbidden(f"role {user.role!r} may not read the audit trail: only PMO users "
                             "and executives may")


def _utc(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(dt.timezone.utc)


def search_audit(engine: Engine, user: CurrentUser, filters: AuditFilter | None = None, *,
                 page: int = 1, page_size: int = PAGE_SIZE) -> AuditPage:
    """One page of the entries ``user`` may read that match ``filters``, newest first."""
    _require(user)
    if isinstance(page_size, bool) or not isinstance(page_size, int) or \
            not 1 <= page_size <= MAX_PAGE_SIZE:
        raise AuditTrailError(f"page size must be 1 to {MAX_PAGE_SIZE}, not {page_size!r}")
    if isinstance(page, bool) or not isinstance(page, int) or page < 1:
        raise AuditTrailError(f"page must be a whole number from 1, not {page!r}")
    where = _where(user, filters or AuditFilter())
    with Session(engine) as s:
        total = s.scalar(select(func.count()).select_from(_A).where(*where))
        pages = max(1, -(-total // page_size))
        page = min(page, pages)
        rows = s.execute(select(_A.c.id, _A.c.at, _A.c.actor, _A.c.action, _A.c.entity,
                                _A.c.entity_id, _A.c.detail, _A.c.before, _A.c.after)
                         .where(*where).order_by(_A.c.at.desc(), _A.c.id.desc())
                         .offset((page - 1) * page_size).limit(page_size)).all()
    data = [{"id": r.id, "at": _utc(r.at), "actor": r.actor, "action": r.action,
             "entity": r.entity, "entity_id": r.entity_id,
             "changes": "\n".join(changes(r.before, r.after)), "detail": r.detail,
             "before": None if r.before is None else json.dumps(r.before, sort_keys=True),
             "after": None if r.after is None else json.dumps(r.after, sort_keys=True)}
            for r in rows]
    frame = (pl.DataFrame(data, schema=ENTRIES, orient="row") if data
             else pl.DataFrame(schema=ENTRIES))
    return AuditPage(rows=frame, total=int(total), page=page, pages=pages, page_size=page_size)


def audit_facets(engine: Engine, user: CurrentUser) -> dict[str, list[str]]:
    """The actors, action prefixes (before the first '.') and entities ``user`` may filter on."""
    _require(user)
    visible = _visible(user)
    with Session(engine) as s:
        def distinct(column) -> list[str]:
            return sorted(v for v in s.scalars(select(column).where(visible).distinct()) if v)
        actions = distinct(_A.c.action)
        return {"actor": distinct(_A.c.actor), "entity": distinct(_A.c.entity),
                "action": sorted({a.split(".", 1)[0] for a in actions}),
                "actions": actions}
