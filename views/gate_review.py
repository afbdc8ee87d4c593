"""Gate review (PMO): pick a project (?project=CODE) and its gate, see the checklist of the
deliverables its methodology's standard requires with their evidence, and record the decision;
the project's phase follows it in the same transaction."""

import polars as pl
import streamlit as st

from components.access import PAGE_ROLES
from components.format import md_escape
from components.workflow_view import (DECISION_LABELS, forget, form_values, label, prefill,
                                      render_checklist, sentence, show_conflict, show_invalid)
from components.session import require_role
from data_access import gate_reviews as data
from data_access.engine import get_engine
from data_access.settings import get_settings, today as settings_today
from data_access.workflow import WorkflowConflict, WorkflowError, WorkflowInvalid

user = require_role(PAGE_ROLES["gate_review"])
engine = get_engine(get_settings().database_url)
P = "grf_"
FIELDS = ("decision", "conditions", "decided_on")
LABELS = {"decided_on": "decided on", "conditions": "conditions"}

st.title("Gate review")
if notice := st.session_state.pop(f"{P}notice", None):
    st.success(notice)
gates = data.project_gates(engine, user)
if gates.is_empty():
    st.info("No project in your scope has a gate.")
    st.stop()
pending = data.next_gate(gates)
codes = gates["code"].unique(maintain_order=True).to_list()
at_gate = dict(zip(pending["code"], pending["gate_type"]))

wanted = st.query_params.get("project")
if wanted and wanted not in codes:
    st.warning("The link named a project that is not available to you; choose one below.")
elif wanted and st.session_state.get("gr_pick") is None:
    st.session_state["gr_pick"] = wanted
code = st.selectbox("Project", codes, key="gr_pick", persist_state="page", index=None,
                    placeholder="Choose a project",
                    format_func=lambda c: f"{c} · at {label(at_gate[c])}" if c in at_gate
                    else f"{c} · every gate passed")
if code is None:
    st.caption(f"{pending.height:,} of {len(codes):,} projects in your scope stand at a gate.")
    st.stop()
st.query_params["project"] = code

mine = gates.filter(pl.col("code") == code)
project = mine.row(0, named=True)
st.markdown(f"**{md_escape(project['code'])} · {md_escape(project['name'])}** — "
            f"methodology {label(project['methodology'])}, phase **{label(project['phase'])}**, "
            f"status {label(project['status'])}.")
gate_names = dict(zip(mine["milestone_id"], mine["gate_type"] + " · " + mine["validation_state"]))
default_gate = next((m for m, g in zip(mine["milestone_id"], mine["gate_type"])
                     if g == at_gate.get(code)), mine["milestone_id"][0])
if st.session_state.get("gr_gate") not in gate_names:
    st.session_state["gr_gate"] = default_gate
gate_id = st.selectbox("Gate", list(gate_names), key="gr_gate", persist_state="page",
                       format_func=lambda m: label(gate_names[m]))
gate = mine.filter(pl.col("milestone_id") == gate_id).row(0, named=True)

checklist, std_version = data.gate_checklist(engine, user, gate_id, project["methodology"])
st.subheader("Required deliverables")
st.caption(f"From the {label(project['methodology'])} method standard, version {std_version}"
           + (" (built-in default)." if std_version == 0 else "."))
render_checklist(checklist, key="gr_checklist")

reviews = data.list_reviews(engine, user, project["project_id"])
if not reviews.is_empty():
    st.subheader("Earlier decisions")
    st.dataframe(reviews.select("decided_on", "gate_type", "decision", "conditions", "decided_by",
                                "phase_before", "next_phase"),
                 key="gr_reviews", hide_index=True, width="stretch")

st.subheader("Decision")
prefill(P, (project["project_id"], gate_id),
        {"decision": None, "conditions": "", "decided_on": settings_today()},
        project["project_version"])
with st.form("gate_form"):
    st.selectbox("Decision", list(DECISION_LABELS), key=f"{P}decision", persist_state="session",
                 index=None,
                 format_func=DECISION_LABELS.get, placeholder="Choose the decision")
    st.text_area("Conditions", key=f"{P}conditions", persist_state="session",
                 help="Required for go with conditions; the reasons of a no-go or a hold.")
    st.date_input("Decided on", key=f"{P}decided_on", persist_state="session",
                  max_value=settings_today())
    submitted = st.form_submit_button("Record the decision", key=f"{P}save", type="primary")

if submitted:
    values = form_values(P, FIELDS)
    try:
        if values["decision"] is None:
            raise WorkflowInvalid("gate decision", {"decision": "choose go, go with conditions, "
                                                                "no-go or on hold"})
        done = data.decide(engine, user, milestone_id=gate_id,
                           expected_project_version=st.session_state[f"{P}version"], **values)
    except WorkflowInvalid as exc:
        show_invalid("The decision", exc.problems, LABELS)
    except WorkflowConflict as exc:
        st.session_state[f"{P}conflict"] = str(exc)
    except (WorkflowError, PermissionError) as exc:
        st.error(sentence(str(exc)))
    else:
        forget(P)
        follow = (f" Open a corrective action from its conditions: "
                  f"[corrective actions](/actions?source=gate_condition:{done.review_id})."
                  if values["decision"] == "go_with_conditions" else "")
        st.session_state[f"{P}notice"] = (
            f"Decision recorded for {code} at {gate['gate_type']}: phase "
            f"{label(done.phase_before)} → {label(done.next_phase)}, status "
            f"{label(done.status)}.{follow}")
        st.rerun()
show_conflict(P, "Discard my decision and reload the project")
