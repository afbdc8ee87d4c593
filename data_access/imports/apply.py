"""The real import: planned again inside one transaction, written all or nothing, with one
``import.batch`` audit entry (file name, sha256, user, counts). Nothing at all is written when
the plan has an error, or when any statement fails (the transaction is rolled back)."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Engine, insert, select, update

from data_access.imports.batch import Batch
from data_access.imports.existing import TABLES
from data_access.imports.plan import Plan, Write, build_plan
from data_access.models.base import utcnow
from data_access.scope import Scope
from data_access.uow import unit_of_work

Progress = Callable[[str, int, int], None]
INSERT_CHUNK = 1_000


class ImportRejected(ValueError):
    """The file has errors: nothing was written. ``plan`` holds the report."""

    def __init__(self, plan: Plan) -> None:
        first = plan.errors[0].line() if plan.errors else ""
        super().__init__(f"{len(plan.errors)} problem(s) in the file, nothing was imported; "
                         f"first: {first}")
        self.plan = plan


class ImportConflict(ValueError):
    """A record changed while the import ran: nothing was written."""


def dry_run(engine: Engine, batch: Batch, scope: Scope, *,
            progress: Progress | None = None) -> Plan:
    """The plan of ``batch`` (what would be created, updated, unchanged, rejected); no writes."""
    with engine.connect() as conn, conn.begin():
        plan = build_plan(conn, batch, scope, progress=progress)
        conn.rollback()
    return plan


def import_batch(engine: Engine, batch: Batch, actor: str, scope: Scope, *,
                 progress: Progress | None = None) -> Plan:
    """Write ``batch`` in one unit of work; ImportRejected (nothing written) on any error."""
    with unit_of_work(engine, actor) as uow:
        conn = uow.session.connection()
        plan = build_plan(conn, batch, scope, progress=progress)
        if not plan.ok:
            raise ImportRejected(plan)
        _write(conn, plan.writes, progress)
        uow.touch(_touched_projects(conn, plan.writes))  # the KPI store: only those are stale
        counts = plan.counts()
        uow.audit("import.batch", entity="import", entity_id=batch.sha256[:16], after={
            "file": batch.filename, "sha256": batch.sha256, "source": batch.source,
            "kinds": batch.kinds, "project": batch.project, "counts": counts,
            "warnings": sum(1 for p in plan.problems if not p.is_error)},
            detail=f"imported {batch.filename!r} (sha256 {batch.sha256}): " + "; ".join(
                f"{kind} " + ", ".join(f"{n} {a}" for a, n in c.items() if n)
                for kind, c in counts.items()))
        uow.commit()
    return plan


def _write(conn, writes: list[Write], progress: Progress | None) -> None:
    total, done = len(writes), 0
    creates: dict[tuple[str, frozenset], list[dict]] = {}
    for w in writes:
        if w.action == "create":
            creates.setdefault((w.kind, frozenset(w.values)), []).append(w.values)
    for (kind, _), rows in creates.items():
        for start in range(0, len(rows), INSERT_CHUNK):
            chunk = rows[start:start + INSERT_CHUNK]
            conn.execute(insert(TABLES[kind]), chunk)
            done += len(chunk)
            if progress:
                progress("write", done, total)
    for w in writes:
        if w.action != "update":
            continue
        table = TABLES[w.kind]
        stmt = update(table).where(table.c.id == w.id)
        values = dict(w.values)
        if "version" in table.c:
            stmt = stmt.where(table.c.version == w.version)
            values.update(version=w.version + 1, updated_at=utcnow())
        if conn.execute(stmt.values(**values)).rowcount != 1:
            raise ImportConflict(f"a {w.kind} record (id {w.id}) was changed by someone else "
                                 f"while the import ran: nothing was imported, try again")
        done += 1
        if progress and (done % 1000 == 0 or done == total):
            progress("write", done, total)


def _touched_projects(conn, writes: list[Write]) -> set[int]:
    """The ids of the projects whose KPIs the writes change (read after writing: a created
    project has its id, an updated row names its project)."""
    ids: set[int] = set()
    codes: list[str] = []
    updated: dict[str, list[int]] = {}
    for w in writes:
        values = w.values
        if w.kind == "projects":
            if w.action == "update":
                ids.add(int(w.id))
            elif values.get("code") is not None:
                codes.append(values["code"])
            continue
        ids.update(int(values[k]) for k in ("project_id", "predecessor_id", "successor_id")
                   if values.get(k) is not None)
        if w.action == "update":
            updated.setdefault(w.kind, []).append(int(w.id))
    projects = TABLES["projects"]
    for start in range(0, len(codes), INSERT_CHUNK):
        chunk = codes[start:start + INSERT_CHUNK]
        ids.update(conn.execute(select(projects.c.id).where(projects.c.code.in_(chunk))).scalars())
    for kind, row_ids in updated.items():
        table = TABLES[kind]
        columns = [table.c[k] for k in ("project_id", "predecessor_id", "successor_id")
                   if k in table.c]
        for start in range(0, len(row_ids), INSERT_CHUNK):
            chunk = row_ids[start:start + INSERT_CHUNK]
            for row in conn.execute(select(*columns).where(table.c.id.in_(chunk))):
                ids.update(int(v) for v in row if v is not None)
    return ids
