"""Risk heatmap: the 5 × 5 matrix (click a cell: its risks, kept in the URL as ?cell=P-I), the top
risks for the steering committee, overdue mitigations and the change since the previous month end."""

import datetime as dt

import polars as pl
import streamlit as st

from analytics.risk import risk_change_summary, risk_changes, top_risks
from components import loaders, trend_view
from components.access import PAGE_ROLES
from components.figures_risks import LEVELS, cell_id, parse_cell, risk_heatmap
from components.filters import caption_for, filter_options, render_portfolio_filters
from components.format import date
from components.overview_view import render_top_risks
from components.risks_view import (render_cell_risks, render_change_tiles, render_changes,
                                   render_overdue, seed_single, take_cell_click)
from components.session import require_role
from data_access.engine import get_engine
from data_access.settings import get_settings

user = require_role(PAGE_ROLES["risks"])
settings = get_settings()
engine = get_engine(settings.database_url)
frames = loaders.kpi_frames(engine, user.scope)
as_of = loaders.today()
previous = as_of.replace(day=1) - dt.timedelta(days=1)

st.title("Risk heatmap")
options = filter_options(frames)
with st.sidebar:
    chosen = render_portfolio_filters(options)
st.caption(f"{caption_for(chosen, options)} Live risks (open or mitigating) on "
           f"{date(as_of)}; amounts in {settings.currency}.")

kpis = loaders.kpis(engine, user.scope, as_of=as_of, filters=chosen)
projects = kpis.projects.select(pl.col("project_id").alias("id"), "code", "name")
risks = frames["risks"].join(kpis.projects.select("project_id"), on="project_id", how="semi")
if risks.is_empty():
    st.info("No risk is registered for these projects. Widen the filters, or import a register.")
    st.stop()

cells = [cell_id(p, i) for p in reversed(LEVELS) for i in reversed(LEVELS)]
if not seed_single("cell", cells):
    st.warning("The link named a cell that does not exist; it was left out.")
take_cell_click("fig_risk_matrix", "cell")
left, right = st.columns([3, 2])
with right:
    cell = st.selectbox("Cell (probability-impact)", cells, index=None, key="cell",
                        bind="query-params", placeholder="Click a cell of the matrix")
    selected = parse_cell(cell)
    if selected is None:
        st.info("Click a cell of the matrix to list its risks.")
    else:
        p, i = selected
        st.subheader(f"Risks at probability {p} × impact {i}")
        in_cell = top_risks(risks, projects, risks.height, as_of=as_of).filter(
            (pl.col("probability") == p) & (pl.col("impact") == i)).collect()
        render_cell_risks(in_cell, settings.currency, key="tbl_cell")
left.plotly_chart(risk_heatmap(kpis.risk_matrix, settings.currency_symbol, selected=selected),
                  key="fig_risk_matrix", on_select="rerun", selection_mode="points")

st.subheader("Top risks for the steering committee")
render_top_risks(kpis.overview.top_risks, settings.currency, key="tbl_top")
st.subheader("Overdue mitigations")
render_overdue(kpis.overdue_mitigations, key="tbl_overdue")

if user.role in ("executive", "pmo") and chosen.is_empty:
    st.subheader("Since the last steering committee")
    trend_view.render_since_last_committee(
        trend_view.load_snapshots(engine, user.scope),
        trend_view.current_rows(kpis, frames), today=as_of, key="rk_since",
        symbol=settings.currency_symbol, metrics=("open_risks", "risk_exposure", "red_projects"))

st.subheader(f"Change since {date(previous)}")
st.caption("No snapshot of the register is stored yet: the register as of the previous month end "
           "is rebuilt from the risks' identified and closed dates, so a re-scored risk shows "
           "with today's score on both sides.")
changes = risk_changes(risks, risks, before_as_of=previous, after_as_of=as_of)
render_change_tiles(risk_change_summary(changes).collect())
render_changes(changes.collect(), kpis.projects, key="tbl_changes")
