"""Governance figures: compliance bars per methodology and the methodology mix donut."""

import polars as pl

from components import figures_governance as fg


def test_compliance_by_methodology_three_series_with_rates():
    frame = pl.DataFrame({"methodology": ["agile", "v_model"], "gates_total": [10, 0],
                          "gates_passed": [4, 0], "gates_compliant": [5, 0]})
    fig = fg.compliance_by_methodology(frame)
    assert [t.name for t in fig.data] == ["Gates in plan", "Gates passed",
                                          "Gates with every required deliverable"]
    assert list(fig.data[0].y) == ["agile", "v-model"]
    assert list(fig.data[1].x) == [4, 0]
    assert list(fig.data[1].text) == ["4 (40%)", "0"]      # no rate without gates
    assert list(fig.data[2].text) == ["5 (50%)", "0"]
    assert fig.layout.barmode == "group"


def test_methodology_mix_counts_colours_budget_and_escaped_labels():
    mix = pl.DataFrame({"methodology": ["agile", "<i>x</i>"], "projects": [3, 1],
                        "bac": [1_500_000.0, 0.0], "bac_share": [1.0, 0.0]})
    pie = fg.methodology_mix(mix).data[0]
    assert list(pie.labels) == ["agile", "&lt;i&gt;x&lt;/i&gt;"]
    assert list(pie.values) == [3, 1]
    assert list(pie.marker.colors) == ["#1f77b4", "#9e9e9e"]
    assert [list(c) for c in pie.customdata] == [["€1.5M", "100%"], ["€0", "0%"]]
