"""The governance page for every role, with the project drill-down kept in the URL (AppTest)."""

from __future__ import annotations

import json

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from analytics.filters import PortfolioFilter
from analytics.governance import compliance_by_methodology, projects_without_framing
from components.access import PAGE_ROLES
from support.apptest import frames_and_kpis, page_path, run_page

ROLES = frozenset({"executive", "pmo"})


@pytest.fixture(autouse=True)
def registered(monkeypatch):
    if "governance" not in PAGE_ROLES:  # until the lead registers the page in components.access
        monkeypatch.setitem(PAGE_ROLES, "governance", ROLES)
    assert PAGE_ROLES["governance"] == ROLES


def expected(url: str, username: str, f: PortfolioFilter | None = None):
    return frames_and_kpis(url, username, f)[1]


def open_page(url: str, username: str, **query) -> AppTest:
    return run_page("governance", url, username, query)


def table(at: AppTest, column: str) -> pl.DataFrame:
    """The first table on the page that has ``column``."""
    found = [pl.from_pandas(df.value) for df in at.dataframe if column in df.value.columns]
    assert found, f"no table with a {column} column"
    return found[0]


def figure(at: AppTest, index: int) -> dict:
    return json.loads(at.get("plotly_chart")[index].proto.spec)


@pytest.mark.parametrize("username", ["exec", "head", "pmo"])
def test_each_allowed_role_sees_its_own_compliance(app_env, username):
    at = open_page(app_env, username)
    assert not at.exception, at.exception
    assert [t.value for t in at.title] == ["Governance"]
    k = expected(app_env, username)
    shown = table(at, "gates_total").sort("code")
    want = k.projects.sort("code")
    assert shown["code"].to_list() == want["code"].to_list()
    for column in ("gates_total", "gates_passed", "gates_compliant", "missing_deliverables"):
        assert shown[column].to_list() == want[column].to_list(), column
    by_meth = compliance_by_methodology(k.projects).collect()
    bars = figure(at, 0)["data"]
    assert [b["name"] for b in bars] == ["Gates in plan", "Gates passed",
                                         "Gates with every required deliverable"]
    assert bars[1]["x"] == by_meth["gates_passed"].to_list()
    mix = figure(at, 1)["data"][0]
    assert sum(mix["values"]) == k.projects.height
    without = projects_without_framing(k.projects, k.gates).collect()
    if without.height:
        assert table(at, "framing_state")["code"].to_list() == without["code"].to_list()
    assert at.caption[0].value.startswith("All projects.")


def test_the_demo_has_projects_without_a_validated_framing(app_env):
    k = expected(app_env, "exec")
    without = projects_without_framing(k.projects, k.gates).collect()
    assert without.height > 0
    assert set(without["phase"]) <= {"execution", "closure", "closed"}


@pytest.mark.parametrize("username", ["manager", "viewer"])
def test_other_roles_are_refused(app_env, username):
    at = open_page(app_env, username)
    assert [e.value for e in at.error] == ["This page is not available to your role."]
    assert not at.title


def test_a_project_in_the_url_shows_its_gates(app_env):
    k = expected(app_env, "pmo")
    row = k.projects.sort("missing_deliverables", descending=True).row(0, named=True)
    at = open_page(app_env, "pmo", project=row["code"])
    assert not at.exception, at.exception
    assert at.selectbox(key="project").value == row["code"]
    gates = table(at, "validation_state")
    want = k.gates.filter(pl.col("project_code") == row["code"])
    assert gates["gate"].to_list() == want["gate"].to_list()
    assert gates["missing_names"].to_list() == want["missing_names"].to_list()
    assert len(gates) == row["gates_total"]


def test_filters_come_from_the_url_and_are_stated(app_env):
    k_all = expected(app_env, "exec")
    manager = k_all.projects["manager"].drop_nulls().sort()[0]
    at = open_page(app_env, "exec", manager=manager)
    assert not at.exception, at.exception
    assert f"Projects managed by {manager}." in at.caption[0].value.replace("\\", "")
    k = expected(app_env, "exec", PortfolioFilter(managers=(manager,)))
    assert sorted(table(at, "gates_total")["code"].to_list()) == sorted(k.projects["code"].to_list())


def row_script():
    import streamlit as st

    from components.governance_view import take_row_click

    take_row_click("fake_table", ["P1", "P2"], "project")
    st.write(repr(st.session_state.get("project")))


def test_a_selected_row_becomes_the_project_once():
    at = AppTest.from_function(row_script)
    at.session_state["fake_table"] = {"selection": {"rows": [1], "columns": []}}
    at.run()
    assert at.markdown[0].value == "'P2'"
    at.session_state["project"] = "P1"
    at.run()
    assert at.markdown[0].value == "'P1'"


def test_the_page_checks_the_role_itself():
    at = AppTest.from_file(page_path("governance"), default_timeout=60).run()
    assert [e.value for e in at.error] == ["Please sign in to see this page."]
