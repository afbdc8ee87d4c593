"""Portfolio: the inventory of every project in scope (searchable, sortable; a row opens the
project) and the roadmap, filtered by the sidebar filters; all state is in the URL."""

import streamlit as st

from components import loaders
from components.access import PAGE_ROLES
from components.download import render_download
from components.figures_portfolio import roadmap
from components.filters import FILTER_KEYS, caption_for, filter_options, render_portfolio_filters
from components.format import date, md_escape
from components.portfolio_view import (inventory, open_project, render_inventory, roadmap_inputs,
                                       seed_text)
from components.session import require_role
from data_access.engine import get_engine
from data_access.settings import get_settings

user = require_role(PAGE_ROLES["portfolio"])
settings = get_settings()
engine = get_engine(settings.database_url)
frames = loaders.kpi_frames(engine, user.scope)
as_of = loaders.today()

st.title("Portfolio")
options = filter_options(frames)
with st.sidebar:
    chosen = render_portfolio_filters(options)
st.caption(f"{caption_for(chosen, options)} Status date {date(as_of)}; amounts in {settings.currency}.")

if frames["projects"].is_empty():
    st.info("No project to show yet. Import a portfolio, or run `pmo seed` for the demo.")
    st.stop()

kpis = loaders.kpis(engine, user.scope, as_of=as_of, filters=chosen)
if kpis.projects.is_empty():
    st.info("No project matches these filters. Clear a filter in the sidebar to see more.")
    st.stop()

inventory_tab, roadmap_tab = st.tabs(["Inventory", "Roadmap"])
with inventory_tab:
    seed_text("q")
    query = st.text_input("Search", key="q", bind="query-params",
                          placeholder="Code, name, department or manager")
    table = inventory(kpis.projects, frames["milestones"], query)
    if table.is_empty():
        st.info(f"No project matches “{md_escape(query)}”.")
    else:
        st.caption(f"{table.height:,} of {kpis.projects.height:,} projects. "
                   "Click a column to sort; select a row to open the project.")
        selected = render_inventory(table, settings.currency, key="tbl_portfolio")
        render_download(table, name="portfolio", key="dl_portfolio", as_of=as_of)
        if selected is not None:
            open_project(selected, FILTER_KEYS)
with roadmap_tab:
    rows, links = roadmap_inputs(kpis.projects, frames["projects"], frames["dependencies"])
    st.plotly_chart(roadmap(rows, links, today=as_of), key="fig_roadmap")
    st.caption(f"Grey: baseline; coloured: forecast, by health. {links.height:,} dependencies "
               "drawn as dotted connectors from a predecessor's end to its successor's start.")
