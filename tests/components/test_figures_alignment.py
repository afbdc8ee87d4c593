"""The strategic alignment builders, inspected without streamlit (hand-computed values)."""

from __future__ import annotations

import polars as pl
import pytest

from components.figures import RAG_COLOURS
from components.figures_alignment import (MIX_COLOURS, bubble_sizeref, contribution_heatmap,
                                          hidden_count, investment_mix, value_risk_bubbles)

OBJECTIVES = pl.DataFrame({"id": [1, 2], "code": ["GROW", "CX"], "name": ["Grow", "<i>Care</i>"],
                           "weight": [0.6, 0.4], "target_share": [0.5, 0.5]})
CELLS = pl.DataFrame({"code": ["P2", "P2", "P1"], "name": ["Two", "Two", "<b>One</b>"],
                      "objective_code": ["GROW", "CX", "CX"], "contribution": [1.0, 0.5, 0.25]})


def test_contribution_heatmap_rows_columns_and_values():
    heat, marks = contribution_heatmap(CELLS, OBJECTIVES).data
    assert list(heat.x) == ["CX", "GROW"]          # objectives by code
    assert list(heat.y) == ["P2", "P1"]            # projects in the order given (best first)
    assert [list(r) for r in heat.z] == [[0.5, 1.0], [0.25, None]]
    assert [list(r) for r in heat.text] == [["50%", "100%"], ["25%", ""]]
    assert (heat.zmin, heat.zmax) == (0.0, 1.0)
    # each cell clickable: [project, objective]
    assert [list(c) for c in marks.customdata] == [["P2", "CX"], ["P2", "GROW"], ["P1", "CX"],
                                                  ["P1", "GROW"]]
    assert marks.hovertext[3] == "P1 &lt;b&gt;One&lt;/b&gt;<br>Grow: no contribution"
    assert marks.hovertext[0] == "P2 Two<br>&lt;i&gt;Care&lt;/i&gt;: 50%"


MIX = pl.DataFrame({
    "objective_id": [2, 1, None], "code": ["CX", "GROW", "unaligned"],
    "name": ["Care", "Grow", "Serves no objective"], "projects": [2, 1, 1],
    "invested": [300.0, 600.0, 100.0], "actual_share": [0.3, 0.6, 0.1],
    "target_share": [0.5, 0.5, 0.0], "gap": [-0.2, 0.1, 0.1],
    "status": ["under", "over", "over"]})


def test_investment_mix_bars_coloured_by_status_with_target_markers():
    fig = investment_mix(MIX, "€")
    bars = [t for t in fig.data if t.type == "bar"]
    assert [(b.name, list(b.x), list(b.y)) for b in bars] == [
        ("under target", ["CX"], [0.3]), ("over target", ["GROW", "unaligned"], [0.6, 0.1])]
    assert [b.marker.color for b in bars] == [MIX_COLOURS["under"], MIX_COLOURS["over"]]
    assert list(bars[1].text) == ["60%", "10%"]
    assert [list(c) for c in bars[1].customdata] == [["GROW"], ["unaligned"]]
    assert bars[0].hovertext[0] == "Care<br>2 projects, €300<br>actual 30% vs target 50%"
    target = fig.data[-1]
    assert (target.name, list(target.y), target.marker.symbol) == ("target", [0.5, 0.5, 0.0],
                                                                  "diamond")


PROJECTS = pl.DataFrame({
    "code": ["A", "B", "C", "D"], "name": ["<script>", "Bee", "Cee", "Dee"],
    "alignment_score": [80.0, 20.0, 55.0, 10.0],
    "financial_value": [1e6, None, 5e5, 2e5], "risk_level": [4, 2, None, 1],
    "bac": [2_000_000.0, 500_000.0, 1_000_000.0, None],
    "overall_rag": ["red", "green", "amber", None]})


@pytest.mark.parametrize(("axis", "xs", "hidden"), [
    # C has no risk level: left out on both axes; B has no financial value
    ("alignment", {"red": [80.0], "green": [20.0], "not assessed": [10.0]}, 1),
    ("financial", {"red": [1e6], "not assessed": [2e5]}, 2),
])
def test_bubbles_by_health_with_the_chosen_value_axis(axis, xs, hidden):
    fig = value_risk_bubbles(PROJECTS, axis)
    assert {t.name: list(t.x) for t in fig.data} == xs
    assert {t.name: t.marker.color for t in fig.data} == {k: RAG_COLOURS[k] for k in xs}
    assert hidden_count(PROJECTS, axis) == hidden


def test_bubble_area_is_the_budget():
    fig = value_risk_bubbles(PROJECTS, "alignment")
    red = next(t for t in fig.data if t.name == "red")
    assert list(red.marker.size) == [2_000_000.0]
    assert red.marker.sizemode == "area"
    # sizeref = 2 × largest budget / 45² so the biggest bubble is 45 px wide
    assert red.marker.sizeref == pytest.approx(2 * 2_000_000.0 / 45**2)
    assert list(red.y) == [4]
    assert [list(c) for c in red.customdata] == [["A"]]
    assert red.hovertext[0] == "A &lt;script&gt;<br>budget €2.0M"
    unknown = next(t for t in fig.data if t.name == "not assessed")
    assert list(unknown.marker.size) == [0.0]   # no budget: the minimum size, never an error


@pytest.mark.parametrize(("budgets", "expected"), [
    ([100.0, 450.0], 2 * 450.0 / 45**2), ([None, 0.0], 1.0), ([], 1.0)])
def test_bubble_sizeref(budgets, expected):
    assert bubble_sizeref(budgets) == pytest.approx(expected)
