"""Writes: a unit of work that commits only when asked and always records who did what.

It also keeps the KPI store honest: the projects a write touched are marked stale in the same
transaction (data_access.stale), so that a refresh recomputes exactly them. A service may name
them (:meth:`UnitOfWork.touch`, :meth:`UnitOfWork.touch_all`); otherwise they are found from
what it audited (STALE_BY_ENTITY), and a write to an entity every project depends on
(thresholds, method standards) marks every project.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from data_access.models import AuditEntry, CostEntry, Project, Risk, StatusReport
from data_access.stale import mark_stale

STALE_BY_ENTITY = {
    "status_report": (StatusReport.id, StatusReport.project_id),
    "cost_entry": (CostEntry.id, CostEntry.project_id),
    "risk": (Risk.id, Risk.project_id),
    "project": (Project.code, Project.id),
}
"""Audited entity -> (the column its entity_id names, the project id column)."""
STALE_EVERYTHING = frozenset({"threshold", "method_standard", "import"})
# (an import names the projects it wrote, data_access.imports.apply; "import" is the fallback)
"""Audited entities that may change every project's KPIs (unless the service named them)."""


class UnitOfWork:
    """A session plus an audit trail; rolled back unless :meth:`commit` is called."""

    def __init__(self, session: Session, actor: str) -> None:
        self.session = session
        self.actor = actor
        self._committed = False
        self._touched: set[int] = set()
        self._touched_all = False
        self._named = False
        self._audited: list[tuple[str, str | None]] = []

    def audit(self, action: str, *, entity: str | None = None, entity_id: Any = None,
              before: dict | None = None, after: dict | None = None, detail: str | None = None) -> None:
        entity_key = None if entity_id is None else str(entity_id)
        self.session.add(AuditEntry(actor=self.actor, action=action, entity=entity,
                                    entity_id=entity_key, before=before, after=after,
                                    detail=detail))
        if entity is not None:
            self._audited.append((entity, entity_key))

    def touch(self, project_ids: Iterable[int]) -> None:
        """These projects' stored KPIs are stale once this work commits."""
        self._named = True
        self._touched.update(int(p) for p in project_ids)

    def touch_all(self) -> None:
        """Every project's stored KPIs are stale once this work commits."""
        self._named = True
        self._touched_all = True

    def commit(self) -> None:
        self._mark_stale()
        self.session.commit()
        self._committed = True

    def _mark_stale(self) -> None:
        everything, ids = self._touched_all, set(self._touched)
        if not self._named:
            for entity, key in self._audited:
                if entity in STALE_EVERYTHING:
                    everything = True
                elif entity in STALE_BY_ENTITY and key is not None:
                    ids |= self._projects_of(entity, key)
        if everything or ids:
            self.session.flush()
            mark_stale(self.session.connection(), None if everything else ids)

    def _projects_of(self, entity: str, key: str) -> set[int]:
        named_by, project_id = STALE_BY_ENTITY[entity]
        value: Any = key
        if named_by.type.python_type is int:
            if not key.lstrip("-").isdigit():
                return set()
            value = int(key)
        self.session.flush()
        return set(self.session.execute(select(project_id).where(named_by == value)).scalars())


@contextmanager
def unit_of_work(engine: Engine, actor: str) -> Iterator[UnitOfWork]:
    """``with unit_of_work(engine, "alice") as uow: ...; uow.commit()`` (short transactions)."""
    with Session(engine, expire_on_commit=False) as session:
        uow = UnitOfWork(session, actor)
        try:
            yield uow
        finally:
            if not uow._committed:
                session.rollback()
