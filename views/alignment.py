"""Strategic alignment: contributions, investment mix vs target, value vs risk; click to drill."""

import polars as pl
import streamlit as st

from analytics.alignment import UNALIGNED
from components import figures_alignment as figs
from components import loaders
from components.access import PAGE_ROLES
from components.alignment_view import (contribution_cells, drill_projects, open_project_button,
                                       render_drill, render_target_picker, render_without_objective,
                                       select_from, target_in_words)
from components.filters import caption_for, filter_options, render_portfolio_filters
from components.format import date
from components.session import require_role
from data_access.engine import get_engine
from data_access.settings import get_settings

user = require_role(PAGE_ROLES["alignment"])
settings = get_settings()
engine = get_engine(settings.database_url)
frames = loaders.kpi_frames(engine, user.scope)
options = filter_options(frames)
with st.sidebar:
    chosen = render_portfolio_filters(options)
as_of = loaders.today()
kpis = loaders.kpis(engine, user.scope, as_of=as_of, filters=chosen)

st.title("Strategic alignment")
st.caption(f"{caption_for(chosen, options)} Status date {date(as_of)}; "
           f"amounts in {settings.currency}.")
if kpis.projects.is_empty() or frames["objectives"].is_empty():
    st.info("No project or no strategic objective to show. "
            "Widen the filters, or import objectives.")
    st.stop()

objectives = frames["objectives"]
projects = kpis.projects.join(
    frames["projects"].select(pl.col("id").alias("project_id"), "financial_value", "risk_level"),
    on="project_id", how="left")
cells = contribution_cells(projects, frames["contributions"], objectives)

left, right = st.columns(2)
left.plotly_chart(figs.investment_mix(kpis.investment_mix, settings.currency_symbol),
                  key="fig_mix", selection_mode="points",
                  on_select=lambda: select_from("fig_mix", project_at=None, objective_at=0))
with right:
    axis = st.radio("Value axis", list(figs.VALUE_AXES), key="value_axis", bind="query-params",
                    horizontal=True)
    st.plotly_chart(figs.value_risk_bubbles(projects, axis, settings.currency_symbol),
                    key="fig_bubbles", selection_mode="points",
                    on_select=lambda: select_from("fig_bubbles", project_at=0, objective_at=None))
    if hidden := figs.hidden_count(projects, axis):
        st.caption(f"{hidden} project(s) without a {axis} value or a risk level are not plotted.")
if cells.is_empty():
    st.info("No project shown contributes to an objective.")
else:
    st.plotly_chart(figs.contribution_heatmap(cells, objectives), key="fig_contrib",
                    on_select=lambda: select_from("fig_contrib", project_at=0, objective_at=1),
                    selection_mode="points")

st.subheader("Drill down")
names = dict(zip(objectives["code"], objectives["name"]))
objective, project = render_target_picker(names | {UNALIGNED: "Serves no objective"},
                                          projects["code"].to_list())
if objective is None and project is None:
    st.info("Click an objective's bar, a cell or a bubble (or choose above) to list its projects.")
else:
    rows = drill_projects(projects, cells, objective, project)
    st.markdown(f"**{target_in_words(objective, project, names)}**: {rows.height} project(s).")
    if rows.is_empty():
        st.info("No project matches this selection with the active filters.")
    else:
        open_project_button(render_drill(rows, settings.currency, key="tbl_drill"))

st.subheader("Projects serving no objective")
render_without_objective(kpis.without_objective, settings.currency, key="tbl_unaligned")
