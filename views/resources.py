"""Resource arbitration: capacity vs demand per role or team × month, its drivers, a what-if."""

import polars as pl
import streamlit as st

from analytics.capacity import capacity, overload_drivers
from analytics.whatif import apply_scenario, cell_people
from components import loaders
from components.access import PAGE_ROLES
from components.figures_resources import capacity_heatmap
from components.filters import caption_for, filter_options, render_portfolio_filters
from components.format import date, md_escape
from components.links import meeting_mode
from components.resources_view import (VIEW_LABELS, describe_scenario, horizon, render_cell,
                                       render_cell_picker, render_scenario_form, select_cell)
from components.session import require_role
from data_access.engine import get_engine
from data_access.settings import get_settings

user = require_role(PAGE_ROLES["resources"])
engine = get_engine(get_settings().database_url)
frames = loaders.kpi_frames(engine, user.scope)
options = filter_options(frames)
with st.sidebar:
    chosen = render_portfolio_filters(options)
as_of = loaders.today()
kpis = loaders.kpis(engine, user.scope, as_of=as_of, filters=chosen)

st.title("Resource arbitration")
view = st.radio("Capacity by", list(VIEW_LABELS), key="view", bind="query-params", horizontal=True,
                help="Kept in the URL as ?view=role or ?view=team.")
span = st.selectbox("Horizon", [6, 12, 18, 24, 0], index=1, key="horizon", bind="query-params",
                    format_func=lambda m: f"{m} months" if m else "every month with demand") or None
st.caption(f"{caption_for(chosen, options)} From {date(as_of.replace(day=1))}, "
           f"{'every month with demand' if span is None else f'{span} months'}; hours per month.")
load = horizon(kpis.capacity_by_role if view == "role" else kpis.capacity_by_team, as_of, span)
if load.is_empty() or not load["demand_hours"].sum():
    st.info("No staffing demand in this horizon for these projects. "
            "Widen the horizon or the filters.")
    st.stop()

st.plotly_chart(capacity_heatmap(load, view, f"Load per {view} and month (100% = fully booked)"),
                key="fig_load", on_select=lambda: select_cell("fig_load"), selection_mode="points")
st.subheader("What drives a cell")
months = sorted(load["month"].unique().to_list())
cell = render_cell_picker(sorted(load[view].unique().to_list()), months, view)
ids = kpis.projects.select(pl.col("project_id").alias("id"), "code", "name")
assignments = frames["assignments"].join(ids.select(pl.col("id").alias("project_id")),
                                         on="project_id", how="semi")
if cell is None:
    st.info(f"Click a cell of the heatmap, or choose a {view} and a month, "
            "to see who and what drives it.")
else:
    row = load.filter((pl.col(view) == cell[0]) & (pl.col("month") == cell[1]))
    if row.is_empty():
        st.warning("That cell is not in the view shown; choose another.")
    else:
        drivers = overload_drivers(assignments, frames["people"], ids, by=view, from_month=cell[1],
                                   to_month=cell[1]).filter(pl.col(view) == cell[0]).collect()
        people = cell_people(assignments, frames["people"], by=view, group=cell[0],
                             month=cell[1]).collect()
        render_cell(row.row(0, named=True), drivers, people, key="cell")

if meeting_mode():                  # projector: no editing controls
    st.stop()
st.subheader("What if…")
labels = dict(zip(ids["code"], (ids["code"] + " — " + ids["name"]).to_list()))
scenario = render_scenario_form(labels, dict(zip(ids["code"], ids["id"])),
                                sorted(frames["people"]["role"].drop_nulls().unique().to_list()))
if scenario.is_empty:
    st.info("Choose a project to shift or a role to cap: the new heatmap appears beside today's.")
    st.stop()
new_assignments, new_people = apply_scenario(assignments, frames["people"], scenario)
window = (months[0], months[-1])
new_load = capacity(new_assignments, new_people, by=view, from_month=window[0],
                    to_month=window[1]).collect()
st.markdown(md_escape(describe_scenario(scenario, dict(zip(ids["id"], labels.values())))))
before, after = st.columns(2)
before.plotly_chart(capacity_heatmap(load, view, "Today"), key="fig_today")
after.plotly_chart(capacity_heatmap(new_load, view, "What-if"), key="fig_whatif")
over = [int(f.filter(pl.col("overloaded")).height) for f in (load, new_load)]
st.metric("Over-allocated cells", f"{over[1]:,}", delta=over[1] - over[0], delta_color="inverse",
          help="Cells where demand exceeds capacity, today → what-if")
