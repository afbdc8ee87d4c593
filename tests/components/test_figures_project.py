"""Project card: figure builders and frame shaping, without streamlit running."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from components.figures import RAG_COLOURS
from components.figures_project import LATE, ON_TIME, milestone_timeline, rag_history, s_curve
from components.project_view import (EFFECT_COLUMNS, OUTSIDE_SCOPE, dependency_effects,
                                     project_milestones, project_risks, team)
from data_access.queries import schemas as s

CURVE = pl.DataFrame({
    "month": [date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)],
    "pv": [100.0, 300.0, 600.0], "ev": [80.0, 200.0, None], "ac": [100.0, 250.0, None],
})


def test_s_curve_has_pv_ev_ac_budget_and_the_eac_line_from_the_last_actual():
    fig = s_curve(CURVE, bac=600.0, eac=750.0, forecast_end=date(2026, 5, 31))
    names = [t.name for t in fig.data]
    assert names == ["Planned value (PV)", "Earned value (EV)", "Actual cost (AC)", "Budget (BAC)",
                     "Forecast (EAC)"]
    assert list(fig.data[0].y) == [100.0, 300.0, 600.0]
    assert list(fig.data[2].y) == [100.0, 250.0, None]
    assert list(fig.data[3].y) == [600.0, 600.0]
    assert list(fig.data[3].x) == [date(2026, 1, 1), date(2026, 5, 31)]
    eac = fig.data[4]
    assert list(eac.x) == [date(2026, 2, 1), date(2026, 5, 31)] and list(eac.y) == [250.0, 750.0]
    assert eac.line.dash == "dash"
    assert fig.layout.title.text == "Earned value S-curve"


def test_s_curve_with_unknown_eac_draws_no_forecast_and_says_so():
    fig = s_curve(CURVE, bac=600.0, eac=None, forecast_end=None)
    assert "Forecast (EAC)" not in [t.name for t in fig.data]
    assert "EAC unknown" in fig.layout.title.text


MILESTONES = pl.DataFrame({
    "id": [1, 2, 3], "project_id": [1, 1, 2], "name": ["<i>Go</i>", "Design", "Other"],
    "kind": ["gate", "milestone", "gate"], "gate_type": ["G2_go", None, "G2_go"],
    "baseline_date": [date(2026, 3, 1), date(2026, 2, 1), date(2026, 1, 1)],
    "forecast_date": [date(2026, 3, 11), date(2026, 2, 1), date(2026, 1, 1)],
    "actual_date": [None, date(2026, 1, 30), None],
    "validation_state": ["pending", "validated", "pending"],
}, schema=s.MILESTONES)


def test_milestone_timeline_marks_baseline_and_latest_with_slip_colours():
    rows = project_milestones(MILESTONES, 1)
    assert rows["slip_days"].to_list() == [10, -2]
    fig = milestone_timeline(rows, today=date(2026, 2, 15))
    links, baseline, latest = fig.data
    assert list(latest.y) == ["1. Design", "2. &lt;i&gt;Go&lt;/i&gt;"]   # by baseline, escaped
    assert list(baseline.x) == [date(2026, 2, 1), date(2026, 3, 1)]
    assert list(latest.x) == [date(2026, 1, 30), date(2026, 3, 11)]   # actual, else forecast
    assert list(latest.marker.color) == [ON_TIME, LATE]
    assert list(latest.marker.symbol) == ["circle", "diamond"]
    assert list(baseline.marker.symbol) == ["circle-open", "diamond-open"]
    assert [c[1:] for c in latest.customdata] == [["done", "-2 days"], ["forecast", "+10 days"]]
    assert list(links.x) == [date(2026, 2, 1), date(2026, 1, 30), None,
                             date(2026, 3, 1), date(2026, 3, 11), None]


def test_rag_history_one_trace_per_colour_with_escaped_comments():
    reports = pl.DataFrame({
        "period": [date(2026, 2, 1), date(2026, 1, 1)],
        "schedule_rag": ["red", "green"], "cost_rag": ["green", "green"],
        "scope_rag": [None, "amber"], "quality_rag": ["green", "green"],
        "comment": ["<script>x</script>", None],
    })
    fig = rag_history(reports)
    by_name = {t.name: t for t in fig.data}
    assert list(by_name["red"].y) == ["Schedule"]
    assert list(by_name["red"].customdata) == ["&lt;script&gt;x&lt;/script&gt;"]
    assert list(by_name["amber"].x) == [date(2026, 1, 1)] and list(by_name["amber"].y) == ["Scope"]
    assert len(by_name["green"].x) == 5                     # null RAG: no dot
    assert by_name["red"].marker.color == RAG_COLOURS["red"]


PROJECTS = pl.DataFrame({
    "id": [1, 2, 3], "code": ["P1", "P2", "P3"], "name": ["One", "Two", "Three"],
    "baseline_start": [date(2026, 1, 1), date(2026, 3, 1), date(2026, 2, 1)],
    "baseline_end": [date(2026, 2, 28), date(2026, 6, 30), date(2026, 5, 31)],
    "forecast_start": [None, date(2026, 3, 5), None],
    "forecast_end": [date(2026, 3, 10), date(2026, 6, 30), None],
})
DEPENDENCIES = pl.DataFrame({
    "predecessor_id": [1, 1, 1, 99, 2],
    "successor_id": [2, 3, 99, 2, 3],
    "kind": ["finish_to_start", "start_to_start", "finish_to_start", "finish_to_start",
             "finish_to_finish"],
    "lag_days": [0, 14, 0, 0, 1],
}, schema=s.DEPENDENCIES)


def test_upstream_effects_of_predecessor_slip():
    got = dependency_effects(DEPENDENCIES, PROJECTS, 2, upstream=True)
    assert got.columns == list(EFFECT_COLUMNS)
    rows = {r["code"]: r for r in got.to_dicts()}
    # P1 forecast end 10 Mar (slipped 10 days from 28 Feb) + lag 0; P2 starts 5 Mar: 5 days late
    assert rows["P1"]["predecessor_slip_days"] == 10
    assert rows["P1"]["required_date"] == date(2026, 3, 10)
    assert rows["P1"]["planned_date"] == date(2026, 3, 5)
    assert rows["P1"]["margin_days"] == -5
    assert rows["P1"]["effect"] == "conflict: the successor must move 5 days later"
    # project 99 is outside the scope: neither named nor dated
    assert rows["—"]["name"] == OUTSIDE_SCOPE and rows["—"]["margin_days"] is None
    assert rows["—"]["effect"] == "unknown: dates not available"
    assert got["code"].to_list() == ["P1", "—"]             # conflicts first


def test_downstream_effects_use_the_kind_and_the_lag():
    got = {r["code"]: r for r in dependency_effects(DEPENDENCIES, PROJECTS, 1, upstream=False).to_dicts()}
    assert set(got) == {"P2", "P3", "—"}
    # start_to_start: P1 starts 1 Jan (no forecast start) + 14 = 15 Jan; P3 starts 1 Feb
    assert got["P3"]["required_date"] == date(2026, 1, 15)
    assert got["P3"]["margin_days"] == 17
    assert got["P3"]["effect"] == "fits, 17 days of margin"
    assert got["P3"]["kind"] == "start to start"


def test_finish_to_finish_compares_ends():
    got = dependency_effects(DEPENDENCIES, PROJECTS, 3, upstream=True).to_dicts()
    # P2 forecast end 30 Jun + 1 = 1 Jul; P3 ends 31 May (baseline, no forecast): 31 days early
    assert [(r["code"], r["required_date"], r["planned_date"], r["margin_days"]) for r in got] == [
        ("P2", date(2026, 7, 1), date(2026, 5, 31), -31), ("P1", date(2026, 1, 15), date(2026, 2, 1), 17)]


def test_project_risks_sorted_by_score_then_exposure():
    risks = pl.DataFrame({
        "id": [1, 2, 3, 4], "project_id": [1, 1, 1, 2], "title": ["a", "b", "c", "d"],
        "category": ["technical"] * 4, "probability": [2, 3, 4, 5], "impact": [3, 2, 4, 5],
        "cost_impact": [1000.0, 5000.0, None, 1.0], "owner": ["o"] * 4, "mitigation": [None] * 4,
        "due_date": [None] * 4, "status": ["open"] * 4, "identified_on": [None] * 4,
        "closed_on": [None] * 4,
    }, schema=s.RISKS)
    got = project_risks(risks, 1)
    assert got["title"].to_list() == ["c", "b", "a"]
    assert got["score"].to_list() == [16, 6, 6]
    assert got["money_exposure"].to_list() == [None, pytest.approx(3000.0), pytest.approx(400.0)]


def test_team_sums_hours_per_person_and_role():
    assignments = pl.DataFrame({
        "project_id": [1, 1, 1, 1, 2], "person_id": [10, 10, 11, None, 10],
        "role": ["Dev", "Dev", "PM", "QA", "Dev"],
        "month": [date(2026, 1, 1), date(2026, 3, 1), date(2026, 2, 1), date(2026, 2, 1),
                  date(2026, 1, 1)],
        "hours": [40.0, 60.0, 20.0, 10.0, 999.0],
    }, schema=s.ASSIGNMENTS)
    people = pl.DataFrame({"id": [10], "name": ["Ann"], "role": ["Dev"], "team": ["T"],
                           "department_id": [1], "monthly_capacity_hours": [140.0]}, schema=s.PEOPLE)
    got = team(assignments, people, 1).to_dicts()
    assert [(r["person"], r["role"], r["hours"], r["from_month"], r["to_month"]) for r in got] == [
        ("Ann", "Dev", 100.0, date(2026, 1, 1), date(2026, 3, 1)),
        ("(outside your scope)", "PM", 20.0, date(2026, 2, 1), date(2026, 2, 1)),
        ("unstaffed", "QA", 10.0, date(2026, 2, 1), date(2026, 2, 1)),
    ]
