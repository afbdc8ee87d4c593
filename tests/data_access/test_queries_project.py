"""One project's card reads only that project's rows (and the projects linked to it), within
the reader's scope; the project picker applies the portfolio filters in SQL exactly as
analytics.filters.PortfolioFilter does on frames. SQLite and PostgreSQL."""

from __future__ import annotations

import polars as pl
import pytest
from sqlalchemy import select

from analytics.filters import PortfolioFilter
from data_access.models import Dependency, Project
from data_access.queries.portfolio import load_kpi_frames
from data_access.queries.project import picker_query, read_filter_values, read_project_card
from data_access.reader import read_frame
from data_access.scope import SYSTEM, Scope
from fixtures.imports.seeded import demo, seeded_pg, seeded_sqlite  # noqa: F401


def _linked_project(engine) -> tuple[int, set[int]]:
    with engine.connect() as conn:
        pid = conn.execute(select(Dependency.successor_id).order_by(Dependency.successor_id)
                           .limit(1)).scalar_one()
        ups = set(conn.execute(select(Dependency.predecessor_id)
                               .where(Dependency.successor_id == pid)).scalars())
        downs = set(conn.execute(select(Dependency.successor_id)
                                 .where(Dependency.predecessor_id == pid)).scalars())
    return pid, ups | downs


def test_the_card_reads_only_its_projects_rows(demo):
    pid, linked = _linked_project(demo)
    card = read_project_card(demo, SYSTEM, pid)
    for name in ("costs", "progress", "milestones", "risks", "status_reports", "assignments"):
        assert card[name].height and set(card[name]["project_id"]) == {pid}, name
    ids = set(card["projects"]["id"])
    assert {pid} | linked <= ids
    assert ids - {pid} - linked <= set(card["lessons"]["project_id"].drop_nulls())
    staffed = set(card["assignments"]["person_id"].drop_nulls())
    assert set(card["people"]["id"]) == staffed
    full = load_kpi_frames(demo, SYSTEM)
    for name in ("costs", "milestones", "risks"):
        assert card[name].height < full[name].height


def test_a_card_outside_the_scope_reads_nothing(demo):
    with demo.connect() as conn:
        pid, manager = conn.execute(select(Project.id, Project.manager_id)
                                    .order_by(Project.code).limit(1)).one()
        other = conn.execute(select(Project.manager_id).where(Project.manager_id != manager)
                             .limit(1)).scalar_one()
    stranger = Scope(username="pm", role="manager", person_id=other)
    card = read_project_card(demo, stranger, pid)
    for name in ("costs", "progress", "milestones", "risks", "status_reports", "assignments",
                 "people", "dependencies"):
        assert card[name].is_empty(), name
    assert pid not in set(card["projects"]["id"])


@pytest.mark.parametrize("chosen", [
    PortfolioFilter(),
    PortfolioFilter(departments=("IT", "FIN")),
    PortfolioFilter(statuses=("active",), phases=("execution", "closing")),
    PortfolioFilter(objectives=("GROW",)),
    PortfolioFilter(departments=("IT", "OPS"), objectives=("EFF", "CX"), statuses=("active",)),
])
def test_the_picker_keeps_what_the_portfolio_filter_keeps(demo, chosen):
    frames = load_kpi_frames(demo, SYSTEM)
    managers = tuple(sorted(frames["projects"]["manager"].drop_nulls().unique())[:3])
    for f in (chosen, PortfolioFilter(managers=managers, statuses=chosen.statuses)):
        expected = (f.project_ids(frames["projects"], frames["contributions"],
                                  frames["objectives"]).collect()["project_id"].sort().to_list())
        stmt, schema = picker_query(SYSTEM, departments=f.departments, objectives=f.objectives,
                                    phases=f.phases, statuses=f.statuses, managers=f.managers)
        got = read_frame(demo, stmt, schema)
        assert expected, f"the demo has projects for {f}"
        assert sorted(got["id"].to_list()) == expected
        assert got["code"].to_list() == sorted(got["code"].to_list())


def test_filter_values_are_the_distinct_values_in_scope(demo):
    frames = load_kpi_frames(demo, SYSTEM)
    values = read_filter_values(demo, SYSTEM)
    projects = frames["projects"]
    assert set(values["phases"]["phase"]) == set(projects["phase"])
    assert set(values["statuses"]["status"]) == set(projects["status"])
    assert set(values["managers"]["manager"]) == set(projects["manager"].drop_nulls())
    assert values["departments"].equals(frames["departments"])
    assert isinstance(values["objectives"], pl.DataFrame) and values["objectives"].height
