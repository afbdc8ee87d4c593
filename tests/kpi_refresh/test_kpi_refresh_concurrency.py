"""Two replicas on one PostgreSQL database, each writing and refreshing at once: the KPI store
ends equal to a full recompute with no stale mark left (the refresh lock is the database's)."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from data_access.engine import create_pmo_engine
from data_access.models import Project, Risk
from data_access.scope import SYSTEM
from fixtures.imports.seeded import TODAY, demo, seeded_pg, seeded_sqlite  # noqa: F401
from kpi_refresh import refresh

pytestmark = pytest.mark.postgres
from support.kpi_store import assert_store_matches, marks, raise_risk


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_two_replicas_writing_and_refreshing_at_once_leave_the_store_consistent(demo):
    refresh(demo, as_of=TODAY)
    with demo.connect() as conn:
        codes = list(conn.execute(select(Project.code).join(Risk, Risk.project_id == Project.id)
                                  .distinct().order_by(Project.code).limit(8)).scalars())
    url = demo.url.render_as_string(hide_password=False)
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def replica(mine: list[str]) -> None:
        engine = create_pmo_engine(url)  # its own pool: another process as far as locks go
        try:
            start.wait(timeout=30)
            for i, code in enumerate(mine):
                raise_risk(engine, code, probability=1 + i % 5)
                refresh(engine, as_of=TODAY)
        except BaseException as exc:  # reported below, with the thread's traceback
            errors.append(exc)
        finally:
            engine.dispose()

    threads = [threading.Thread(target=replica, args=(codes[i::2],)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not any(t.is_alive() for t in threads), "a replica hung"
    assert errors == []
    assert marks(demo) == []
    assert_store_matches(demo, SYSTEM, TODAY)
