"""The project card for every role (AppTest): numbers from the KPI set, scope enforced."""

from __future__ import annotations

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from components.format import date, md_escape, money, percent, ratio
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


def similar_lines(at: AppTest) -> str:
    """The markdown of the similar-lessons block, unescaped."""
    return "\n".join(m.value for m in at.markdown if "Offered because" in m.value)


def test_the_card_offers_similar_lessons_with_the_reason(registered, monkeypatch):  # noqa: F811
    from analytics.lessons import similar
    from components import access

    monkeypatch.setitem(access.PAGE_ROLES, "lessons", frozenset({"executive", "pmo", "manager"}))
    frames, _ = expected(registered, "pmo")
    project = frames["projects"].filter(pl.col("phase") == "execution").row(0, named=True)
    offered = similar(frames["projects"], frames["lessons"], project["id"]).collect()
    assert offered.height == 5
    at = open_card(registered, "pmo", project["code"])
    assert not at.exception, at.exception
    assert "**Lessons from similar projects**" in [m.value for m in at.markdown]
    items = [f"- **{md_escape(r['title'])}** "
             f"({md_escape(r['project_code'] + ' · ' + r['project_name'])}, "
             f"{md_escape(r['phase'])}, {date(r['recorded_on'])}): "
             f"{md_escape(r['recommendation'])}  \n"
             f"  *Offered because: {md_escape(r['reason'])}.*"
             for r in offered.iter_rows(named=True)]
    assert similar_lines(at) == "\n".join(items)           # in the order of the ranking
    assert at.button(key="record_lesson")  # the PMO may record one from here


def test_similar_lessons_respect_the_scope(registered, monkeypatch):  # noqa: F811
    from components import access

    monkeypatch.setitem(access.PAGE_ROLES, "lessons", frozenset({"executive", "pmo", "manager"}))
    frames, kpis = expected(registered, "manager")
    assert frames["lessons"].is_empty()          # the demo manager's projects have no lesson
    code = kpis.projects["code"][0]
    at = open_card(registered, "manager", code)
    assert not at.exception, at.exception
    assert "No lesson from a similar project you may see yet." in [i.value for i in at.info]
    assert at.button(key="record_lesson")        # the manager manages it
    at = open_card(registered, "exec", code)
    assert not [b for b in at.button if b.key == "record_lesson"]


def test_similar_lessons_escape_what_users_typed(registered, monkeypatch, tmp_path):  # noqa: F811
    import sqlite3

    from data_access import lessons
    from data_access.engine import create_pmo_engine
    from data_access.users import current_user

    target = tmp_path / "demo.db"
    src, dst = sqlite3.connect(registered.removeprefix("sqlite:///")), sqlite3.connect(target)
    src.backup(dst)
    dst.execute("DELETE FROM lessons")  # this copy only: the hostile lesson is the one offered
    dst.commit()
    dst.close()
    src.close()
    url = f"sqlite:///{target}"
    monkeypatch.setenv("PMO_DATABASE_URL", url)
    frames, _ = expected(url, "pmo")
    agile = frames["projects"].filter(pl.col("methodology") == "agile")
    one, two = agile.head(2).iter_rows(named=True)
    engine = create_pmo_engine(url)
    hostile = "<img src=x onerror=alert(1)> [click](javascript:alert(1)) **bold**"
    lessons.add_lesson(engine, current_user(engine, "pmo"), project_id=two["id"], title=hostile,
                       category="people", phase=one["phase"], recommendation="<script>x</script>",
                       tags="zz-unique")
    engine.dispose()
    at = open_card(url, "pmo", one["code"])
    shown = similar_lines(at)
    assert shown.startswith(f"- **{md_escape(hostile)}** (") and shown.count("Offered") == 1
    assert md_escape("<script>x</script>") in shown
    assert "<img" not in shown and "<script>" not in shown and "](javascript" not in shown
