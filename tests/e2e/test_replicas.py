"""Replicas: two app processes on one PostgreSQL database, and concurrent writes from two processes.

Two ``streamlit run app.py`` replicas serve the same database (a user signs in on each). The
concurrent writes are driven from two separate Python processes (multiprocessing, spawn: their
own interpreters, engines and connection pools, like two replicas) through the same
data_access functions the pages call, released together by a barrier: each process does a
read-modify-write loop (load, append its own token, save with the version it loaded, retry on
a conflict) on ONE scenario and ONE status report, and imports its own projects file. Driving
two browsers into the same save at the same instant is timing-dependent; the processes make the
race certain (every round overlaps) and the result exact:

- no lost update: the final scenario and report hold every token of both processes, and the
  version moved exactly once per successful save;
- no error: the only exceptions seen are the documented conflicts, which were retried;
- every change is in the audit log: one ``scenario.save`` / ``status_report.*`` entry per save
  and one ``import.batch`` entry per import.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing as mp
import queue
import sys
import time
import types
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.engine import make_url

from data_access.settings import today as app_today
from support.browser import sign_in
from support.servers import seed_demo, start_app

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]

ROUNDS = 8
WORKERS = ("a", "b")
IMPORT_ROWS = 5
HEADING = "Executive overview"


@pytest.fixture
def shared_pg(_pg_admin, postgres_url):
    """A fresh database on the suite's server, seeded with the demo portfolio."""
    name = f"pmo_replicas_{uuid.uuid4().hex[:12]}"
    with _pg_admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = make_url(postgres_url).set(database=name).render_as_string(hide_password=False)
    seed_demo(url)
    yield url
    with _pg_admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --------------------------------------------------------------------------- worker (child)


def _projects_csv(tag: str) -> bytes:
    lines = ["key,code,name,department_code,manager,methodology,phase,status,baseline_start,"
             "baseline_end,bac"]
    lines += [f"REP-{tag}-{i},REP-{tag}-{i},Replica {tag} {i},IT,PER-000001,agile,execution,"
              f"active,2026-01-05,2026-12-18,1000000" for i in range(IMPORT_ROWS)]
    return ("\r\n".join(lines) + "\r\n").encode()


def _worker(url: str, tag: str, scenario_id: int, project_id: int, period: dt.date,
            barrier, results) -> None:
    """One 'replica': ROUNDS read-modify-write saves of the scenario and of the report, then an
    import; reports (tag, saves, conflicts retried, unexpected errors)."""
    from data_access.engine import create_pmo_engine
    from data_access.imports import import_batch, read_file
    from data_access.scenarios import ScenarioConflict, get_scenario, save_scenario
    from data_access.scope import SYSTEM
    from data_access.status_reports import ReportConflict, get_report, save_report
    from data_access.users import current_user

    out = {"tag": tag, "scenario_saves": 0, "report_saves": 0, "conflicts": 0, "errors": []}
    engine = create_pmo_engine(url)
    try:
        user = current_user(engine, "pmo")
        if user is None:
            raise RuntimeError(f"no user 'pmo' in {engine.url.render_as_string()}")
        barrier.wait(timeout=120)
        for n in range(ROUNDS):
            token = f"{tag}{n}"
            while True:  # scenario: append the token to the list the user loaded
                current = get_scenario(engine, user, scenario_id)
                params = {"tokens": [*current.parameters["tokens"], token]}
                try:
                    save_scenario(engine, user, name=current.name, parameters=params,
                                  result=current.result, scenario_id=scenario_id,
                                  expected_version=current.version)
                    out["scenario_saves"] += 1
                    break
                except ScenarioConflict:
                    out["conflicts"] += 1
            while True:  # status report: append the token to the comment
                report = get_report(engine, user, project_id, period)
                try:
                    save_report(engine, user, project_id=project_id, period=period,
                                expected_version=report.version,
                                **{**_report_fields(report), "comment": f"{report.comment} {token}"})
                    out["report_saves"] += 1
                    break
                except ReportConflict:
                    out["conflicts"] += 1
        batch = read_file(_projects_csv(tag), f"replica-{tag}.csv")
        plan = import_batch(engine, batch, f"replica-{tag}", SYSTEM)
        out["imported"] = plan.totals()["create"]
    except Exception as exc:  # anything else is a failure the parent reports
        out["errors"].append(f"{type(exc).__name__}: {exc}")
    finally:
        engine.dispose()
        results.put(out)


def _results(results, procs, *, seconds: float) -> list[dict]:
    """Each worker's result; a worker that died or hangs is a clear failure, not a queue error."""
    outs, deadline = [], time.monotonic() + seconds
    while len(outs) < len(procs):
        try:
            outs.append(results.get(timeout=5))
        except queue.Empty:
            codes = [p.exitcode for p in procs]
            assert all(c in (None, 0) for c in codes), f"a worker died: exit codes {codes}"
            assert time.monotonic() < deadline, f"no result from the workers in {seconds:.0f} s"
    return outs


def _report_fields(report) -> dict:
    return {"schedule_rag": report.schedule_rag, "cost_rag": report.cost_rag,
            "scope_rag": report.scope_rag, "quality_rag": report.quality_rag,
            "percent_complete": report.percent_complete, "forecast_end": report.forecast_end,
            "eac": report.eac, "actual_cost": report.actual_cost}


# --------------------------------------------------------------------------- parent


def _setup_records(url: str) -> tuple[int, int, dt.date]:
    """A scenario and a current-period report both processes will fight over."""
    from data_access.engine import create_pmo_engine
    from data_access.scenarios import save_scenario
    from data_access.status_reports import get_report, period_of, save_report, writable_projects
    from data_access.users import current_user

    engine = create_pmo_engine(url)
    try:
        user = current_user(engine, "pmo")
        scenario = save_scenario(engine, user, name="Replica race", parameters={"tokens": []},
                                 result={"selected": []})
        period = period_of(app_today())
        project_id = int(writable_projects(engine, user)["id"][0])
        existing = get_report(engine, user, project_id, period)
        save_report(engine, user, project_id=project_id, period=period,
                    expected_version=existing.version if existing else None,
                    schedule_rag="green", cost_rag="green", scope_rag="green",
                    quality_rag="green", comment="start", percent_complete=10.0,
                    forecast_end=None, eac=None, actual_cost=None)
        return scenario.id, project_id, period
    finally:
        engine.dispose()


def _audit_count(conn, action: str, entity_id: str | None = None) -> int:
    from data_access.models import AuditEntry

    stmt = select(func.count()).select_from(AuditEntry).where(AuditEntry.action == action)
    if entity_id is not None:
        stmt = stmt.where(AuditEntry.entity_id == entity_id)
    return conn.scalar(stmt)


def test_two_replicas_on_one_database_lose_no_update(shared_pg, browser, tmp_path, monkeypatch):
    url = shared_pg
    with ThreadPoolExecutor(len(WORKERS)) as pool:  # both replicas boot at once
        booting = [pool.submit(start_app, url, log=tmp_path / f"replica-{t}.log")
                   for t in WORKERS]
    replicas = [f.result() for f in booting if f.exception() is None]
    try:
        for f in booting:
            f.result()  # re-raise a replica that did not start (the others are stopped below)
        for app, who in zip(replicas, ("pmo", "manager")):  # both replicas serve the database
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            page = context.new_page()
            page.goto(app.url)
            sign_in(page, who)
            page.get_by_role("heading", name=HEADING).wait_for(timeout=60_000)
            context.close()

        scenario_id, project_id, period = _setup_records(url)
        from data_access.models import AuditEntry, Project, Scenario, StatusReport

        engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
        with engine.connect() as conn:
            report_audits = (_audit_count(conn, "status_report.update")
                             + _audit_count(conn, "status_report.submit"))
            projects = conn.scalar(select(func.count()).select_from(Project))
            batches = _audit_count(conn, "import.batch")

        # A spawned child re-runs the parent's __main__ file; after an AppTest in this process
        # that is a page script (views/*.py). The workers need none of it: a bare __main__.
        monkeypatch.setitem(sys.modules, "__main__", types.ModuleType("__main__"))
        ctx = mp.get_context("spawn")
        barrier, results = ctx.Barrier(len(WORKERS)), ctx.Queue()
        procs = [ctx.Process(target=_worker, args=(url, t, scenario_id, project_id, period,
                                                   barrier, results)) for t in WORKERS]
        for p in procs:
            p.start()
        outs = _results(results, procs, seconds=300)
        for p in procs:
            p.join(timeout=30)
        assert [o["errors"] for o in outs] == [[], []], outs
        assert all(o["scenario_saves"] == ROUNDS and o["report_saves"] == ROUNDS for o in outs)
        assert all(o["imported"] == IMPORT_ROWS for o in outs)
        tokens = {f"{t}{n}" for t in WORKERS for n in range(ROUNDS)}
        saves = len(tokens)

        with engine.connect() as conn:
            scenario = conn.execute(select(Scenario.parameters, Scenario.version)
                                    .where(Scenario.id == scenario_id)).one()
            assert sorted(scenario.parameters["tokens"]) == sorted(tokens)  # none lost
            assert scenario.version == 1 + saves
            assert _audit_count(conn, "scenario.save", str(scenario_id)) == 1 + saves

            report = conn.execute(select(StatusReport.comment).where(
                StatusReport.project_id == project_id, StatusReport.period == period)).one()
            assert sorted(report.comment.split()[1:]) == sorted(tokens)
            assert (_audit_count(conn, "status_report.update")
                    + _audit_count(conn, "status_report.submit")) == report_audits + saves

            assert conn.scalar(select(func.count()).select_from(Project)) == (
                projects + len(WORKERS) * IMPORT_ROWS)
            assert _audit_count(conn, "import.batch") == batches + len(WORKERS)
            actors = set(conn.scalars(select(AuditEntry.actor).where(
                AuditEntry.action == "import.batch")))
            assert {f"replica-{t}" for t in WORKERS} <= actors
        engine.dispose()
        print(f"replica race: {saves} scenario saves and {saves} report saves, "
              f"{sum(o['conflicts'] for o in outs)} conflicts retried")
    finally:
        for app in replicas:
            app.stop()
