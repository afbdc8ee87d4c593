"""KPI trends and "since the last steering committee" deltas from the snapshots, as blocks any
page can show (the steering page; the overview and risk pages later).

Typical use on a page::

    snapshots = trend_view.load_snapshots(engine, user.scope)
    now = trend_view.current_rows(kpis, frames)
    trend_view.render_since_last_committee(snapshots, now, today=as_of, key="since",
                                           metrics=("cpi", "spi", "red_projects"))
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import plotly.graph_objects as go
import polars as pl
import streamlit as st
from sqlalchemy import Engine

from analytics.kpis import KpiSet
from analytics.snapshots import MONEY, snapshot_rows
from analytics.trends import HIGHER_IS_BETTER, LABELS, default_reference, series, since
from components import figure_theme  # noqa: F401  (plotly_white, the default)
from components.format import date, label_escape, money, ratio
from data_access.queries.portfolio import data_version
from data_access.scope import Scope
from data_access.models.snapshot import SNAPSHOT_GRAINS
from data_access.snapshots import read_snapshots

TILE_METRICS = ("cpi", "spi", "eac", "vac", "red_projects", "open_risks", "risk_exposure",
                "drift_alerts")
RATIO_METRICS = ("cpi", "spi", "spi_t")


@st.cache_data(ttl=900, max_entries=32, show_spinner="Loading the snapshots…")
def _snapshots(db_url: str, scope_key: str, version: int, grains: tuple[str, ...],
               _engine: Engine, _scope: Scope) -> pl.DataFrame:
    return read_snapshots(_engine, _scope, grains=grains)


def load_snapshots(engine: Engine, scope: Scope,
                   grains: tuple[str, ...] = SNAPSHOT_GRAINS) -> pl.DataFrame:
    """Every snapshot row of ``grains`` that ``scope`` may read (cached per scope and data
    version: taking a snapshot is audited, so the version changes and the cache is refreshed)."""
    url = engine.url.render_as_string(hide_password=True)
    return _snapshots(url, scope.cache_key, data_version(engine), tuple(grains), engine, scope)


def current_rows(kpis: KpiSet, frames: dict) -> pl.DataFrame:
    """Today's KPI set as snapshot rows (the "now" the deltas compare with)."""
    return snapshot_rows(kpis, frames["risks"], frames["departments"])


def grain_of(snapshots: pl.DataFrame) -> str:
    """The grain to show: the portfolio when the user may read it, else their departments,
    else (a manager) their projects."""
    present = set(snapshots["grain"].unique().to_list())
    return next((g for g in ("portfolio", "department") if g in present), "project")


def value_text(metric: str, value: float | None, symbol: str) -> str:
    if metric in MONEY:
        return money(value, symbol, compact=True)
    if metric in RATIO_METRICS:
        return ratio(value)
    if metric == "percent_complete":
        return "—" if value is None else f"{value:.0f}%"
    return "—" if value is None else f"{value:,.0f}"


def delta_text(metric: str, delta: float | None, symbol: str) -> str | None:
    if delta is None:
        return None
    sign = "+" if delta >= 0 else "-"
    return sign + value_text(metric, abs(delta), symbol).lstrip("-")


def pick_reference(dates: Sequence[dt.date], today: dt.date, *, key: str) -> dt.date | None:
    """A select box of the snapshot dates (newest first), kept in the URL; default: the latest
    snapshot at least 7 days old (the last steering committee), else the oldest."""
    choices = sorted(set(dates), reverse=True)
    if not choices:
        return None
    default = default_reference(choices, today) or choices[-1]
    return st.selectbox("Compare with the snapshot of", choices, index=choices.index(default),
                        format_func=date, key=key, bind="query-params",
                        help="Default: the latest snapshot at least a week old.")


def render_delta_tiles(deltas: pl.DataFrame, *, key_value: str, metrics: Sequence[str],
                       symbol: str) -> None:
    """One st.metric per metric of the row ``key_value``: the value now, the change since the
    reference (green when better, red when worse)."""
    rows = {r["metric"]: r for r in deltas.filter(pl.col("key") == key_value)
            .iter_rows(named=True)}
    shown = [m for m in metrics if m in rows]
    for start in range(0, len(shown), 4):
        for column, metric in zip(st.columns(4), shown[start:start + 4]):
            row = rows[metric]
            direction = HIGHER_IS_BETTER.get(metric)
            column.metric(LABELS[metric], value_text(metric, row["after"], symbol),
                          delta=delta_text(metric, row["delta"], symbol),
                          delta_color="off" if direction is None
                          else ("normal" if direction else "inverse"),
                          help=f"Was {value_text(metric, row['before'], symbol)}")


def trend_figure(points: pl.DataFrame, metric: str, *, title: str) -> go.Figure:
    """Lines of ``metric`` over the snapshot dates, one per key (series() output)."""
    fig = go.Figure()
    for (key,), group in points.sort("as_of").group_by("key", maintain_order=True):
        name = label_escape(group["name"][-1] or key)
        fig.add_trace(go.Scatter(x=group["as_of"].to_list(), y=group["value"].to_list(),
                                 mode="lines+markers", name=name,
                                 hovertemplate=f"{name}<br>%{{x|%d %b %Y}}: %{{y:,.2f}}"
                                               "<extra></extra>"))
    fig.update_layout(title=label_escape(title), height=360,
                      margin=dict(l=10, r=10, t=50, b=10), legend=dict(orientation="h", y=-0.2),
                      yaxis_title=label_escape(LABELS.get(metric, metric)))
    return fig


def render_trend(snapshots: pl.DataFrame, metric: str, *, grain: str, key: str) -> None:
    points = series(snapshots, metric, grain=grain)
    st.plotly_chart(trend_figure(points, metric, title=f"{LABELS[metric]} over the snapshots"),
                    key=key)


def render_since_last_committee(snapshots: pl.DataFrame, now: pl.DataFrame, *,
                                today: dt.date, key: str, symbol: str = "€",
                                metrics: Sequence[str] = TILE_METRICS) -> pl.DataFrame | None:
    """The reference picker and the delta tiles (the portfolio, else one of the user's
    departments, else one of their projects: a picker when several); returns every delta
    (DELTA_COLUMNS) or None when there is no snapshot yet."""
    if snapshots.is_empty():
        st.info("No KPI snapshot yet: trends and deltas appear once `pmo snapshot` has run "
                "(daily from cron is the usual set-up).")
        return None
    reference = pick_reference(snapshots["as_of"].to_list(), today, key=key)
    grain = grain_of(snapshots)
    changes = since(snapshots, reference, current=now)
    keys = changes.filter(pl.col("grain") == grain).select("key", "name").unique(
        maintain_order=True)
    if keys.is_empty():
        st.info("The snapshots hold nothing in your scope yet.")
        return changes
    chosen = keys["key"][0]
    if keys.height > 1:
        labels = dict(keys.iter_rows())
        chosen = st.selectbox(grain.capitalize(), list(labels), format_func=labels.get,
                              key=f"{key}_key")
    st.caption(f"Now vs the snapshot of {date(reference)}.")
    render_delta_tiles(changes.filter(pl.col("grain") == grain), key_value=chosen,
                       metrics=metrics, symbol=symbol)
    return changes
