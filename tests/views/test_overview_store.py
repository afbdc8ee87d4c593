"""The executive overview on the KPI store (AppTest): a write shows on the next page view (its
project refreshed, not the portfolio), and a failed refresh is said, escaped, with the last good
figures still on screen."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import select, update

from data_access import kpi_store
from data_access.engine import create_pmo_engine
from data_access.models import CostEntry, Project
from data_access.models.kpi_store import kpi_store_state
from data_access.settings import today as app_today
from support.apptest import COOKIE_KEY, rerun, sign_in
from support.kpi_store import recomputed


@pytest.fixture
def own_db(demo_db, tmp_path, monkeypatch):
    """A copy of the demo database this test may change."""
    source = demo_db.removeprefix("sqlite:///")
    target = tmp_path / "demo.db"
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    src.backup(dst)
    dst.close()
    src.close()
    url = f"sqlite:///{target}"
    monkeypatch.setenv("PMO_DATABASE_URL", url)
    monkeypatch.setenv("PMO_COOKIE_KEY", COOKIE_KEY)
    engine = create_pmo_engine(url)
    yield engine
    engine.dispose()


def _cpi(at) -> str:
    return {m.label: m.value for m in at.metric}["Portfolio CPI"]


def test_a_write_is_on_the_overview_at_the_next_view(own_db):
    from data_access.scope import SYSTEM
    from data_access.uow import unit_of_work

    at = sign_in("pmo")
    assert not at.exception, at.exception
    before = _cpi(at)
    with unit_of_work(own_db, "pmo") as uow:
        s = uow.session
        pid = s.execute(select(Project.id).where(Project.status == "active")
                        .order_by(Project.code).limit(1)).scalar_one()
        entry = s.execute(select(CostEntry.id).where(CostEntry.project_id == pid,
                                                     CostEntry.actual.is_not(None))
                          .order_by(CostEntry.month).limit(1)).scalar_one()
        s.execute(update(CostEntry).where(CostEntry.id == entry)
                  .values(actual=CostEntry.actual + 5_000_000))
        uow.audit("cost.actual", entity="cost_entry", entity_id=entry)
        uow.commit()
    at = rerun(at)
    assert not at.exception, at.exception
    expected = recomputed(own_db, SYSTEM, app_today()).overview.totals["cpi"][0]
    assert _cpi(at) == f"{expected:.2f}" != before
    assert kpi_store.pending(own_db).empty


def test_a_failed_refresh_is_said_and_the_last_figures_stay(own_db):
    at = sign_in("exec")
    shown = _cpi(at)
    with own_db.begin() as conn:
        conn.execute(update(kpi_store_state).values(
            failure="1 project(s) not refreshed: PRJ-00001: **bold** <b>x</b>"))
    at = rerun(at)
    warnings = [w.value for w in at.warning]
    assert any("did not complete" in w and "\\*\\*bold\\*\\*" in w for w in warnings), warnings
    assert _cpi(at) == shown
