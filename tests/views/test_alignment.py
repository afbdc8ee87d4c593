"""Strategic alignment page for every role, with the drill-down from the URL (AppTest)."""

from __future__ import annotations

import json

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from analytics.alignment import contributions_served
from analytics.filters import PortfolioFilter
from analytics.kpis import KpiInputs, kpi_set
from components import access
from data_access.engine import create_pmo_engine
from data_access.queries.portfolio import load_kpi_frames
from data_access.settings import today as app_today
from data_access.users import current_user
from support.apptest import run_page

ALLOWED, REFUSED = ["exec", "head", "pmo"], ["manager", "viewer"]


@pytest.fixture
def page(app_env, monkeypatch):
    """The page run as ``username`` with ``query`` in the URL; the roles of the brief."""
    if "alignment" not in access.PAGE_ROLES:
        monkeypatch.setitem(access.PAGE_ROLES, "alignment", frozenset({"executive", "pmo"}))

    def run(username: str, **query) -> AppTest:
        return run_page("alignment", app_env, username, query)
    return run


def expected(url: str, username: str, f: PortfolioFilter | None = None):
    engine = create_pmo_engine(url)
    try:
        frames = load_kpi_frames(engine, current_user(engine, username).scope)
        return frames, kpi_set(KpiInputs.from_mapping(frames), as_of=app_today(),
                               portfolio_filter=f or PortfolioFilter())
    finally:
        engine.dispose()


def spec(chart) -> dict:
    return json.loads(chart.proto.spec)


def serving(frames, kpis, objective: str) -> list[str]:
    ids = (contributions_served(frames["contributions"], frames["objectives"]).collect()
           .join(frames["objectives"].select(pl.col("id").alias("objective_id"), "code"),
                 on="objective_id").filter(pl.col("code") == objective)["project_id"])
    return sorted(kpis.projects.filter(pl.col("project_id").is_in(ids.to_list()))["code"].to_list())


@pytest.mark.parametrize("username", ALLOWED)
def test_allowed_roles_see_the_mix_bubbles_and_contributions(page, app_env, username):
    at = page(username)
    assert not at.exception, at.exception
    assert [t.value for t in at.title] == ["Strategic alignment"]
    frames, kpis = expected(app_env, username)
    mix, bubbles, contrib = (spec(c) for c in at.get("plotly_chart"))
    shown = {x: y for t in mix["data"] if t["type"] == "bar" for x, y in zip(t["x"], t["y"])}
    assert shown == pytest.approx(dict(zip(kpis.investment_mix["code"],
                                           kpis.investment_mix["actual_share"])))
    plotted = sorted(c[0] for t in bubbles["data"] for c in t["customdata"])
    assert plotted == sorted(kpis.projects["code"].to_list())  # demo: every project has both
    rows = contrib["data"][0]["y"]
    assert len(rows) == kpis.projects.filter(~pl.col("serves_no_objective")).height
    unaligned = at.dataframe[-1].value if at.dataframe else None
    if kpis.without_objective.is_empty():
        assert "Every project serves at least one objective." in [s.value for s in at.success]
    else:
        assert unaligned["code"].tolist() == kpis.without_objective["code"].to_list()


@pytest.mark.parametrize("username", REFUSED)
def test_other_roles_are_refused(page, username):
    at = page(username)
    assert [e.value for e in at.error] == ["This page is not available to your role."]
    assert not at.title


def test_objective_in_the_url_drills_down_to_its_projects(page, app_env):
    frames, kpis = expected(app_env, "exec")
    objective = frames["objectives"].sort("code")["code"][0]
    at = page("exec", focus_objective=objective)
    assert not at.exception, at.exception
    codes = serving(frames, kpis, objective)
    drill = at.dataframe[0].value
    assert sorted(drill["code"].tolist()) == codes
    assert any(f"{len(codes)} project(s)" in m.value for m in at.markdown)
    assert "Select a row to open its project page." in [c.value for c in at.caption]


def test_cell_drill_down_opens_one_project(page, app_env):
    frames, kpis = expected(app_env, "pmo")
    objective = frames["objectives"].sort("code")["code"][0]
    code = serving(frames, kpis, objective)[0]
    at = page("pmo", focus_objective=objective, focus_project=code)
    assert not at.exception, at.exception
    assert at.dataframe[0].value["code"].tolist() == [code]
    assert [b.label for b in at.button] == [f"Open project {code}"]


def test_bubble_drill_down_and_the_filter_caption(page, app_env):
    frames, _ = expected(app_env, "exec")
    department = frames["departments"]["code"][0]
    _, kpis = expected(app_env, "exec", PortfolioFilter(departments=(department,)))
    code = kpis.projects["code"][0]
    name = frames["departments"]["name"][0]
    # a bound filter keeps the displayed label in the URL: ?department=<name>
    at = page("exec", department=name, focus_project=code, value_axis="financial")
    assert not at.exception, at.exception
    assert f"Projects in {name}" in at.caption[0].value.replace("\\", "")
    assert at.dataframe[0].value["code"].tolist() == [code]
    bubbles = spec(at.get("plotly_chart")[1])
    assert bubbles["layout"]["xaxis"]["title"]["text"] == "Financial value"
    assert sorted(c[0] for t in bubbles["data"] for c in t["customdata"]) == sorted(
        kpis.projects["code"].to_list())


def test_unaligned_objective_lists_projects_serving_none(page, app_env):
    frames, kpis = expected(app_env, "exec")
    at = page("exec", focus_objective="unaligned")
    assert not at.exception, at.exception
    want = kpis.projects.filter(pl.col("serves_no_objective"))["code"].to_list()
    if want:
        assert sorted(at.dataframe[0].value["code"].tolist()) == sorted(want)
    else:
        assert "No project matches this selection with the active filters." in [
            i.value for i in at.info]
