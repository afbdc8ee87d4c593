"""Processes for the multi-process tests and the load bench: the app served by streamlit on a free
loopback port against a given database, a seeded demo database, and a throwaway PostgreSQL that
can be stopped and started again on the same port and data (for the fault tests).

Builds on :mod:`support.postgres` (the server) and the ``app_url`` fixture of
``tests/e2e/conftest.py`` (the same streamlit command line and health check).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from data_access.settings import today as app_today
from support.postgres import PostgresServer, _as_server_user, free_port

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
COOKIE_KEY = "e2e-cookie-key-0123456789abcdefghijklmnopqrstuv"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def seed_demo(url: str, *, seed: int = 11) -> None:
    """Migrate ``url``, seed the demo portfolio and create the demo accounts (<role>-demo-2026)."""
    from data_access.bulk import seed_database
    from data_access.demo_accounts import ensure_demo_accounts
    from data_access.engine import create_pmo_engine
    from data_access.migrate import upgrade

    engine = create_pmo_engine(url)
    try:
        upgrade(engine)
        seed_database(engine, scale="demo", seed=seed, today=app_today())
        ensure_demo_accounts(engine)
    finally:
        engine.dispose()


def wait_healthy(base: str, timeout_s: float = 60.0, proc: subprocess.Popen | None = None) -> None:
    """Until ``base``/_stcore/health answers 200; a clear error if it never does."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"the app at {base} exited with code {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"the app at {base} did not answer its health check in {timeout_s:.0f} s")


@dataclass
class AppServer:
    """One ``streamlit run app.py`` process; :meth:`stop` ends it (idempotent)."""

    proc: subprocess.Popen
    port: int
    log: Path | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        return self.proc.pid

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)


def start_app(database_url: str, *, log: Path | None = None, extra_env: dict | None = None,
              timeout_s: float = 60.0) -> AppServer:
    """The app on a free loopback port against ``database_url``, once it answers its health check.
    ``log`` (optional) receives the server's stdout and stderr."""
    port = free_port()
    env = os.environ | {"PMO_DATABASE_URL": database_url, "PMO_COOKIE_KEY": COOKIE_KEY,
                        **(extra_env or {})}
    out = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115 - owned by the process
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true",
             "--browser.gatherUsageStats", "false"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT if log else out)
    finally:
        if log:
            out.close()
    server = AppServer(proc, port, log)
    try:
        wait_healthy(server.url, timeout_s, proc)
    except BaseException:
        server.stop()
        raise
    return server


@dataclass
class RestartablePostgres:
    """A throwaway PostgreSQL (:class:`support.postgres.PostgresServer`) that the fault tests stop
    and start again on the same port and data directory."""

    server: PostgresServer = field(default_factory=PostgresServer.start)

    @property
    def url(self) -> str:
        return self.server.url

    def database_url(self, name: str) -> str:
        return self.server.url.rsplit("/", 1)[0] + f"/{name}"

    def create_database(self, name: str) -> str:
        from sqlalchemy import create_engine

        admin = create_engine(self.server.url.replace("postgresql://", "postgresql+psycopg://"),
                              isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as conn:
                conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        finally:
            admin.dispose()
        return self.database_url(name)

    def pause(self) -> None:
        """Stop the server (fast shutdown: clients are disconnected), keeping its data."""
        subprocess.run(_as_server_user([str(self.server.bin_dir / "pg_ctl"), "-D",
                                        str(self.server.data_dir), "-m", "fast", "-w", "stop"]),
                       stdin=subprocess.DEVNULL, capture_output=True, timeout=60, check=True)

    def resume(self) -> None:
        """Start it again on the same port and data."""
        self.server._pg_ctl_start()

    def stop(self) -> None:
        """Stop and delete everything (never raises)."""
        self.server.stop()
