"""Executive overview: the portfolio at a glance, filterable by department (kept in the URL)."""

import streamlit as st

from components import figures, loaders, trend_view
from components.actions_summary import render_overdue_actions
from components.access import PAGE_ROLES
from components.filters import describe_filters, render_department_filter
from components.overview_view import (render_alerts, render_gates, render_in_trouble,
                                      render_kpi_tiles, render_store_state, render_top_risks)
from components.format import date
from components.portfolio_view import open_project
from components.session import require_role
from data_access.actions import list_actions
from data_access.engine import get_engine
from data_access.settings import get_settings

user = require_role(PAGE_ROLES["overview"])
settings = get_settings()
symbol = settings.currency_symbol
engine = get_engine(settings.database_url)
departments = loaders.departments(engine, user.scope)
as_of = loaders.today()

st.title("Executive overview")
options = dict(zip(departments["code"].to_list(), departments["name"].to_list()))
with st.sidebar:
    selected = render_department_filter(options)
st.caption(f"{describe_filters(selected, options, scoped=bool(user.department_ids))} "
           f"Status date {date(as_of)}; amounts in {settings.currency}.")

state = loaders.store_state(engine)
o, alerts, now_rows = loaders.overview(engine, user.scope, state, department_codes=selected or None)
render_store_state(state, as_of=as_of)
if state.as_of is None:  # never computed yet: the notice says so, nothing half-drawn
    st.stop()
if not selected and o.totals["projects"][0] == 0:
    st.info("No project to show yet. Import a portfolio, or run `pmo seed` for the demo.")
    st.stop()

render_kpi_tiles(o.totals, symbol)
if user.role in ("executive", "pmo") and not selected:
    with st.expander("Since the last steering committee (KPI snapshots)"):
        trend_view.render_since_last_committee(
            trend_view.load_snapshots(engine, user.scope, grains=("portfolio", "department")),
            now_rows, today=as_of, key="ov_since", symbol=symbol)

left, right = st.columns(2)
left.plotly_chart(figures.projects_by_status(o.by_status), key="fig_status")
right.plotly_chart(figures.projects_by_health(o.by_health), key="fig_health")
st.plotly_chart(figures.budget_by_department(o.by_department, symbol), key="fig_budget")

st.subheader("Projects in trouble")
can_open = user.role in PAGE_ROLES["project"]
if can_open:
    st.caption("Select a row to open the project.")
chosen = render_in_trouble(o.in_trouble, settings.currency, key="tbl_trouble")
if chosen and can_open:
    open_project(chosen, ("department",))
st.subheader("Drift alerts for governance")
render_alerts(alerts, key="tbl_alerts")
st.subheader("Top risks by exposure")
render_top_risks(o.top_risks, settings.currency, key="tbl_risks")
left, right = st.columns(2)
with left:
    st.subheader("Gates due in the next 30 days")
    render_gates(o.gates_due, days_column="days_until_due", key="tbl_gates",
                 empty="No gate is due in the next 30 days.")
with right:
    st.subheader("Overdue gates")
    render_gates(o.overdue_gates, days_column="days_overdue", key="tbl_overdue",
                 empty="No gate is overdue.")
if user.role in ("executive", "pmo"):
    st.subheader("Overdue corrective actions")
    render_overdue_actions(list_actions(engine, user), key="tbl_overdue_actions", as_of=as_of)
