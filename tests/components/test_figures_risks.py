"""The risk matrix figure: colours follow the band of P × I, never the counts; clicks map to cells."""

import polars as pl
import pytest

from analytics.risk import risk_matrix
from components.figures_risks import (BAND_COLOURS, cell_from_points, parse_cell, risk_heatmap)
from data_access.queries import schemas as s


def matrix(*risks: tuple) -> pl.DataFrame:
    """Matrix of live risks given as (probability, impact, cost_impact)."""
    rows = [dict(id=k, project_id=1, title=f"R{k}", category="technical", probability=p, impact=i,
                 cost_impact=c, owner="Ann", mitigation=None, due_date=None, status="open",
                 identified_on=None, closed_on=None) for k, (p, i, c) in enumerate(risks, 1)]
    return risk_matrix(pl.DataFrame(rows, schema=s.RISKS)).collect()


def cell(fig, p: int, i: int, attr: str):
    return getattr(fig.data[0], attr)[p - 1][i - 1]


def test_cells_show_count_and_exposure_with_probability_up_and_impact_across():
    fig = risk_heatmap(matrix((4, 5, 100_000.0), (4, 5, 50_000.0), (1, 2, None)))
    heat = fig.data[0]
    assert list(heat.x) == [1, 2, 3, 4, 5] and list(heat.y) == [1, 2, 3, 4, 5]
    assert cell(fig, 4, 5, "text") == "<b>2</b><br>€120.0k"    # 4/5 × 150k
    assert cell(fig, 1, 2, "text") == "<b>1</b><br>€0"         # unknown cost adds 0
    assert cell(fig, 3, 3, "text") == ""                        # empty cells say nothing
    markers = fig.data[1]                                       # the hover is the marker's
    at = (4 - 1) * 5 + (5 - 1)                                  # probability outer, impact inner
    assert markers.customdata[at] == "4-5"
    assert "P4 × I5 = 20 (critical)" in markers.hovertext[at]


@pytest.mark.parametrize("p, i, rank", [(1, 1, 0), (2, 2, 0), (1, 5, 1), (3, 3, 1),
                                        (2, 5, 2), (4, 4, 2), (4, 5, 3), (5, 5, 3)])
def test_cell_colour_is_the_band_of_the_score(p, i, rank):
    fig = risk_heatmap(matrix((1, 1, None), (1, 1, None), (1, 1, None)))  # counts pile up on 1×1
    assert cell(fig, p, i, "z") == rank
    heat = fig.data[0]
    at = (rank - heat.zmin) / (heat.zmax - heat.zmin)          # where z falls on the scale
    segment = [c for (lo, c), (hi, c2) in zip(heat.colorscale, heat.colorscale[1:])
               if lo < at < hi and c == c2]
    assert segment == [list(BAND_COLOURS.values())[rank]]


def test_colours_are_monotone_in_the_score_and_blind_to_counts():
    empty, crowded = risk_heatmap(matrix()), risk_heatmap(matrix(*[(1, 1, None)] * 50))
    assert empty.data[0].z == crowded.data[0].z
    by_score = sorted((p * i, cell(empty, p, i, "z")) for p in range(1, 6) for i in range(1, 6))
    ranks = [r for _, r in by_score]
    assert ranks == sorted(ranks)


def test_every_cell_is_clickable_and_the_selection_is_outlined():
    fig = risk_heatmap(matrix(), selected=(4, 5))
    markers = fig.data[1]
    assert len(markers.customdata) == 25 and "4-5" in list(markers.customdata)
    # plotly leaves a trace with hoverinfo "skip" out of click hit-testing too: the markers
    # must not skip, the heatmap under them must (else a click finds only the heatmap)
    assert markers.hoverinfo != "skip" and fig.data[0].hoverinfo == "skip"
    shape = fig.layout.shapes[0]
    assert (shape.x0, shape.x1, shape.y0, shape.y1) == (4.5, 5.5, 3.5, 4.5)
    assert not risk_heatmap(matrix()).layout.shapes


@pytest.mark.parametrize("value, expected", [("4-5", (4, 5)), ("1-1", (1, 1)), ("0-3", None),
                                             ("6-1", None), ("4", None), ("a-b", None),
                                             (None, None), ("", None), ("4-5-1", None)])
def test_parse_cell(value, expected):
    assert parse_cell(value) == expected


@pytest.mark.parametrize("points, expected", [
    ([{"x": 5, "y": 4, "customdata": "4-5"}], "4-5"),
    ([{"x": 2, "y": 3, "customdata": ["3-2"]}], "3-2"),
    ([{"x": 2.0, "y": 3.0}], "3-2"),
    ([{"x": 9, "y": 3}], None),
    ([], None), (None, None),
])
def test_cell_from_points(points, expected):
    assert cell_from_points(points) == expected
