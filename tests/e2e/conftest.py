"""The real app in a real browser: a served demo database and the system Chromium (headless)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from data_access.bulk import seed_database
from data_access.demo_accounts import ensure_demo_accounts
from data_access.engine import create_pmo_engine
from data_access.migrate import upgrade
from data_access.settings import today as app_today

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def app_url(tmp_path_factory) -> str:
    """The app served by streamlit on a free loopback port, over a seeded demo database."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (.ci/run does)")
    url = f"sqlite:///{tmp_path_factory.mktemp('e2e') / 'demo.db'}"
    engine = create_pmo_engine(url)
    upgrade(engine)
    seed_database(engine, scale="demo", seed=11, today=app_today())
    ensure_demo_accounts(engine)
    engine.dispose()
    port = _free_port()
    env = os.environ | {"PMO_DATABASE_URL": url,
                        "PMO_COOKIE_KEY": "e2e-cookie-key-0123456789abcdefghijklmnopqrstuv"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=1) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("the app did not answer its health check within 60 s")
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        yield b
        b.close()


@pytest.fixture
def page(browser, request):
    """A fresh browser context and page; a screenshot is saved when the test fails."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    yield pg
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        pg.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)
