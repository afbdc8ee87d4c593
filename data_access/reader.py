"""The DB-to-polars path: run a SQLAlchemy ``select()`` and return a typed polars frame.

Three strategies, measured in ``bench/db_read.py`` (figures in the README):

- ``sqlalchemy``: rows through SQLAlchemy, then ``pl.DataFrame(..., orient="row")``; every
  value bound. Slowest on large tables, works everywhere.
- ``connectorx``: Arrow-native, reads SQLite and PostgreSQL in Rust. connectorx cannot bind
  parameters, so a statement is sent to it only when every parameter is an int, float, bool
  or date, rendered by SQLAlchemy's own literal compiler (never string formatting); a
  statement with a text parameter falls back to the bound ``sqlalchemy`` path.
- ``adbc``: Arrow-native with bound parameters (PostgreSQL only: the SQLite ADBC driver infers
  column types from the first rows and fails on a column that starts with NULLs).

``auto`` picks the fastest measured safe path per database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import polars as pl
from sqlalchemy import Engine
from sqlalchemy.dialects import postgresql
from sqlalchemy.sql import Select

from data_access.settings import get_settings

Schema = Mapping[str, pl.DataType | type[pl.DataType]]
_LITERAL_SAFE = (int, float, bool, dt.date, dt.datetime)


def read_frame(engine: Engine, stmt: Select, schema: Schema, *, strategy: str | None = None) -> pl.DataFrame:
    """Run ``stmt`` and return its rows as a frame with exactly ``schema`` (names and dtypes)."""
    strategy = _choose(engine, stmt, strategy or get_settings().reader)
    if strategy == "connectorx":
        frame = _read_connectorx(engine, stmt)
    elif strategy == "adbc":
        frame = _read_adbc(engine, stmt)
    else:
        return _read_sqlalchemy(engine, stmt, schema)
    return conform(frame, schema)


def conform(frame: pl.DataFrame, schema: Schema) -> pl.DataFrame:
    """Rename positionally and cast to ``schema``; SQLite's text dates and 0/1 booleans included."""
    frame = frame.rename(dict(zip(frame.columns, schema, strict=True)))
    exprs = []
    for name, dtype in schema.items():
        col = pl.col(name)
        current = frame.schema[name]
        if dtype == pl.Date and current == pl.String:
            col = col.str.to_date("%Y-%m-%d", strict=True)
        elif dtype == pl.Datetime and current == pl.String:
            col = col.str.to_datetime(strict=False)
        elif dtype == pl.Boolean and current != pl.Boolean:
            col = col.cast(pl.Int64) != 0
        exprs.append(col.cast(dtype).alias(name))
    return frame.select(exprs)


def _choose(engine: Engine, stmt: Select, strategy: str) -> str:
    dialect = engine.dialect.name
    if strategy == "auto":
        strategy = "adbc" if dialect == "postgresql" else "connectorx"
    if strategy == "adbc" and dialect != "postgresql":
        strategy = "connectorx"
    if strategy == "connectorx" and not _literal_safe(engine, stmt):
        return "sqlalchemy"
    if strategy == "connectorx" and dialect == "sqlite" and _database_path(engine) is None:
        return "sqlalchemy"  # in-memory SQLite is private to its connection
    return strategy


def _literal_safe(engine: Engine, stmt: Select) -> bool:
    compiled = stmt.compile(dialect=engine.dialect, compile_kwargs={"render_postcompile": True})
    return all(v is None or isinstance(v, _LITERAL_SAFE) for v in compiled.params.values())


def _read_sqlalchemy(engine: Engine, stmt: Select, schema: Schema) -> pl.DataFrame:
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
    frame = pl.DataFrame(rows, schema=list(schema), orient="row", infer_schema_length=None)
    return conform(frame, schema) if rows else pl.DataFrame(schema=dict(schema))


def _database_path(engine: Engine) -> str | None:
    db = engine.url.database
    return None if not db or db == ":memory:" else db


def _cx_uri(engine: Engine) -> str:
    if engine.dialect.name == "sqlite":
        return f"sqlite://{_database_path(engine)}"
    url = engine.url.set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def _read_connectorx(engine: Engine, stmt: Select) -> pl.DataFrame:
    import connectorx as cx

    sql = str(stmt.compile(dialect=engine.dialect,
                           compile_kwargs={"literal_binds": True, "render_postcompile": True}))
    return pl.from_arrow(cx.read_sql(_cx_uri(engine), sql, return_type="arrow"))


def _read_adbc(engine: Engine, stmt: Select) -> pl.DataFrame:
    import adbc_driver_postgresql.dbapi as adbc

    dialect = postgresql.dialect(paramstyle="numeric_dollar")
    compiled = stmt.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
    params = [compiled.params[name] for name in (compiled.positiontup or [])]
    uri = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    with adbc.connect(uri) as conn, conn.cursor() as cur:
        cur.execute(str(compiled), params or None)
        table = cur.fetch_arrow_table()
    return pl.from_arrow(table)
