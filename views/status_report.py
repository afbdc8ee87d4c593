"""Status report: a manager (for the projects they manage) or a PMO user chooses a project
(?project=CODE) and a month (?period=YYYY-MM); the form is prefilled from the last report; the
computed KPIs stand beside the manager's judgement, a status they contradict is flagged. A stale
save gets a conflict message and keeps every entry; PMO users close and reopen the period."""

import polars as pl
import streamlit as st

from analytics.status_check import status_flags
from components import loaders
from components import status_view as sv
from components.access import PAGE_ROLES
from components.format import md_escape
from components.project_view import requested
from components.session import require_role
from data_access import status_reports as data
from data_access.queries.kpis import PROJECTS as STORED_PROJECT
from data_access.engine import get_engine
from data_access.settings import get_settings

user = require_role(PAGE_ROLES["status-report"])
settings = get_settings()
engine = get_engine(settings.database_url)
today = loaders.today()

st.title("Status report")
if notice := st.session_state.pop(sv.key("notice"), None):
    st.success(notice)
writable = data.writable_projects(engine, user)
ids = dict(zip(writable["code"], writable["id"]))
names = dict(zip(writable["code"], writable["name"]))
if writable.is_empty():
    st.info("You manage no project yet: status reports are written for the projects you manage.")
    st.stop()
wanted = requested("project", set(ids))
if wanted and wanted not in ids:
    st.warning("You may not report on that project: choose one of yours below.")
left, right = st.columns([2, 1])
code = left.selectbox("Project", list(ids), index=None, key="project", bind="query-params",
                      placeholder="Choose a project")  # codes as they are: the URL holds the label
periods = sv.months(today)
if st.query_params.get("period") not in (None, *periods):
    st.warning("The link named a month that cannot be reported on; the current month is shown.")
    del st.query_params["period"]
month = right.selectbox("Period (year-month)", periods, key="period", bind="query-params")
period = sv.parse_month(month)
if code is None:
    st.info("Choose a project to write or review its report.")
    st.stop()

pid = ids[code]
st.subheader(f"{md_escape(code)} · {md_escape(names[code])} · {data.period_label(period)}")
state = data.period_state(engine, period)
if user.role in data.CLOSERS:
    with st.expander(f"Reporting period {data.period_label(period)}", expanded=state.closed):
        counts = data.list_periods(engine).filter(pl.col("period") == period)["reports"]
        action = sv.render_period_control(state, int(counts[0]) if len(counts) else 0)
        if action:
            try:
                if action == "close":
                    data.close_period(engine, user, period, today=today)
                else:
                    data.reopen_period(engine, user, period, today=today)
            except (data.StatusReportError, PermissionError) as exc:
                st.error(sv.sentence(str(exc)))
            else:
                st.session_state[sv.key("notice")] = (
                    f"Period {data.period_label(period)} {action}d.")
                st.rerun()

record = data.get_report(engine, user, pid, period)
loaders.store_state(engine)  # a report just saved is in the stored KPIs before they are read
kpi_row = loaders.project_row(engine, user.scope, project_id=pid)
form_col, kpi_col = st.columns([3, 2])
if state.closed or (record is not None and record.locked):
    with form_col:
        sv.render_locked(record, state, settings.currency_symbol)
    with kpi_col:
        sv.render_kpis(kpi_row, settings.currency_symbol)
    st.stop()

base = record or data.previous_report(engine, user, pid, period)
sv.prefill((pid, period), base,  # once per project and period: the user's entries are kept
           None if record is None else record.version,
           data.period_actual_cost(engine, user, pid, period))
version = st.session_state[sv.key("version")]
with form_col:
    if version is None:
        st.caption(f"New report for {data.period_label(period)}"
                   + (f", prefilled from {data.period_label(base.period)}." if base else "."))
    else:
        st.caption(f"Editing the {data.period_label(period)} report, as loaded at version "
                   f"{version}.")
    risks = data.project_risks(engine, user, pid)
    picks = {r["id"]: sv.risk_label(r) for r in risks.iter_rows(named=True)}
    pick = st.selectbox("Update a risk (optional)", list(picks), key=sv.key("risk_pick"),
                        index=None, format_func=picks.get, placeholder="No risk to update")
    chosen = sv.prefill_risk(risks, pick)
    with st.form("status_form"):
        sv.render_report_fields()
        st.divider()
        sv.render_risk_fields(chosen)
        submitted = st.form_submit_button("Save the report", key=sv.key("save"), type="primary")

with kpi_col:
    sv.render_kpis(kpi_row, settings.currency_symbol)
    if kpi_row is not None:
        judged = pl.DataFrame([{"project_id": pid, **{f: st.session_state.get(sv.key(f))
                                                       for f in ("schedule_rag", "cost_rag", "eac",
                                                                 "forecast_end")}}],
                              schema={"project_id": pl.Int64, "schedule_rag": pl.String,
                                      "cost_rag": pl.String, "eac": pl.Float64,
                                      "forecast_end": pl.Date})
        sv.render_flags(status_flags(judged, pl.DataFrame([kpi_row], schema=STORED_PROJECT),
                                     loaders.thresholds(engine)).collect())

if submitted:
    changes, labels = sv.risk_changes(chosen)
    try:
        saved = data.save_report(engine, user, project_id=pid, period=period,
                                 expected_version=version, risks=changes, today=today,
                                 **sv.form_values())
    except data.ReportInvalid as exc:
        st.error(sv.problems_text(exc.problems, labels))
    except data.ReportConflict as exc:
        st.session_state[sv.key("conflict")] = str(exc)
    except (data.StatusReportError, PermissionError) as exc:
        st.error(sv.sentence(str(exc)))
    else:
        sv.forget_form()
        st.session_state[sv.key("notice")] = (
            f"{code} report of {data.period_label(period)} saved (version {saved.version}).")
        st.rerun()
if conflict := st.session_state.get(sv.key("conflict")):
    st.error(sv.sentence(conflict))
    if st.button("Discard my changes and reload the report", key=sv.key("reload")):
        sv.forget_form()
        st.rerun()
st.caption(f"Reports of {md_escape(code)} are read by the PMO and the executives; the audit "
           "trail keeps every change.")
