"""The risk heatmap page for every role, with the cell drill-down kept in the URL (AppTest)."""

from __future__ import annotations

import json

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from analytics.filters import PortfolioFilter
from components.access import PAGE_ROLES
from support.apptest import frames_and_kpis, page_path, run_page

ROLES = frozenset({"executive", "pmo", "manager"})
ALLOWED = ["exec", "head", "pmo", "manager"]


@pytest.fixture(autouse=True)
def registered(monkeypatch):
    if "risks" not in PAGE_ROLES:  # until the lead registers the page in components.access
        monkeypatch.setitem(PAGE_ROLES, "risks", ROLES)
    assert PAGE_ROLES["risks"] == ROLES


def expected(url: str, username: str, f: PortfolioFilter | None = None):
    return frames_and_kpis(url, username, f)[1]


def open_page(url: str, username: str, **query) -> AppTest:
    return run_page("risks", url, username, query)


def heatmap_text(at: AppTest) -> dict[tuple[int, int], str]:
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    heat = spec["data"][0]
    return {(p, i): heat["text"][p - 1][i - 1] for p in range(1, 6) for i in range(1, 6)}


#: each table of the page, known by its first column
FIRST_COLUMN = {"tbl_cell": "project_code", "tbl_top": "project_code", "tbl_overdue": "days_overdue",
                "tbl_changes": "change"}


def table(at: AppTest, key: str) -> pl.DataFrame:
    """The table ``key`` as shown (the cell list comes before the top risks in the page)."""
    found = [pl.from_pandas(df.value) for df in at.dataframe
             if df.value.columns[0] == FIRST_COLUMN[key]]
    if key == "tbl_top":
        return found[-1]
    assert found, f"no {key} table on the page"
    return found[0]


@pytest.mark.parametrize("username", ALLOWED)
def test_each_allowed_role_sees_its_own_matrix_and_lists(app_env, username):
    at = open_page(app_env, username)
    assert not at.exception, at.exception
    assert [t.value for t in at.title] == ["Risk heatmap"]
    k = expected(app_env, username)
    texts = heatmap_text(at)
    for row in k.risk_matrix.iter_rows(named=True):
        shown = texts[(row["probability"], row["impact"])]
        assert shown.startswith(f"<b>{row['risks']}</b>") if row["risks"] else shown == ""
    assert table(at, "tbl_top").height == k.overview.top_risks.height
    assert table(at, "tbl_top")["title"].to_list() == k.overview.top_risks["title"].to_list()
    if k.overdue_mitigations.height:
        assert table(at, "tbl_overdue")["title"].to_list() == k.overdue_mitigations["title"].to_list()
    assert "All projects." in at.caption[0].value
    assert any("No snapshot of the register is stored yet" in c.value for c in at.caption)


@pytest.mark.parametrize("username", ["viewer"])
def test_other_roles_are_refused(app_env, username):
    at = open_page(app_env, username)
    assert [e.value for e in at.error] == ["This page is not available to your role."]
    assert not at.title


def test_a_cell_in_the_url_lists_its_risks(app_env):
    k = expected(app_env, "exec")
    busiest = k.risk_matrix.sort("risks", "score", descending=True).row(0, named=True)
    cell = f"{busiest['probability']}-{busiest['impact']}"
    at = open_page(app_env, "exec", cell=cell)
    assert not at.exception, at.exception
    assert at.selectbox(key="cell").value == cell
    listed = table(at, "tbl_cell")
    assert listed.height == busiest["risks"] > 0
    assert set(listed["score"].to_list()) == {busiest["score"]}
    assert sum(v or 0.0 for v in listed["money_exposure"]) == pytest.approx(busiest["money_exposure"])
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert len(spec["layout"]["shapes"]) == 1          # the chosen cell is outlined


def test_choosing_another_cell_lists_it(app_env):
    at = open_page(app_env, "pmo")
    assert "Click a cell of the matrix to list its risks." in [i.value for i in at.info]
    at.selectbox(key="cell").set_value("5-5").run()
    assert at.selectbox(key="cell").value == "5-5"
    assert any("probability 5 × impact 5" in h.value for h in at.subheader)


def test_filters_come_from_the_url_and_are_stated(app_env):
    k_all = expected(app_env, "exec")
    manager = k_all.projects["manager"].drop_nulls().sort()[0]
    at = open_page(app_env, "exec", manager=manager)
    assert not at.exception, at.exception
    assert f"Projects managed by {manager}." in at.caption[0].value.replace("\\", "")
    k = expected(app_env, "exec", PortfolioFilter(managers=(manager,)))
    assert table(at, "tbl_top")["title"].to_list() == k.overview.top_risks["title"].to_list()
    shown = sum(int(t.split("</b>")[0][3:]) for t in heatmap_text(at).values() if t)
    assert shown == k.risk_matrix["risks"].sum() < k_all.risk_matrix["risks"].sum()


def test_the_page_checks_the_role_itself():
    at = AppTest.from_file(page_path("risks"), default_timeout=60).run()
    assert [e.value for e in at.error] == ["Please sign in to see this page."]


def click_script():
    import streamlit as st

    from components.risks_view import take_cell_click

    take_cell_click("fake_chart", "cell")
    st.write(repr(st.session_state.get("cell")))


@pytest.mark.parametrize("points, expected", [
    ([{"x": 5, "y": 4, "customdata": "4-5"}], "'4-5'"),
    ([], "None"),
])
def test_a_click_on_the_matrix_becomes_the_cell_once(points, expected):
    at = AppTest.from_function(click_script)
    at.session_state["fake_chart"] = {"selection": {"points": points}}
    at.run()
    assert at.markdown[0].value == expected
    at.session_state["cell"] = "1-1"          # then the user picks another cell in the list
    at.run()
    assert at.markdown[0].value == "'1-1'"    # the lingering click does not override it
