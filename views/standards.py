"""Method standards (PMO): per methodology the gates and their required deliverables, the RAG
thresholds and the prioritisation criteria's default weights; every save is a new version,
audited, refused with a clear message when someone saved first."""

import streamlit as st

from components.access import PAGE_ROLES
from components.session import require_role
from components.workflow_view import (forget, label, prefill, sentence, show_conflict,
                                      show_invalid)
from data_access import standards as data
from data_access.engine import get_engine
from data_access.models.enums import GATE_TYPES, METHODOLOGIES
from data_access.settings import get_settings, today as settings_today
from data_access.workflow import WorkflowConflict, WorkflowError, WorkflowInvalid

user = require_role(PAGE_ROLES["standards"])
engine = get_engine(get_settings().database_url)
today = settings_today()
GATES, THRESH, WEIGHTS = "msg_", "mst_", "msw_"
CRITERIA_LABELS = {"alignment": "Strategic alignment", "financial": "Financial value",
                   "risk": "Risk (inverse)", "urgency": "Urgency", "compliance": "Compliance"}

st.title("Method standards")
if notice := st.session_state.pop("ms_notice", None):
    st.success(notice)


def attempt(save, prefix: str, what: str, done: str) -> None:
    try:
        save()
    except WorkflowInvalid as exc:
        show_invalid(what, exc.problems, {"effective_from": "effective from"})
    except WorkflowConflict as exc:
        st.session_state[f"{prefix}conflict"] = str(exc)
    except (WorkflowError, PermissionError) as exc:
        st.error(sentence(str(exc)))
    else:
        forget(prefix)
        st.session_state["ms_notice"] = done
        st.rerun()


gates_tab, thresholds_tab, weights_tab = st.tabs(
    ["Gates and deliverables", "RAG thresholds", "Prioritisation criteria"])

with gates_tab:
    methodology = st.selectbox("Methodology", METHODOLOGIES, key="ms_methodology",
                               format_func=label, bind="query-params")
    std = data.current_standard(engine, methodology)
    st.caption(f"Version {std.version}" + (" (built-in default)" if std.version == 0 else
                                           f", effective from {std.effective_from:%d %b %Y}, "
                                           f"by {std.changed_by}") + ".")
    prefill(GATES, methodology,
            {**{g: "\n".join(std.gates.get(g, [])) for g in GATE_TYPES},
             "effective_from": today, "note": ""}, std.version)
    with st.form("gates_form"):
        for gate in GATE_TYPES:
            st.text_area(f"{label(gate)}: required deliverables, one per line",
                         key=f"{GATES}{gate}", persist_state="session")
        a, b = st.columns([1, 2])
        a.date_input("Effective from", key=f"{GATES}effective_from", persist_state="session")
        b.text_input("Why this change", key=f"{GATES}note", persist_state="session")
        save_gates = st.form_submit_button("Save a new version", key=f"{GATES}save",
                                           type="primary")
    if save_gates:
        ss = st.session_state
        attempt(lambda: data.save_gate_standard(
            engine, user, methodology, gates={g: ss[f"{GATES}{g}"] for g in GATE_TYPES},
            effective_from=ss[f"{GATES}effective_from"], note=ss[f"{GATES}note"],
            expected_version=ss[f"{GATES}version"]), GATES, "The standard",
            f"The {label(methodology)} standard was saved.")
    show_conflict(GATES, "Discard my changes and reload the standard")
    history = data.standard_history(engine, user, methodology)
    if not history.is_empty():
        st.dataframe(history, key="ms_history", hide_index=True, width="stretch")

with thresholds_tab:
    rows = data.list_thresholds(engine)
    st.caption("A value at a threshold belongs to the worse band. For CPI and SPI lower is "
               "worse; for the EAC overrun, milestone slip and risk score higher is worse.")
    prefill(THRESH, "thresholds", {
        **{f"{r['metric']}_amber": r["amber"] for r in rows.iter_rows(named=True)},
        **{f"{r['metric']}_red": r["red"] for r in rows.iter_rows(named=True)}},
        dict(zip(rows["metric"], rows["version"])))
    loaded = st.session_state[f"{THRESH}version"]
    with st.form("thresholds_form"):
        for r in rows.iter_rows(named=True):
            a, b = st.columns(2)
            worse = "higher is worse" if r["higher_is_worse"] else "lower is worse"
            a.number_input(f"{label(r['metric'])}: amber ({worse})",
                           key=f"{THRESH}{r['metric']}_amber", persist_state="session",
                           min_value=0.0, format="%.4g")
            b.number_input(f"{label(r['metric'])}: red", key=f"{THRESH}{r['metric']}_red",
                           persist_state="session", min_value=0.0, format="%.4g")
        save_thresholds = st.form_submit_button("Save the thresholds", key=f"{THRESH}save",
                                                type="primary")
    if save_thresholds:
        ss = st.session_state
        attempt(lambda: data.update_thresholds(engine, user, {
            m: (ss[f"{THRESH}{m}_amber"], ss[f"{THRESH}{m}_red"], loaded[m])
            for m in rows["metric"]}), THRESH, "The threshold change", "The thresholds were saved.")
    show_conflict(THRESH, "Discard my changes and reload the thresholds")

with weights_tab:
    std = data.current_standard(engine, data.PRIORITISATION)
    st.caption(f"Default weights of the what-if prioritisation, version {std.version}"
               + (" (built-in default)." if std.version == 0 else "."))
    prefill(WEIGHTS, "weights", {**std.weights, "effective_from": today, "note": ""},
            std.version)
    with st.form("weights_form"):
        for key, text in CRITERIA_LABELS.items():
            st.number_input(text, key=f"{WEIGHTS}{key}", persist_state="session",
                            min_value=0, max_value=100, step=5)
        a, b = st.columns([1, 2])
        a.date_input("Effective from", key=f"{WEIGHTS}effective_from", persist_state="session")
        b.text_input("Why this change", key=f"{WEIGHTS}note", persist_state="session")
        save_weights = st.form_submit_button("Save a new version", key=f"{WEIGHTS}save",
                                             type="primary")
    if save_weights:
        ss = st.session_state
        attempt(lambda: data.save_criteria_weights(
            engine, user, weights={k: ss[f"{WEIGHTS}{k}"] for k in CRITERIA_LABELS},
            effective_from=ss[f"{WEIGHTS}effective_from"], note=ss[f"{WEIGHTS}note"],
            expected_version=ss[f"{WEIGHTS}version"]), WEIGHTS, "The weights",
            "The prioritisation weights were saved.")
    show_conflict(WEIGHTS, "Discard my changes and reload the weights")
