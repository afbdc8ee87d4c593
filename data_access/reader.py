"""The DB-to-polars path: run SQLAlchemy ``select()`` statements, return typed polars frames.

Strategies (measured at scale M in ``bench/db_read.py``; figures in bench/README.md):

- ``dbapi``: the statement compiled by SQLAlchemy with bound parameters, run on the pooled
  DBAPI connection (sqlite3, psycopg), plain tuples into polars, then one vectorised cast per
  column (SQLite's ISO dates parsed by polars, not row by row in Python). Same driver and
  same SQLite library as every write.
- ``sqlalchemy``: rows through SQLAlchemy's result processing; slowest, kept as the baseline.
- ``adbc``: Arrow-native with bound parameters, PostgreSQL only.
- ``connectorx``: Arrow-native, no parameter binding: a statement reaches it only when every
  parameter is a number, boolean or date rendered by SQLAlchemy's literal compiler. **Never
  used for SQLite by the app**: connectorx links its own copy of SQLite, and two SQLite
  libraries in one process break each other's POSIX locks (sqlite.org, "How To Corrupt An
  SQLite Database File", 2.2.1); we saw ``disk I/O error`` on the app's own connection after a
  connectorx read. It also types NUMERIC columns by their first value. Benchmarks may still
  ask for it explicitly.

``auto`` is ``dbapi`` on SQLite and the measured faster path on PostgreSQL.
:func:`read_frames` reads several statements on ONE connection in one read-only transaction,
so that every frame of a page comes from the same snapshot.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import polars as pl
from sqlalchemy import Connection, Engine
from sqlalchemy.dialects import postgresql
from sqlalchemy.sql import Select

from data_access.settings import get_settings

Schema = Mapping[str, pl.DataType | type[pl.DataType]]
Query = tuple[Select, Schema]
STRATEGIES = ("dbapi", "sqlalchemy", "adbc", "connectorx")
_LITERAL_SAFE = (int, float, bool, dt.date, dt.datetime)
AUTO = {"sqlite": "dbapi", "postgresql": "adbc"}


def read_frame(engine: Engine, stmt: Select, schema: Schema, *, strategy: str | None = None) -> pl.DataFrame:
    """Run ``stmt`` and return its rows as a frame with exactly ``schema`` (names and dtypes)."""
    return read_frames(engine, {"_": (stmt, schema)}, strategy=strategy)["_"]


def read_frames(engine: Engine, queries: Mapping[str, Query], *,
                strategy: str | None = None) -> dict[str, pl.DataFrame]:
    """Run every ``(stmt, schema)`` of ``queries`` on one connection and snapshot."""
    explicit = strategy is not None
    chosen = _choose(engine, strategy or get_settings().reader, explicit=explicit)
    if chosen == "adbc":
        return _adbc_frames(engine, queries)
    out: dict[str, pl.DataFrame] = {}
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn = conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
        with conn.begin():
            for name, (stmt, schema) in queries.items():
                out[name] = _read_one(conn, stmt, schema, chosen)
    return out


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


def _choose(engine: Engine, strategy: str, *, explicit: bool) -> str:
    dialect = engine.dialect.name
    if strategy not in (*STRATEGIES, "auto"):
        raise ValueError(f"unknown reader strategy {strategy!r}: choose auto or one of {', '.join(STRATEGIES)}")
    if strategy == "auto":
        return AUTO.get(dialect, "dbapi")
    if strategy == "adbc" and dialect != "postgresql":
        return "dbapi"
    if strategy == "connectorx" and dialect == "sqlite" and (not explicit or _database_path(engine) is None):
        return "dbapi"  # see the module docstring: never a second SQLite library in the app
    return strategy


def _read_one(conn: Connection, stmt: Select, schema: Schema, strategy: str) -> pl.DataFrame:
    if strategy == "connectorx" and _literal_safe(conn, stmt):
        return conform(_read_connectorx(conn, stmt), schema)
    if strategy == "sqlalchemy":
        rows = conn.execute(stmt).all()
        frame = pl.DataFrame(rows, schema=list(schema), orient="row", infer_schema_length=None)
        return conform(frame, schema) if rows else pl.DataFrame(schema=dict(schema))
    return _read_dbapi(conn, stmt, schema)


def _raw_schema(dialect: str, schema: Schema) -> dict:
    """The dtypes the driver's values arrive in (SQLite: ISO text dates, 0/1 booleans)."""
    if dialect != "sqlite":
        return dict(schema)
    raw = {pl.Date: pl.String, pl.Datetime: pl.String, pl.Boolean: pl.Int64}
    return {name: raw.get(dtype, dtype) for name, dtype in schema.items()}


def _read_dbapi(conn: Connection, stmt: Select, schema: Schema) -> pl.DataFrame:
    compiled = stmt.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    params = compiled.params
    if compiled.positiontup is not None:
        params = tuple(params[name] for name in compiled.positiontup)
    cursor = conn.connection.dbapi_connection.cursor()
    try:
        if conn.dialect.name == "postgresql":
            from psycopg.types.numeric import FloatLoader

            cursor.adapters.register_loader("numeric", FloatLoader)  # money as float64, no Decimal
        cursor.execute(str(compiled), params)
        rows = cursor.fetchall()
    finally:
        cursor.close()
    frame = pl.DataFrame(rows, schema=_raw_schema(conn.dialect.name, schema), orient="row",
                         strict=False)
    return conform(frame, schema)


def _database_path(engine: Engine) -> str | None:
    db = engine.url.database
    return None if not db or db == ":memory:" else db


def _literal_safe(conn: Connection, stmt: Select) -> bool:
    compiled = stmt.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    return all(v is None or isinstance(v, _LITERAL_SAFE) for v in compiled.params.values())


def _read_connectorx(conn: Connection, stmt: Select) -> pl.DataFrame:
    import connectorx as cx

    engine = conn.engine
    if engine.dialect.name == "sqlite":
        uri = f"sqlite://{_database_path(engine)}"
    else:
        uri = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    sql = str(stmt.compile(dialect=engine.dialect,
                           compile_kwargs={"literal_binds": True, "render_postcompile": True}))
    return pl.from_arrow(cx.read_sql(uri, sql, return_type="arrow"))


def _adbc_frames(engine: Engine, queries: Mapping[str, Query]) -> dict[str, pl.DataFrame]:
    import adbc_driver_postgresql.dbapi as adbc

    dialect = postgresql.dialect(paramstyle="numeric_dollar")
    uri = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    out = {}
    with adbc.connect(uri) as conn, conn.cursor() as cur:
        cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        for name, (stmt, schema) in queries.items():
            compiled = stmt.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
            params = [compiled.params[p] for p in (compiled.positiontup or [])]
            cur.execute(str(compiled), params or None)
            out[name] = conform(pl.from_arrow(_without_extension_types(cur.fetch_arrow_table())), schema)
        conn.rollback()
    return out


def _without_extension_types(table):
    """ADBC returns NUMERIC as an opaque extension over its text; keep the plain storage column."""
    import pyarrow as pa

    for i, column in enumerate(table.columns):
        if isinstance(column.type, pa.BaseExtensionType):
            storage = pa.chunked_array([chunk.storage for chunk in column.chunks],
                                       type=column.type.storage_type)
            table = table.set_column(i, table.field(i).name, storage)
    return table
