"""AppTest fixtures: one seeded demo database per session, pointed at by the environment."""

from __future__ import annotations


import pytest

from data_access.bulk import seed_database
from data_access.demo_accounts import ensure_demo_accounts
from data_access.engine import create_pmo_engine
from data_access.migrate import upgrade
from data_access.settings import today as app_today
from support.apptest import COOKIE_KEY


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> str:
    """A migrated SQLite file holding the seeded demo portfolio and the demo accounts."""
    url = f"sqlite:///{tmp_path_factory.mktemp('pages') / 'demo.db'}"
    engine = create_pmo_engine(url)
    upgrade(engine)
    seed_database(engine, scale="demo", seed=7, today=app_today())
    ensure_demo_accounts(engine)
    engine.dispose()
    return url


@pytest.fixture
def app_env(demo_db, monkeypatch):
    monkeypatch.setenv("PMO_DATABASE_URL", demo_db)
    monkeypatch.setenv("PMO_COOKIE_KEY", COOKIE_KEY)
    return demo_db
