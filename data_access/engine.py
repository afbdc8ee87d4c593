"""The one engine factory: ``PMO_DATABASE_URL`` -> a configured SQLAlchemy engine.

SQLite gets WAL, ``foreign_keys=ON`` and a busy timeout on every connection; PostgreSQL gets
``pool_pre_ping`` so that a restarted server is recovered from on the next checkout.
Engines are created lazily and cached per URL: importing this module connects to nothing.
"""

from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

from data_access.settings import get_settings

_engines: dict[str, Engine] = {}
_lock = threading.Lock()


def _configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record) -> None:  # pragma: no cover - exercised by every test
        # pysqlite's own transaction handling defers BEGIN; keep it, only set pragmas.
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()


def create_pmo_engine(url: str | None = None) -> Engine:
    """A new engine for ``url`` (default: the configured ``PMO_DATABASE_URL``)."""
    settings = get_settings()
    url = url or settings.database_url
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": settings.sqlite_busy_timeout_ms / 1000})
        _configure_sqlite(engine, settings.sqlite_busy_timeout_ms)
        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)


def get_engine(url: str | None = None) -> Engine:
    """The shared engine for ``url`` (created on first use, then reused)."""
    key = url or get_settings().database_url
    with _lock:
        if key not in _engines:
            _engines[key] = create_pmo_engine(key)
        return _engines[key]


def dispose_engines() -> None:
    """Close every pooled connection (tests, forks, shutdown)."""
    with _lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()
