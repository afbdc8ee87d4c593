"""Pure plotly figure builders: frames in, figures out (tested without streamlit)."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from components import figure_theme  # noqa: F401  (plotly_white, the default)
from components.format import label_escape, money

RAG_COLOURS = {"green": "#2e7d32", "amber": "#f9a825", "red": "#c62828", "not assessed": "#9e9e9e"}
STATUS_ORDER = ["proposed", "active", "on_hold", "completed", "cancelled"]
SERIES_COLOURS = {"Budget (BAC)": "#90a4ae", "Actual cost (AC)": "#1f4e79", "Forecast (EAC)": "#ef6c00"}


def _layout(fig: go.Figure, title: str, height: int = 320) -> go.Figure:
    fig.update_layout(title=title, height=height, margin=dict(l=10, r=10, t=50, b=10),
                      legend=dict(orientation="h", y=-0.2))
    return fig


def projects_by_status(by_status: pl.DataFrame) -> go.Figure:
    """Horizontal bars: number of projects per status, in lifecycle order."""
    counts = dict(zip(by_status["status"].to_list(), by_status["projects"].to_list()))
    statuses = [s for s in STATUS_ORDER if s in counts] + sorted(set(counts) - set(STATUS_ORDER))
    fig = go.Figure(go.Bar(
        x=[counts[s] for s in statuses], y=[label_escape(s.replace("_", " ")) for s in statuses],
        orientation="h", marker_color="#1f4e79", text=[counts[s] for s in statuses],
        textposition="auto", customdata=statuses,
        hovertemplate="%{y}: %{x} projects<extra></extra>"))
    fig.update_yaxes(autorange="reversed")
    return _layout(fig, "Projects by status")


def projects_by_health(by_health: pl.DataFrame) -> go.Figure:
    """Donut of projects per overall health (red, amber, green, not assessed)."""
    order = ["red", "amber", "green", "not assessed"]
    counts = dict(zip(by_health["overall_rag"].to_list(), by_health["projects"].to_list()))
    labels = [k for k in order if counts.get(k)]
    fig = go.Figure(go.Pie(
        labels=labels, values=[counts[k] for k in labels], hole=0.55, sort=False,
        marker=dict(colors=[RAG_COLOURS[k] for k in labels]), textinfo="value+label",
        hovertemplate="%{label}: %{value} projects<extra></extra>"))
    return _layout(fig, "Health of active projects")


def budget_by_department(by_department: pl.DataFrame, symbol: str = "€") -> go.Figure:
    """Grouped bars per department: budget at completion, actual cost to date, forecast at completion.

    A missing amount (an EAC that cannot be estimated yet) has no bar and says "unknown"; it is
    never drawn as 0.
    """
    departments = [label_escape(d) for d in by_department["department"].to_list()]
    fig = go.Figure()
    for column, name in (("bac", "Budget (BAC)"), ("ac", "Actual cost (AC)"), ("eac", "Forecast (EAC)")):
        values = by_department[column].to_list()
        fig.add_trace(go.Bar(
            name=name, x=departments, y=values, marker_color=SERIES_COLOURS[name],
            text=["unknown" if v is None else money(v, symbol, compact=True) for v in values],
            textposition="outside",
            hovertemplate="%{x}<br>" + name + ": %{text}<extra></extra>"))
    fig.update_layout(barmode="group")
    fig.update_yaxes(title=f"Amount ({symbol})", tickformat=",.0f")
    return _layout(fig, "Budget vs actual vs forecast, by department", height=380)
