"""The throwaway PostgreSQL server used by the suite and by .ci/run."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from support import postgres


def test_missing_binaries_give_an_install_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(postgres.shutil, "which", lambda _name: None)
    monkeypatch.setattr(postgres.glob, "glob", lambda _pattern: [])
    with pytest.raises(postgres.PostgresUnavailable, match="apt-get install postgresql"):
        postgres.find_bin_dir()


@pytest.mark.postgres
def test_server_starts_on_loopback_and_is_removed_on_stop() -> None:
    server = postgres.PostgresServer.start()
    try:
        url = make_url(server.url)
        assert (url.host, url.username) == ("127.0.0.1", "postgres")
        engine = create_engine(url.set(drivername="postgresql+psycopg"))
        with engine.connect() as conn:
            assert conn.execute(text("SHOW listen_addresses")).scalar_one() == "127.0.0.1"
            assert conn.execute(text("SHOW fsync")).scalar_one() == "off"
            version = conn.execute(text("SELECT current_setting('server_version_num')::int"))
            assert version.scalar_one() >= 150000
        engine.dispose()
    finally:
        server.stop()
    assert not server.base_dir.exists()
    server.stop()  # idempotent
