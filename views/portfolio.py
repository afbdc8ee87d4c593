"""Portfolio: the inventory of every project in scope (searchable, sortable; a row opens the
project) and the roadmap, filtered by the sidebar filters; all state is in the URL. Rows come
from the KPI store, filtered, searched and paged in SQL."""

import streamlit as st

from components import loaders
from components.access import PAGE_ROLES
from components.download import render_download
from components.figures_portfolio import roadmap
from components.filters import (FILTER_KEYS, caption_for, filter_options_from,
                                render_portfolio_filters)
from components.format import date, md_escape
from components.overview_view import render_store_state
from components.portfolio_view import (inventory_table, open_project, render_inventory,
                                       roadmap_links, seed_text)
from components.session import require_role
from analytics.filters import PortfolioFilter
from data_access.engine import get_engine
from data_access.settings import get_settings

user = require_role(PAGE_ROLES["portfolio"])
settings = get_settings()
engine = get_engine(settings.database_url)
as_of = loaders.today()

st.title("Portfolio")
options = filter_options_from(loaders.filter_values(engine, user.scope))
with st.sidebar:
    chosen = render_portfolio_filters(options)
st.caption(f"{caption_for(chosen, options)} Status date {date(as_of)}; amounts in {settings.currency}.")

state = loaders.store_state(engine)
render_store_state(state, as_of=as_of)
if state.as_of is None:
    st.stop()
if loaders.inventory(engine, user.scope, state, PortfolioFilter(), "")[1] == 0:
    st.info("No project to show yet. Import a portfolio, or run `pmo seed` for the demo.")
    st.stop()
kept = loaders.inventory(engine, user.scope, state, chosen, "")[1]
if kept == 0:
    st.info("No project matches these filters. Clear a filter in the sidebar to see more.")
    st.stop()

inventory_tab, roadmap_tab = st.tabs(["Inventory", "Roadmap"])
with inventory_tab:
    seed_text("q")
    query = st.text_input("Search", key="q", bind="query-params",
                          placeholder="Code, name, department or manager")
    matching = loaders.inventory(engine, user.scope, state, chosen, query)[1]
    pages = max(1, -(-matching // loaders.PAGE_ROWS))
    page = (st.number_input(f"Page (of {pages:,})", min_value=1, step=1, key="page",
                            bind="query-params") if pages > 1 else 1)
    page = min(int(page), pages)  # a link's page past the end shows the last one
    rows, matching, links = loaders.inventory(engine, user.scope, state, chosen, query, page)
    table = inventory_table(rows)
    if table.is_empty():
        st.info(f"No project matches “{md_escape(query)}”.")
    else:
        shown = (f"{table.height:,} of {kept:,} projects" if pages == 1 else
                 f"Projects {(page - 1) * loaders.PAGE_ROWS + 1:,}–"
                 f"{(page - 1) * loaders.PAGE_ROWS + table.height:,} of {matching:,} "
                 f"matching ({kept:,} kept by the filters)")
        st.caption(f"{shown}. Click a column to sort; select a row to open the project.")
        selected = render_inventory(table, settings.currency, key="tbl_portfolio")
        render_download(table, name="portfolio", key="dl_portfolio", as_of=as_of)
        if selected is not None:
            open_project(selected, FILTER_KEYS)
with roadmap_tab:
    rows, _, links = loaders.inventory(engine, user.scope, state, chosen, "", 1)
    st.plotly_chart(roadmap(rows, roadmap_links(rows, links), today=as_of), key="fig_roadmap")
    st.caption(f"Grey: baseline; coloured: forecast, by health. {links.height:,} dependencies "
               "drawn as dotted connectors from a predecessor's end to its successor's start."
               + (f" The first {rows.height:,} projects by code are drawn." if kept > rows.height
                  else ""))
