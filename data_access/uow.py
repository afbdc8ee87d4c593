"""Writes: a unit of work that commits only when asked and always records who did what."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from data_access.models import AuditEntry


class UnitOfWork:
    """A session plus an audit trail; rolled back unless :meth:`commit` is called."""

    def __init__(self, session: Session, actor: str) -> None:
        self.session = session
        self.actor = actor
        self._committed = False

    def audit(self, action: str, *, entity: str | None = None, entity_id: Any = None,
              before: dict | None = None, after: dict | None = None, detail: str | None = None) -> None:
        self.session.add(AuditEntry(actor=self.actor, action=action, entity=entity,
                                    entity_id=None if entity_id is None else str(entity_id),
                                    before=before, after=after, detail=detail))

    def commit(self) -> None:
        self.session.commit()
        self._committed = True


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
