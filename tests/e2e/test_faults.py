"""Faults: the database stopped and restarted under a signed-in user; an import killed half-way.

Each test starts its own throwaway PostgreSQL (it is stopped by the test, so it cannot be the
suite's shared server) with the demo portfolio.
"""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text

from support.browser import sign_in
from support.servers import ROOT, RestartablePostgres, seed_demo, start_app

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]

HEADING = "Executive overview"
DOWN_MESSAGE = "The portfolio database cannot be reached right now"
TRACEBACK_SIGNS = ("Traceback", "OperationalError", "psycopg")
COUNTED = ("projects", "audit_log", "milestones", "risks")


@pytest.fixture
def demo_pg() -> Iterator[tuple[RestartablePostgres, str]]:
    pg = RestartablePostgres()
    try:
        url = pg.create_database("pmo_faults")
        seed_demo(url)
        yield pg, url
    finally:
        pg.stop()


def _psycopg(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


def _counts(url: str) -> dict[str, int]:
    from data_access.models import AuditEntry, Milestone, Project, Risk

    engine = create_engine(_psycopg(url))
    try:
        with engine.connect() as conn:
            return {name: conn.scalar(select(func.count()).select_from(model))
                    for name, model in zip(COUNTED, (Project, AuditEntry, Milestone, Risk))}
    finally:
        engine.dispose()


def _no_traceback(page) -> None:
    body = page.locator("body").inner_text(timeout=30_000)
    assert page.locator("[data-testid='stException']").count() == 0, body[:2000]
    for sign in TRACEBACK_SIGNS:
        assert sign not in body, f"{sign!r} shown to the user:\n{body[:2000]}"


def test_database_down_then_back_shows_a_message_and_recovers(demo_pg, page, tmp_path):
    pg, url = demo_pg
    app = start_app(url, log=tmp_path / "app.log")
    try:
        page.goto(app.url)
        sign_in(page, "pmo")
        page.get_by_role("heading", name=HEADING).wait_for(timeout=60_000)

        pg.pause()
        page.reload()
        page.get_by_text(DOWN_MESSAGE).wait_for(timeout=60_000)
        _no_traceback(page)

        pg.resume()
        deadline = time.monotonic() + 90
        back = page.get_by_role("heading", name=HEADING)
        while True:  # the user presses reload until the page is back; no app restart
            page.reload()
            back.or_(page.get_by_text(DOWN_MESSAGE)).first.wait_for(timeout=60_000)
            if back.count():
                break
            assert time.monotonic() < deadline, "the app did not recover within 90 s"
            page.wait_for_timeout(1_000)
        page.get_by_text(DOWN_MESSAGE).wait_for(state="detached", timeout=30_000)
        _no_traceback(page)
        assert app.proc.poll() is None, "the app process died while the database was down"
    finally:
        app.stop()


def _big_projects_csv(path: Path, rows: int) -> None:
    header = ["key", "code", "name", "department_code", "manager", "methodology", "phase",
              "status", "baseline_start", "baseline_end", "bac"]
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(header)
        for i in range(rows):
            code = f"KILL-{i:06d}"
            out.writerow([code, code, f"Killed import {i}", "IT", "PER-000001", "agile",
                          "execution", "active", "2026-01-05", "2026-12-18", "1200000"])


def _import_writing(url: str, timeout_s: float) -> int | None:
    """The backend pid of a transaction that is inserting projects, once one is seen."""
    engine = create_engine(_psycopg(url), isolation_level="AUTOCOMMIT")
    query = text("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                 "AND pid <> pg_backend_pid() AND xact_start IS NOT NULL "
                 "AND query ILIKE 'INSERT INTO projects%'")
    deadline = time.monotonic() + timeout_s
    try:
        with engine.connect() as conn:
            while time.monotonic() < deadline:
                pid = conn.scalar(query)
                if pid is not None:
                    return pid
                time.sleep(0.02)
    finally:
        engine.dispose()
    return None


def _backend_gone(url: str, pid: int, timeout_s: float) -> bool:
    engine = create_engine(_psycopg(url), isolation_level="AUTOCOMMIT")
    deadline = time.monotonic() + timeout_s
    try:
        with engine.connect() as conn:
            while time.monotonic() < deadline:
                if not conn.scalar(text("SELECT count(*) FROM pg_stat_activity WHERE pid = :p"),
                                   {"p": pid}):
                    return True
                time.sleep(0.1)
    finally:
        engine.dispose()
    return False


def test_an_import_killed_half_way_leaves_nothing_behind(demo_pg, tmp_path):
    _, url = demo_pg
    before = _counts(url)
    big = tmp_path / "projects.csv"
    _big_projects_csv(big, 40_000)
    env = os.environ | {"PMO_DATABASE_URL": url}
    proc = subprocess.Popen([sys.executable, "-m", "cli.main", "import", str(big)], cwd=ROOT,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        backend = _import_writing(url, timeout_s=50)
        still_running = proc.poll() is None
        proc.send_signal(signal.SIGKILL)
        output = proc.communicate(timeout=20)[0].decode(errors="replace")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
    assert backend is not None, f"the import never reached its INSERTs:\n{output[-3000:]}"
    assert still_running, f"the import finished before it could be killed:\n{output[-3000:]}"
    assert proc.returncode == -signal.SIGKILL
    assert _backend_gone(url, backend, timeout_s=20), "the killed import's session lingers"
    assert _counts(url) == before
