"""deploy/sqlite_backup.py, deploy/healthcheck.py, deploy/backup.sh and the container entry
point, run as the operator runs them (subprocesses), against real databases."""

from __future__ import annotations

import http.server
import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"


def run(args: list[str], env: dict[str, str] | None = None,
        timeout: float = 120) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("PMO_", "STREAMLIT_"))}
    return subprocess.run(args, env={**base, **(env or {})}, capture_output=True, text=True,
                          timeout=timeout, check=False, cwd=ROOT)


def make_sqlite(path: Path, rows: int = 0) -> Path:
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)")
    con.executemany("INSERT INTO items (id, payload) VALUES (?, ?)",
                    [(i, "x" * 200) for i in range(1, rows + 1)])
    con.commit()
    con.close()
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --------------------------------------------------------------------------- sqlite_backup.py


def test_sqlite_backup_is_a_consistent_copy_while_a_writer_runs(tmp_path):
    db = make_sqlite(tmp_path / "pmo.db", rows=20_000)
    stop, errors, written = threading.Event(), [], []

    def writer() -> None:  # one row per transaction, ids 20001, 20002, ... without gaps
        con = sqlite3.connect(db, timeout=10)
        try:
            next_id = 20_001
            while not stop.is_set():
                with con:
                    con.execute("INSERT INTO items (id, payload) VALUES (?, 'w')", (next_id,))
                written.append(next_id)
                next_id += 1
        except sqlite3.Error as exc:
            errors.append(exc)
        finally:
            con.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while len(written) < 50 and not errors and time.monotonic() < deadline:
            time.sleep(0.01)
        assert len(written) >= 50, f"the writer did not get going: {errors}"
        before = len(written)
        result = run([sys.executable, str(DEPLOY / "sqlite_backup.py"), str(db),
                      str(tmp_path / "bk")])
        during = len(written) - before
        time.sleep(0.05)
    finally:
        stop.set()
        thread.join()

    assert result.returncode == 0, result.stderr
    assert errors == []          # the writer was never refused ("database is locked")
    assert during > 0            # and kept committing while the backup process ran
    backup = Path(result.stdout.strip())
    assert backup.parent == tmp_path / "bk" and backup.name.startswith("pmo-")
    con = sqlite3.connect(backup)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        count, low, high = con.execute("SELECT count(*), min(id), max(id) FROM items").fetchone()
    finally:
        con.close()
    # a snapshot: every row up to some commit of the writer, none missing in between
    assert (low, count) == (1, high)
    assert 20_000 + 50 <= high <= 20_000 + len(written)
    assert list(tmp_path.glob("bk/*.partial")) == []


def test_sqlite_backup_keeps_the_newest_copies(tmp_path):
    db = make_sqlite(tmp_path / "pmo.db", rows=3)
    made = []
    for _ in range(4):
        result = run([sys.executable, str(DEPLOY / "sqlite_backup.py"), str(db),
                      str(tmp_path / "bk"), "--keep", "2"])
        assert result.returncode == 0, result.stderr
        made.append(Path(result.stdout.strip()))
    assert sorted((tmp_path / "bk").iterdir()) == made[2:]   # 4 made, the 2 newest kept
    assert {p.stat().st_mode & 0o777 for p in made[2:]} == {0o600}


@pytest.mark.parametrize(("make", "message"), [
    (lambda d: d / "missing.db", "missing.db does not exist"),
    (lambda d: (d / "notes.db").write_text("not a database" * 100) and d / "notes.db",
     "is not a SQLite database"),
])
def test_sqlite_backup_refuses_a_bad_source(tmp_path, make, message):
    source = make(tmp_path)
    result = run([sys.executable, str(DEPLOY / "sqlite_backup.py"), str(source),
                  str(tmp_path / "bk")])
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and message in result.stderr
    assert list((tmp_path / "bk").iterdir()) == []
    assert source.name != "missing.db" or not source.exists()   # never created


# --------------------------------------------------------------------------- healthcheck.py


def healthcheck(*args: str, url: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {"PMO_DATABASE_URL": url} if url is not None else {}
    return run([sys.executable, str(DEPLOY / "healthcheck.py"), "--timeout", "3", *args], env=env)


def test_healthcheck_passes_on_a_migrated_sqlite_database(sqlite_engine: Engine):
    url = sqlite_engine.url.render_as_string(hide_password=False)
    result = healthcheck(url=url)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == f"healthy: database {url}\n"


@pytest.mark.postgres
def test_healthcheck_passes_on_postgresql_and_hides_the_password(pg_engine: Engine):
    url = pg_engine.url.set(password="not-needed-with-trust")
    result = healthcheck(url=url.render_as_string(hide_password=False))
    assert result.returncode == 0, result.stderr
    assert "not-needed-with-trust" not in result.stdout and "***" in result.stdout


@pytest.mark.parametrize(("url", "message"), [
    ("sqlite:////nonexistent-dir/pmo.db",
     "unhealthy: SQLite database /nonexistent-dir/pmo.db does not exist"),
    ("not a url", "unhealthy: PMO_DATABASE_URL is not a database URL"),
    ("mysql://u:p@localhost/db", "unhealthy: unsupported database backend 'mysql'"),
    ("postgresql://pmo:hunter2secret@127.0.0.1:{port}/pmo",
     "unhealthy: database postgresql+psycopg://pmo:***@127.0.0.1:{port}/pmo unreachable: "),
])
def test_healthcheck_fails_with_one_clear_line(url, message):
    port = free_port()   # nothing listens there
    result = healthcheck(url=url.format(port=port))
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and result.stderr.startswith(message.format(port=port))
    assert "hunter2secret" not in result.stderr


@pytest.fixture
def http_health() -> Iterator[dict]:
    """A loopback HTTP server answering what ``state`` says (status, body)."""
    state = {"status": 200, "body": b"ok"}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server API
            self.send_response(state["status"])
            self.end_headers()
            self.wfile.write(state["body"])

        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    state["url"] = f"http://127.0.0.1:{server.server_address[1]}/_stcore/health"
    yield state
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(("status", "body", "code", "line"), [
    (200, b"ok", 0, ""),
    (503, b"unavailable", 1, "unhealthy: app {url} answered HTTP 503\n"),
    (200, b"starting", 1, "unhealthy: app {url} answered HTTP 200 'starting', expected 200 'ok'\n"),
])
def test_healthcheck_checks_the_app_endpoint(tmp_path, http_health, status, body, code, line):
    http_health.update(status=status, body=body)
    db = make_sqlite(tmp_path / "pmo.db")
    result = healthcheck("--app-url", http_health["url"], url=f"sqlite:///{db}")
    assert result.returncode == code
    assert result.stderr == line.format(url=http_health["url"])


def test_healthcheck_reports_an_app_that_is_down(tmp_path):
    db = make_sqlite(tmp_path / "pmo.db")
    url = f"http://127.0.0.1:{free_port()}/_stcore/health"
    result = healthcheck("--app-url", url, url=f"sqlite:///{db}")
    assert result.returncode == 1
    assert result.stderr.startswith(f"unhealthy: app {url} unreachable: ")
    assert result.stderr.count("\n") == 1


# --------------------------------------------------------------------------- backup.sh


@pytest.mark.postgres
def test_backup_sh_dumps_postgresql_in_custom_format_with_retention(pg_engine: Engine, tmp_path):
    old = ["pmo-20200101T000000Z.dump", "pmo-20200102T000000Z.dump", "pmo-20200103T000000Z.dump"]
    for name in old:
        (tmp_path / name).write_bytes(b"older dump")
    url = pg_engine.url.render_as_string(hide_password=False)   # postgresql+psycopg://...
    result = run(["bash", str(DEPLOY / "backup.sh")],
                 env={"PMO_DATABASE_URL": url, "BACKUP_DIR": str(tmp_path), "BACKUP_KEEP": "2"})
    assert result.returncode == 0, result.stderr
    dump = Path(result.stdout.strip())
    # 3 older + 1 new, keep 2: the new one and the newest older one
    assert sorted(p.name for p in tmp_path.iterdir()) == [old[2], dump.name]
    listing = subprocess.run(["pg_restore", "--list", str(dump)], capture_output=True, text=True,
                             check=True).stdout
    for table in ("projects", "users", "audit_log", "alembic_version"):
        assert f"TABLE public {table} " in listing


def test_backup_sh_backs_up_sqlite_through_the_backup_api(tmp_path):
    db = make_sqlite(tmp_path / "pmo.db", rows=7)
    result = run(["bash", str(DEPLOY / "backup.sh")],
                 env={"PMO_DATABASE_URL": f"sqlite:///{db}", "BACKUP_DIR": str(tmp_path / "bk"),
                      "PYTHON": sys.executable})
    assert result.returncode == 0, result.stderr
    con = sqlite3.connect(result.stdout.strip())
    assert con.execute("SELECT count(*) FROM items").fetchone() == (7,)
    con.close()


@pytest.mark.parametrize(("env", "message"), [
    ({}, "error: backup: PMO_DATABASE_URL is not set\n"),
    ({"PMO_DATABASE_URL": "mysql://x/y"},
     "error: backup: unsupported PMO_DATABASE_URL scheme (postgresql:// or sqlite:///)\n"),
    ({"PMO_DATABASE_URL": "sqlite:///x.db", "BACKUP_KEEP": "0"},
     "error: backup: BACKUP_KEEP must be a whole number of at least 1, not '0'\n"),
])
def test_backup_sh_refuses_bad_settings(tmp_path, env, message):
    result = run(["bash", str(DEPLOY / "backup.sh")], env={"BACKUP_DIR": str(tmp_path), **env})
    assert (result.returncode, result.stderr) == (1, message)


# --------------------------------------------------------------------------- docker-entrypoint.sh

GOOD = {"PMO_DATABASE_URL": "postgresql://pmo:a1b2@postgres/pmo",
        "PMO_COOKIE_KEY": "k" * 8 + "0123456789abcdef" * 3,
        "STREAMLIT_SERVER_COOKIE_SECRET": "0f1e2d3c4b5a69788796a5b4c3d2e1f0"}


@pytest.mark.parametrize(("override", "code", "stderr"), [
    ({}, 0, ""),
    ({"PMO_COOKIE_KEY": "CHANGE_ME"}, 64,
     "error: PMO_COOKIE_KEY still contains the placeholder CHANGE_ME: "
     "set a real value in deploy/.env\n"),
    ({"PMO_DATABASE_URL": "postgresql://pmo:CHANGE_ME@postgres/pmo"}, 64,
     "error: PMO_DATABASE_URL still contains the placeholder CHANGE_ME: "
     "set a real value in deploy/.env\n"),
    ({"STREAMLIT_SERVER_COOKIE_SECRET": ""}, 64,
     "error: STREAMLIT_SERVER_COOKIE_SECRET is not set: "
     "copy deploy/.env.example to deploy/.env and fill it in\n"),
])
def test_entrypoint_refuses_placeholder_secrets(override, code, stderr):
    result = run(["sh", str(DEPLOY / "docker-entrypoint.sh"), "echo", "ran"],
                 env={**GOOD, **override})
    assert (result.returncode, result.stderr) == (code, stderr)
    assert result.stdout == ("ran\n" if code == 0 else "")
