"""The WebSocket client of bench/load.py against the real app: it signs in, opens every page of
a menu as the browser does, sees errors the app shows, and one small load level runs clean."""

from __future__ import annotations

import asyncio

import pytest

from bench.load import run_level
from bench.load_protocol import ProtocolSession, timed_open
from components.access import pages_for
from support.servers import seed_demo, start_app

pytestmark = pytest.mark.e2e


async def _walk(base: str, username: str) -> list[tuple[str, float, list[str], list[str]]]:
    session = ProtocolSession(base)
    try:
        await session.connect()
        first = await session.sign_in(username, f"{username}-demo-2026")
        assert first.titles[0] == "Executive overview", first.titles
        walked = []
        for spec in pages_for("pmo")[1:]:
            seconds, run = await timed_open(session, spec.title)
            walked.append((spec.title, seconds, run.titles, run.errors))
        return walked
    finally:
        await session.close()


def test_a_websocket_session_signs_in_and_opens_every_page_of_the_pmo(app_url):
    walked = asyncio.run(_walk(app_url, "pmo"))
    assert [title for title, *_ in walked] == [s.title for s in pages_for("pmo")[1:]]
    for title, seconds, titles, errors in walked:
        assert titles[0] == title and errors == [], (title, titles, errors)
        assert 0 < seconds < 60


async def _wrong_password(base: str):
    session = ProtocolSession(base)
    try:
        await session.connect()
        return await session.sign_in("viewer", "not-the-password")
    finally:
        await session.close()


def test_a_wrong_password_is_an_error_the_client_sees(app_url):
    run = asyncio.run(_wrong_password(app_url))
    assert "Executive overview" not in run.titles
    assert run.errors == ["Username or password is incorrect."]


def test_a_small_load_level_runs_without_errors(tmp_path):
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    seed_demo(url)
    app = start_app(url, log=tmp_path / "app.log")
    try:
        row = asyncio.run(run_level(app.url, app.pid, 2, 0.25, think_s=1.0, clients="protocol"))
    finally:
        app.stop()
    assert row["errors"] == 0, row["error_samples"]
    assert row["clients"] == "protocol" and row["pages"] >= 4
    assert set(row["p50_by_page_s"]) <= {s.title for s in pages_for("pmo")}  # exec and pmo
    assert row["server_cpu_s"] > 0 and row["p50_s"] <= row["p95_s"] <= row["max_s"]
