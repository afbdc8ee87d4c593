"""Fast bulk writes of polars frames into the database, in one transaction, and demo seeding.

SQLite: ``executemany`` of bound tuples on the pysqlite connection of SQLAlchemy's transaction
(dates as ISO text, booleans as 0/1, timestamps in SQLAlchemy's own SQLite format). PostgreSQL:
``COPY ... FROM STDIN (FORMAT csv)`` on the psycopg connection of the same transaction, then every
``id`` sequence is moved past the largest id written. Big frames are loaded with the table's
secondary indexes (and PostgreSQL foreign keys) dropped and rebuilt afterwards, still inside the
transaction. Table and column names come from the SQLAlchemy ``Table`` objects and are quoted by
the dialect; values are never formatted into SQL.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, nullcontext

import polars as pl
from sqlalchemy import Connection, Engine, Table, insert, inspect, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.schema import AddConstraint, CreateIndex, DropConstraint, DropIndex

from data_access.demo import generate
from data_access.models import AuditEntry, Base, Project
from data_access.stale import mark_stale

Progress = Callable[[str, int, int], None]
CHUNK_ROWS = 50_000
BIG_LOAD_ROWS = 100_000
_SQLITE_DATETIME = "%Y-%m-%d %H:%M:%S%.6f"  # what SQLAlchemy's SQLite DateTime stores and parses
_PG_DATETIME = "%Y-%m-%d %H:%M:%S%.6f%:z"


def insert_frames(engine: Engine, data: Mapping[str, pl.DataFrame], *,
                  progress: Progress | None = None) -> dict[str, int]:
    """Insert every frame (table name -> rows) in the mapping's order, all or nothing.

    Frames must use the tables' column names (a subset is fine: the rest take their defaults).
    ``progress(table, rows_done, rows_total)`` is called after every chunk. Returns rows per table.
    """
    tables = _check(data)
    with engine.begin() as conn:
        return _insert_all(conn, data, tables, progress)


def insert_frames_on(conn: Connection, data: Mapping[str, pl.DataFrame]) -> dict[str, int]:
    """:func:`insert_frames` inside the caller's transaction ``conn`` (it commits or not)."""
    return _insert_all(conn, data, _check(data), None)


def is_empty(engine: Engine) -> bool:
    """True when the database holds no project yet."""
    with engine.connect() as conn:
        return conn.execute(select(Project.id).limit(1)).first() is None


def seed_database(engine: Engine, *, scale: str = "demo", seed: int = 42,
                  today: dt.date | None = None, progress: Progress | None = None) -> dict[str, int]:
    """Generate the demo portfolio of ``scale``; write it and one audit entry in one transaction.

    Raises ValueError when the database already holds projects (seeding never mixes with real
    data). Returns rows per table.
    """
    if not is_empty(engine):
        raise _not_empty()
    data = generate(scale, seed, today)
    tables = _check(data)
    with engine.begin() as conn:
        if conn.execute(select(Project.id).limit(1)).first() is not None:
            raise _not_empty()
        counts = _insert_all(conn, data, tables, progress)
        mark_stale(conn, None)  # the KPI store: every project is new
        day = data.today.isoformat()
        conn.execute(insert(AuditEntry.__table__).values(
            actor="system", action="seed", entity="database",
            after={"scale": data.scale, "seed": seed, "today": day, "counts": counts},
            detail=f"seeded demo data: scale {data.scale}, seed {seed}, today {day}, "
                   f"{sum(counts.values()):,} rows; {json.dumps(counts)}",
        ))
    return counts


def _not_empty() -> ValueError:
    return ValueError("the database already holds projects: demo data is only seeded into an empty "
                      "database (start from a fresh database, or skip seeding)")


def _check(data: Mapping[str, pl.DataFrame]) -> dict[str, Table]:
    """The Table of every frame; a clear error for an unknown table or column."""
    tables: dict[str, Table] = {}
    for name, frame in data.items():
        table = Base.metadata.tables.get(name)
        if table is None:
            known = ", ".join(sorted(Base.metadata.tables))
            raise ValueError(f"unknown table {name!r}; known tables: {known}")
        unknown = [c for c in frame.columns if c not in table.c]
        if unknown:
            raise ValueError(f"table {name!r} has no column(s) {', '.join(map(repr, unknown))}")
        tables[name] = table
    return tables


def _insert_all(conn: Connection, data: Mapping[str, pl.DataFrame], tables: dict[str, Table],
                progress: Progress | None) -> dict[str, int]:
    postgres = conn.dialect.name == "postgresql"
    write = _copy_postgres if postgres else _executemany
    counts: dict[str, int] = {}
    with nullcontext() if postgres else _sqlite_big_cache(conn):
        for name, frame in data.items():
            if frame.height:
                table = tables[name]
                with _deferred_checks(conn, table, frame.height), _as_sqlalchemy_error(conn, name):
                    write(conn, table, frame, progress)
            elif progress:
                progress(name, 0, 0)
            counts[name] = frame.height
    if postgres:
        for name in data:
            _after_copy(conn, tables[name])
    return counts


@contextmanager
def _as_sqlalchemy_error(conn: Connection, table: str) -> Iterator[None]:
    """Raw driver errors (raised below SQLAlchemy) become the usual sqlalchemy.exc classes."""
    dbapi_error = conn.dialect.loaded_dbapi.Error
    try:
        yield
    except dbapi_error as err:
        raise DBAPIError.instance(f"bulk insert into {table}", None, err, dbapi_error) from err


@contextmanager
def _deferred_checks(conn: Connection, table: Table, rows: int) -> Iterator[None]:
    """For a big load: drop the table's secondary indexes (and, on PostgreSQL, its foreign keys),
    load, then create them again in the same transaction, which checks every row at once.

    Building an index once is several times faster than maintaining it row by row, and a
    PostgreSQL foreign key validated in one pass is far faster than one trigger per row. Only
    objects that both the models and the database know under the same name are touched.
    """
    if rows < BIG_LOAD_ROWS:
        yield
        return
    found = inspect(conn)
    present = {ix["name"] for ix in found.get_indexes(table.name)}
    indexes = [ix for ix in table.indexes if ix.name in present]
    fks: list = []
    if conn.dialect.name == "postgresql":
        named = {fk["name"] for fk in found.get_foreign_keys(table.name)}
        fks = [fk for fk in table.foreign_key_constraints
               if conn.dialect.identifier_preparer.format_constraint(fk) in named]
    for fk in fks:
        conn.execute(DropConstraint(fk))
    for ix in indexes:
        conn.execute(DropIndex(ix))
    yield
    for ix in indexes:
        conn.execute(CreateIndex(ix))
    for fk in fks:
        conn.execute(AddConstraint(fk))


def _quoted(conn: Connection, table: Table, columns: list[str]) -> tuple[str, str]:
    q = conn.dialect.identifier_preparer
    return q.format_table(table), ", ".join(q.quote(c) for c in columns)


def _sqlite_ready(frame: pl.DataFrame) -> pl.DataFrame:
    """Values as SQLAlchemy itself would store them: ISO dates and timestamps, 0/1 booleans."""
    exprs = []
    for name, dtype in frame.schema.items():
        col = pl.col(name)
        if dtype == pl.Date:
            col = col.dt.strftime("%Y-%m-%d")
        elif isinstance(dtype, pl.Datetime):
            if dtype.time_zone is not None:
                col = col.dt.convert_time_zone("UTC")
            col = col.dt.strftime(_SQLITE_DATETIME)
        elif dtype == pl.Boolean:
            col = col.cast(pl.Int8)
        exprs.append(col)
    return frame.select(exprs)


def _executemany(conn: Connection, table: Table, frame: pl.DataFrame,
                 progress: Progress | None) -> None:
    name, columns = _quoted(conn, table, frame.columns)
    marks = ", ".join("?" for _ in frame.columns)
    sql = f"INSERT INTO {name} ({columns}) VALUES ({marks})"  # identifiers only; values are bound
    ready = _sqlite_ready(frame)
    cursor = conn.connection.driver_connection.cursor()  # pysqlite, inside SQLAlchemy's transaction
    try:
        for offset in range(0, ready.height, CHUNK_ROWS):
            chunk = ready.slice(offset, CHUNK_ROWS)
            cursor.executemany(sql, chunk.rows())
            if progress:
                progress(table.name, offset + chunk.height, ready.height)
    finally:
        cursor.close()


@contextmanager
def _sqlite_big_cache(conn: Connection) -> Iterator[None]:
    """A 256 MiB page cache while loading (index pages stay in memory), restored afterwards."""
    raw = conn.connection.driver_connection
    before = raw.execute("PRAGMA cache_size").fetchone()[0]
    raw.execute("PRAGMA cache_size=-262144")
    try:
        yield
    finally:
        raw.execute(f"PRAGMA cache_size={int(before)}")


def _copy_postgres(conn: Connection, table: Table, frame: pl.DataFrame,
                   progress: Progress | None) -> None:
    name, columns = _quoted(conn, table, frame.columns)
    ready = frame.with_columns(
        pl.col(c).dt.convert_time_zone("UTC") for c, t in frame.schema.items()
        if isinstance(t, pl.Datetime) and t.time_zone is not None)
    raw = conn.connection.driver_connection  # psycopg, inside the transaction SQLAlchemy began
    with raw.cursor() as cur, cur.copy(f"COPY {name} ({columns}) FROM STDIN (FORMAT csv)") as copy:
        for offset in range(0, ready.height, CHUNK_ROWS):
            chunk = ready.slice(offset, CHUNK_ROWS)
            copy.write(chunk.write_csv(include_header=False, date_format="%Y-%m-%d",
                                       datetime_format=_PG_DATETIME, null_value=""))
            if progress:
                progress(table.name, offset + chunk.height, ready.height)


def _after_copy(conn: Connection, table: Table) -> None:
    """Move the id sequence past the ids written, and refresh the planner's statistics."""
    name, _ = _quoted(conn, table, [])
    if "id" in table.c:
        conn.execute(text(f"SELECT setval(pg_get_serial_sequence(:table, 'id'), "
                          f"COALESCE((SELECT MAX(id) FROM {name}), 0) + 1, false)"),
                     {"table": name})
    conn.exec_driver_sql(f"ANALYZE {name}")
