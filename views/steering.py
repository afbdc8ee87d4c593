"""Steering committee: what changed since the last committee (KPI snapshots), the KPI trends,
the decisions needed, and the files for the meeting: the pack (.pptx) and the KPI set (.xlsx)."""

import streamlit as st

from analytics.snapshots import METRICS
from analytics.steering import kpi_tables, steering_pack
from analytics.trends import LABELS
from components import loaders, trend_view
from components.access import PAGE_ROLES
from components.download import file_stem, render_download
from components.format import date, md_escape
from components.session import require_role
from data_access.actions import list_actions
from data_access.engine import get_engine
from data_access.exports import XLSX_MIME, xlsx_bytes
from data_access.settings import get_settings
from data_access.steering_pptx import PPTX_MIME, pack_bytes, scope_label

PACK_KEY = "steering_pack_file"

user = require_role(PAGE_ROLES["steering"])
settings = get_settings()
engine = get_engine(settings.database_url)
frames = loaders.kpi_frames(engine, user.scope)
as_of = loaders.today()
kpis = loaders.kpis(engine, user.scope, as_of=as_of)
label = scope_label(user.role, user.department_ids, frames["departments"])

st.title("Steering committee")
st.caption(f"{md_escape(label)}. Status date {date(as_of)}; amounts in {settings.currency}.")

st.subheader("Since the last steering committee")
snapshots = trend_view.load_snapshots(engine, user.scope)
changes = trend_view.render_since_last_committee(
    snapshots, trend_view.current_rows(kpis, frames), today=as_of, key="since",
    symbol=settings.currency_symbol)
if changes is not None and not changes.is_empty():
    with st.expander("Every change since that snapshot"):
        st.dataframe(changes, hide_index=True, key="tbl_changes")
        render_download(changes, name="changes-since-committee", key="dl_changes", as_of=as_of)

if not snapshots.is_empty():
    st.subheader("Trends")
    metric = st.selectbox("Metric", list(METRICS), index=list(METRICS).index("cpi"),
                          format_func=LABELS.get, key="metric", bind="query-params")
    trend_view.render_trend(snapshots, metric, grain=trend_view.grain_of(snapshots),
                            key="fig_trend")

pack = steering_pack(kpis, thresholds=frames["thresholds"], actions=list_actions(engine, user))
st.subheader("Decisions needed")
if pack.decisions.is_empty():
    st.success("No decision needed: no red project, no forecast over budget, no overdue gate.")
else:
    st.dataframe(pack.decisions.drop("project_id"), hide_index=True, key="tbl_decisions",
                 column_config={"kind": "Kind", "code": "Code", "name": "Project",
                                "subject": "Subject", "detail": "Detail", "ask": "Decision asked"})
    render_download(pack.decisions, name="decisions", key="dl_decisions", as_of=as_of)

st.subheader("Files for the meeting")
version = (user.username, user.scope.cache_key, loaders.current_data_version(engine),
           as_of.isoformat())
pack_col, kpi_col = st.columns(2)
with pack_col:
    if st.button("Prepare the steering pack", key="prepare_pack", icon=":material/slideshow:",
                 help="An editable PowerPoint file: summary, health, risks, alerts, decisions "
                      "and one slide per project in trouble."):
        with st.status("Preparing the steering pack…", expanded=True) as status:
            data = pack_bytes(pack, scope=label, currency_symbol=settings.currency_symbol,
                              progress=lambda s: status.write(f"Writing {md_escape(s)}…"))
            status.update(label=f"Steering pack ready ({len(data) // 1024:,} KB)",
                          state="complete", expanded=False)
        st.session_state[PACK_KEY] = (version, data)
    ready = st.session_state.get(PACK_KEY)
    if ready is not None and ready[0] == version:
        st.download_button("Download the steering pack (.pptx)", data=ready[1],
                           file_name=f"{file_stem('steering-pack', as_of)}.pptx", mime=PPTX_MIME,
                           key="dl_pack", on_click="ignore", type="primary",
                           icon=":material/download:")
with kpi_col:
    tables = kpi_tables(kpis)
    st.download_button("Download the KPI set (.xlsx)", data=lambda: xlsx_bytes(tables),
                       file_name=f"{file_stem('kpi-set', as_of)}.xlsx", mime=XLSX_MIME,
                       key="dl_kpis", on_click="ignore", icon=":material/download:",
                       help=f"{len(tables)} sheets: " + ", ".join(tables))
st.caption(f"{pack.in_trouble.height:,} projects in trouble get a slide each"
           + (f" ({pack.more_in_trouble:,} more are listed in the KPI set)"
              if pack.more_in_trouble else "") + ".")
