"""Pure plotly builders of the governance page: gate compliance per methodology, methodology mix."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from components import figure_theme  # noqa: F401  (plotly_white, the default)
from components.format import label_escape, money

METHODOLOGY_COLOURS = {"agile": "#1f77b4", "waterfall": "#5c6bc0", "v_model": "#26a69a",
                       "hybrid": "#ef6c00", "unspecified": "#9e9e9e"}
SERIES = (("gates_total", "Gates in plan", "#cfd8dc"),
          ("gates_passed", "Gates passed", "#1f4e79"),
          ("gates_compliant", "Gates with every required deliverable", "#2e7d32"))


def methodology_label(value: str) -> str:
    return label_escape(value.replace("_", "-") if value == "v_model" else value)


def _layout(fig: go.Figure, title: str, height: int = 340) -> go.Figure:
    fig.update_layout(title=title, height=height, margin=dict(l=10, r=10, t=50, b=10),
                      legend=dict(orientation="h", y=-0.2))
    return fig


def compliance_by_methodology(by_methodology: pl.DataFrame) -> go.Figure:
    """Grouped horizontal bars per methodology: gates in plan, passed, with all required deliverables."""
    names = by_methodology["methodology"].to_list()
    labels = [methodology_label(m) for m in names]
    totals = by_methodology["gates_total"].to_list()
    fig = go.Figure()
    for column, name, colour in SERIES:
        values = by_methodology[column].to_list()
        text = [f"{v:,}" if column == "gates_total" or not t else f"{v:,} ({v / t:.0%})"
                for v, t in zip(values, totals)]
        fig.add_trace(go.Bar(
            name=name, y=labels, x=values, orientation="h", marker_color=colour, text=text,
            textposition="auto", customdata=names,
            hovertemplate="%{y}<br>" + name + ": %{text}<extra></extra>"))
    fig.update_layout(barmode="group")
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title="Gates")
    return _layout(fig, "Stage-gate compliance by methodology",
                   height=max(300, 120 + 90 * len(names)))


def methodology_mix(mix: pl.DataFrame, symbol: str = "€") -> go.Figure:
    """Donut of projects per methodology; the hover adds the budget (Σ BAC) and its share."""
    names = mix["methodology"].to_list()
    fig = go.Figure(go.Pie(
        labels=[methodology_label(m) for m in names], values=mix["projects"].to_list(),
        hole=0.55, sort=False, textinfo="value+label+percent",
        marker=dict(colors=[METHODOLOGY_COLOURS.get(m, "#9e9e9e") for m in names]),
        customdata=[[money(b, symbol, compact=True), f"{s:.0%}" if s is not None else "—"]
                    for b, s in zip(mix["bac"].to_list(), mix["bac_share"].to_list())],
        hovertemplate="%{label}: %{value} projects<br>budget %{customdata[0]} "
                      "(%{customdata[1]} of the portfolio)<extra></extra>"))
    return _layout(fig, "Methodology mix (projects)")
