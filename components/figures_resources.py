"""Pure plotly builders of the resource arbitration page (tested without streamlit)."""

from __future__ import annotations

import datetime as dt

import plotly.graph_objects as go
import polars as pl

from components import figure_theme  # noqa: F401  (plotly_white, the default)
from components.format import label_escape

#: load % -> colour: under-used blue, 100 % near white, over-allocated red (centred at 100 %)
LOAD_SCALE = [[0.0, "#2c7bb6"], [0.35, "#abd9e9"], [0.5, "#f7f7f7"], [0.62, "#fdae61"],
              [1.0, "#b2182b"]]
LOAD_MIN, LOAD_MID, LOAD_MAX = 0.0, 100.0, 200.0


def month_label(month: dt.date) -> str:
    return f"{month:%b %Y}"


def colour_load(load_pct: float | None, demand: float, capacity: float) -> float | None:
    """The colour value of a cell: load % clipped to 0..200; demand on no capacity = 200."""
    if capacity <= 0:
        return LOAD_MAX if demand > 0 else None
    return min(max(load_pct or 0.0, LOAD_MIN), LOAD_MAX)


def capacity_heatmap(load: pl.DataFrame, key: str, title: str) -> go.Figure:
    """Heatmap of load % per ``key`` (role or team) × month, centred at 100 %; overloaded cells
    carry their load as text. A transparent marker on every cell makes it clickable
    (customdata = [group, ISO month])."""
    groups = sorted(load[key].unique().to_list())
    months = sorted(load["month"].unique().to_list())
    labels = [month_label(m) for m in months]
    cells = {(r[key], r["month"]): r for r in load.iter_rows(named=True)}
    z, text, hover = [], [], []
    for g in groups:
        z_row, text_row, hover_row = [], [], []
        for m in months:
            c = cells.get((g, m), {"demand_hours": 0.0, "capacity_hours": 0.0, "load_pct": None})
            z_row.append(colour_load(c["load_pct"], c["demand_hours"], c["capacity_hours"]))
            over = c["demand_hours"] > c["capacity_hours"]
            load_text = "no capacity" if c["load_pct"] is None else f"{c['load_pct']:.0f}%"
            text_row.append(("∞" if c["load_pct"] is None else f"{c['load_pct']:.0f}%")
                            if over else "")
            hover_row.append(f"{label_escape(g)} · {month_label(m)}<br>"
                             f"Demand {c['demand_hours']:,.0f} h / capacity "
                             f"{c['capacity_hours']:,.0f} h<br>Load {load_text}")
        z.append(z_row)
        text.append(text_row)
        hover.append(hover_row)
    y = [label_escape(g) for g in groups]
    fig = go.Figure(go.Heatmap(
        z=z, x=labels, y=y, text=text, texttemplate="%{text}", textfont=dict(size=10),
        zmin=LOAD_MIN, zmax=LOAD_MAX, zmid=LOAD_MID, colorscale=LOAD_SCALE, hoverinfo="skip",
        xgap=1, ygap=1, colorbar=dict(title="Load %", tickvals=[0, 50, 100, 150, 200],
                                      ticktext=["0%", "50%", "100%", "150%", "≥200%"])))
    fig.add_trace(go.Scatter(
        x=[label for _ in groups for label in labels], y=[yy for yy in y for _ in labels],
        mode="markers", marker=dict(size=14, opacity=0, symbol="square"), showlegend=False,
        customdata=[[g, m.isoformat()] for g in groups for m in months],
        hovertext=[h for row in hover for h in row], hovertemplate="%{hovertext}<extra></extra>"))
    fig.update_xaxes(type="category", tickangle=-45, categoryorder="array", categoryarray=labels)
    fig.update_yaxes(type="category", autorange="reversed", categoryorder="array",
                     categoryarray=y)
    fig.update_layout(title=title, height=max(260, 26 * len(groups) + 150),
                      margin=dict(l=10, r=10, t=50, b=10),
                      clickmode="event+select", dragmode=False)
    return fig
