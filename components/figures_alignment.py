"""Pure plotly builders of the strategic alignment page (tested without streamlit).

Every clickable mark carries customdata naming what it stands for (objective and/or project
code), so a chart selection can set the page's drill-down target."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from components import figure_theme  # noqa: F401  (plotly_white, the default)
from components.figures import RAG_COLOURS
from components.format import label_escape, money

MIX_COLOURS = {"under": "#ef6c00", "on_target": "#2e7d32", "over": "#1f4e79"}
MIX_LABELS = {"under": "under target", "on_target": "on target", "over": "over target"}
CONTRIBUTION_SCALE = [[0.0, "#f4f6f8"], [0.5, "#7fa7cf"], [1.0, "#1f4e79"]]
VALUE_AXES = {"alignment": ("alignment_score", "Alignment score (0-100)"),
              "financial": ("financial_value", "Financial value")}


def _layout(fig: go.Figure, title: str, height: int) -> go.Figure:
    fig.update_layout(title=title, height=height, margin=dict(l=10, r=10, t=50, b=10), clickmode="event+select")
    return fig


def contribution_heatmap(cells: pl.DataFrame, objectives: pl.DataFrame) -> go.Figure:
    """Projects (rows, by ``cells`` order of first appearance) × objectives (columns, by code):
    colour = contribution 0..1. ``cells``: code, name, objective_code, contribution."""
    columns = objectives.sort("code")["code"].to_list()
    names = dict(zip(objectives["code"], objectives["name"]))
    projects = list(dict.fromkeys(cells["code"].to_list()))
    project_names = dict(zip(cells["code"], cells["name"]))
    value = {(r["code"], r["objective_code"]): r["contribution"]
             for r in cells.iter_rows(named=True)}
    z = [[value.get((p, o)) for o in columns] for p in projects]
    x = [label_escape(o) for o in columns]
    y = [label_escape(p) for p in projects]
    fig = go.Figure(go.Heatmap(
        z=z, x=x, y=y, zmin=0.0, zmax=1.0, colorscale=CONTRIBUTION_SCALE, xgap=2, ygap=2,
        hoverinfo="skip", colorbar=dict(title="Contribution", tickformat=".0%"),
        text=[["" if v is None else f"{v:.0%}" for v in row] for row in z],
        texttemplate="%{text}", textfont=dict(size=10)))
    fig.add_trace(go.Scatter(
        x=[xx for _ in projects for xx in x], y=[yy for yy in y for _ in columns],
        mode="markers", marker=dict(size=16, opacity=0, symbol="square"), showlegend=False,
        customdata=[[p, o] for p in projects for o in columns],
        hovertext=[f"{label_escape(p)} {label_escape(project_names[p])}<br>"
                   f"{label_escape(names.get(o, o))}: "
                   + ("no contribution" if value.get((p, o)) is None else f"{value[(p, o)]:.0%}")
                   for p in projects for o in columns],
        hovertemplate="%{hovertext}<extra></extra>"))
    fig.update_xaxes(type="category", side="top", categoryorder="array", categoryarray=x)
    fig.update_yaxes(type="category", autorange="reversed", categoryorder="array", categoryarray=y)
    fig.update_layout(dragmode=False)
    return _layout(fig, "Contribution of each project to each objective",
                   max(300, 22 * len(projects) + 120))


def investment_mix(mix: pl.DataFrame, symbol: str = "€") -> go.Figure:
    """Bars: share of the investment per objective (coloured by status vs target), a diamond at
    the target share. ``mix``: analytics.alignment.MIX_COLUMNS."""
    codes = mix["code"].to_list()
    x = [label_escape(c) for c in codes]
    fig = go.Figure()
    for status in ("under", "on_target", "over"):
        rows = mix.with_row_index("_i").filter(pl.col("status") == status)
        if rows.is_empty():
            continue
        fig.add_trace(go.Bar(
            name=MIX_LABELS[status], x=[x[i] for i in rows["_i"]],
            y=rows["actual_share"].to_list(),
            marker_color=MIX_COLOURS[status], customdata=[[c] for c in rows["code"]],
            text=[f"{v:.0%}" for v in rows["actual_share"]], textposition="outside",
            hovertext=[f"{label_escape(n)}<br>{p} projects, {money(v, symbol, compact=True)}<br>"
                       f"actual {a:.0%} vs target {t:.0%}"
                       for n, p, v, a, t in rows.select("name", "projects", "invested",
                                                        "actual_share", "target_share")
                       .iter_rows()],
            hovertemplate="%{hovertext}<extra></extra>"))
    fig.add_trace(go.Scatter(
        name="target", x=x, y=mix["target_share"].to_list(), mode="markers",
        marker=dict(symbol="diamond", size=13, color="#212121", line=dict(color="white", width=1)),
        customdata=[[c] for c in codes], hovertemplate="target %{y:.0%}<extra></extra>"))
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=x)
    fig.update_yaxes(title="Share of the investment", tickformat=".0%", rangemode="tozero")
    fig.update_layout(legend=dict(orientation="h", y=-0.15), barmode="overlay", dragmode=False)
    return _layout(fig, "Investment mix vs target, per objective", 380)


def bubble_sizeref(budgets: list[float | None], max_px: float = 45.0) -> float:
    """Plotly sizeref for area-proportional bubbles whose largest is ``max_px`` wide."""
    top = max((b for b in budgets if b), default=0.0)
    return 2.0 * top / max_px**2 if top > 0 else 1.0


def value_risk_bubbles(projects: pl.DataFrame, value_axis: str = "alignment",
                       symbol: str = "€") -> go.Figure:
    """Bubbles: x = alignment score or financial value, y = risk level (1-5), area = budget,
    colour = overall health. ``projects``: code, name, alignment_score, financial_value,
    risk_level, bac, overall_rag. Projects with no x value or no risk level are left out."""
    column, title = VALUE_AXES[value_axis]
    shown = projects.filter(pl.col(column).is_not_null() & pl.col("risk_level").is_not_null())
    sizeref = bubble_sizeref(shown["bac"].to_list())
    fig = go.Figure()
    for rag in ("red", "amber", "green", "not assessed"):
        rows = shown.filter(pl.col("overall_rag").fill_null("not assessed") == rag)
        if rows.is_empty():
            continue
        fig.add_trace(go.Scatter(
            name=rag, x=rows[column].to_list(), y=rows["risk_level"].to_list(), mode="markers",
            marker=dict(size=[max(b or 0.0, 0.0) for b in rows["bac"]], sizemode="area",
                        sizeref=sizeref, sizemin=4, color=RAG_COLOURS[rag], opacity=0.7,
                        line=dict(color="white", width=1)),
            customdata=[[c] for c in rows["code"]],
            hovertext=[f"{label_escape(c)} {label_escape(n)}<br>"
                       f"budget {money(b, symbol, compact=True)}"
                       for c, n, b in rows.select("code", "name", "bac").iter_rows()],
            hovertemplate="%{hovertext}<br>x %{x:,.0f} · risk %{y}<extra></extra>"))
    fig.update_xaxes(title=title, tickformat=",.0f" if value_axis == "financial" else None)
    fig.update_yaxes(title="Risk level (1 low – 5 high)", range=[0.4, 5.6], dtick=1)
    fig.update_layout(legend=dict(orientation="h", y=-0.2, title="Health"), dragmode=False)
    return _layout(fig, "Value vs risk (bubble area = budget)", 420)


def hidden_count(projects: pl.DataFrame, value_axis: str) -> int:
    """How many projects the bubble chart leaves out for lack of an x value or a risk level."""
    column = VALUE_AXES[value_axis][0]
    return projects.height - projects.filter(
        pl.col(column).is_not_null() & pl.col("risk_level").is_not_null()).height

