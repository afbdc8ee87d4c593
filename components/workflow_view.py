"""UI blocks shared by the PMO workflow pages (gate review, corrective actions, standards):
form state that survives reruns and failed saves, error messages, the gate checklist."""

from __future__ import annotations

from collections.abc import Hashable, Mapping

import polars as pl
import streamlit as st

from components.format import md_escape

DECISION_LABELS = {"go": "Go", "go_with_conditions": "Go with conditions", "no_go": "No-go",
                   "on_hold": "On hold"}


def label(value: str | None) -> str:
    """'in_progress' -> 'in progress' (vocabulary values shown to people)."""
    return "" if value is None else value.replace("_", " ")


def sentence(text: str) -> str:
    """A message as a sentence, escaped for markdown."""
    text = text.strip()
    return md_escape(text[:1].upper() + text[1:]) + ("" if text.endswith(".") else ".")


def prefill(prefix: str, key: Hashable, values: Mapping, version: int | None) -> None:
    """Put ``values`` in the form widgets ``<prefix><field>`` once per record opened (``key``):
    the user's entries survive reruns, failed saves and conflicts."""
    if st.session_state.get(f"{prefix}loaded") == key:
        return
    for field, value in values.items():
        st.session_state[f"{prefix}{field}"] = value
    st.session_state[f"{prefix}loaded"] = key
    st.session_state[f"{prefix}version"] = version
    st.session_state.pop(f"{prefix}conflict", None)


def form_values(prefix: str, fields: tuple[str, ...]) -> dict:
    return {f: st.session_state.get(f"{prefix}{f}") for f in fields}


def forget(prefix: str) -> None:
    """Drop every widget value and marker of the form ``prefix`` (after a successful save)."""
    for key in [k for k in st.session_state if isinstance(k, str) and k.startswith(prefix)]:
        del st.session_state[key]


def show_invalid(what: str, problems: Mapping[str, str], labels: Mapping[str, str]) -> None:
    """One error naming every field that is wrong."""
    st.error(f"{what} was not saved. " + " ".join(
        f"{md_escape(labels.get(f, label(f)).capitalize())}: {md_escape(why)}."
        for f, why in problems.items()))


def show_conflict(prefix: str, button: str) -> None:
    """The conflict message kept in session state, and a button that reloads the record."""
    if conflict := st.session_state.get(f"{prefix}conflict"):
        st.error(sentence(conflict))
        if st.button(button, key=f"{prefix}reload"):
            for key in (f"{prefix}loaded", f"{prefix}conflict"):
                st.session_state.pop(key, None)
            st.rerun()


def render_checklist(checklist: pl.DataFrame, *, key: str) -> None:
    """The deliverables the standard requires at the gate with their evidence, then extras."""
    if checklist.is_empty():
        st.info("The method standard requires no deliverable at this gate and none is recorded.")
        return
    required = checklist.filter(pl.col("required"))
    done = required.filter(pl.col("validated")).height
    missing = required.filter(~pl.col("validated"))["deliverable"].to_list()
    if missing:
        st.warning(f"{done} of {required.height} required deliverables validated; missing: "
                   + md_escape(", ".join(missing)) + ".")
    else:
        st.success(f"All {required.height} required deliverables are validated.")
    shown = checklist.with_columns(
        pl.when(pl.col("validated")).then(pl.lit("✅ validated"))
        .when(pl.col("recorded")).then(pl.lit("⏳ recorded, not validated"))
        .otherwise(pl.lit("❌ not recorded")).alias("evidence"),
        pl.when(pl.col("required")).then(pl.lit("required by the standard"))
        .otherwise(pl.lit("extra")).alias("standard"))
    st.dataframe(shown.select("deliverable", "standard", "evidence", "validated_on"), key=key,
                 hide_index=True, width="stretch", column_config={
                     "deliverable": "Deliverable", "standard": "Standard",
                     "evidence": "Evidence",
                     "validated_on": st.column_config.DateColumn("Validated on",
                                                                 format="D MMM YYYY")})
