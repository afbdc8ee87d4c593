"""Rendering blocks of the governance page: gate compliance per project (row selection opens its
gates), one project's gates with missing deliverables, projects without a validated framing."""

from __future__ import annotations

import polars as pl
import streamlit as st

DATE = dict(format="D MMM YYYY")
FRAMING_STATE = {"missing": "no framing gate", "pending": "pending", "rejected": "rejected",
                 "waived": "waived", "validated": "validated, not dated"}


def take_row_click(table_key: str, codes: list[str], target_key: str) -> None:
    """A newly selected row of the table ``table_key`` becomes the drill-down ``target_key``."""
    try:
        rows = st.session_state[table_key]["selection"]["rows"]
    except (KeyError, TypeError):
        rows = []
    code = codes[rows[0]] if rows and 0 <= rows[0] < len(codes) else None
    seen_key = f"_{table_key}_applied"
    if code is not None and code != st.session_state.get(seen_key):
        st.session_state[seen_key] = code
        st.session_state[target_key] = code
    elif code is None:
        st.session_state.pop(seen_key, None)


def compliance_table(projects: pl.DataFrame) -> pl.DataFrame:
    """The rows shown per project, worst first (most missing deliverables, then code)."""
    return (projects.select("code", "name", "methodology", "phase", "status", "gates_total",
                            "gates_passed", "gates_compliant", "missing_deliverables")
            .sort(["missing_deliverables", "code"], descending=[True, False]))


def render_project_compliance(table: pl.DataFrame, *, key: str) -> None:
    """Per project: gates in plan, passed, with all required deliverables; selectable rows."""
    st.dataframe(table, key=key, hide_index=True, width="stretch", on_select="rerun",
                 selection_mode="single-row", column_config={
                     "code": "Code", "name": "Project", "methodology": "Methodology",
                     "phase": "Phase", "status": "Status",
                     "gates_total": st.column_config.NumberColumn("Gates"),
                     "gates_passed": st.column_config.NumberColumn(
                         "Passed", help="Held (actual date) and validated"),
                     "gates_compliant": st.column_config.NumberColumn(
                         "Complete", help="Every required deliverable validated"),
                     "missing_deliverables": st.column_config.NumberColumn(
                         "Deliverables missing", help="Required, not yet validated")})


def render_project_gates(gates: pl.DataFrame, *, key: str) -> None:
    """One project's gates in order, with the names of the required deliverables missing."""
    if gates.is_empty():
        st.info("This project has no stage gate.")
        return
    view = gates.select("gate", "baseline_date", "forecast_date", "actual_date",
                        "validation_state", "required_deliverables", "validated_deliverables",
                        "missing_names")
    st.dataframe(view, key=key, hide_index=True, width="stretch", column_config={
        "gate": "Gate", "baseline_date": st.column_config.DateColumn("Baseline", **DATE),
        "forecast_date": st.column_config.DateColumn("Forecast", **DATE),
        "actual_date": st.column_config.DateColumn("Held", **DATE),
        "validation_state": "Decision",
        "required_deliverables": st.column_config.NumberColumn("Required"),
        "validated_deliverables": st.column_config.NumberColumn("Validated"),
        "missing_names": st.column_config.TextColumn("Missing", width="large")})


def render_without_framing(without: pl.DataFrame, *, key: str) -> None:
    """Projects past framing whose framing gate (scope, risks, plan) is not validated."""
    if without.is_empty():
        st.success("Every project past framing has a validated framing gate.")
        return
    view = without.with_columns(
        pl.col("framing_state").replace_strict(FRAMING_STATE, default=pl.col("framing_state"))
    ).select("code", "name", "department", "manager", "phase", "framing_state", "missing_names")
    st.dataframe(view, key=key, hide_index=True, width="stretch", column_config={
        "code": "Code", "name": "Project", "department": "Department", "manager": "Manager",
        "phase": "Phase", "framing_state": "Framing gate",
        "missing_names": st.column_config.TextColumn("Framing deliverables missing",
                                                     width="large")})
