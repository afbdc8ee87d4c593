"""Portfolio page: the roadmap builder and the inventory shaping, without streamlit running."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from components.figures_portfolio import BASELINE_COLOUR, roadmap
from components.figures import RAG_COLOURS
from components.portfolio_view import INVENTORY_COLUMNS, inventory, matches, next_gates
from data_access.queries import schemas as s

DAY = 86_400_000.0
ROWS = pl.DataFrame({
    "code": ["P1", "P2", "<b>P3</b>"], "name": ["One", "Two & co", "Three"],
    "baseline_start": [date(2026, 1, 1), date(2026, 3, 1), None],
    "baseline_end": [date(2026, 1, 31), date(2026, 4, 1), None],
    "forecast_start": [None, date(2026, 3, 11), date(2026, 5, 1)],
    "forecast_end": [date(2026, 2, 10), date(2026, 4, 21), date(2026, 5, 2)],
    "overall_rag": ["red", None, "green"],
})
LINKS = pl.DataFrame({"predecessor_code": ["P1", "P1"], "successor_code": ["P2", "P9"],
                      "kind": ["finish_to_start", "finish_to_start"]})


def test_roadmap_draws_baseline_and_forecast_bars_per_project():
    fig = roadmap(ROWS, LINKS, today=date(2026, 2, 1))
    baseline, forecast = fig.data[0], fig.data[1]
    assert list(baseline.y) == ["P1", "P2", "&lt;b&gt;P3&lt;/b&gt;"]
    assert list(baseline.base) == ["2026-01-01", "2026-03-01", None]
    assert list(baseline.x) == [30 * DAY, 31 * DAY, None]        # no baseline: no bar, not 0
    assert list(baseline.marker.color) == [BASELINE_COLOUR] * 3
    # forecast start falls back to the baseline start (P1)
    assert list(forecast.base) == ["2026-01-01", "2026-03-11", "2026-05-01"]
    assert list(forecast.x) == [40 * DAY, 41 * DAY, 1 * DAY]
    assert list(forecast.marker.color) == [RAG_COLOURS["red"], RAG_COLOURS["not assessed"],
                                           RAG_COLOURS["green"]]
    assert forecast.customdata[1][0] == "P2 · Two &amp; co"
    assert forecast.customdata[0][1] == "1 Jan 2026 → 10 Feb 2026"


def test_roadmap_connects_predecessor_end_to_successor_start_only_inside_the_rows():
    link = roadmap(ROWS, LINKS).data[2]
    assert link.name == "Dependency"
    assert list(link.x) == ["2026-02-10", "2026-03-11", None]    # P9 is not on the roadmap
    assert list(link.y) == ["P1", "P2", None]


def test_roadmap_without_links_has_only_the_two_bar_series():
    fig = roadmap(ROWS, LINKS.clear())
    assert [t.name for t in fig.data] == ["Baseline", "Forecast"]
    assert fig.layout.yaxis.autorange == "reversed"


MILESTONES = pl.DataFrame({
    "id": [1, 2, 3, 4], "project_id": [1, 1, 1, 2], "name": ["G1", "G2", "M", "G1"],
    "kind": ["gate", "gate", "milestone", "gate"], "gate_type": ["G1_framing", "G2_go", None, "G1_framing"],
    "baseline_date": [date(2026, 1, 1), date(2026, 2, 1), date(2026, 1, 15), date(2026, 3, 1)],
    "forecast_date": [date(2026, 1, 5), date(2026, 2, 10), date(2026, 1, 20), date(2026, 3, 1)],
    "actual_date": [date(2026, 1, 6), None, None, date(2026, 3, 2)],
    "validation_state": ["validated", "pending", "pending", "validated"],
}, schema=s.MILESTONES)


def test_next_gate_is_the_first_open_gate_and_none_when_all_passed():
    got = next_gates(MILESTONES)
    assert got.to_dicts() == [{"project_id": 1, "next_gate": "G2", "next_gate_due": date(2026, 2, 10)}]


PROJECTS = pl.DataFrame({
    "project_id": [2, 1, 3], "code": ["P2", "P1", "P3"], "name": ["Billing", "CRM 100%", "Data"],
    "department": ["Finance", "Sales", "IT"], "manager": ["Ann Lee", None, "Bo_b"],
    "phase": ["execution", "framing", "execution"], "status": ["on_hold", "active", "active"],
    "bac": [1.0, 2.0, 3.0], "eac": [1.1, None, 3.0], "cpi": [0.9, None, 1.0],
    "spi_t": [1.0, 0.8, None], "overall_rag": ["amber", "red", None],
})


@pytest.mark.parametrize(("query", "codes"), [
    ("", ["P1", "P2", "P3"]),
    ("  ", ["P1", "P2", "P3"]),
    ("p2", ["P2"]),                # code, any case
    ("fin", ["P2"]),               # department
    ("ann", ["P2"]),               # manager
    ("100%", ["P1"]),              # literal, not a pattern
    ("_", ["P3"]),                 # literal underscore (Bo_b)
    (".*", []),                    # not a regex
])
def test_search_is_literal_and_case_insensitive(query, codes):
    assert PROJECTS.filter(matches(query)).sort("code")["code"].to_list() == codes


def test_inventory_rows_have_badges_next_gate_and_readable_status():
    table = inventory(PROJECTS, MILESTONES)
    assert table.columns == list(INVENTORY_COLUMNS)
    assert table["code"].to_list() == ["P1", "P2", "P3"]
    assert table["health"].to_list() == ["🔴 red", "🟠 amber", "⚪ not assessed"]
    assert table["status"].to_list() == ["active", "on hold", "active"]
    assert table["next_gate"].to_list() == ["G2", None, None]
    assert table["eac"].to_list() == [None, 1.1, 3.0]   # unknown EAC stays blank, never 0
