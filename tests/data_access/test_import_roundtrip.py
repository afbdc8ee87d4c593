"""Export -> import round trip (SQLite and PostgreSQL): the data exported in the import
templates' columns (template_frames), written as formula-safe CSV and XLSX (data_access.exports)
and imported into a FRESH migrated database, comes back identical, hostile text included; the
same files imported again change nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import typer
from sqlalchemy import Engine, func, insert, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from cli.template_export import register_templates, template_file
from data_access.engine import create_pmo_engine
from data_access.exports import csv_bytes
from data_access.imports import import_batch, read_file
from data_access.imports import values as v
from data_access.imports.existing import TABLES
from data_access.imports.export_templates import template_frames
from data_access.imports.templates import KINDS, TEMPLATES
from data_access.migrate import upgrade
from data_access.models import Department, Objective, Person, Project
from data_access.scope import SYSTEM, Scope
from data_access.settings import get_settings
from fixtures.imports.seeded import demo, seeded_pg, seeded_sqlite  # noqa: F401  (fixtures)
from support.factories import (make_assignment, make_cost, make_department, make_dependency,
                               make_milestone, make_person, make_progress, make_project,
                               make_risk, make_status_report)

D = dt.date
HOSTILE = ['=HYPERLINK("x")', "-5", "+cmd|", "@SUM(1)"]
REFERENCES = (Department.__table__, Objective.__table__, Person.__table__)
NOT_IN_TEMPLATES = {"id", "version", "updated_at", "author_id", "locked"}
"""Columns no template carries (ids, optimistic-lock bookkeeping, the report's author/lock)."""


# --------------------------------------------------------------------------- helpers


@pytest.fixture
def fresh(db_url: str) -> Iterator[Engine]:
    """A second, empty migrated database of the same backend as ``engine`` / ``demo``."""
    target = create_pmo_engine(db_url)
    upgrade(target)
    yield target
    target.dispose()


def copy_references(source: Engine, target: Engine) -> None:
    """Departments, objectives and people (what the templates refer to) copied as they are."""
    with source.connect() as src, target.begin() as dst:
        for table in REFERENCES:
            rows = [dict(r) for r in src.execute(select(table)).mappings()]
            if rows:
                dst.execute(insert(table), rows)


def business_rows(engine: Engine, project_keys: set[str] | None = None) -> dict[str, list]:
    """Every row of every imported table with its ids replaced by external keys (a project by
    its key, a person by key or name, a department by code), sorted: comparable across DBs."""
    with engine.connect() as conn:
        projects = {i: k for i, k in conn.execute(select(Project.id, Project.external_key))}
        people = {i: k or n for i, k, n in conn.execute(
            select(Person.id, Person.external_key, Person.name))}
        departments = dict(conn.execute(select(Department.id, Department.code)).all())
        refs = {"project_id": projects, "predecessor_id": projects, "successor_id": projects,
                "manager_id": people, "person_id": people, "department_id": departments}
        out = {}
        for kind, table in TABLES.items():
            rows = []
            for row in conn.execute(select(table)).mappings():
                item = {c: (refs[c].get(val) if c in refs and val is not None else val)
                        for c, val in row.items() if c not in NOT_IN_TEMPLATES}
                if kind == "projects":
                    item["project_id"] = item["external_key"]
                if project_keys is None or all(item[c] in project_keys for c in
                                               ("project_id", "predecessor_id", "successor_id")
                                               if c in item):
                    rows.append(tuple(sorted(item.items())))
            out[kind] = sorted(rows, key=repr)
    return out


def round_trip(source: Engine, target: Engine, fmt: str, scope: Scope = SYSTEM) -> dict:
    """Export every kind from ``source``, import each file into ``target`` twice; the files,
    and the totals of the first and of the second import per kind."""
    files = {kind: template_file(kind, frame, fmt)
             for kind, frame in template_frames(source, scope).items()}
    first, second = {}, {}
    for kind, data in files.items():           # KINDS order: projects before what needs them
        first[kind] = import_batch(target, read_file(data, f"{kind}.{fmt}", kind=kind), "pmo",
                                   SYSTEM).totals()
    for kind, data in files.items():
        second[kind] = import_batch(target, read_file(data, f"{kind}.{fmt}", kind=kind), "pmo",
                                    SYSTEM).totals()
    return {"files": files, "first": first, "second": second}


def only(action: str, n: int) -> dict[str, int]:
    return {"create": 0, "update": 0, "unchanged": 0, "reject": 0, action: n}


# --------------------------------------------------------------------------- a hostile portfolio


def hostile_portfolio(engine: Engine, *, carriage_return: bool = True) -> dict[str, int]:
    """A small portfolio with formula-like, SQL, HTML, multi-line and Unicode text, every
    optional column both filled and empty; returns the row count per kind.

    ``carriage_return``: a risk's mitigation starts with CR (xlsxwriter stores it as the OOXML
    escape _x000D_, as Excel does; the importer unescapes it)."""
    with Session(engine) as s:
        it = make_department(s, code="IT", name="=IT department")
        ops = make_department(s, code="OPS", name="Operations")
        nadia = make_person(s, name="Nadia Martin", external_key="PER-1", role="Developer",
                            department=it)
        jose = make_person(s, name="José Núñez 🚀", role="@Architect", department=ops)
        p1 = make_project(s, external_key="PRJ-1", code="C-1", name=HOSTILE[0],
                          description="line 1\nline 2\twith a tab", sponsor="+cmd|' /C calc'!A0",
                          department=it, manager=nadia, methodology="hybrid", status="active",
                          actual_start=D(2026, 1, 12), bac=1_234_567.89, mandatory=True,
                          financial_value=0.0, strategic_fit=5, urgency=1, compliance=2,
                          risk_level=4)
        p2 = make_project(s, external_key="-5", code="-5", name=HOSTILE[1],
                          description="\tstarts with a tab", sponsor="'quoted' sponsor",
                          department=ops, manager=jose, methodology="waterfall",
                          phase="closure", status="completed", baseline_start=D(2025, 2, 1),
                          baseline_end=D(2025, 11, 30), forecast_start=D(2025, 2, 10),
                          forecast_end=D(2025, 12, 19), actual_start=D(2025, 2, 10),
                          actual_end=D(2025, 12, 19), bac=0.0)
        p3 = make_project(s, external_key="PRJ-3", code="@3", name=HOSTILE[2],
                          description="Robert'); DROP TABLE projects;--", department=it,
                          manager=None, sponsor=None, phase="idea", status="proposed")
        p4 = make_project(s, external_key="PRJ-4", code="C-4", name=HOSTILE[3],
                          description="<script>alert(1)</script> \u202eevil\u202c", department=ops,
                          manager=nadia, methodology="v_model", phase="framing", status="on_hold")
        make_milestone(s, project=p1, external_key="MS-1", name="=1+1", kind="gate",
                       gate_type="G2_go", baseline_date=D(2026, 3, 31),
                       forecast_date=D(2026, 4, 15), actual_date=D(2026, 4, 20),
                       validation_state="validated")
        make_milestone(s, project=p2, external_key="-MS-2", name="-2 weeks buffer",
                       baseline_date=D(2025, 6, 30), forecast_date=D(2025, 7, 4))
        make_milestone(s, project=p4, external_key="MS-3", name="@go", kind="gate",
                       gate_type="G1_framing", validation_state="waived")
        make_cost(s, project=p1, month=D(2026, 1, 1), planned=85_000.0, actual=79_250.5)
        make_cost(s, project=p1, month=D(2026, 2, 1), planned=0.01, actual=None)
        make_cost(s, project=p2, month=D(2025, 3, 1), planned=1_200_000.0, actual=1_199_999.99)
        make_progress(s, project=p1, as_of=D(2026, 1, 31), percent_complete=42.5)
        make_progress(s, project=p2, as_of=D(2025, 12, 19), percent_complete=100.0)
        make_progress(s, project=p3, as_of=D(2026, 1, 31), percent_complete=0.0)
        make_assignment(s, project=p1, person=nadia, role="Developer", month=D(2026, 1, 1),
                        hours=60.0)
        make_assignment(s, project=p1, person=jose, role="@Architect", month=D(2026, 1, 1),
                        hours=12.25)
        make_assignment(s, project=p1, person=None, role="=Tester", month=D(2026, 2, 1),
                        hours=0.0)
        make_assignment(s, project=p4, person=None, role="Developer", month=D(2026, 2, 1),
                        hours=140.0)
        make_risk(s, project=p1, external_key="RSK-1", title="-5 days of slack left",
                  description="+ supplier\n- budget", category="resource", probability=5,
                  impact=4, cost_impact=150_000.0, owner="=owner()", mitigation="@pair",
                  due_date=D(2026, 5, 31), status="mitigating", identified_on=D(2026, 2, 10))
        make_risk(s, project=p2, external_key="RSK-2", title=HOSTILE[0], category="technical",
                  mitigation="\rstarts with a carriage return" if carriage_return else None,
                  probability=1, impact=1, cost_impact=None, status="closed",
                  identified_on=D(2025, 3, 1), closed_on=D(2025, 9, 1))
        make_status_report(s, project=p1, period=D(2026, 1, 31), reported_on=D(2026, 2, 3),
                           schedule_rag="amber", cost_rag="red", scope_rag="green",
                           quality_rag="green", comment="+3 weeks\nlate: =SUM(A1)",
                           percent_complete=42.5, forecast_end=D(2027, 2, 26), eac=1_300_000.0,
                           locked=False)
        make_status_report(s, project=p2, period=D(2025, 12, 31), reported_on=D(2025, 12, 31),
                           comment=None, percent_complete=None, forecast_end=None, eac=None)
        make_dependency(s, predecessor=p1, successor=p3, kind="start_to_start", lag_days=-3)
        make_dependency(s, predecessor=p2, successor=p1)
        make_dependency(s, predecessor=p4, successor=p3, kind="finish_to_finish", lag_days=10)
        s.commit()
    return {"projects": 4, "milestones": 3, "costs": 3, "progress": 3, "assignments": 4,
            "risks": 2, "status_reports": 2, "dependencies": 3}


# --------------------------------------------------------------------------- tests


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_round_trip_gives_identical_data(engine, fresh, fmt):
    counts = hostile_portfolio(engine)
    copy_references(engine, fresh)
    result = round_trip(engine, fresh, fmt)
    assert result["first"] == {k: only("create", n) for k, n in counts.items()}
    after_first = business_rows(fresh)
    assert after_first == business_rows(engine)
    assert result["second"] == {k: only("unchanged", n) for k, n in counts.items()}
    assert business_rows(fresh) == after_first
    with fresh.connect() as conn:
        names = set(conn.execute(select(Project.name)).scalars())
    assert names == set(HOSTILE)                              # not a quote more, not one less


def test_exported_files_are_neutralised_and_typed(engine):
    hostile_portfolio(engine)
    frames = template_frames(engine, SYSTEM)
    assert {k: list(f.columns) for k, f in frames.items()} == \
        {k: [c.name for c in TEMPLATES[k].columns] for k in KINDS}
    text = csv_bytes(frames["projects"]).decode("utf-8-sig")
    for hostile in HOSTILE:
        assert "'" + hostile.replace('"', '""') in text       # every formula-like name quoted
    deps = frames["dependencies"].sort("predecessor").rows()
    assert deps == [("-5", "PRJ-1", "finish_to_start", 0),    # keys, not ids; a negative lag
                    ("PRJ-1", "PRJ-3", "start_to_start", -3),  # stays a number
                    ("PRJ-4", "PRJ-3", "finish_to_finish", 10)]
    p = frames["projects"].filter(key="PRJ-1").row(0, named=True)
    assert (p["department_code"], p["manager"], p["mandatory"], p["bac"]) == \
        ("IT", "PER-1", "yes", 1_234_567.89)
    assignments = frames["assignments"].sort("hours").rows()
    assert assignments[:2] == [("PRJ-1", None, "=Tester", "2026-02", 0.0),
                               ("PRJ-1", "José Núñez 🚀", "@Architect", "2026-01", 12.25)]


def test_scope_limits_what_is_exported(engine):
    hostile_portfolio(engine)
    with engine.connect() as conn:
        ops = conn.execute(select(Department.id).where(Department.code == "OPS")).scalar_one()
    frames = template_frames(engine, Scope("head", "executive", frozenset({ops})))
    assert sorted(frames["projects"]["key"]) == ["-5", "PRJ-4"]
    assert frames["costs"]["project"].to_list() == ["-5"]
    assert frames["dependencies"].height == 0                 # each crosses to an IT project


def test_demo_portfolio_round_trip_of_one_department(demo, fresh):
    """The seeded demo portfolio as the head of its smallest department sees it, in CSV and
    XLSX (the whole demo takes a minute in XLSX: one department keeps the test short)."""
    with demo.connect() as conn:
        dept = conn.execute(select(Project.department_id).group_by(Project.department_id)
                            .order_by(func.count(), Project.department_id)).scalars().first()
        keys = set(conn.execute(select(Project.external_key)
                                .where(Project.department_id == dept)).scalars())
    scope = Scope("head", "executive", frozenset({dept}))
    copy_references(demo, fresh)
    csv_result = round_trip(demo, fresh, "csv", scope)
    created = {k: t["create"] for k, t in csv_result["first"].items()}
    assert created["projects"] == len(keys) and all(n > 0 for k, n in created.items()
                                                    if k != "dependencies")
    assert business_rows(fresh) == business_rows(demo, keys)
    xlsx_result = round_trip(demo, fresh, "xlsx", scope)      # the XLSX of the same data
    assert xlsx_result["first"] == {k: only("unchanged", n) for k, n in created.items()}
    assert business_rows(fresh) == business_rows(demo, keys)


@pytest.mark.parametrize(("raw", "expected"), [
    ("'=HYPERLINK(\"x\")", '=HYPERLINK("x")'), ("'-5", "-5"), ("'+cmd|", "+cmd|"),
    ("'@SUM(1)", "@SUM(1)"), ("'\t=1", "\t=1"), ("'\r=1", "\r=1"),
    ("'quoted'", "'quoted'"), ("''=1", "''=1"), ("'", "'"), ("it's -5", "it's -5"),
])
def test_neutralising_quote_removed_on_import(raw, expected):
    assert v.unneutralise(raw) == expected
    if "\t" in expected or "\r" in expected:
        assert v.text(raw, 64, multiline=True) == expected
        with pytest.raises(v.CellError):                      # a one-line text keeps refusing
            v.text(raw, 64)                                   # control characters
    else:
        assert v.text(raw, 64) == expected


# --------------------------------------------------------------------------- the CLI


def test_cli_writes_one_file_per_kind(engine, tmp_path, monkeypatch):
    hostile_portfolio(engine)
    monkeypatch.setenv("PMO_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    get_settings.cache_clear()
    app = typer.Typer()
    register_templates(app)
    app.command("noop")(lambda: None)                         # typer: keep the subcommand name
    runner = CliRunner()
    out = tmp_path / "export"
    result = runner.invoke(app, ["templates", "--out", str(out), "--format", "xlsx"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{k}.xlsx" for k in KINDS)
    assert "wrote" in result.output and "projects.xlsx (4 rows)" in result.output
    batch = read_file((out / "projects.xlsx").read_bytes(), "projects.xlsx")
    assert not batch.problems and sorted(r.values["name"] for r in batch.parts[0].records) == \
        sorted(HOSTILE)
    bad = runner.invoke(app, ["templates", "--out", str(out), "--format", "ods"])
    assert bad.exit_code == 1 and "unknown --format 'ods'" in bad.output
    bad = runner.invoke(app, ["templates", "--out", str(out), "--kind", "lessons"])
    assert bad.exit_code == 1 and "unknown --kind 'lessons'" in bad.output
