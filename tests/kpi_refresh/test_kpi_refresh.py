"""The KPI store kept fresh, on SQLite and PostgreSQL: what it serves equals a full recompute,
a write marks only the projects it touched and the refresh recomputes only them, a failing
project is named and keeps its previous rows, a refresh cut short changes nothing."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from sqlalchemy import select, update

from data_access import kpi_store
from data_access.models import Department, Project, Threshold
from data_access.scope import SYSTEM, Scope
from data_access.stale import mark_stale
from data_access.uow import unit_of_work
from fixtures.imports.seeded import TODAY, demo, seeded_pg, seeded_sqlite  # noqa: F401
from kpi_refresh import ensure_fresh, refresh
from kpi_refresh.refresh import store_rows_of
from support.kpi_store import (assert_store_matches, marks as _marks, project_with_risks as
                               _project_with_risks, raise_risk as _raise_risk, recomputed,
                               stored_projects)


def test_a_seeded_database_is_stale_until_the_first_refresh(demo):
    assert _marks(demo) and None in _marks(demo)
    result = refresh(demo, as_of=TODAY)
    assert result.full and result.ok and result.refreshed == 60
    assert _marks(demo) == []
    state = kpi_store.state(demo)
    assert state.as_of == TODAY and state.projects == 60 and state.failure is None


@pytest.mark.parametrize("scope,codes", [
    (SYSTEM, None),
    (SYSTEM, ["IT", "FIN"]),
    (Scope(username="viewer", role="viewer"), None),
])
def test_the_store_serves_what_a_full_recompute_gives(demo, scope, codes):
    refresh(demo, as_of=TODAY)
    assert assert_store_matches(demo, scope, TODAY, codes) > 0


def test_scoped_readers_get_only_their_projects(demo):
    refresh(demo, as_of=TODAY)
    with demo.connect() as conn:
        dept = conn.execute(select(Department.id).order_by(Department.code).limit(1)).scalar_one()
        manager = conn.execute(select(Project.manager_id).where(Project.manager_id.is_not(None))
                               .order_by(Project.code).limit(1)).scalar_one()
    for scope in (Scope(username="head", role="executive", department_ids=frozenset({dept})),
                  Scope(username="pm", role="manager", person_id=manager)):
        n = assert_store_matches(demo, scope, TODAY)
        assert 0 < n < 60
        assert stored_projects(demo, scope)["code"].to_list() == \
            recomputed(demo, scope, TODAY).projects["code"].to_list()


def test_stored_project_rows_equal_the_kpi_sets(demo):
    refresh(demo, as_of=TODAY)
    expected = recomputed(demo, SYSTEM, TODAY).projects
    stored = stored_projects(demo, SYSTEM).select(expected.columns)
    pl.testing.assert_frame_equal(stored, expected, check_exact=False, rel_tol=1e-12)


def test_a_write_marks_its_project_and_only_it_is_recomputed(demo):
    refresh(demo, as_of=TODAY)
    code = _project_with_risks(demo)
    pid = _raise_risk(demo, code)
    assert _marks(demo) == [pid]
    calls: list[list[int]] = []

    def counting(engine, ids, as_of):
        calls.append(list(ids))
        return store_rows_of(engine, ids, as_of)

    result = refresh(demo, as_of=TODAY, compute=counting)
    assert (result.refreshed, result.full, calls) == (1, False, [[pid]])
    assert _marks(demo) == []
    assert_store_matches(demo, SYSTEM, TODAY)
    row = stored_projects(demo, SYSTEM).filter(pl.col("code") == code)
    assert row["max_risk_score"][0] == 25


def test_a_threshold_change_marks_every_project(demo):
    refresh(demo, as_of=TODAY)
    with unit_of_work(demo, "pmo") as uow:
        uow.session.execute(update(Threshold).where(Threshold.metric == "cpi")
                            .values(amber=0.99, red=0.98))
        uow.audit("threshold.update", entity="threshold", entity_id="cpi")
        uow.commit()
    assert _marks(demo) == [None]
    assert refresh(demo, as_of=TODAY).full
    assert_store_matches(demo, SYSTEM, TODAY)


def test_a_new_status_date_rebuilds_everything(demo):
    refresh(demo, as_of=TODAY)
    later = TODAY + dt.timedelta(days=31)
    result = refresh(demo, as_of=later)
    assert result.full and result.as_of == later
    assert_store_matches(demo, SYSTEM, later)


def test_nothing_to_do_computes_nothing(demo):
    refresh(demo, as_of=TODAY)

    def forbidden(engine, ids, as_of):
        raise AssertionError("nothing was stale")

    assert refresh(demo, as_of=TODAY, compute=forbidden).refreshed == 0


def test_a_failing_project_is_named_and_keeps_its_previous_rows(demo):
    refresh(demo, as_of=TODAY)
    code = _project_with_risks(demo)
    before = stored_projects(demo, SYSTEM).filter(pl.col("code") == code)
    pid = _raise_risk(demo, code)
    other = _raise_risk(demo, "PRJ-00059") if code != "PRJ-00059" else None

    def failing(engine, ids, as_of):
        if pid in ids:
            raise ValueError("a corrupt cost row")
        return store_rows_of(engine, ids, as_of)

    result = refresh(demo, as_of=TODAY, compute=failing)
    assert result.failures == {code: "ValueError: a corrupt cost row"}
    assert _marks(demo) == [pid]          # still stale: the next refresh tries again
    after = stored_projects(demo, SYSTEM).filter(pl.col("code") == code)
    pl.testing.assert_frame_equal(after, before)
    state = kpi_store.state(demo)
    assert code in state.failure and "previous figures kept" in state.failure
    if other is not None:
        assert result.refreshed == 1
    assert refresh(demo, as_of=TODAY).ok and kpi_store.state(demo).failure is None
    assert_store_matches(demo, SYSTEM, TODAY)


def test_a_refresh_cut_short_leaves_the_previous_rows_and_marks(demo):
    refresh(demo, as_of=TODAY)
    before = stored_projects(demo, SYSTEM)
    with demo.begin() as conn:
        mark_stale(conn, None)
    calls = 0

    def killed(engine, ids, as_of):
        nonlocal calls
        calls += 1
        if calls == 2:
            raise KeyboardInterrupt  # the process is stopped in the middle
        return store_rows_of(engine, ids, as_of)

    with pytest.raises(KeyboardInterrupt):
        refresh(demo, as_of=TODAY + dt.timedelta(days=1), batch=20, compute=killed)
    pl.testing.assert_frame_equal(stored_projects(demo, SYSTEM), before)
    assert None in _marks(demo)
    assert kpi_store.state(demo).as_of == TODAY


def test_ensure_fresh_refreshes_a_small_change_before_the_page_reads(demo):
    refresh(demo, as_of=TODAY)
    _raise_risk(demo, _project_with_risks(demo))
    state = ensure_fresh(demo, as_of=TODAY)
    assert _marks(demo) == [] and state.as_of == TODAY
    assert_store_matches(demo, SYSTEM, TODAY)


def test_an_import_marks_the_projects_it_wrote_and_a_reimport_marks_none(demo):
    from data_access.imports import import_batch, read_file
    from fixtures.imports.files import csv_bytes, row, table

    refresh(demo, as_of=TODAY)
    data = csv_bytes(table([row("costs", month="2030-02", planned="1000")]))
    import_batch(demo, read_file(data, "costs.csv"), "pmo", SYSTEM)
    with demo.connect() as conn:
        pid = conn.execute(select(Project.id).where(Project.code == "PRJ-00001")).scalar_one()
    assert _marks(demo) == [pid]
    assert refresh(demo, as_of=TODAY).refreshed == 1
    import_batch(demo, read_file(data, "costs.csv"), "pmo", SYSTEM)
    assert _marks(demo) == []
    assert_store_matches(demo, SYSTEM, TODAY)


def test_a_big_first_refresh_runs_in_the_background_and_the_page_does_not_wait(demo):
    """A portfolio larger than the page's limit, never computed: ensure_fresh returns at once
    (the state says nothing is stored yet) and a background thread fills the store."""
    import time

    state = ensure_fresh(demo, as_of=TODAY, limit=10)
    assert state.as_of is None
    for _ in range(600):
        if kpi_store.state(demo).as_of == TODAY:
            break
        time.sleep(0.1)
    assert kpi_store.state(demo).projects == 60 and _marks(demo) == []
    assert_store_matches(demo, SYSTEM, TODAY)
