"""Portfolio queries: the frame contract of schemas.py, and values on a hand-made dataset."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from sqlalchemy import Engine

from data_access.queries import portfolio as q
from data_access.queries import schemas as s
from data_access.scope import SYSTEM, Scope
from data_access.settings import get_settings
from data_access.uow import unit_of_work
from support.dataset import SmallPortfolio, build_small_portfolio

SCOPED = {
    "departments": s.DEPARTMENTS, "projects": s.PROJECTS, "costs": s.COSTS, "progress": s.PROGRESS,
    "milestones": s.MILESTONES, "deliverables": s.DELIVERABLES, "risks": s.RISKS,
    "status_reports": s.STATUS_REPORTS, "assignments": s.ASSIGNMENTS, "people": s.PEOPLE,
    "contributions": s.CONTRIBUTIONS, "dependencies": s.DEPENDENCIES, "lessons": s.LESSONS,
}
UNSCOPED = {"objectives": s.OBJECTIVES, "thresholds": s.THRESHOLDS}
STRATEGIES = {"sqlite": ["sqlalchemy", "dbapi"],
              "postgresql": ["sqlalchemy", "dbapi", "connectorx", "adbc"]}


def _read_all(engine: Engine, scope: Scope = SYSTEM) -> dict[str, pl.DataFrame]:
    frames = {name: getattr(q, name)(engine, scope) for name in SCOPED}
    frames |= {name: getattr(q, name)(engine) for name in UNSCOPED}
    return frames


def _use_reader(monkeypatch: pytest.MonkeyPatch, strategy: str) -> None:
    monkeypatch.setenv("PMO_READER", strategy)
    get_settings.cache_clear()


@pytest.fixture
def portfolio(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> SmallPortfolio:
    # Values are checked through the bound path (one ADBC connection costs ~80 ms); the
    # Arrow readers are held equal to it in test_frames_are_equal_whatever_the_reader.
    _use_reader(monkeypatch, "sqlalchemy")
    return build_small_portfolio(engine)


def test_every_query_covered_by_this_module() -> None:
    public = {n for n in dir(q) if not n.startswith("_") and callable(getattr(q, n))
              and getattr(getattr(q, n), "__module__", "") == q.__name__}
    others = {"data_version", "load_portfolio", "PortfolioFrames", "kpi_queries",
              "load_kpi_frames"}  # tested below
    builders = {n for n in public if n.endswith("_query")}  # each wrapped by a reader tested here
    assert {b.removesuffix("_query") for b in builders} == set(SCOPED) | set(UNSCOPED)
    assert public - builders - set(SCOPED) - set(UNSCOPED) == others


def test_empty_database_frames_have_the_contract_schemas(engine: Engine) -> None:
    frames = _read_all(engine)
    for name, schema in (SCOPED | UNSCOPED).items():
        assert frames[name].schema == pl.Schema(schema), name
        assert frames[name].height == (5 if name == "thresholds" else 0), name


def test_frames_are_equal_whatever_the_reader(engine: Engine, portfolio, backend: str,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Every query through every strategy of this database: same schema, same rows."""
    results = {}
    for strategy in STRATEGIES[backend]:
        _use_reader(monkeypatch, strategy)
        results[strategy] = _read_all(engine)
    reference = results.pop("sqlalchemy")
    for name, schema in (SCOPED | UNSCOPED).items():
        assert reference[name].schema == pl.Schema(schema), name
        assert reference[name].height > 0, name
        key = list(schema)[:2]
        for frames in results.values():
            assert_frame_equal(frames[name].sort(key), reference[name].sort(key))


def test_projects_join_department_and_manager(engine: Engine, portfolio: SmallPortfolio) -> None:
    frame = q.projects(engine, SYSTEM).select(
        "code", "department_code", "department", "manager", "bac", "mandatory", "methodology",
        "phase", "status", "sponsor")
    assert frame.rows() == [
        ("P-FIN-1", "FIN", "Finance", "Bob", 300.0, False, "agile", "framing", "proposed", None),
        ("P-FIN-2", "FIN", "Finance", None, 400.25, False, "agile", "execution", "active", None),
        ("P-IT-1", "IT", "Information Technology", "Alice", 1000.5, True, "agile", "execution",
         "active", "CFO"),
        ("P-IT-2", "IT", "Information Technology", "Bob", 2000.0, False, "waterfall", "execution",
         "active", None),
    ]
    ids = q.projects(engine, SYSTEM).select("code", "department_id", "manager_id").rows()
    assert ids == [("P-FIN-1", portfolio.departments["FIN"], portfolio.people["Bob"]),
                   ("P-FIN-2", portfolio.departments["FIN"], None),
                   ("P-IT-1", portfolio.departments["IT"], portfolio.people["Alice"]),
                   ("P-IT-2", portfolio.departments["IT"], portfolio.people["Bob"])]


def test_costs_keep_cents_and_missing_actuals(engine: Engine, portfolio: SmallPortfolio) -> None:
    it1 = portfolio.projects["P-IT-1"]
    frame = q.costs(engine, SYSTEM).filter(pl.col("project_id") == it1).sort("month")
    assert frame.drop("project_id").rows() == [(date(2026, 1, 1), 100.10, 90.05),
                                               (date(2026, 2, 1), 200.0, None)]
    totals = q.costs(engine, SYSTEM).select(pl.col("planned").sum(), pl.col("actual").sum())
    assert totals.rows() == [(pytest.approx(380.10), pytest.approx(160.05))]


def test_schedule_frames(engine: Engine, portfolio: SmallPortfolio) -> None:
    it1 = portfolio.projects["P-IT-1"]
    gates = q.milestones(engine, SYSTEM).filter(pl.col("kind") == "gate")
    columns = ("project_id", "name", "gate_type", "validation_state", "actual_date")
    assert gates.select(columns).rows() == [(it1, "Go", "G2_go", "pending", None)]
    deliverables = q.deliverables(engine, SYSTEM).sort("name")
    assert deliverables.select("name", "required", "validated").rows() == [
        ("Business case", True, True), ("Plan", True, False)]
    assert set(deliverables["milestone_id"]) == {gates["id"].item()}
    progress = q.progress(engine, SYSTEM).filter(pl.col("project_id") == it1).sort("as_of")
    assert progress["percent_complete"].to_list() == [10.0, 25.0]


def test_risk_and_report_frames(engine: Engine, portfolio: SmallPortfolio) -> None:
    risks = q.risks(engine, SYSTEM).sort("title")
    columns = ("title", "probability", "impact", "cost_impact", "status", "closed_on")
    assert risks.select(columns).rows() == [
        ("Auditor unavailable", 2, 2, None, "closed", date(2026, 3, 1)),
        ("Vendor late", 4, 5, 5000.0, "open", None)]
    reports = q.status_reports(engine, SYSTEM).sort("project_id")
    columns = ("schedule_rag", "cost_rag", "comment", "eac", "percent_complete")
    assert reports.select(columns).rows() == [
        ("green", "amber", "On <b>track</b>", None, None), ("red", "green", None, None, None)]


def test_resources_objectives_and_dependencies(engine: Engine, portfolio: SmallPortfolio) -> None:
    p = portfolio.projects
    people = q.people(engine, SYSTEM).sort("name")
    assert people.select("name", "monthly_capacity_hours").rows() == [
        ("Alice", 140.0), ("Bob", 120.0), ("Carol", 160.0)]
    assert sorted(q.assignments(engine, SYSTEM).select("project_id", "hours").rows()) == sorted(
        [(p["P-IT-1"], 80.0), (p["P-FIN-1"], 40.0)])
    assert q.objectives(engine).select("code", "weight", "target_share").rows() == [
        ("O1", 2.0, 0.6), ("O2", 1.0, 0.4)]
    assert sorted(q.contributions(engine, SYSTEM).rows()) == sorted([
        (p["P-IT-1"], portfolio.objectives["O1"], 0.8),
        (p["P-FIN-1"], portfolio.objectives["O2"], 0.5)])
    assert sorted(q.dependencies(engine, SYSTEM).rows()) == sorted([
        (p["P-IT-1"], p["P-IT-2"], "finish_to_start", 0),
        (p["P-FIN-1"], p["P-FIN-2"], "finish_to_start", 5)])


def test_thresholds_in_metric_order(engine: Engine) -> None:
    assert q.thresholds(engine).rows() == [
        ("cpi", 0.95, 0.90, False), ("eac_overrun", 0.05, 0.10, True),
        ("milestone_slip_days", 15.0, 45.0, True), ("risk_score", 12.0, 20.0, True),
        ("spi", 0.95, 0.90, False)]


def test_data_version_moves_with_every_audited_write(engine: Engine) -> None:
    assert q.data_version(engine) == 0
    for expected in (1, 2):
        with unit_of_work(engine, "alice") as uow:
            uow.audit("touch")
            uow.commit()
        assert q.data_version(engine) == expected
    with unit_of_work(engine, "alice") as uow:
        uow.audit("never committed")
    assert q.data_version(engine) == 2


def test_load_portfolio_is_the_scoped_frames(engine: Engine, portfolio: SmallPortfolio) -> None:
    scope = Scope("bob", "manager", person_id=portfolio.people["Bob"])
    loaded = q.load_portfolio(engine, scope)
    assert loaded.projects["code"].to_list() == ["P-FIN-1", "P-IT-2"]
    assert_frame_equal(loaded.costs, q.costs(engine, scope))
    assert_frame_equal(loaded.thresholds, q.thresholds(engine))
    assert loaded.risks.height == 0
    assert loaded.status_reports.height == 1


def test_load_kpi_frames_reads_every_frame_for_the_scope(engine: Engine, portfolio: SmallPortfolio) -> None:
    scope = Scope("alice", "manager", person_id=portfolio.people["Alice"])
    frames = q.load_kpi_frames(engine, scope)
    assert set(frames) == set(SCOPED) | set(UNSCOPED)
    for name, schema in (SCOPED | UNSCOPED).items():
        assert frames[name].schema == pl.Schema(schema), name
    assert frames["projects"]["code"].to_list() == ["P-IT-1"]
    assert frames["assignments"]["hours"].to_list() == [80.0]
    assert frames["people"]["name"].to_list() == ["Alice"]
