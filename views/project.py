"""Project card: ?project=CODE chooses the project (only one in the user's scope); EVM S-curve,
milestones and gates, status-report history, risks, team, dependencies and lessons learned."""

import polars as pl
import streamlit as st

from analytics.filters import PortfolioFilter
from analytics.lessons import similar
from analytics.project_curve import project_curve
from components import loaders
from components import project_view as pv
from components.access import PAGE_ROLES
from components.figures_project import milestone_timeline, rag_history, s_curve
from components.filters import caption_for, filter_options_from, render_portfolio_filters
from components.format import date, md_escape
from components.session import require_role
from data_access.engine import get_engine
from data_access.settings import get_settings

user = require_role(PAGE_ROLES["project"])
settings = get_settings()
engine = get_engine(settings.database_url)
as_of = loaders.today()

st.title("Project")
options = filter_options_from(loaders.filter_values(engine, user.scope))
with st.sidebar:
    chosen = render_portfolio_filters(options)
in_scope = loaders.picker(engine, user.scope, PortfolioFilter())
wanted = pv.requested("project", set(in_scope["code"]))
if wanted and wanted not in set(in_scope["code"]):
    st.error(pv.NOT_AVAILABLE)
codes = loaders.picker(engine, user.scope, chosen)["code"].to_list()
codes = sorted(set(codes) | ({wanted} if wanted in set(in_scope["code"]) else set()))
st.caption(f"Choosing among: {caption_for(chosen, options)} Status date {date(as_of)}.")
code = st.selectbox("Project (code)", codes, index=None, key="project", bind="query-params",
                    placeholder="Choose a project")  # codes as they are: the URL holds the label
if code is None:
    st.info("Choose a project above, or open one from the Portfolio page." if codes
            else "No project to show: none matches the filters in the sidebar.")
    st.stop()

loaders.store_state(engine)
row = loaders.project_row(engine, user.scope, code)
if row is None:  # not stored yet (a refresh is running): never a half-drawn card
    st.info("This project's KPIs are being computed; reload the page in a moment.")
    st.stop()
pid = row["project_id"]
frames = loaders.project_card(engine, user.scope, pid)
projects = frames["projects"]
st.subheader(f"{md_escape(code)} · {md_escape(row['name'])}")
st.caption(pv.describe(row))
pv.render_tiles(row, settings.currency_symbol)

curve = project_curve(frames["costs"], frames["progress"], project_id=pid, bac=row["bac"],
                      as_of=as_of).collect()
st.plotly_chart(s_curve(curve, bac=row["bac"], eac=row["eac"], forecast_end=row["forecast_end"],
                        symbol=settings.currency_symbol), key="fig_curve")
milestones = pv.project_milestones(frames["milestones"], pid)
if milestones.is_empty():
    st.info("No milestone or gate planned yet.")
else:
    st.plotly_chart(milestone_timeline(milestones, today=as_of), key="fig_milestones")

st.subheader("Status reports")
reports = frames["status_reports"].filter(pl.col("project_id") == pid)
if not reports.is_empty():
    st.plotly_chart(rag_history(reports), key="fig_reports")
pv.render_reports(reports, settings.currency)
st.subheader("Risks")
pv.render_risks(pv.project_risks(frames["risks"], pid), settings.currency)
st.subheader("Team and assignments")
pv.render_team(pv.team(frames["assignments"], frames["people"], pid))
st.subheader("Dependencies")
for upstream, title in ((True, "Upstream: this project waits for"), (False, "Downstream: waiting for this project")):
    st.markdown(f"**{title}**")
    pv.render_dependencies(pv.dependency_effects(frames["dependencies"], projects, pid, upstream=upstream),
                           key=f"tbl_deps_{'up' if upstream else 'down'}",
                           empty="None." if upstream else "None.")
st.subheader("Lessons learned")
pv.render_lessons(frames["lessons"].filter(pl.col("project_id") == pid))
st.markdown("**Lessons from similar projects**")
st.caption("Lessons of other projects you may see: same methodology +2, same department +1, "
           "learned in this project's current phase +1, +1 per tag shared with its own lessons.")
pv.render_similar_lessons(similar(projects, frames["lessons"], pid).collect())
manages = user.person_id is not None and projects.filter(
    pl.col("id") == pid)["manager_id"].to_list() == [user.person_id]
if user.role in PAGE_ROLES.get("lessons", ()) and (user.role == "pmo" or manages):
    if st.button("Record a lesson learned", key="record_lesson"):
        st.switch_page("views/lessons.py", query_params={"project": code})
