"""Pure plotly builders of the portfolio page: the roadmap (tested without streamlit)."""

from __future__ import annotations

import datetime as dt

import plotly.graph_objects as go
import polars as pl

from components import figure_theme  # noqa: F401  (plotly_white, the default)
from components.figures import RAG_COLOURS
from components.format import date, label_escape

BASELINE_COLOUR = "#cfd8dc"
LINK_COLOUR = "#546e7a"
ROADMAP_COLUMNS = ("code", "name", "baseline_start", "baseline_end", "forecast_start",
                   "forecast_end", "overall_rag")


def _ms(start: dt.date | None, end: dt.date | None) -> float | None:
    """Bar length in milliseconds (plotly's unit on a date axis); None when a date is missing."""
    if start is None or end is None:
        return None
    return (end - start).days * 86_400_000.0


def roadmap(rows: pl.DataFrame, dependencies: pl.DataFrame, *, today: dt.date | None = None
            ) -> go.Figure:
    """Timeline: a grey baseline bar and a forecast bar coloured by health per project, and a
    connector from each predecessor's forecast end to its successor's forecast start.

    rows: ROADMAP_COLUMNS (forecast_start falls back to baseline_start); dependencies:
    predecessor_code, successor_code, kind — only links whose two ends are in ``rows`` are drawn.
    """
    rows = rows.with_columns(pl.coalesce("forecast_start", "baseline_start").alias("forecast_start"))
    codes = [label_escape(c) for c in rows["code"].to_list()]
    hover = [label_escape(f"{c} · {n}") for c, n in zip(rows["code"], rows["name"])]
    fig = go.Figure()
    for name, start, end, colours in (
        ("Baseline", "baseline_start", "baseline_end", [BASELINE_COLOUR] * rows.height),
        ("Forecast", "forecast_start", "forecast_end",
         [RAG_COLOURS.get(r or "not assessed", RAG_COLOURS["not assessed"])
          for r in rows["overall_rag"].to_list()]),
    ):
        starts, ends = rows[start].to_list(), rows[end].to_list()
        fig.add_trace(go.Bar(
            name=name, y=codes, base=[s.isoformat() if s else None for s in starts],
            x=[_ms(s, e) for s, e in zip(starts, ends)], orientation="h",
            marker_color=colours,
            customdata=[[h, f"{date(s)} → {date(e)}"] for h, s, e in zip(hover, starts, ends)],
            hovertemplate="%{customdata[0]}<br>" + name + ": %{customdata[1]}<extra></extra>"))
    where = {c: (s, e) for c, s, e in zip(rows["code"], rows["forecast_start"], rows["forecast_end"])}
    xs: list = []
    ys: list = []
    for pred, succ in zip(dependencies["predecessor_code"], dependencies["successor_code"]):
        if pred in where and succ in where and where[pred][1] and where[succ][0]:
            xs += [where[pred][1].isoformat(), where[succ][0].isoformat(), None]
            ys += [label_escape(pred), label_escape(succ), None]
    if xs:
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines+markers", name="Dependency",
                                 line=dict(color=LINK_COLOUR, width=1, dash="dot"),
                                 marker=dict(symbol="arrow", size=8, angleref="previous"),
                                 hoverinfo="skip"))
    if today is not None:
        fig.add_vline(x=today.isoformat(), line=dict(color="#455a64", dash="dash", width=1))
    fig.update_xaxes(type="date", title=None)
    fig.update_yaxes(autorange="reversed", type="category", title=None)
    fig.update_layout(barmode="group", bargap=0.25, bargroupgap=0.05, title="Roadmap: baseline vs forecast",
                      height=max(320, 26 * rows.height + 120),
                      margin=dict(l=10, r=10, t=50, b=10), legend=dict(orientation="h", y=1.02, x=1,
                                                                       xanchor="right", yanchor="bottom"))
    return fig
