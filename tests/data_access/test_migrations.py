"""Migrations: they build exactly the models' schema, are idempotent and atomic, and the
database itself enforces the invariants (append-only audit log, CHECK and UNIQUE constraints)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from unittest import mock

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Column, Engine, MetaData, String, delete, inspect, select, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from data_access.engine import create_pmo_engine
from data_access.migrate import current_revision, head_revision, is_up_to_date, upgrade
from data_access.models import AuditEntry, Base, Threshold
from support.factories import (
    make_cost, make_department, make_milestone, make_person, make_progress, make_project, make_risk,
    make_status_report, make_user,
)


@pytest.fixture
def fresh(db_url: str):
    """An engine on an empty database (not migrated)."""
    engine = create_pmo_engine(db_url)
    yield engine
    engine.dispose()


VERSIONS = Path(__file__).resolve().parents[2] / "data_access" / "migrations" / "versions"


def test_upgrade_creates_every_model_table(fresh: Engine) -> None:
    assert not is_up_to_date(fresh)
    assert current_revision(fresh) is None
    upgrade(fresh)
    tables = set(inspect(fresh).get_table_names())
    assert set(Base.metadata.tables) <= tables
    assert tables - set(Base.metadata.tables) == {"alembic_version"}
    assert is_up_to_date(fresh)
    newest = max(p.name.split("_")[0] for p in VERSIONS.glob("[0-9]*_*.py"))
    assert current_revision(fresh) == head_revision() == newest


def test_upgrade_twice_is_a_no_op(fresh: Engine) -> None:
    upgrade(fresh)
    with Session(fresh) as s:
        before = s.scalars(select(Threshold.metric).order_by(Threshold.metric)).all()
    upgrade(fresh)
    with Session(fresh) as s:
        after = s.scalars(select(Threshold.metric).order_by(Threshold.metric)).all()
    assert before == after
    assert is_up_to_date(fresh)


def test_failed_upgrade_leaves_nothing_behind(fresh: Engine) -> None:
    """The migration is one transaction on both engines (DDL included)."""
    with mock.patch("alembic.op.bulk_insert", side_effect=RuntimeError("boom")), \
            pytest.raises(RuntimeError, match="boom"):
        upgrade(fresh)
    assert inspect(fresh).get_table_names() == []
    upgrade(fresh)
    assert is_up_to_date(fresh)


def test_models_and_migrations_do_not_drift(engine: Engine) -> None:
    """Autogenerate finds nothing to change between the models and the migrated database."""
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_drift_would_be_detected(engine: Engine) -> None:
    """The comparison above is not vacuous: an extra column and a missing table show up."""
    drifted = MetaData(naming_convention=Base.metadata.naming_convention)
    for table in Base.metadata.sorted_tables:
        table.to_metadata(drifted)
    drifted.tables["projects"].append_column(Column("undeclared", String(10)))
    drifted.remove(drifted.tables["lessons"])
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, drifted)
    named = sorted((d[0], d[3].name if d[0] == "add_column" else d[1].name) for d in diff)
    assert named == [("add_column", "undeclared"), ("remove_index", "ix_lessons_external_key"),
                     ("remove_index", "ix_lessons_project_id"), ("remove_table", "lessons")]


def test_default_thresholds_are_present(engine: Engine) -> None:
    with Session(engine) as s:
        rows = {t.metric: (t.amber, t.red, t.higher_is_worse)
                for t in s.scalars(select(Threshold))}
    assert rows == {
        "cpi": (0.95, 0.90, False),
        "spi": (0.95, 0.90, False),
        "eac_overrun": (0.05, 0.10, True),
        "risk_score": (12, 20, True),
        "milestone_slip_days": (15, 45, True),
    }


# --------------------------------------------------------------------------- audit log


def _one_audit_row(engine: Engine) -> int:
    with Session(engine) as s:
        entry = AuditEntry(actor="alice", action="test", detail="original")
        s.add(entry)
        s.commit()
        return entry.id


@pytest.mark.parametrize("statement", [
    pytest.param(lambda i: update(AuditEntry).where(AuditEntry.id == i).values(detail="forged"),
                 id="update"),
    pytest.param(lambda i: delete(AuditEntry).where(AuditEntry.id == i), id="delete"),
])
def test_audit_log_is_append_only(engine: Engine, statement) -> None:
    entry_id = _one_audit_row(engine)
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
        conn.execute(statement(entry_id))
    with engine.connect() as conn:
        assert conn.execute(select(AuditEntry.detail)).scalars().all() == ["original"]


def test_audit_log_cannot_be_truncated_on_postgresql(pg_engine: Engine) -> None:
    _one_audit_row(pg_engine)
    with pytest.raises(DBAPIError, match="append-only"), pg_engine.begin() as conn:
        conn.execute(text("TRUNCATE audit_log"))
    with pg_engine.connect() as conn:
        assert conn.execute(select(AuditEntry.id)).scalars().all() != []


# --------------------------------------------------------------------------- constraints

CONSTRAINT_VIOLATIONS = {
    "risk probability 6": lambda s: make_risk(s, probability=6),
    "risk impact 0": lambda s: make_risk(s, impact=0),
    "negative cost impact": lambda s: make_risk(s, cost_impact=-1.0),
    "unknown risk status": lambda s: make_risk(s, status="forgotten"),
    "negative bac": lambda s: make_project(s, bac=-1.0),
    "baseline end before start": lambda s: make_project(
        s, baseline_start=date(2026, 5, 1), baseline_end=date(2026, 4, 30)),
    "forecast end before start": lambda s: make_project(
        s, forecast_start=date(2026, 5, 1), forecast_end=date(2026, 4, 30)),
    "unknown project status": lambda s: make_project(s, status="zombie"),
    "unknown methodology": lambda s: make_project(s, methodology="scrumfall"),
    "urgency 6": lambda s: make_project(s, urgency=6),
    "self dependency": lambda s: _self_dependency(s),
    "duplicate dependency": lambda s: _duplicate_dependency(s),
    "duplicate (project, month) cost": lambda s: _duplicate_cost(s),
    "negative planned cost": lambda s: make_cost(s, planned=-0.01),
    "progress 101 %": lambda s: make_progress(s, percent_complete=101.0),
    "gate without type": lambda s: make_milestone(s, kind="gate", gate_type=None),
    "unknown RAG": lambda s: make_status_report(s, cost_rag="purple"),
    "unknown role": lambda s: make_user(s, role="admin"),
    "duplicate project code": lambda s: [make_project(s, code="DUP"), make_project(s, code="DUP")],
    "duplicate department code": lambda s: [make_department(s, code="IT"),
                                            make_department(s, code="IT")],
    "negative capacity": lambda s: make_person(s, monthly_capacity_hours=-1.0),
}


def _self_dependency(s: Session):
    from support.factories import make_dependency

    project = make_project(s)
    return make_dependency(s, predecessor=project, successor=project)


def _duplicate_dependency(s: Session):
    from support.factories import make_dependency

    a, b = make_project(s), make_project(s)
    return [make_dependency(s, predecessor=a, successor=b),
            make_dependency(s, predecessor=a, successor=b)]


def _duplicate_cost(s: Session):
    project = make_project(s)
    return [make_cost(s, project=project, month=date(2026, 3, 1)),
            make_cost(s, project=project, month=date(2026, 3, 1))]


@pytest.mark.parametrize("violation", list(CONSTRAINT_VIOLATIONS), ids=list(CONSTRAINT_VIOLATIONS))
def test_database_refuses_invalid_rows(session: Session, violation: str) -> None:
    with pytest.raises(IntegrityError):
        CONSTRAINT_VIOLATIONS[violation](session)


def test_0006_rebuilds_scenarios_with_their_rows_and_autoincrement_on_sqlite(tmp_path) -> None:
    """Existing scenarios keep their ids and contents; the next id follows the highest ever."""
    engine = create_pmo_engine(f"sqlite:///{tmp_path / 'old.db'}")
    try:
        upgrade(engine, "0005")
        with engine.begin() as conn:
            for ident, name in ((1, "kept"), (7, "newest")):
                conn.execute(text(
                    "INSERT INTO scenarios (id, name, parameters, result, is_baseline, created_at,"
                    " version, updated_at) VALUES (:id, :name, '{\"budget\": 1}', '{}', 0,"
                    " '2026-11-01 10:00:00', 1, '2026-11-01 10:00:00')"),
                    {"id": ident, "name": name})
        upgrade(engine)
        with engine.begin() as conn:
            rows = conn.execute(text("SELECT id, name, parameters FROM scenarios ORDER BY id"))
            rows = rows.all()
            ddl = conn.execute(text("SELECT sql FROM sqlite_master WHERE name = 'scenarios'"))
            ddl = ddl.scalar()
            conn.execute(text("DELETE FROM scenarios WHERE id = 7"))
            conn.execute(text(
                "INSERT INTO scenarios (name, parameters, result, is_baseline, created_at, version,"
                " updated_at) VALUES ('next', '{}', '{}', 0, '2026-11-02', 1, '2026-11-02')"))
            new_id = conn.execute(text("SELECT id FROM scenarios WHERE name = 'next'")).scalar()
        assert rows == [(1, "kept", '{"budget": 1}'), (7, "newest", '{"budget": 1}')]
        assert "AUTOINCREMENT" in ddl
        assert new_id == 8                    # not 7, the deleted scenario's id
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()
