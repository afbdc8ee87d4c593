"""The engine factory: SQLite pragmas, PostgreSQL driver and pooling, caching per URL."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError

from data_access.engine import create_pmo_engine, dispose_engines, get_engine
from data_access.models import Project
from data_access.settings import get_settings


def _pragma(engine: Engine, name: str):
    with engine.connect() as conn:
        return conn.exec_driver_sql(f"PRAGMA {name}").scalar()


@pytest.mark.parametrize(("pragma", "expected"), [
    ("journal_mode", "wal"),
    ("foreign_keys", 1),
    ("busy_timeout", 5000),
    ("synchronous", 1),  # NORMAL
])
def test_sqlite_connection_pragmas(sqlite_engine: Engine, pragma: str, expected) -> None:
    assert _pragma(sqlite_engine, pragma) == expected


def test_sqlite_pragmas_hold_on_every_pooled_connection(sqlite_engine: Engine) -> None:
    with sqlite_engine.connect() as first, sqlite_engine.connect() as second:
        values = [c.exec_driver_sql("PRAGMA foreign_keys").scalar() for c in (first, second)]
    assert values == [1, 1]


def test_sqlite_busy_timeout_follows_settings(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("PMO_SQLITE_BUSY_TIMEOUT_MS", "1234")
    get_settings.cache_clear()
    engine = create_pmo_engine(f"sqlite:///{tmp_path / 'x.db'}")
    try:
        assert _pragma(engine, "busy_timeout") == 1234
    finally:
        engine.dispose()


def test_sqlite_file_directory_is_created(tmp_path) -> None:
    path = tmp_path / "nested" / "deeper" / "pmo.db"
    engine = create_pmo_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        assert path.exists()
    finally:
        engine.dispose()


def test_foreign_keys_are_enforced(engine: Engine) -> None:
    """A project pointing at a department that does not exist is refused on both databases."""
    with engine.begin() as conn, pytest.raises(IntegrityError):
        conn.execute(Project.__table__.insert().values(
            code="X", name="X", department_id=999, methodology="agile", phase="idea",
            status="proposed", baseline_start=date(2026, 1, 1), baseline_end=date(2026, 2, 1),
            forecast_start=date(2026, 1, 1), forecast_end=date(2026, 2, 1), bac=0, mandatory=False,
            financial_value=0, strategic_fit=3, urgency=3, compliance=1, risk_level=3,
            version=1, updated_at=date(2026, 1, 1)))


def test_postgresql_url_gets_psycopg3_driver_and_pre_ping(pg_engine: Engine) -> None:
    assert pg_engine.url.drivername == "postgresql+psycopg"
    assert pg_engine.pool._pre_ping is True
    with pg_engine.connect() as conn:
        assert conn.execute(text("SELECT 1")).scalar_one() == 1


def test_default_url_comes_from_environment(tmp_path, monkeypatch) -> None:
    url = f"sqlite:///{tmp_path / 'env.db'}"
    monkeypatch.setenv("PMO_DATABASE_URL", url)
    get_settings.cache_clear()
    engine = create_pmo_engine()
    try:
        assert engine.url.database == str(tmp_path / "env.db")
    finally:
        engine.dispose()


def test_get_engine_caches_per_url_until_disposed(tmp_path) -> None:
    a, b = f"sqlite:///{tmp_path / 'a.db'}", f"sqlite:///{tmp_path / 'b.db'}"
    first = get_engine(a)
    assert get_engine(a) is first
    assert get_engine(b) is not first
    dispose_engines()
    assert get_engine(a) is not first
