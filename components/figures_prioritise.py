"""Pure plotly builders of the prioritisation page: score contributions, efficient frontier,
capacity used by the selection."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from analytics.scenario import CRITERION_KEYS
from components import figure_theme  # noqa: F401  (plotly_white, the default)
from components.figures import _layout
from components.format import label_escape, money

CRITERION_LABELS = {"alignment": "Strategic alignment", "financial": "Financial value",
                    "risk": "Risk (inverse)", "urgency": "Urgency", "compliance": "Compliance"}
CRITERION_COLOURS = {"alignment": "#1f4e79", "financial": "#2e7d32", "risk": "#8e24aa",
                     "urgency": "#ef6c00", "compliance": "#546e7a"}
SELECTED, LEFT_OUT = "#1f4e79", "#b0bec5"


def score_bars(table: pl.DataFrame, *, top: int = 40) -> go.Figure:
    """Stacked horizontal bars: each project's score split by criterion, best first; projects
    left out are faded and their label says "out". customdata carries the project code."""
    rows = table.sort(["score", "code"], descending=[True, False]).head(top)
    labels = [label_escape(f"{'✓' if sel else '✗'} {code} {name}"[:60])
              for code, name, sel in rows.select("code", "name", "selected").rows()]
    opacity = [1.0 if s else 0.35 for s in rows["selected"].to_list()]
    fig = go.Figure()
    for key in CRITERION_KEYS:
        fig.add_trace(go.Bar(
            name=CRITERION_LABELS[key], x=rows[f"contrib_{key}"].to_list(), y=labels,
            orientation="h", marker=dict(color=CRITERION_COLOURS[key], opacity=opacity),
            customdata=rows["code"].to_list(),
            hovertemplate="%{y}<br>" + CRITERION_LABELS[key] + ": %{x:.1f} points<extra></extra>"))
    fig.update_layout(barmode="stack")
    fig.update_yaxes(autorange="reversed")
    top_score = max(rows["score"].max() or 0.0, 1.0)
    fig.update_xaxes(title="score (0-100)", range=[0, min(100.0, top_score * 1.1)])
    shown = "" if rows.height == table.height else f" (best {rows.height} of {table.height})"
    _layout(fig, f"Score by criterion{shown}; ✓ selected, ✗ left out",
            height=max(320, 22 * rows.height + 120))
    fig.update_layout(legend=dict(orientation="h", y=1.0, yanchor="bottom", x=0))
    return fig


def frontier_figure(frontier: pl.DataFrame, *, budget: float | None, total_score: float,
                    total_cost: float, symbol: str = "€") -> go.Figure:
    """Best total score against the total budget cap, with this scenario marked."""
    ok = frontier.filter(pl.col("status") != "infeasible")
    fig = go.Figure(go.Scatter(
        x=ok["budget"].to_list(), y=ok["total_value"].to_list(), mode="lines+markers",
        name="Best possible", line=dict(color=SELECTED, shape="hv"),
        text=[money(b, symbol, compact=True) for b in ok["budget"].to_list()],
        hovertemplate="budget %{text}<br>best total score %{y:.1f}<extra></extra>"))
    fig.add_trace(go.Scatter(
        x=[budget if budget is not None else total_cost], y=[total_score], mode="markers",
        name="This scenario", marker=dict(symbol="star", size=16, color="#ef6c00"),
        text=[money(total_cost, symbol, compact=True)],
        hovertemplate="this scenario: score %{y:.1f}, cost %{text}<extra></extra>"))
    fig.update_xaxes(title=f"total budget cap ({symbol})")
    fig.update_yaxes(title="total score")
    return _layout(fig, "Efficient frontier: the best total score for each budget")


def capacity_figure(capacity: pl.DataFrame) -> go.Figure:
    """Per role: hours the selection needs against the hours available over the horizon."""
    roles = [label_escape(r) for r in capacity["role"].to_list()]
    fig = go.Figure()
    fig.add_trace(go.Bar(name="Available", x=roles, y=capacity["capacity_hours"].to_list(),
                         marker_color="#cfd8dc",
                         hovertemplate="%{x}: %{y:,.0f} h available<extra></extra>"))
    fig.add_trace(go.Bar(name="Needed by the selection", x=roles,
                         y=capacity["demand_selected"].to_list(), marker_color=SELECTED,
                         hovertemplate="%{x}: %{y:,.0f} h needed<extra></extra>"))
    fig.add_trace(go.Scatter(name="Needed by every candidate", x=roles,
                             y=capacity["demand_all"].to_list(), mode="markers",
                             marker=dict(symbol="line-ew-open", size=24, color="#c62828"),
                             hovertemplate="%{x}: %{y:,.0f} h for all<extra></extra>"))
    fig.update_layout(barmode="overlay")
    fig.update_yaxes(title="hours over the horizon")
    return _layout(fig, "Capacity per role over the horizon")
