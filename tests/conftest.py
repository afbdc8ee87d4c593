"""Suite-wide fixtures: settings isolation, a PostgreSQL server, fresh databases on both engines.

Database fixtures (each test gets its own database, dropped afterwards):

- ``backend``: "sqlite" or "postgresql" (parametrises every test that needs a database).
- ``db_url``: a fresh, EMPTY database of ``backend`` (no tables).
- ``engine``: a fresh MIGRATED database of ``backend`` (a clone of one migrated by
  ``data_access.migrate.upgrade`` once per session), disposed after the test.
- ``sqlite_engine`` / ``pg_engine``: the same, for one engine only.
- ``session``: an ORM session on ``engine``.
- ``postgres_url``: the server (``PMO_TEST_POSTGRES_URL`` or a throwaway one per xdist worker).
"""

from __future__ import annotations

import atexit
import os
import sqlite3
import sys
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

if str(Path(__file__).resolve().parent) not in sys.path:  # `support` in any import mode
    sys.path.append(str(Path(__file__).resolve().parent))

from data_access.engine import create_pmo_engine, dispose_engines  # noqa: E402
from data_access.migrate import upgrade  # noqa: E402
from data_access.settings import get_settings  # noqa: E402
from support.pg_databases import database_url as _pg_database_url  # noqa: E402
from support.pg_databases import drop_database as _drop_pg_database  # noqa: E402
from support.pg_databases import new_database as _new_pg_database  # noqa: E402
from support.postgres import PostgresServer, PostgresUnavailable  # noqa: E402

def pytest_configure(config: pytest.Config) -> None:
    """One "today" for the whole run (``PMO_TODAY``, unless already set): a run that crosses
    midnight compares the app's figures with expectations for the same day. Set before the
    xdist workers and the served apps start, so that they inherit it."""
    os.environ.setdefault("PMO_TODAY", date.today().isoformat())


BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
]


@pytest.fixture(autouse=True)
def _isolated_settings(monkeypatch: pytest.MonkeyPatch,
                       tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """No cached settings or pooled engines cross from one test to the next, and a test that
    forgets to configure a database never touches the developer's ``data/pmo.db``."""
    unconfigured = tmp_path_factory.getbasetemp() / f"unconfigured-{uuid.uuid4().hex}" / "pmo.db"
    monkeypatch.setenv("PMO_DATABASE_URL", f"sqlite:///{unconfigured}")
    monkeypatch.delenv("PMO_READER", raising=False)
    get_settings.cache_clear()
    dispose_engines()
    yield
    dispose_engines()
    get_settings.cache_clear()


# --------------------------------------------------------------------------- PostgreSQL server


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """URL of a PostgreSQL server the tests may create databases on (superuser, trust auth)."""
    external = os.environ.get("PMO_TEST_POSTGRES_URL")
    if external:
        yield external
        return
    try:
        server, problem = PostgresServer.start(), None
    except PostgresUnavailable as exc:
        server, problem = None, str(exc)
    if server is None:  # fail, never skip: a database test skipped in CI is a defect
        ci = " (CI is set: refusing to skip)" if os.environ.get("CI") else ""
        pytest.fail(f"PostgreSQL is required by the data-access tests{ci}.\n{problem}",
                    pytrace=False)
    atexit.register(server.stop)  # also on an interrupted session; stop() is idempotent
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture(scope="session")
def _pg_admin(postgres_url: str) -> Iterator[Engine]:
    url = make_url(postgres_url).set(drivername="postgresql+psycopg")
    admin = create_engine(url, isolation_level="AUTOCOMMIT", pool_size=1)
    yield admin
    admin.dispose()


@pytest.fixture(scope="session")
def _pg_template(_pg_admin: Engine, postgres_url: str) -> Iterator[str]:
    """A database migrated once per session; every ``engine`` test gets a copy of it."""
    name = _new_pg_database(_pg_admin)
    engine = create_pmo_engine(_pg_database_url(postgres_url, name))
    try:
        upgrade(engine)
    finally:
        engine.dispose()  # CREATE DATABASE ... TEMPLATE needs the template to have no session
    yield name
    _drop_pg_database(_pg_admin, name)


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    engine = create_pmo_engine(f"sqlite:///{path}")
    try:
        upgrade(engine)
    finally:
        engine.dispose()
    return path


def _clone_sqlite(template: Path, target: Path) -> None:
    """Copy through SQLite's backup API (consistent even if a WAL were left behind)."""
    src, dst = sqlite3.connect(template), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


# --------------------------------------------------------------------------- fresh databases


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def db_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """URL of a fresh, empty database on ``backend`` (dropped after the test)."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    admin = request.getfixturevalue("_pg_admin")
    name = _new_pg_database(admin)
    yield _pg_database_url(request.getfixturevalue("postgres_url"), name)
    dispose_engines()
    _drop_pg_database(admin, name)


def _migrated_sqlite(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    path = tmp_path / "pmo.db"
    _clone_sqlite(request.getfixturevalue("_sqlite_template"), path)
    engine = create_pmo_engine(f"sqlite:///{path}")
    yield engine
    engine.dispose()


def _migrated_pg(request: pytest.FixtureRequest) -> Iterator[Engine]:
    admin = request.getfixturevalue("_pg_admin")
    name = _new_pg_database(admin, template=request.getfixturevalue("_pg_template"))
    engine = create_pmo_engine(_pg_database_url(request.getfixturevalue("postgres_url"), name))
    try:
        yield engine
    finally:
        engine.dispose()
        dispose_engines()
        _drop_pg_database(admin, name)


@pytest.fixture
def engine(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A fresh migrated database on ``backend`` (data_access.engine.create_pmo_engine)."""
    if backend == "sqlite":
        yield from _migrated_sqlite(request, tmp_path)
    else:
        yield from _migrated_pg(request)


@pytest.fixture
def sqlite_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    yield from _migrated_sqlite(request, tmp_path)


@pytest.fixture
def pg_engine(request: pytest.FixtureRequest) -> Iterator[Engine]:
    yield from _migrated_pg(request)


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """An ORM session on ``engine``; the test commits what it wants to keep."""
    with Session(engine, expire_on_commit=False) as s:
        yield s
