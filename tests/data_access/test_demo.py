"""The demo portfolio: deterministic, valid against every database rule, tells a coherent story,
and seeds both databases in one transaction (data_access.demo.generate, data_access.bulk)."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from sqlalchemy import Engine, String, func, inspect, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from data_access import bulk
from data_access.bulk import insert_frames, is_empty, seed_database
from data_access.demo import TABLES, generate
from data_access.models import AuditEntry, Base, Department, Project
from data_access.models.enums import (
    DEPENDENCY_KINDS,
    GATE_TYPES,
    LESSON_CATEGORIES,
    METHODOLOGIES,
    MILESTONE_KINDS,
    PHASES,
    RAG,
    RISK_CATEGORIES,
    RISK_STATUSES,
    STATUSES,
    VALIDATION_STATES,
)
from data_access.queries import portfolio as q
from data_access.scope import SYSTEM
from data_access.settings import today as app_today

TODAY = dt.date(2026, 11, 25)
MONTH = dt.date(2026, 11, 1)
c = pl.col


@pytest.fixture(scope="module")
def demo():
    return generate("demo", 42, TODAY)


# --------------------------------------------------------------------------- shape and determinism


def test_same_seed_same_frames_other_seed_other_frames(demo) -> None:
    again = generate("demo", 42, TODAY)
    assert all(demo[t].equals(again[t]) for t in TABLES)
    other = generate("demo", 43, TODAY)
    assert not other["projects"].equals(demo["projects"])
    assert not other["assignments"].equals(demo["assignments"])


def test_tables_in_foreign_key_order_with_exactly_the_table_columns(demo) -> None:
    assert tuple(demo) == TABLES
    for table in TABLES:
        columns = [col.name for col in Base.metadata.tables[table].columns]
        assert demo[table].columns == columns, table


@pytest.mark.parametrize(("scale", "projects", "departments", "objectives"), [
    ("demo", 60, 7, 5), ("S", 200, 9, 5), ("s", 200, 9, 5),
])
def test_scale_sizes(scale, projects, departments, objectives) -> None:
    data = generate(scale, 1, TODAY)
    assert (data["projects"].height, data["departments"].height, data["objectives"].height) == (
        projects, departments, objectives)


def test_demo_sizes_and_keys(demo) -> None:
    assert demo["departments"]["code"].to_list() == ["IT", "FIN", "OPS", "MKT", "HR", "SAL", "R&D"]
    assert demo["departments"]["external_key"][1] == "DEPT-FIN"
    assert demo["projects"]["code"][:2].to_list() == ["PRJ-00001", "PRJ-00002"]
    assert demo["projects"]["external_key"].equals(demo["projects"]["code"])
    assert demo["risks"]["external_key"][0] == "RSK-000001"
    assert 130 <= demo["people"].height <= 170
    assert demo["people"]["role"].n_unique() == 10
    assert demo["objectives"]["target_share"].sum() == pytest.approx(1.0)
    for table in TABLES:
        if "version" in demo[table].columns:
            assert demo[table]["version"].unique().to_list() == [1], table
            assert demo[table]["updated_at"].null_count() == 0, table


@pytest.mark.parametrize(("args", "message"), [
    (("XL", 1), "unknown demo scale 'XL'"),
    (("demo", -1), "seed must be a non-negative integer"),
    (("demo", 1.5), "seed must be a non-negative integer"),
])
def test_bad_arguments_are_named(args, message) -> None:
    with pytest.raises(ValueError, match=message):
        generate(*args, today=TODAY)


def test_today_defaults_to_the_current_date() -> None:
    data = generate("demo", 42)
    first_of_month = app_today().replace(day=1)
    assert data.today == app_today()
    assert data["status_reports"]["period"].max() == first_of_month


# --------------------------------------------------------------------------- the database's rules

RULES = [
    ("projects", (c("bac") >= 0) & (c("financial_value") >= 0)),
    ("projects", c("baseline_end") >= c("baseline_start")),
    ("projects", c("forecast_end") >= c("forecast_start")),
    ("projects", c("urgency").is_between(1, 5) & c("compliance").is_between(1, 5)),
    ("projects", c("risk_level").is_between(1, 5) & c("strategic_fit").is_between(1, 5)),
    ("projects", c("methodology").is_in(METHODOLOGIES) & c("phase").is_in(PHASES)),
    ("projects", c("status").is_in(STATUSES)),
    ("projects", c("actual_end").is_null() | (c("actual_end") >= c("actual_start"))),
    ("objectives", (c("weight") >= 0) & c("target_share").is_between(0, 1)),
    ("people", c("monthly_capacity_hours").is_between(120, 150)),
    ("project_objectives", c("contribution").is_between(0, 1)),
    ("dependencies", c("predecessor_id") < c("successor_id")),  # a DAG: never self, never back
    ("dependencies", c("kind").is_in(DEPENDENCY_KINDS)),
    ("milestones", c("kind").is_in(MILESTONE_KINDS)),
    ("milestones", c("validation_state").is_in(VALIDATION_STATES)),
    ("milestones", c("gate_type").is_null() | c("gate_type").is_in(GATE_TYPES)),
    ("milestones", (c("kind") == "milestone") == c("gate_type").is_null()),
    ("milestones", c("actual_date").is_null() | (c("forecast_date") == c("actual_date"))),
    ("progress", c("percent_complete").is_between(0, 100)),
    ("cost_entries", (c("planned") >= 0) & (c("actual").is_null() | (c("actual") >= 0))),
    ("assignments", c("hours") > 0),
    ("risks", c("probability").is_between(1, 5) & c("impact").is_between(1, 5)),
    ("risks", c("cost_impact").is_null() | (c("cost_impact") >= 0)),
    ("risks", c("status").is_in(RISK_STATUSES) & c("category").is_in(RISK_CATEGORIES)),
    ("risks", c("closed_on").is_null() == ~c("status").is_in(["closed", "occurred"])),
    ("status_reports", pl.all_horizontal(c(f"{d}_rag").is_in(RAG)
                                         for d in ("schedule", "cost", "scope", "quality"))),
    ("status_reports", c("percent_complete").is_between(0, 100)),
    ("status_reports", (c("reported_on") >= c("period")) & (c("reported_on") <= TODAY)),
    ("lessons", c("category").is_in(LESSON_CATEGORIES) & c("phase").is_in(PHASES)),
]


@pytest.mark.parametrize(("table", "rule"), RULES,
                         ids=[f"{t}-{i}" for i, (t, _) in enumerate(RULES)])
def test_every_row_keeps_the_rule(demo, table, rule) -> None:
    broken = demo[table].filter(~rule.fill_null(False))
    assert broken.is_empty(), broken.head(3)


UNIQUE = [
    ("departments", ["code"]), ("objectives", ["code"]), ("projects", ["code"]),
    ("cost_entries", ["project_id", "month"]), ("progress", ["project_id", "as_of"]),
    ("status_reports", ["project_id", "period"]), ("deliverables", ["milestone_id", "name"]),
    ("dependencies", ["predecessor_id", "successor_id"]),
    ("project_objectives", ["project_id", "objective_id"]),
    ("assignments", ["project_id", "role", "person_id", "month"]),
    *((t, ["id"]) for t in TABLES if t != "project_objectives"),
    *((t, ["external_key"]) for t in ("departments", "objectives", "people", "projects",
                                      "milestones", "risks", "lessons")),
]


@pytest.mark.parametrize(("table", "key"), UNIQUE, ids=[f"{t}:{'+'.join(k)}" for t, k in UNIQUE])
def test_keys_are_unique(demo, table, key) -> None:
    assert not demo[table].select(key).is_duplicated().any()


def _foreign_keys() -> list[tuple[str, str, str]]:
    """(table, column, parent table) of every generated foreign key, in a stable order."""
    return sorted((table, fk.parent.name, fk.column.table.name)
                  for table in TABLES for fk in Base.metadata.tables[table].foreign_keys
                  if fk.column.table.name in TABLES)


@pytest.mark.parametrize(("table", "column", "parent"), _foreign_keys())
def test_foreign_keys_point_at_generated_rows(demo, table, column, parent) -> None:
    values = demo[table][column].drop_nulls()
    assert values.is_in(demo[parent]["id"].implode()).all()


def test_strings_fit_their_columns(demo) -> None:
    for table in TABLES:
        for col in Base.metadata.tables[table].columns:
            if isinstance(col.type, String) and col.type.length:
                longest = demo[table][col.name].str.len_chars().max() or 0
                assert longest <= col.type.length, (table, col.name)


# --------------------------------------------------------------------------- the story


def _latest_cpi(data) -> pl.DataFrame:
    """Per project: EV = bac x latest percent / 100, AC = sum of actual, CPI = EV / AC."""
    latest = (data["progress"].sort("as_of").group_by("project_id")
              .agg(pct=c("percent_complete").last()))
    spent = data["cost_entries"].group_by("project_id").agg(ac=c("actual").sum())
    return (data["projects"].join(latest, left_on="id", right_on="project_id")
            .join(spent, left_on="id", right_on="project_id")
            .with_columns(cpi=c("bac") * c("pct") / 100 / c("ac")))


def test_every_phase_status_and_methodology_in_sensible_combinations(demo) -> None:
    p = demo["projects"]
    assert set(p["phase"]) == set(PHASES)
    assert set(p["status"]) == set(STATUSES)
    assert set(p["methodology"]) == set(METHODOLOGIES)
    allowed = {"idea": {"proposed", "active"}, "framing": {"proposed", "active"},
               "execution": {"active", "on_hold"}, "closure": {"active"},
               "closed": {"completed", "cancelled"}}
    for phase, status in p.select("phase", "status").iter_rows():
        assert status in allowed[phase]
    closed = c("phase") == "closed"
    assert p.filter(closed)["actual_end"].null_count() == 0
    assert p.filter(~closed)["actual_end"].is_null().all()


def test_about_eight_percent_of_active_projects_are_in_real_trouble(demo) -> None:
    cpi = _latest_cpi(demo).filter((c("status") == "active") & (c("pct") >= 5))
    n_active = demo["projects"].filter(c("status") == "active").height
    troubled = cpi.filter(c("cpi") < 0.9)
    assert troubled.height == max(1, round(0.08 * n_active))  # 37 active in the demo -> 3
    assert troubled["cpi"].is_between(0.74, 0.86).all()
    assert (troubled["forecast_end"] > troubled["baseline_end"]).all()  # and late
    assert cpi.filter(c("cpi") >= 0.95).height > cpi.height / 2  # most are healthy
    ids = troubled["id"].implode()
    reports = demo["status_reports"].filter(c("project_id").is_in(ids) & (c("period") == MONTH))
    assert (reports["cost_rag"] == "red").all()
    assert reports["comment"].str.contains("over earned value").all()
    high = demo["risks"].filter(c("project_id").is_in(ids) & (c("status") == "open")
                                & (c("probability") * c("impact") >= 16))
    assert high["project_id"].n_unique() == troubled.height


def test_planned_cost_sums_to_bac_for_projects_past_their_baseline(demo) -> None:
    planned = demo["cost_entries"].group_by("project_id").agg(planned=c("planned").sum())
    done = (demo["projects"].filter(c("baseline_end") < TODAY)
            .join(planned, left_on="id", right_on="project_id"))
    assert done.height > 10
    assert ((done["planned"] - done["bac"]).abs() < 0.005).all()


def test_at_least_twelve_months_of_history(demo) -> None:
    for table, column in [("cost_entries", "month"), ("progress", "as_of"),
                          ("status_reports", "period")]:
        months = demo[table].filter(c(column) <= TODAY)[column].dt.truncate("1mo").unique()
        assert months.len() >= 13, table
        assert months.max() == MONTH, table


def test_some_roles_over_and_some_under_allocated_this_month(demo) -> None:
    capacity = demo["people"].group_by("role").agg(capacity=c("monthly_capacity_hours").sum())
    load = (demo["assignments"].filter(c("month") == MONTH).group_by("role")
            .agg(demand=c("hours").sum()).join(capacity, on="role"))
    assert load.filter(c("demand") > c("capacity")).height >= 1
    assert load.filter(c("demand") < c("capacity")).height >= 1
    assert demo["assignments"]["person_id"].null_count() > 0  # unstaffed demand exists


def test_gates_fall_due_in_the_next_thirty_days(demo) -> None:
    due = demo["milestones"].filter(
        (c("kind") == "gate") & c("actual_date").is_null()
        & c("validation_state").is_in(["pending", "rejected"])
        & c("forecast_date").is_between(TODAY, TODAY + dt.timedelta(days=30), closed="right"))
    assert due.height >= 3
    assert set(demo["milestones"]["gate_type"].drop_nulls()) == set(GATE_TYPES)


def test_validated_gates_have_their_required_deliverables(demo) -> None:
    gates = demo["milestones"].filter(c("kind") == "gate").select("id", "validation_state")
    d = demo["deliverables"].join(gates, left_on="milestone_id", right_on="id")
    assert d.filter((c("validation_state") == "validated") & c("required")
                    & ~c("validated")).is_empty()
    assert d.filter(c("required") & ~c("validated")).height > 0
    assert (d["validated_on"].is_not_null() == d["validated"]).all()


def test_risks_spread_more_low_than_high(demo) -> None:
    r = demo["risks"]
    assert r.filter(c("probability") <= 2).height > r.filter(c("probability") >= 4).height
    assert r.filter(c("impact") <= 2).height > r.filter(c("impact") >= 4).height
    assert 0.35 <= r["cost_impact"].is_not_null().mean() <= 0.65
    assert set(r["status"]) == set(RISK_STATUSES)
    overdue = r.filter(c("status").is_in(["open", "mitigating"]) & (c("due_date") < TODAY))
    assert overdue.height > 0


def test_managers_dependencies_objectives_and_lessons(demo) -> None:
    p, people = demo["projects"], demo["people"]
    managers = people.filter(c("id").is_in(p["manager_id"].implode()))
    assert set(managers["role"]) == {"Project Manager"}
    load = (p.group_by("manager_id")
            .agg(n=pl.len(), departments=c("department_id").n_unique()).sort("n"))
    assert 3 <= load["n"][-1] <= 6 and load["departments"][-1] >= 2
    assert load["n"][-2] < load["n"][-1]  # the demo manager is the only one with the most projects
    assert 0.2 * p.height <= demo["dependencies"].height <= 0.35 * p.height
    served = demo["project_objectives"].group_by("project_id").len()
    assert served["len"].max() <= 3
    assert p.height - served.height <= 0.15 * p.height
    lessons = demo["lessons"].join(p.select("id", "phase"), left_on="project_id", right_on="id")
    assert set(lessons["phase_right"]) <= {"closed", "closure"}
    with_lessons = lessons.filter(c("phase_right") == "closed")["project_id"].n_unique()
    assert with_lessons == p.filter(c("phase") == "closed").height


# --------------------------------------------------------------------------- writing


def test_seed_round_trip(engine: Engine) -> None:
    data = generate("demo", 7, TODAY)
    assert is_empty(engine)
    calls: list[tuple[str, int, int]] = []
    counts = seed_database(engine, scale="demo", seed=7, today=TODAY,
                           progress=lambda *a: calls.append(a))
    assert counts == data.counts()
    assert not is_empty(engine)
    assert calls[-1] == ("lessons", data["lessons"].height, data["lessons"].height)

    projects = q.projects(engine, SYSTEM)
    assert projects.height == 60
    first = projects.filter(c("id") == 1).row(0, named=True)
    expected = data["projects"].filter(c("id") == 1).row(0, named=True)
    for key in ("code", "name", "bac", "baseline_start", "actual_end", "mandatory", "manager_id"):
        assert first[key] == expected[key], key
    costs = q.costs(engine, SYSTEM)
    assert costs.height == data["cost_entries"].height
    assert costs["planned"].sum() == pytest.approx(data["cost_entries"]["planned"].sum())
    assert q.assignments(engine, SYSTEM).height == data["assignments"].height
    reports = q.status_reports(engine, SYSTEM).sort("id")
    assert reports["comment"].to_list() == data["status_reports"]["comment"].to_list()
    reached = q.milestones(engine, SYSTEM)["actual_date"].is_not_null().sum()
    assert reached == data["milestones"]["actual_date"].is_not_null().sum()

    with Session(engine) as s:
        entries = s.scalars(select(AuditEntry)).all()
        assert [(a.actor, a.action) for a in entries] == [("system", "seed")]
        assert "scale demo, seed 7" in entries[0].detail and entries[0].after["counts"] == counts
        s.add(Department(code="NEW", name="New"))  # ids continue after the seeded ones
        s.commit()
        assert s.scalar(select(Department.id).where(Department.code == "NEW")) == 8

    with pytest.raises(ValueError, match="already holds projects"):
        seed_database(engine, scale="demo", seed=8, today=TODAY)
    with Session(engine) as s:
        assert s.scalar(select(func.count()).select_from(Project)) == 60


@pytest.mark.parametrize("big_load_rows", [100_000, 1], ids=["row-checks", "drop-and-rebuild"])
def test_insert_is_all_or_nothing(engine: Engine, monkeypatch, big_load_rows: int) -> None:
    monkeypatch.setattr(bulk, "BIG_LOAD_ROWS", big_load_rows)
    data = generate("demo", 1, TODAY)
    bad = data["projects"].with_columns(department_id=pl.lit(999, dtype=pl.Int64))
    indexes_before = {ix["name"] for ix in inspect(engine).get_indexes("projects")}
    with pytest.raises(IntegrityError):
        insert_frames(engine, {"departments": data["departments"], "people": data["people"],
                               "projects": bad})
    with Session(engine) as s:
        assert s.scalar(select(func.count()).select_from(Department)) == 0
    assert {ix["name"] for ix in inspect(engine).get_indexes("projects")} == indexes_before


def test_insert_with_rebuilt_indexes_keeps_them(engine: Engine, monkeypatch) -> None:
    monkeypatch.setattr(bulk, "BIG_LOAD_ROWS", 1)
    data = generate("demo", 1, TODAY)
    names = {t: {ix["name"] for ix in inspect(engine).get_indexes(t)}
             for t in ("projects", "assignments")}
    counts = insert_frames(engine, {t: data[t] for t in TABLES})
    assert counts["assignments"] == data["assignments"].height
    assert {t: {ix["name"] for ix in inspect(engine).get_indexes(t)} for t in names} == names


@pytest.mark.parametrize(("frames", "message"), [
    ({"nope": pl.DataFrame({"id": [1]})}, "unknown table 'nope'"),
    ({"departments": pl.DataFrame({"id": [1], "colour": ["red"]})}, "has no column.*'colour'"),
])
def test_insert_names_what_is_wrong(sqlite_engine: Engine, frames, message) -> None:
    with pytest.raises(ValueError, match=message):
        insert_frames(sqlite_engine, frames)
