"""Pure plotly builders of the risk page: the 5 × 5 probability × impact matrix.

Colours come from the band of the cell's score P × I (low, medium, high, critical: monotone in
the score), never from the number of risks in the cell.
"""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from components import figure_theme  # noqa: F401  (plotly_white, the default)
from components.format import money

LEVELS = (1, 2, 3, 4, 5)
#: band -> colour, mildest first (the band_rank of analytics.risk indexes this order)
BAND_COLOURS = {"low": "#a5d6a7", "medium": "#fff59d", "high": "#ffb74d", "critical": "#e57373"}
SELECTED_OUTLINE = "#0d47a1"


def cell_id(probability: int, impact: int) -> str:
    """URL form of a matrix cell: probability 4, impact 5 -> '4-5'."""
    return f"{probability}-{impact}"


def parse_cell(value: str | None) -> tuple[int, int] | None:
    """'4-5' -> (4, 5); anything else (None, '9-1', 'x') -> None."""
    if not value:
        return None
    parts = str(value).split("-")
    if len(parts) != 2 or not all(p.isdigit() for p in parts):
        return None
    p, i = int(parts[0]), int(parts[1])
    return (p, i) if p in LEVELS and i in LEVELS else None


def _band_colourscale() -> list[list]:
    """Discrete scale over band_rank 0..3: each rank one flat colour."""
    colours = list(BAND_COLOURS.values())
    n = len(colours)
    scale = []
    for k, colour in enumerate(colours):
        scale += [[k / n, colour], [(k + 1) / n, colour]]
    return scale


def risk_heatmap(matrix: pl.DataFrame, symbol: str = "€", *,
                 selected: tuple[int, int] | None = None) -> go.Figure:
    """Probability (rows, 1 at the bottom) × impact (columns) from analytics.risk.risk_matrix.

    Cell colour = band of P × I; cell text = live risks and Σ money exposure. A transparent
    marker sits on every cell so a click selects it (plotly heatmaps emit no selection).
    """
    cells = {(r["probability"], r["impact"]): r for r in matrix.iter_rows(named=True)}
    z, text, hover = [], [], []
    for p in LEVELS:
        z_row, text_row, hover_row = [], [], []
        for i in LEVELS:
            c = cells.get((p, i), {"risks": 0, "money_exposure": 0.0, "band_rank": None,
                                   "band": None, "score": p * i})
            z_row.append(c["band_rank"])
            exposure = money(c["money_exposure"], symbol, compact=True)
            text_row.append(f"<b>{c['risks']}</b><br>{exposure}" if c["risks"] else "")
            hover_row.append(f"P{p} × I{i} = {c['score']} ({c['band']})<br>"
                             f"{c['risks']} live risks · exposure {exposure}")
        z.append(z_row), text.append(text_row), hover.append(hover_row)
    fig = go.Figure(go.Heatmap(
        x=list(LEVELS), y=list(LEVELS), z=z, zmin=-0.5, zmax=len(BAND_COLOURS) - 0.5,
        colorscale=_band_colourscale(), showscale=False, xgap=3, ygap=3,
        text=text, texttemplate="%{text}", textfont=dict(size=14, color="#212121"),
        hoverinfo="skip"))
    # The markers carry the hover text: a trace with hoverinfo "skip" is skipped by plotly's
    # click hit-testing too, so skipped markers made a click find only the heatmap (no selection).
    fig.add_trace(go.Scatter(
        x=[i for p in LEVELS for i in LEVELS], y=[p for p in LEVELS for _ in LEVELS],
        customdata=[cell_id(p, i) for p in LEVELS for i in LEVELS], mode="markers",
        marker=dict(symbol="square", size=60, opacity=0.01, color="#000000"),
        hovertext=[h for row in hover for h in row], hovertemplate="%{hovertext}<extra></extra>",
        showlegend=False, name="cells"))
    if selected is not None:
        p, i = selected
        fig.add_shape(type="rect", x0=i - 0.5, x1=i + 0.5, y0=p - 0.5, y1=p + 0.5,
                      line=dict(color=SELECTED_OUTLINE, width=4))
    fig.update_xaxes(title="Impact (1 negligible … 5 severe)", tickvals=list(LEVELS),
                     range=[0.5, 5.5], showgrid=False, zeroline=False, fixedrange=True)
    fig.update_yaxes(title="Probability (1 rare … 5 almost certain)", tickvals=list(LEVELS),
                     range=[0.5, 5.5], showgrid=False, zeroline=False, fixedrange=True)
    fig.update_layout(title="Live risks by probability × impact (count, exposure)", height=460,
                      margin=dict(l=10, r=10, t=50, b=10),
                      clickmode="event+select", dragmode=False)
    return fig


def cell_from_points(points: list[dict] | None) -> str | None:
    """The cell id of the first clicked marker of a plotly selection, else None."""
    for point in points or []:
        data = point.get("customdata")
        value = data[0] if isinstance(data, (list, tuple)) and data else data
        if parse_cell(value) is not None:
            return str(value)
        x, y = point.get("x"), point.get("y")
        if isinstance(x, (int, float)) and isinstance(y, (int, float)):
            cell = cell_id(int(y), int(x))
            if parse_cell(cell) is not None:
                return cell
    return None
