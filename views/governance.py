"""Governance: stage-gate compliance per methodology and per project (select a row: its gates,
kept in the URL as ?project=CODE), projects past framing without a validated framing, the mix."""

import streamlit as st

from analytics.governance import (compliance_by_methodology, methodology_mix,
                                  projects_without_framing)
from components import figures_governance as figures
from components import loaders
from components.access import PAGE_ROLES
from components.filters import caption_for, filter_options, render_portfolio_filters
from components.format import date, md_escape
from components.governance_view import (compliance_table, render_project_compliance,
                                        render_project_gates, render_without_framing,
                                        take_row_click)
from components.risks_view import seed_single
from components.session import require_role
from data_access.engine import get_engine
from data_access.settings import get_settings

user = require_role(PAGE_ROLES["governance"])
settings = get_settings()
engine = get_engine(settings.database_url)
frames = loaders.kpi_frames(engine, user.scope)
as_of = loaders.today()

st.title("Governance")
options = filter_options(frames)
with st.sidebar:
    chosen = render_portfolio_filters(options)
st.caption(f"{caption_for(chosen, options)} Stage gates on {date(as_of)}: a gate is passed when "
           "it was held and validated; complete when every required deliverable is validated.")

kpis = loaders.kpis(engine, user.scope, as_of=as_of, filters=chosen)
if kpis.projects.is_empty():
    st.info("No project matches these filters. Widen them, or import a portfolio.")
    st.stop()

left, right = st.columns([3, 2])
by_methodology = compliance_by_methodology(kpis.projects).collect()
left.plotly_chart(figures.compliance_by_methodology(by_methodology), key="fig_compliance")
right.plotly_chart(figures.methodology_mix(methodology_mix(kpis.projects).collect(),
                                           settings.currency_symbol), key="fig_mix")

st.subheader("Projects past framing without a validated framing")
render_without_framing(projects_without_framing(kpis.projects, kpis.gates).collect(),
                       key="tbl_framing")

st.subheader("Stage-gate compliance per project")
table = compliance_table(kpis.projects)
codes = table["code"].to_list()
if not seed_single("project", codes):
    st.warning("The link named a project that is not available to you; it was left out.")
take_row_click("tbl_compliance", codes, "project")
render_project_compliance(table, key="tbl_compliance")
code = st.selectbox("Project", codes, index=None, key="project", bind="query-params",
                    placeholder="Select a row to see its gates")
if code is not None:
    name = table.filter(table["code"] == code)["name"].item()
    st.subheader(f"Gates of {md_escape(code)} · {md_escape(name)}")
    render_project_gates(kpis.gates.filter(kpis.gates["project_code"] == code), key="tbl_gates")
