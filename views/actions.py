"""Corrective actions: PMO and executives read (their scope), the PMO writes. Open an action
from a drift alert, a risk or a gate condition (?source=risk:123, ?source=drift_alert:cpi_trend
&project=CODE), list them with filters kept in the URL, overdue ones highlighted, and follow
each to closure (?action=ID opens it)."""

import datetime as dt

import polars as pl
import streamlit as st

from analytics.actions import counts_by_status, filter_actions
from components.access import PAGE_ROLES
from components.actions_summary import render_overdue_actions
from components.filters import bound_multiselect
from components.links import meeting_mode
from components.session import require_role
from components.workflow_view import (forget, form_values, label, prefill, sentence,
                                      show_conflict, show_invalid)
from data_access import actions as data
from data_access.engine import get_engine
from data_access.models.workflow import ACTION_SOURCES, ACTION_STATUSES
from data_access.settings import get_settings, today as settings_today
from data_access.workflow import WorkflowConflict, WorkflowError, WorkflowInvalid

user = require_role(PAGE_ROLES["actions"])
engine = get_engine(get_settings().database_url)
today = settings_today()
NEW, EDIT = "caf_", "cae_"
NEW_FIELDS = ("project", "source_kind", "source_ref", "title", "owner", "due_date",
              "expected_effect")
EDIT_FIELDS = ("title", "owner", "due_date", "expected_effect", "status", "closed_on",
               "closure_note")
LABELS = {"source_ref": "source reference", "due_date": "due date",
          "expected_effect": "expected effect", "closed_on": "closed on",
          "closure_note": "closure note", "opened_on": "opened on"}

st.title("Corrective actions")
if notice := st.session_state.pop("ca_notice", None):
    st.success(notice)
everything = data.list_actions(engine, user)
projects = data.scoped_projects(engine, user)
project_ids = dict(zip(projects["code"], projects["id"]))
codes_by_id = {v: k for k, v in project_ids.items()}

counts = dict(counts_by_status(everything, today).collect().rows())
cols = st.columns(5)
for col, key in zip(cols, (*ACTION_STATUSES, "overdue")):
    col.metric(label(key).capitalize(), counts[key])

with st.expander("Overdue actions", expanded=counts["overdue"] > 0):
    render_overdue_actions(everything, key="ca_overdue", as_of=today)

# ----------------------------------------------------------------- list with URL filters
left, middle, right = st.columns(3)
with left:
    statuses, lost_s = bound_multiselect("Status", {s: label(s) for s in ACTION_STATUSES},
                                         key="status", placeholder="Any status")
with middle:
    chosen, lost_p = bound_multiselect("Project", {c: c for c in everything["project_code"]
                                                   .unique().sort().to_list()},
                                       key="project_filter", placeholder="Any project")
with right:
    sources, lost_k = bound_multiselect("Source", {s: label(s) for s in ACTION_SOURCES},
                                        key="source_kind", placeholder="Any source")
overdue_only = st.checkbox("Overdue only", key="overdue", bind="query-params")
if lost_s or lost_p or lost_k:
    st.warning("The link named a filter value that does not exist; it was left out.")
found = filter_actions(everything, today, statuses=statuses, projects=chosen, sources=sources,
                       overdue_only=overdue_only).collect()
st.caption(f"{found.height:,} of {everything.height:,} actions in your scope.")
if found.is_empty():
    st.info("No corrective action matches." if everything.height else "No corrective action yet.")
else:
    table = found.with_columns(
        pl.when(pl.col("overdue")).then(pl.format("⚠ {} days", pl.col("days_overdue")))
        .otherwise(pl.lit("")).alias("late"),
        pl.col("status").str.replace("_", " "), pl.col("source_kind").str.replace("_", " "),
    ).sort("overdue", "due_date", descending=[True, False]).select(
        "id", "late", "project_code", "title", "owner", "due_date", "status", "source_kind",
        "source_ref", "expected_effect", "opened_on", "closed_on")
    styled = table.to_pandas().style.apply(
        lambda row: ["background-color: #fde2e1" if row["late"] else ""] * len(row), axis=1)
    st.dataframe(styled, key="ca_table", hide_index=True, width="stretch", column_config={
        "id": st.column_config.NumberColumn("#", format="%d"), "late": "Overdue",
        "project_code": "Project", "title": "Action", "owner": "Owner",
        "due_date": st.column_config.DateColumn("Due", format="D MMM YYYY"),
        "status": "Status", "source_kind": "Source", "source_ref": "Reference",
        "expected_effect": "Expected effect",
        "opened_on": st.column_config.DateColumn("Opened", format="D MMM YYYY"),
        "closed_on": st.column_config.DateColumn("Closed", format="D MMM YYYY")})

if user.role not in {"pmo"}:
    st.caption("Corrective actions are opened and followed up by the PMO.")
    st.stop()
if meeting_mode():                  # projector: no editing controls
    st.stop()


def attempt(save, prefix: str, what: str) -> None:
    """Run ``save``; on success forget the form and rerun, else keep what the user typed."""
    try:
        record = save()
    except WorkflowInvalid as exc:
        show_invalid(what, exc.problems, LABELS)
    except WorkflowConflict as exc:
        st.session_state[f"{prefix}conflict"] = str(exc)
    except (WorkflowError, PermissionError) as exc:
        st.error(sentence(str(exc)))
    else:
        forget(prefix)
        if prefix == NEW:  # the link's source is used: a second submit must not reopen it
            for key in ("source", "project"):
                st.query_params.pop(key, None)
        st.session_state["ca_notice"] = (f"Action #{record.id} saved "
                                         f"({label(record.status)}, version {record.version}).")
        st.rerun()


# ----------------------------------------------------------------- open an action
st.subheader("Open a corrective action")
source = st.query_params.get("source")
seed: dict = {"project_id": None, "source_kind": "other", "source_ref": None, "title": "",
              "owner": "", "expected_effect": ""}
if source:
    try:
        seed = data.source_prefill(engine, user, source, st.query_params.get("project"))
        st.info(f"Prefilled from {label(seed['source_kind'])} {seed['source_ref'] or ''}".strip()
                + ".")
    except WorkflowError as exc:
        st.warning(sentence(str(exc)))
prefill(NEW, ("new", source, st.query_params.get("project")), {
    "project": codes_by_id.get(seed["project_id"]), "source_kind": seed["source_kind"],
    "source_ref": seed["source_ref"] or "", "title": seed["title"], "owner": seed["owner"],
    "due_date": today + dt.timedelta(days=30), "expected_effect": seed["expected_effect"]}, None)
with st.form("action_new"):
    st.selectbox("Project", list(project_ids), key=f"{NEW}project", persist_state="session",
                 index=None,
                 placeholder="Choose a project")
    a, b = st.columns(2)
    a.selectbox("Source", ACTION_SOURCES, key=f"{NEW}source_kind", persist_state="session",
                format_func=label)
    b.text_input("Source reference", key=f"{NEW}source_ref", persist_state="session",
                 help="The risk or gate review number, or the drift alert kind")
    st.text_input("Title", key=f"{NEW}title", persist_state="session", max_chars=300)
    a, b = st.columns(2)
    a.text_input("Owner", key=f"{NEW}owner", persist_state="session", max_chars=200)
    b.date_input("Due date", key=f"{NEW}due_date", persist_state="session")
    st.text_area("Expected effect", key=f"{NEW}expected_effect", persist_state="session")
    opened = st.form_submit_button("Open the action", key=f"{NEW}save", type="primary")
if opened:
    values = form_values(NEW, NEW_FIELDS)
    code = values.pop("project")
    if code is None:
        st.error("The action was not saved. Project: choose the project it belongs to.")
    else:
        attempt(lambda: data.open_action(engine, user, project_id=project_ids[code], **values),
                NEW, "The action")

# ----------------------------------------------------------------- follow up
st.subheader("Follow up an action")
if everything.is_empty():
    st.caption("No action to follow up yet.")
    st.stop()
titles = {r["id"]: f"#{r['id']} · {r['project_code']} · {r['title']} ({label(r['status'])})"
          for r in everything.iter_rows(named=True)}
asked = st.query_params.get("action")
if asked and asked.isdigit() and int(asked) in titles and "ca_pick" not in st.session_state:
    st.session_state["ca_pick"] = int(asked)
picked = st.selectbox("Action", list(titles), key="ca_pick", persist_state="page", index=None,
                      format_func=titles.get, placeholder="Choose an action")
record = data.get_action(engine, user, picked) if picked is not None else None
if record is None:
    st.stop()
prefill(EDIT, ("edit", record.id), {f: ("" if getattr(record, f) is None and f in
                                        ("closure_note",) else getattr(record, f))
                                    for f in EDIT_FIELDS}, record.version)
st.caption(f"Opened on {record.opened_on:%d %b %Y} by {record.opened_by} from "
           f"{label(record.source_kind)} {record.source_ref or ''}; editing version "
           f"{st.session_state[f'{EDIT}version']}.")
with st.form("action_edit"):
    st.text_input("Title", key=f"{EDIT}title", persist_state="session", max_chars=300)
    a, b, c = st.columns(3)
    a.text_input("Owner", key=f"{EDIT}owner", persist_state="session", max_chars=200)
    b.date_input("Due date", key=f"{EDIT}due_date", persist_state="session")
    c.selectbox("Status", ACTION_STATUSES, key=f"{EDIT}status", persist_state="session",
                format_func=label)
    st.text_area("Expected effect", key=f"{EDIT}expected_effect", persist_state="session")
    a, b = st.columns([1, 2])
    a.date_input("Closed on", key=f"{EDIT}closed_on", persist_state="session", max_value=today,
                 help="Required once the action is done or cancelled")
    b.text_area("Closure note", key=f"{EDIT}closure_note", persist_state="session")
    saved = st.form_submit_button("Save the follow-up", key=f"{EDIT}save", type="primary")
if saved:
    attempt(lambda: data.update_action(engine, user, record.id,
                                       expected_version=st.session_state[f"{EDIT}version"],
                                       **form_values(EDIT, EDIT_FIELDS)), EDIT, "The follow-up")
show_conflict(EDIT, "Discard my changes and reload the action")
