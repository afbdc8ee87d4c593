"""The real Microsoft Project fixture (tests/fixtures/schedules, see its README) imported end to
end through mpxj: dry-run counts, import, re-import unchanged; and the missing-Java message."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select

from data_access.imports import dry_run, import_batch, mpp, read_file
from data_access.models import Assignment, AuditEntry, Milestone, Progress
from data_access.scope import SYSTEM
from fixtures.imports.seeded import demo, seeded_pg, seeded_sqlite  # noqa: F401  (fixtures)

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "schedules" / "software-development.mpp"
D = dt.date
MILESTONES = [  # (task id, name, date) as Microsoft Project shows them
    (6, "Scope complete", D(2016, 9, 16)), (16, "Analysis complete", D(2016, 10, 6)),
    (24, "Design complete", D(2016, 10, 26)), (31, "Development complete", D(2016, 11, 25)),
    (41, "Unit testing complete", D(2016, 12, 16)),
    (47, "Integration testing complete", D(2017, 1, 3)),
    (56, "Training materials complete", D(2016, 12, 29)),
    (66, "Documentation complete", D(2016, 12, 8)), (73, "Pilot complete", D(2017, 1, 12)),
    (80, "Deployment complete", D(2017, 1, 19)),
    (85, "Post implementation review complete", D(2017, 1, 24)),
    (86, "Software development template complete", D(2017, 1, 24)),
]


@pytest.fixture(scope="session")
def schedule():
    """The fixture read once per session (starting the JVM takes seconds)."""
    return read_file(FIXTURE.read_bytes(), FIXTURE.name, project="PRJ-00001")


def part(batch, kind):
    return next(p for p in batch.parts if p.kind == kind).records


def test_the_schedule_maps_into_milestones_progress_and_assignments(schedule):
    assert [p.line() for p in schedule.problems] == []
    assert schedule.kinds == ["milestones", "progress", "assignments"]   # no cost in the file
    ms = part(schedule, "milestones")
    assert [(m.row, m.values["name"], m.values["forecast_date"]) for m in ms] == MILESTONES
    assert {(m.values["kind"], m.values["gate_type"]) for m in ms} == {("milestone", None)}
    assert ms[0].values["key"] == "PRJ-00001/T6"
    (progress,) = part(schedule, "progress")
    assert progress.values == {"project": "PRJ-00001", "as_of": D(2016, 9, 13),  # last saved
                               "percent_complete": 0.0}
    hours = part(schedule, "assignments")
    per_month: dict[dt.date, float] = {}
    for r in hours:
        per_month[r.values["month"]] = per_month.get(r.values["month"], 0) + r.values["hours"]
    # mpxj's timephased work per month; together the 1,532 h of work of the 64 assignments
    assert per_month == {D(2016, 9, 1): 116.0, D(2016, 10, 1): 320.0, D(2016, 11, 1): 540.0,
                         D(2016, 12, 1): 422.0, D(2017, 1, 1): 134.0}
    assert sum(per_month.values()) == 1532.0
    roles = {r.values["role"] for r in hours}
    assert roles == {"Management", "Project Manager", "Analyst", "Developer", "Testers",
                     "Trainers", "Technical Communicators", "Deployment Team"}


def test_the_schedule_imports_end_to_end_then_reimports_unchanged(demo, schedule):
    plan = dry_run(demo, schedule, SYSTEM)
    assert plan.ok, [p.line() for p in plan.errors]
    assert plan.counts() == {
        "assignments": {"create": 20, "update": 0, "unchanged": 0, "reject": 0},
        "milestones": {"create": 12, "update": 0, "unchanged": 0, "reject": 0},
        "progress": {"create": 1, "update": 0, "unchanged": 0, "reject": 0}}
    import_batch(demo, schedule, "pmo", SYSTEM)
    with demo.connect() as conn:
        names = conn.execute(select(Milestone.name)
                             .where(Milestone.external_key.like("PRJ-00001/T%"))
                             .order_by(Milestone.forecast_date, Milestone.id)).scalars().all()
        hours = conn.execute(select(func.sum(Assignment.hours)).where(
            Assignment.project_id == 1, Assignment.month < D(2017, 2, 1),
            Assignment.month >= D(2016, 9, 1))).scalar()
        progress = conn.execute(select(Progress.percent_complete).where(
            Progress.project_id == 1, Progress.as_of == D(2016, 9, 13))).scalar()
        audit = conn.execute(select(AuditEntry.after).where(AuditEntry.action == "import.batch")
                             ).scalar_one()
    assert names[0] == "Scope complete" and len(names) == 12
    assert hours == 1532.0 and progress == 0.0
    assert (audit["source"], audit["project"], audit["file"]) == \
        ("schedule", "PRJ-00001", "software-development.mpp")
    again = import_batch(demo, schedule, "pmo", SYSTEM)
    assert {k: c["unchanged"] for k, c in again.counts().items()} == \
        {"assignments": 20, "milestones": 12, "progress": 1}
    assert sum(c["create"] + c["update"] for c in again.counts().values()) == 0


def test_a_schedule_for_an_unknown_project_is_rejected(sqlite_engine, schedule):
    plan = dry_run(sqlite_engine, schedule, SYSTEM)       # an empty database: no PRJ-00001
    assert {p.rule for p in plan.errors} == {"unknown_project"}
    assert {k: c["reject"] for k, c in plan.counts().items()} == \
        {"assignments": 20, "milestones": 12, "progress": 1}


def test_a_file_mpxj_cannot_read_is_one_problem(schedule):
    batch = read_file(b"this is not a project plan", "plan.mpp", project="PRJ-00001")
    assert [p.rule for p in batch.problems] == ["unreadable_schedule"]


def test_missing_java_says_what_to_install(monkeypatch):
    import jpype

    def no_jvm():
        raise jpype.JVMNotFoundException("No JVM shared library file (libjvm.so) found")

    monkeypatch.setattr(jpype, "getDefaultJVMPath", no_jvm)
    with pytest.raises(mpp.JavaUnavailable) as err:
        mpp.find_jvm()
    assert "install a Java runtime (e.g. apt install default-jre-headless)" in str(err.value)


def test_the_jvm_is_not_started_by_importing_the_modules():
    import subprocess
    import sys

    code = ("import jpype, data_access.imports, data_access.imports.mpp, cli.imports; "
            "print(jpype.isJVMStarted())")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"
