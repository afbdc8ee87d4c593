"""The portfolio page for every role (AppTest), including the drill-down to a project."""

from __future__ import annotations

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from analytics.filters import PortfolioFilter
from components import access
from support.apptest import frames_and_kpis, run_page, sign_in

ALLOWED = frozenset({"executive", "pmo", "manager"})
PAGE_SPECS = (access.PageSpec("views/portfolio.py", "Portfolio", ":material/table:", ALLOWED, "portfolio"),
              access.PageSpec("views/project.py", "Project", ":material/folder:", ALLOWED, "project"))


@pytest.fixture
def registered(monkeypatch, app_env):
    """The pages as the lead registers them (harmless once they are in access.PAGES)."""
    monkeypatch.setattr(access, "PAGES", access.PAGES + tuple(
        p for p in PAGE_SPECS if p.url_path not in {s.url_path for s in access.PAGES}))
    for spec in PAGE_SPECS:
        monkeypatch.setitem(access.PAGE_ROLES, spec.url_path, spec.roles)
    return app_env


def expected(url: str, username: str, chosen: PortfolioFilter | None = None):
    return frames_and_kpis(url, username, chosen)


def open_page(url: str, username: str, query: dict | None = None) -> AppTest:
    return run_page("portfolio", url, username, query)


@pytest.mark.parametrize("username", ["exec", "head", "pmo", "manager"])
def test_allowed_roles_see_their_inventory_with_the_kpi_numbers(registered, username):
    at = open_page(registered, username)
    assert not at.exception, at.exception
    assert [t.value for t in at.title] == ["Portfolio"]
    _, kpis = expected(registered, username)
    table = at.dataframe[0].value
    assert list(table["code"]) == kpis.projects["code"].to_list()
    first = kpis.projects.row(0, named=True)
    shown = table.iloc[0]
    assert shown["bac"] == pytest.approx(first["bac"])
    assert shown["cpi"] == pytest.approx(first["cpi"]) if first["cpi"] is not None else True
    assert shown["spi_t"] == pytest.approx(first["spi_t"]) if first["spi_t"] is not None else True
    eac_shown = dict(zip(table["code"], table["eac"]))
    for code, eac in zip(kpis.projects["code"], kpis.projects["eac"]):
        assert (eac_shown[code] != eac_shown[code]) if eac is None else eac_shown[code] == pytest.approx(eac)
    assert len(at.get("plotly_chart")) == 1
    assert at.caption[0].value.startswith("All projects.")


def test_the_viewer_is_refused(registered):
    at = open_page(registered, "viewer")
    assert [e.value for e in at.error] == ["This page is not available to your role."]
    assert not at.title


def test_filters_and_search_come_from_the_url(registered):
    frames, everything = expected(registered, "exec")
    phase = "execution"
    _, kpis = expected(registered, "exec", PortfolioFilter(phases=(phase,)))
    department = kpis.projects["department"][0]
    at = open_page(registered, "exec", {"phase": phase, "q": department.lower()})
    assert not at.exception, at.exception
    assert at.caption[0].value.replace("\\", "").startswith("Projects in phase execution.")
    wanted = kpis.projects.filter(pl.col("department") == department)["code"].to_list()
    assert 0 < len(wanted) < everything.projects.height
    assert list(at.dataframe[0].value["code"]) == wanted
    assert at.text_input(key="q").value == department.lower()


def test_a_search_without_match_says_so(registered):
    at = open_page(registered, "pmo", {"q": "<b>no such project</b>"})
    assert not at.exception
    assert any("No project matches" in i.value and "<b>" not in i.value for i in at.info)
    assert not at.dataframe


def test_selecting_a_row_opens_the_project_with_the_filters(registered):
    at = sign_in("exec", query={"phase": "execution"})
    at.switch_page("views/portfolio.py").run()
    assert [t.value for t in at.title] == ["Portfolio"]
    code = at.dataframe[0].value["code"].iloc[1]
    at.session_state["tbl_portfolio"] = {"selection": {"rows": [1], "columns": [], "cells": []}}
    at.run()
    assert not at.exception, at.exception
    assert [t.value for t in at.title] == ["Project"]
    assert at.selectbox(key="project").value == code
    assert at.sidebar.multiselect(key="phase").value == ["execution"]   # the filters came along
    assert "in phase execution" in at.caption[0].value.replace("\\", "")
