"""Pure plotly builders of the project card (tested without streamlit)."""

from __future__ import annotations

import datetime as dt

import plotly.graph_objects as go
import polars as pl

from components import figure_theme  # noqa: F401  (plotly_white, the default)
from components.figures import RAG_COLOURS
from components.format import date, label_escape, money

CURVE_COLOURS = {"Planned value (PV)": "#90a4ae", "Earned value (EV)": "#2e7d32",
                 "Actual cost (AC)": "#1f4e79", "Forecast (EAC)": "#ef6c00", "Budget (BAC)": "#78909c"}
DIMENSIONS = ("schedule", "cost", "scope", "quality")
LATE, ON_TIME = "#c62828", "#2e7d32"


def _layout(fig: go.Figure, title: str, height: int = 360) -> go.Figure:
    fig.update_layout(title=title, height=height, margin=dict(l=10, r=10, t=50, b=10),
                      legend=dict(orientation="h", y=-0.2))
    return fig


def s_curve(curve: pl.DataFrame, *, bac: float | None, eac: float | None,
            forecast_end: dt.date | None, symbol: str = "€") -> go.Figure:
    """Cumulative PV, EV, AC by month (analytics.project_curve), the budget as a flat line, and
    the EAC forecast: a dashed line from the last actual cost to EAC at the forecast end.

    An unknown EAC draws no forecast line; the title says so (never drawn as 0).
    """
    fig = go.Figure()
    months = curve["month"].to_list()
    for column, name in (("pv", "Planned value (PV)"), ("ev", "Earned value (EV)"),
                         ("ac", "Actual cost (AC)")):
        values = curve[column].to_list()
        fig.add_trace(go.Scatter(
            x=months, y=values, name=name, mode="lines+markers", line=dict(color=CURVE_COLOURS[name]),
            customdata=[money(v, symbol) for v in values],
            hovertemplate="%{x|%b %Y}<br>" + name + ": %{customdata}<extra></extra>"))
    if bac is not None and months:
        fig.add_trace(go.Scatter(
            x=[months[0], max([months[-1], forecast_end or months[-1]])], y=[bac, bac],
            name="Budget (BAC)", mode="lines", line=dict(color=CURVE_COLOURS["Budget (BAC)"], dash="dot"),
            hovertemplate="Budget (BAC): " + money(bac, symbol) + "<extra></extra>"))
    actual = curve.filter(pl.col("ac").is_not_null())
    title = "Earned value S-curve"
    if eac is None:
        title += " (EAC unknown: no cost performance yet)"
    elif actual.height:
        start_x, start_y = actual["month"][-1], actual["ac"][-1]
        end_x = forecast_end or months[-1]
        fig.add_trace(go.Scatter(
            x=[start_x, end_x], y=[start_y, eac], name="Forecast (EAC)", mode="lines+markers",
            line=dict(color=CURVE_COLOURS["Forecast (EAC)"], dash="dash"),
            hovertemplate="Forecast (EAC): " + money(eac, symbol) + " by " + date(end_x)
            + "<extra></extra>"))
    fig.update_yaxes(title=f"Cumulative ({symbol})", tickformat=",.0f")
    return _layout(fig, title, height=380)


def milestone_timeline(milestones: pl.DataFrame, *, today: dt.date | None = None) -> go.Figure:
    """Milestones and gates: a hollow marker at the baseline date, a filled one at the actual
    (else forecast) date, joined by a line; red when late, green otherwise; gates are diamonds.

    milestones: name, kind, baseline_date, forecast_date, actual_date, slip_days; one row each.
    """
    rows = milestones.sort("baseline_date", "name", nulls_last=True)
    labels = [label_escape(f"{i + 1}. {n}") for i, n in enumerate(rows["name"].to_list())]
    kinds, slips = rows["kind"].to_list(), rows["slip_days"].to_list()
    baseline = rows["baseline_date"].to_list()
    latest = [a or f for a, f in zip(rows["actual_date"], rows["forecast_date"])]
    state = ["done" if a else "forecast" for a in rows["actual_date"]]
    colours = [LATE if (s or 0) > 0 else ON_TIME for s in slips]
    shapes = ["diamond" if k == "gate" else "circle" for k in kinds]
    fig = go.Figure()
    xs, ys = [], []
    for label, b, x in zip(labels, baseline, latest):
        if b and x:
            xs += [b, x, None]
            ys += [label, label, None]
    fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", line=dict(color="#b0bec5", width=2),
                             hoverinfo="skip", showlegend=False))
    fig.add_trace(go.Scatter(
        x=baseline, y=labels, mode="markers", name="Baseline",
        marker=dict(symbol=[s + "-open" for s in shapes], size=11, color="#546e7a"),
        hovertemplate="%{y}<br>Baseline: %{x|%d %b %Y}<extra></extra>"))
    fig.add_trace(go.Scatter(
        x=latest, y=labels, mode="markers", name="Actual / forecast",
        marker=dict(symbol=shapes, size=12, color=colours),
        customdata=[[k, st_, "—" if s is None else f"{s:+d} days"]
                    for k, st_, s in zip(kinds, state, slips)],
        hovertemplate="%{y} (%{customdata[0]})<br>%{customdata[1]}: %{x|%d %b %Y}"
                      "<br>Slip: %{customdata[2]}<extra></extra>"))
    if today is not None:
        fig.add_vline(x=today.isoformat(), line=dict(color="#455a64", dash="dash", width=1))
    fig.update_yaxes(autorange="reversed", type="category")
    return _layout(fig, "Milestones and gates: baseline → actual or forecast",
                   height=max(260, 30 * rows.height + 120))


def rag_history(reports: pl.DataFrame) -> go.Figure:
    """Status reports over time: one row per dimension, one coloured dot per report; the
    comment (escaped) is in the hover.

    reports: period, schedule_rag, cost_rag, scope_rag, quality_rag, comment.
    """
    rows = reports.sort("period")
    periods = rows["period"].to_list()
    comments = [label_escape(c or "(no comment)") for c in rows["comment"].to_list()]
    fig = go.Figure()
    for rag in ("green", "amber", "red"):
        xs, ys, text = [], [], []
        for dim in DIMENSIONS:
            for period, value, comment in zip(periods, rows[f"{dim}_rag"].to_list(), comments):
                if value == rag:
                    xs.append(period)
                    ys.append(dim.capitalize())
                    text.append(comment)
        fig.add_trace(go.Scatter(
            x=xs, y=ys, mode="markers", name=rag, customdata=text,
            marker=dict(color=RAG_COLOURS[rag], size=14, symbol="square"),
            hovertemplate="%{x|%b %Y} · %{y}: " + rag + "<br>%{customdata}<extra></extra>"))
    fig.update_yaxes(type="category", categoryorder="array",
                     categoryarray=[d.capitalize() for d in DIMENSIONS], autorange="reversed")
    return _layout(fig, "Reported health over time", height=260)
