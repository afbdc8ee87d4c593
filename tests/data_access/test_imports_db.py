"""Importing into the database (SQLite and PostgreSQL): the dry-run diff, idempotent re-import,
references and keys checked against the data, all-or-nothing writes and the audit record."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from data_access.imports import ImportRejected, dry_run, import_batch, read_file
from data_access.imports import apply as apply_module
from data_access.models import AuditEntry, Base, Milestone, Person, Project
from data_access.scope import SYSTEM, Scope
from fixtures.imports.files import csv_bytes, row, table
from fixtures.imports.seeded import demo, seeded_pg, seeded_sqlite  # noqa: F401  (fixtures)

D = dt.date


def dump(engine) -> dict[str, list[tuple]]:
    """Every row of every table, in primary-key order: the database's data, for comparison."""
    out = {}
    with engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            order = list(table.primary_key.columns) or list(table.c)
            out[table.name] = [tuple(r) for r in conn.execute(select(table).order_by(*order))]
    return out


def batch_of(kind: str, *rows: dict, name: str | None = None):
    return read_file(csv_bytes(table(rows)), name or f"{kind}.csv", kind=kind)


def project(engine, code: str) -> dict:
    with engine.connect() as conn:
        return dict(conn.execute(select(Project.__table__).where(Project.code == code))
                    .mappings().one())


def imports_audited(engine) -> list[dict]:
    with engine.connect() as conn:
        rows = conn.execute(select(AuditEntry.actor, AuditEntry.after)
                            .where(AuditEntry.action == "import.batch")
                            .order_by(AuditEntry.id)).all()
    return [{"actor": a, **after} for a, after in rows]


def test_projects_created_updated_then_unchanged_on_reimport(demo):
    data = csv_bytes(table([
        row("projects", forecast_start=None, forecast_end=None, bac="1,234,567.89"),
        row("projects", key="prj-00001 ", code="PRJ-00001", name="Network rollout, phase 2",
            department_code="it", manager="Nadia Martin", mandatory="yes"),
    ]))
    batch = read_file(data, "projects.csv")
    before = dump(demo)
    plan = dry_run(demo, batch, SYSTEM)
    assert dump(demo) == before                                # a dry run writes nothing
    assert plan.ok and plan.counts() == {"projects": {"create": 1, "update": 1, "unchanged": 0,
                                                      "reject": 0}}
    update = next(o for o in plan.outcomes if o.action == "update")
    assert update.row == 3 and update.changes["name"][1] == "Network rollout, phase 2"

    import_batch(demo, batch, "pmo", SYSTEM)
    new = project(demo, "IMP-001")
    assert (new["external_key"], new["bac"], new["department_id"], new["manager_id"]) == \
        ("IMP-001", 1_234_567.89, 1, 1)
    assert (new["forecast_start"], new["forecast_end"]) == (D(2026, 1, 5), D(2026, 12, 18))
    assert (new["strategic_fit"], new["urgency"], new["compliance"], new["version"]) == (3, 3, 1, 1)
    old = project(demo, "PRJ-00001")
    assert (old["name"], old["manager_id"], old["mandatory"], old["version"]) == \
        ("Network rollout, phase 2", 1, True, 2)

    middle = dump(demo)
    again = import_batch(demo, read_file(data, "projects.csv"), "pmo", SYSTEM)
    assert again.counts() == {"projects": {"create": 0, "update": 0, "unchanged": 2, "reject": 0}}
    after = dump(demo)
    assert {k: v for k, v in after.items() if k != "audit_log"} == \
        {k: v for k, v in middle.items() if k != "audit_log"}
    audited = imports_audited(demo)
    assert [a["counts"]["projects"] for a in audited] == [
        {"create": 1, "update": 1, "unchanged": 0, "reject": 0},
        {"create": 0, "update": 0, "unchanged": 2, "reject": 0}]
    assert audited[0]["actor"] == "pmo" and audited[0]["file"] == "projects.csv"
    assert audited[0]["sha256"] == batch.sha256 and len(batch.sha256) == 64


def test_absent_columns_keep_their_values(demo):
    data = [["key", "code", "name", "department_code", "methodology", "phase", "status",
             "baseline_start", "baseline_end"]]
    p = project(demo, "PRJ-00002")
    data.append([p["external_key"], p["code"], "Renamed", _dept_code(demo, p),
                 p["methodology"], p["phase"], p["status"], p["baseline_start"].isoformat(),
                 p["baseline_end"].isoformat()])
    plan = import_batch(demo, read_file(csv_bytes(data), "p.csv"), "pmo", SYSTEM)
    assert [set(o.changes) for o in plan.outcomes] == [{"name"}]
    after = project(demo, "PRJ-00002")
    assert (after["name"], after["bac"], after["forecast_end"]) == \
        ("Renamed", p["bac"], p["forecast_end"])


def _dept_code(engine, p: dict) -> str:
    from data_access.models import Department

    with engine.connect() as conn:
        return conn.execute(select(Department.code)
                            .where(Department.id == p["department_id"])).scalar()


@pytest.mark.parametrize(("kind", "rows", "expected"), [
    ("projects", [row("projects", department_code="ZZ")],
     (2, "department_code", "ZZ", "unknown_department")),
    ("projects", [row("projects", manager="Nobody Here")],
     (2, "manager", "Nobody Here", "unknown_person")),
    ("projects", [row("projects"), row("projects", key=" imp-001", code="IMP-002")],
     (3, "key", "imp-001", "duplicate_key")),
    ("projects", [row("projects", key="IMP-9", code="prj-00003")],
     (2, "code", "prj-00003", "code_taken")),
    ("milestones", [row("milestones", project="PRJ-99999")],
     (2, "project", "PRJ-99999", "unknown_project")),
    ("milestones", [row("milestones", project="PRJ-00002", key="MS-0000001")],
     (2, "key", "MS-0000001", "key_taken")),
    ("costs", [row("costs"), row("costs", project="prj-00001", month="2030-01-15")],
     (3, "month", "prj-00001 2030-01-01", "duplicate_key")),
    ("assignments", [row("assignments", person="PER-999999")],
     (2, "person", "PER-999999", "unknown_person")),
    ("status_reports", [row("status_reports", period="2023-04-01")],
     (2, "period", "2023-04-01", "locked")),
    ("dependencies", [row("dependencies", predecessor="PRJ-00040", successor="PRJ-00031")],
     (2, "successor", "PRJ-00031", "circular_dependency")),
])
def test_rules_that_need_the_database(demo, kind, rows, expected):
    batch = batch_of(kind, *rows)
    assert [p.line() for p in batch.problems if p.is_error] == []
    before = dump(demo)
    plan = dry_run(demo, batch, SYSTEM)
    assert [(p.row, p.column, p.value, p.rule) for p in plan.errors] == [expected]
    assert plan.counts()[kind]["reject"] == 1
    with pytest.raises(ImportRejected, match="nothing was imported"):
        import_batch(demo, batch, "pmo", SYSTEM)
    assert dump(demo) == before                        # byte for byte, audit log included


def test_a_cycle_is_named(demo):
    plan = dry_run(demo, batch_of("dependencies", row("dependencies", predecessor="PRJ-00040",
                                                      successor="PRJ-00031")), SYSTEM)
    assert plan.errors[0].message == "circular dependency: PRJ-00040 -> PRJ-00031 -> PRJ-00040"


def test_a_failed_import_leaves_every_table_unchanged(demo):
    good = row("projects")
    bad = row("projects", key="IMP-002", code="IMP-002", baseline_end="03/04/2026")
    batch = batch_of("projects", good, bad)
    before = dump(demo)
    with pytest.raises(ImportRejected) as err:
        import_batch(demo, batch, "pmo", SYSTEM)
    assert err.value.plan.counts() == {"projects": {"create": 1, "update": 0, "unchanged": 0,
                                                    "reject": 1}}
    assert dump(demo) == before


def test_a_failure_while_writing_rolls_everything_back(demo, monkeypatch):
    real = apply_module._write

    def write_then_fail(conn, writes, progress):
        real(conn, writes, progress)
        raise RuntimeError("disk full")

    monkeypatch.setattr(apply_module, "_write", write_then_fail)
    before = dump(demo)
    with pytest.raises(RuntimeError, match="disk full"):
        import_batch(demo, batch_of("projects", row("projects")), "pmo", SYSTEM)
    assert dump(demo) == before


def test_a_scoped_pmo_imports_only_into_their_departments(demo):
    scoped = Scope(username="pmo2", role="pmo", department_ids=frozenset({6}))
    plan = dry_run(demo, batch_of("costs", row("costs", project="PRJ-00001"),
                                  row("costs", project="PRJ-00002")), scoped)
    assert [(p.row, p.rule) for p in plan.errors] == [(2, "unknown_project")]
    plan = dry_run(demo, batch_of("projects", row("projects")), scoped)
    assert [(p.row, p.rule) for p in plan.errors] == [(2, "outside_scope")]


KIND_ROWS = {
    "milestones": [row("milestones"), row("milestones", key="IMP-MS-2", kind=None, gate_type=None,
                                          name="Pilot live", baseline_date="2026-05-29",
                                          forecast_date=None)],
    "costs": [row("costs"), row("costs", month="2030-02", planned="1 000", actual="950.5")],
    "progress": [row("progress")],
    "assignments": [row("assignments"), row("assignments", person="PER-000001", role="")],
    "risks": [row("risks"), row("risks", key="IMP-R-2", status=None, probability="5")],
    "status_reports": [row("status_reports")],
    "dependencies": [row("dependencies")],
}


@pytest.mark.parametrize("kind", list(KIND_ROWS))
def test_every_template_imports_then_reimports_unchanged(demo, kind):
    rows = KIND_ROWS[kind]
    first = import_batch(demo, batch_of(kind, *rows), "pmo", SYSTEM)
    assert first.counts()[kind] == {"create": len(rows), "update": 0, "unchanged": 0, "reject": 0}
    before = dump(demo)
    second = dry_run(demo, batch_of(kind, *rows), SYSTEM)
    assert second.counts()[kind] == {"create": 0, "update": 0, "unchanged": len(rows),
                                     "reject": 0}
    assert dump(demo) == before


def test_defaults_of_new_records(demo):
    import_batch(demo, batch_of("milestones", *KIND_ROWS["milestones"]), "pmo", SYSTEM)
    import_batch(demo, batch_of("assignments", *KIND_ROWS["assignments"]), "pmo", SYSTEM)
    with demo.connect() as conn:
        ms = conn.execute(select(Milestone.kind, Milestone.gate_type, Milestone.forecast_date,
                                 Milestone.validation_state)
                          .where(Milestone.external_key == "IMP-MS-2")).one()
        role = conn.execute(select(Person.role).where(Person.external_key == "PER-000001")).scalar()
        from data_access.models import Assignment

        staffed = conn.execute(select(Assignment.role, Assignment.hours)
                               .where(Assignment.person_id == 1,
                                      Assignment.month == D(2030, 1, 1))).one()
    assert tuple(ms) == ("milestone", None, D(2026, 5, 29), "pending")
    assert tuple(staffed) == (role, 60.0) and role == "Project Manager"


def test_an_update_changes_only_what_differs(demo):
    import_batch(demo, batch_of("costs", row("costs")), "pmo", SYSTEM)
    plan = import_batch(demo, batch_of("costs", row("costs", planned="90000", actual="12")),
                        "pmo", SYSTEM)
    (outcome,) = plan.outcomes
    assert (outcome.action, outcome.changes) == ("update", {"planned": (85000.0, 90000.0),
                                                            "actual": (None, 12.0)})
