"""KPI snapshots in the database, on SQLite and PostgreSQL: idempotent per date in one audited
transaction, read back typed and filtered by scope."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from analytics.snapshots import SNAPSHOT_SCHEMA
from data_access.models import AuditEntry
from data_access.scope import Scope
from data_access.snapshots import SNAPSHOTS, read_snapshots, snapshot_dates, take_snapshot
from support.dataset import build_small_portfolio

D1, D2 = date(2026, 10, 1), date(2026, 11, 1)


def row(grain: str, key: str, **values) -> dict:
    return {c: None for c in SNAPSHOT_SCHEMA} | {"grain": grain, "key": key, "name": key} | values


def rows_for(portfolio, cpi: float = 0.9) -> pl.DataFrame:
    d, p = portfolio.departments, portfolio.projects
    return pl.DataFrame([
        row("portfolio", "portfolio", projects=4, bac=3700.75, cpi=cpi, red_projects=1),
        row("department", "IT", department_id=d["IT"], projects=2, bac=3000.5, cpi=cpi),
        row("department", "FIN", department_id=d["FIN"], projects=2, bac=700.25),
        *(row("project", code, department_id=d[code.split("-")[1]], project_id=pid, projects=1,
              cpi=cpi, spi_t=0.8, overall_rag="amber", risk_exposure=4000.0, open_risks=1)
          for code, pid in sorted(p.items())),
    ], schema=SNAPSHOT_SCHEMA)


@pytest.fixture
def portfolio(engine: Engine):
    return build_small_portfolio(engine)


EVERYONE = Scope(username="pmo", role="pmo")


def test_take_and_read_back_typed(engine, portfolio):
    counts = take_snapshot(engine, rows_for(portfolio), as_of=D1, actor="cron")
    assert counts == {"rows": 7, "replaced": 0}
    got = read_snapshots(engine, EVERYONE)
    assert dict(got.schema) == SNAPSHOTS
    assert got.select("grain", "key").rows() == [
        ("department", "FIN"), ("department", "IT"), ("portfolio", "portfolio"),
        ("project", "P-FIN-1"), ("project", "P-FIN-2"), ("project", "P-IT-1"),
        ("project", "P-IT-2")]
    total = got.filter(pl.col("grain") == "portfolio").row(0, named=True)
    assert (total["as_of"], total["bac"], total["cpi"], total["red_projects"]) == (D1, 3700.75,
                                                                                  0.9, 1)
    assert total["taken_at"] is not None and got["as_of"].unique().to_list() == [D1]
    it1 = got.filter(pl.col("key") == "P-IT-1").row(0, named=True)
    assert (it1["project_id"], it1["overall_rag"], it1["risk_exposure"], it1["spi_t"]) == (
        portfolio.projects["P-IT-1"], "amber", 4000.0, 0.8)


def test_same_date_twice_replaces_in_one_audited_transaction(engine, portfolio):
    take_snapshot(engine, rows_for(portfolio, cpi=0.5), as_of=D1, actor="cron")
    take_snapshot(engine, rows_for(portfolio, cpi=0.7), as_of=D2, actor="cron")
    again = take_snapshot(engine, rows_for(portfolio, cpi=0.6).head(3), as_of=D1, actor="cron")
    assert again == {"rows": 3, "replaced": 7}
    got = read_snapshots(engine, EVERYONE)
    assert got.filter(pl.col("as_of") == D1).height == 3
    assert got.filter(pl.col("as_of") == D1)["cpi"].drop_nulls().unique().to_list() == [0.6]
    assert got.filter(pl.col("as_of") == D2).height == 7         # the other date untouched
    assert snapshot_dates(engine) == [D1, D2]
    with Session(engine) as s:
        audits = s.execute(select(AuditEntry.actor, AuditEntry.entity_id, AuditEntry.after)
                           .where(AuditEntry.action == "snapshot.take")
                           .order_by(AuditEntry.id)).all()
    assert [(a, e, x["rows"], x["replaced"]) for a, e, x in audits] == [
        ("cron", "2026-10-01", 7, 0), ("cron", "2026-11-01", 7, 0), ("cron", "2026-10-01", 3, 7)]


def test_a_failed_take_leaves_the_previous_snapshot_and_no_audit(engine, portfolio):
    take_snapshot(engine, rows_for(portfolio), as_of=D1, actor="cron")
    before = read_snapshots(engine, EVERYONE)
    broken = pl.concat([rows_for(portfolio, cpi=0.1),
                        pl.DataFrame([row("project", "GHOST", project_id=999_999)],
                                     schema=SNAPSHOT_SCHEMA)])
    with pytest.raises(IntegrityError):                        # unknown project: FK refused
        take_snapshot(engine, broken, as_of=D1, actor="cron")
    assert read_snapshots(engine, EVERYONE).drop("taken_at").equals(before.drop("taken_at"))
    with Session(engine) as s:
        assert len(s.scalars(select(AuditEntry.id)
                             .where(AuditEntry.action == "snapshot.take")).all()) == 1


@pytest.mark.parametrize(("rows", "message"), [
    (lambda p: rows_for(p).drop("cpi"), "snapshot rows lack columns: cpi"),
    (lambda p: rows_for(p).with_columns(pl.lit("team").alias("grain")),
     "unknown snapshot grain\\(s\\): team"),
    (lambda p: pl.concat([rows_for(p), rows_for(p).head(1)]),
     "duplicate snapshot row: portfolio 'portfolio'"),
    (lambda p: rows_for(p).with_columns(pl.lit(None, dtype=pl.String).alias("key")),
     "every snapshot row needs a key"),
])
def test_bad_rows_are_refused_before_any_write(engine, portfolio, rows, message):
    with pytest.raises(ValueError, match=message):
        take_snapshot(engine, rows(portfolio), as_of=D1, actor="cron")
    assert snapshot_dates(engine) == []


def test_nan_and_infinity_are_stored_as_unknown(engine, portfolio):
    frame = rows_for(portfolio).with_columns(
        pl.when(pl.col("grain") == "portfolio").then(float("nan")).otherwise(pl.col("cpi"))
        .alias("cpi"), pl.lit(float("inf")).alias("spi"))
    take_snapshot(engine, frame, as_of=D1, actor="cron")
    got = read_snapshots(engine, EVERYONE)
    assert got.filter(pl.col("grain") == "portfolio")["cpi"].to_list() == [None]
    assert got["spi"].null_count() == got.height


def _keys(engine, scope) -> list[tuple[str, str]]:
    return read_snapshots(engine, scope).select("grain", "key").rows()


def test_scope_decides_which_rows_are_read(engine, portfolio):
    take_snapshot(engine, rows_for(portfolio), as_of=D1, actor="cron")
    it, fin = portfolio.departments["IT"], portfolio.departments["FIN"]
    bob = portfolio.people["Bob"]
    assert len(_keys(engine, Scope(username="exec", role="executive"))) == 7
    assert len(_keys(engine, Scope(username="viewer", role="viewer"))) == 7
    assert _keys(engine, Scope(username="head", role="executive", department_ids=frozenset({it}))) \
        == [("department", "IT"), ("project", "P-IT-1"), ("project", "P-IT-2")]
    assert _keys(engine, Scope(username="pmo", role="pmo", department_ids=frozenset({fin}))) == [
        ("department", "FIN"), ("project", "P-FIN-1"), ("project", "P-FIN-2")]
    # a manager sees the projects they manage, never the portfolio or department totals
    assert _keys(engine, Scope(username="bob", role="manager", person_id=bob)) == [
        ("project", "P-FIN-1"), ("project", "P-IT-2")]
    assert _keys(engine, Scope(username="x", role="manager", person_id=None)) == []


def test_read_filters_by_grain_and_dates(engine, portfolio):
    take_snapshot(engine, rows_for(portfolio), as_of=D1, actor="cron")
    take_snapshot(engine, rows_for(portfolio), as_of=D2, actor="cron")
    got = read_snapshots(engine, EVERYONE, grains=("portfolio",), since=D2)
    assert got.select("as_of", "grain").rows() == [(D2, "portfolio")]
    assert read_snapshots(engine, EVERYONE, until=D1)["as_of"].unique().to_list() == [D1]
    with pytest.raises(ValueError, match="unknown snapshot grain"):
        read_snapshots(engine, EVERYONE, grains=("team",))


def test_a_deleted_project_keeps_its_history_for_unscoped_readers(engine, portfolio):
    take_snapshot(engine, rows_for(portfolio), as_of=D1, actor="cron")
    from sqlalchemy import delete

    from data_access.models import Project

    with engine.begin() as conn:
        conn.execute(delete(Project).where(Project.code == "P-FIN-2"))
    got = read_snapshots(engine, EVERYONE)
    # SET NULL: the row stays (portfolio history is intact) but no scope reaches a project
    # that no longer exists
    assert "P-FIN-2" not in got["key"].to_list()
    assert got.filter(pl.col("grain") == "portfolio").height == 1
