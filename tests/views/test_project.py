"""The project card for every role (AppTest): numbers from the KPI set, scope enforced."""

from __future__ import annotations

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from components.format import money, percent, ratio
from data_access.settings import get_settings
from support.apptest import frames_and_kpis, run_page

from test_portfolio import registered  # noqa: F401 - the fixture registering the pages

NOT_AVAILABLE = "This project is not available to you."


def expected(url: str, username: str):
    return frames_and_kpis(url, username)


def open_card(url: str, username: str, code: str | None = None) -> AppTest:
    return run_page("project", url, username, None if code is None else {"project": code})


def tables_with(at: AppTest, column: str) -> list:
    """The tables (pandas) on the page that have ``column``, in page order."""
    return [d.value for d in at.dataframe if column in d.value.columns]


def texts(at: AppTest) -> str:
    """Every text the page shows (markdown, captions, alerts, titles)."""
    parts = [e.value for kind in ("title", "subheader", "caption", "markdown", "info", "error",
                                  "warning") for e in getattr(at, kind)]
    return "\n".join(str(p) for p in parts)


@pytest.mark.parametrize("username", ["exec", "head", "pmo", "manager"])
def test_allowed_roles_see_a_card_with_the_kpi_numbers(registered, username):  # noqa: F811
    frames, kpis = expected(registered, username)
    row = kpis.projects.filter(pl.col("status") == "active").row(0, named=True)
    at = open_card(registered, username, row["code"])
    assert not at.exception, at.exception
    assert at.selectbox(key="project").value == row["code"]
    assert f"{row['code']} · {row['name']}" in at.subheader[0].value.replace("\\", "")
    symbol = get_settings().currency_symbol
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {
        "Budget (BAC)": money(row["bac"], symbol, compact=True),
        "Actual cost (AC)": money(row["ac"], symbol, compact=True),
        "Forecast (EAC)": money(row["eac"], symbol, compact=True),
        "CPI": ratio(row["cpi"]), "SPI(t)": ratio(row["spi_t"]),
        "Complete": percent(row["percent_complete"]),
    }
    charts = at.get("plotly_chart")
    assert len(charts) >= 2                          # S-curve, milestones (+ report history)
    risks = frames["risks"].filter(pl.col("project_id") == row["project_id"])
    if risks.height:
        assert set(tables_with(at, "mitigation")[0]["title"]) == set(risks["title"])
    assert [h.value for h in at.subheader][1:] == ["Status reports", "Risks",
                                                   "Team and assignments", "Dependencies",
                                                   "Lessons learned"]


@pytest.mark.parametrize("username", ["manager", "head"])
def test_a_project_outside_the_scope_is_not_shown_nor_named(registered, username):  # noqa: F811
    _, everything = expected(registered, "exec")
    _, mine = expected(registered, username)
    other = everything.projects.join(mine.projects, on="code", how="anti").row(0, named=True)
    at = open_card(registered, username, other["code"])
    assert not at.exception, at.exception
    assert [e.value for e in at.error] == [NOT_AVAILABLE]
    shown = texts(at)
    assert other["code"] not in shown and other["name"] not in shown
    assert other["code"] not in at.selectbox(key="project").options
    assert at.selectbox(key="project").value is None
    assert not at.metric


def test_an_unknown_code_gets_the_same_message(registered):  # noqa: F811
    at = open_card(registered, "exec", "PRJ-99999")
    assert [e.value for e in at.error] == [NOT_AVAILABLE]


def test_without_a_project_the_page_asks_for_one(registered):  # noqa: F811
    at = open_card(registered, "pmo")
    assert not at.exception
    assert [i.value for i in at.info] == ["Choose a project above, or open one from the Portfolio page."]
    _, kpis = expected(registered, "pmo")
    assert at.selectbox(key="project").options == kpis.projects["code"].to_list()


def test_the_viewer_is_refused(registered):  # noqa: F811
    _, kpis = expected(registered, "viewer")
    at = open_card(registered, "viewer", kpis.projects["code"][0])
    assert [e.value for e in at.error] == ["This page is not available to your role."]
    assert not at.title


def test_dependencies_are_listed_both_ways(registered):  # noqa: F811
    frames, _ = expected(registered, "exec")
    deps = frames["dependencies"]
    successor = deps["successor_id"][0]
    code = frames["projects"].filter(pl.col("id") == successor)["code"].item()
    at = open_card(registered, "exec", code)
    assert not at.exception
    upstream = tables_with(at, "effect")[0]
    assert len(upstream) == deps.filter(pl.col("successor_id") == successor).height
    assert upstream["effect"].str.match(r"^(conflict|fits|unknown)").all()


def test_the_card_lists_the_projects_lessons_learned(registered):  # noqa: F811
    frames, _ = expected(registered, "pmo")
    counts = frames["lessons"].drop_nulls("project_id").group_by("project_id").len()
    project_id, n = counts.sort("len", "project_id", descending=[True, False]).row(0)
    code = frames["projects"].filter(frames["projects"]["id"] == project_id)["code"][0]
    at = open_card(registered, "pmo", code)
    assert not at.exception
    assert "Lessons learned" in texts(at)
    assert len(tables_with(at, "went_well")) == 1
    assert len(tables_with(at, "went_well")[0]) == n
