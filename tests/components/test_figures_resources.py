"""The capacity heatmap builder, inspected without streamlit (hand-computed cells)."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from components.figures_resources import (LOAD_MAX, LOAD_MID, capacity_heatmap, colour_load,
                                          month_label)

JAN, FEB = date(2026, 1, 1), date(2026, 2, 1)
LOAD = pl.DataFrame({
    "role": ["Dev", "Dev", "<b>QA</b>", "<b>QA</b>"],
    "month": [JAN, FEB, JAN, FEB],
    "demand_hours": [150.0, 50.0, 0.0, 30.0],
    "capacity_hours": [100.0, 100.0, 0.0, 0.0],
    "load_pct": [150.0, 50.0, None, None],
    "overloaded": [True, False, False, True],
})


@pytest.mark.parametrize(("load", "demand", "capacity", "expected"), [
    (150.0, 150.0, 100.0, 150.0),
    (50.0, 50.0, 100.0, 50.0),
    (350.0, 350.0, 100.0, LOAD_MAX),    # clipped at 200 so one outlier does not wash out the rest
    (None, 30.0, 0.0, LOAD_MAX),        # demand on no capacity: as bad as it gets
    (None, 0.0, 0.0, None),             # nothing asked, nothing there: blank
])
def test_colour_load(load, demand, capacity, expected):
    assert colour_load(load, demand, capacity) == expected


def test_heatmap_is_centred_at_100_percent_and_marks_overloads():
    fig = capacity_heatmap(LOAD, "role", "Load")
    heat, marks = fig.data
    assert (heat.zmid, heat.zmin, heat.zmax) == (LOAD_MID, 0.0, LOAD_MAX)
    # rows sorted by group: "<b>QA</b>" < "Dev"; labels escaped
    assert list(heat.y) == ["&lt;b&gt;QA&lt;/b&gt;", "Dev"]
    assert list(heat.x) == ["Jan 2026", "Feb 2026"]
    assert [list(r) for r in heat.z] == [[None, 200.0], [150.0, 50.0]]
    # only over-allocated cells carry text: Dev Jan 150 %, QA Feb demand on no capacity
    assert [list(r) for r in heat.text] == [["", "∞"], ["150%", ""]]


def test_every_cell_is_clickable_with_its_group_and_month():
    marks = capacity_heatmap(LOAD, "role", "Load").data[1]
    assert [list(c) for c in marks.customdata] == [
        ["<b>QA</b>", "2026-01-01"], ["<b>QA</b>", "2026-02-01"],
        ["Dev", "2026-01-01"], ["Dev", "2026-02-01"]]
    assert marks.marker.opacity == 0
    assert "Demand 150 h / capacity 100 h<br>Load 150%" in marks.hovertext[2]
    assert "Load no capacity" in marks.hovertext[1]
    assert "<b>" not in "".join(marks.hovertext)


def test_height_grows_with_the_groups():
    many = pl.DataFrame({"team": [f"T{i:02d}" for i in range(30)], "month": [JAN] * 30,
                         "demand_hours": [1.0] * 30, "capacity_hours": [1.0] * 30,
                         "load_pct": [100.0] * 30, "overloaded": [False] * 30})
    assert capacity_heatmap(many, "team", "x").layout.height == 26 * 30 + 150
    assert capacity_heatmap(LOAD, "role", "x").layout.height == 260


def test_month_label():
    assert month_label(date(2026, 12, 1)) == "Dec 2026"
