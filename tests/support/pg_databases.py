"""Throwaway databases on the suite's PostgreSQL server: create (optionally from a template),
address and drop (shared by tests/conftest.py and the fixtures under tests/fixtures)."""

from __future__ import annotations

import uuid

from sqlalchemy import Engine
from sqlalchemy.engine import make_url


def database_url(postgres_url: str, name: str) -> str:
    return make_url(postgres_url).set(database=name).render_as_string(hide_password=False)


def new_database(admin: Engine, template: str | None = None) -> str:
    name = f"pmo_test_{uuid.uuid4().hex[:16]}"  # unique across xdist workers sharing a server
    with admin.connect() as conn:
        clause = f' TEMPLATE "{template}"' if template else ""
        if template and conn.dialect.server_version_info >= (15,):
            clause += " STRATEGY FILE_COPY"  # copies files, faster than WAL_LOG for small DBs
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"{clause}')
    return name


def drop_database(admin: Engine, name: str) -> None:
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
