"""Resource arbitration page for every role, with the cell drill-down and the what-if (AppTest)."""

from __future__ import annotations

import datetime as dt
import json

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from analytics.capacity import capacity, overload_drivers
from analytics.filters import PortfolioFilter
from analytics.whatif import Scenario, apply_scenario
from components import access
from data_access.settings import today as app_today
from support.apptest import frames_and_kpis, run_page

ALLOWED, REFUSED = ["exec", "head", "pmo"], ["manager", "viewer"]


@pytest.fixture
def page(app_env, monkeypatch):
    """The page run as ``username`` with ``query`` in the URL; the roles of the brief."""
    if "resources" not in access.PAGE_ROLES:
        monkeypatch.setitem(access.PAGE_ROLES, "resources", frozenset({"executive", "pmo"}))

    def run(username: str, **query) -> AppTest:
        return run_page("resources", app_env, username, query)
    return run


def expected(url: str, username: str):
    return frames_and_kpis(url, username, PortfolioFilter())


def window(load: pl.DataFrame, months: int = 12) -> pl.DataFrame:
    first = app_today().replace(day=1)
    later = first.month - 1 + months
    end = dt.date(first.year + later // 12, later % 12 + 1, 1)
    return load.filter((pl.col("month") >= first) & (pl.col("month") < end))


def heatmap_z(chart) -> list[list]:
    return json.loads(chart.proto.spec)["data"][0]["z"]


@pytest.mark.parametrize("username", ALLOWED)
def test_allowed_roles_see_the_load_heatmap_of_their_scope(page, app_env, username):
    at = page(username)
    assert not at.exception, at.exception
    assert [t.value for t in at.title] == ["Resource arbitration"]
    _, kpis = expected(app_env, username)
    load = window(kpis.capacity_by_role)
    charts = at.get("plotly_chart")
    assert len(charts) == 1
    z = heatmap_z(charts[0])
    groups = sorted(load["role"].unique().to_list())
    assert len(z) == len(groups) and len(z[0]) == load["month"].n_unique()
    first = load.filter(pl.col("role") == groups[0]).sort("month").row(0, named=True)
    assert z[0][0] == pytest.approx(min(first["load_pct"], 200.0))
    assert "All projects." in at.caption[0].value


@pytest.mark.parametrize("username", REFUSED)
def test_other_roles_are_refused(page, username):
    at = page(username)
    assert [e.value for e in at.error] == ["This page is not available to your role."]
    assert not at.title


def test_clicked_cell_lists_its_projects_and_people(page, app_env):
    frames, kpis = expected(app_env, "exec")
    load = window(kpis.capacity_by_role)
    cell = load.filter(pl.col("overloaded")).sort("over_hours", descending=True).row(0, named=True)
    at = page("exec", group=cell["role"], month=cell["month"].isoformat()[:7])
    assert not at.exception, at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Demand"] == f"{cell['demand_hours']:,.0f} h"
    assert metrics["Capacity"] == f"{cell['capacity_hours']:,.0f} h"
    assert metrics["Load"] == f"{cell['load_pct']:.0f}%"
    drivers = (overload_drivers(frames["assignments"], frames["people"], frames["projects"],
                                from_month=cell["month"], to_month=cell["month"])
               .filter(pl.col("role") == cell["role"]).collect())
    shown_projects, shown_people = at.dataframe[0].value, at.dataframe[1].value
    assert shown_projects["project_code"].tolist() == drivers["project_code"].to_list()
    assert shown_people["hours"].sum() == pytest.approx(cell["demand_hours"])


def test_team_view_comes_from_the_url(page, app_env):
    at = page("pmo", view="team")
    assert not at.exception, at.exception
    _, kpis = expected(app_env, "pmo")
    assert len(heatmap_z(at.get("plotly_chart")[0])) == kpis.capacity_by_team["team"].n_unique()


def test_what_if_shows_the_new_heatmap_beside_today(page, app_env):
    frames, kpis = expected(app_env, "exec")
    load = window(kpis.capacity_by_role)
    code = kpis.projects["code"][0]
    project_id = kpis.projects["project_id"][0]
    at = page("exec", shift_project=code, shift="2", cap_role="Developer", cap_hours="500")
    assert not at.exception, at.exception
    charts = at.get("plotly_chart")
    assert len(charts) == 3
    assignments, people = apply_scenario(frames["assignments"], frames["people"],
                                         Scenario(project_id=project_id, shift_months=2,
                                                  role="Developer", cap_hours=500.0))
    months = sorted(load["month"].unique().to_list())
    new = capacity(assignments, people, from_month=months[0], to_month=months[-1]).collect()
    assert heatmap_z(charts[1]) == heatmap_z(charts[0])
    developer = sorted(new["role"].unique().to_list()).index("Developer")
    dev = new.filter(pl.col("role") == "Developer").sort("month")
    assert heatmap_z(charts[2])[developer][0] == pytest.approx(min(dev["load_pct"][0], 200.0))
    over = {m.label: m.value for m in at.metric}["Over-allocated cells"]
    assert over == f"{new.filter(pl.col('overloaded')).height:,}"
    assert any("starts 2 months later" in m.value and "capped at 500 h" in m.value
               for m in at.markdown)
