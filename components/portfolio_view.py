"""Rendering blocks of the portfolio page: the searchable inventory and the roadmap's inputs."""

from __future__ import annotations

import polars as pl
import streamlit as st

from analytics.milestones import next_gates as milestone_gates
from components.overview_view import RAG_ICON, money_column
from components.url_state import RESTORED_KEY

SEARCHED = ("code", "name", "department", "manager")
INVENTORY_COLUMNS = ("health", "code", "name", "department", "manager", "phase", "status", "bac",
                     "eac", "cpi", "spi_t", "next_gate", "next_gate_due")


def next_gates(milestones: pl.DataFrame) -> pl.DataFrame:
    """Per project: the open gate (no actual date) forecast first: project_id, next_gate, next_gate_due."""
    return milestone_gates(milestones).collect()


def matches(query: str) -> pl.Expr:
    """Rows whose code, name, department or manager contains ``query`` (literal, any case)."""
    needle = query.strip().lower()
    if not needle:
        return pl.lit(True)
    return pl.any_horizontal(pl.col(c).fill_null("").str.to_lowercase().str.contains(needle, literal=True)
                             for c in SEARCHED)


def inventory(projects: pl.DataFrame, milestones: pl.DataFrame, query: str = "") -> pl.DataFrame:
    """The inventory rows (INVENTORY_COLUMNS) of KpiSet.projects kept by the search, by code."""
    return inventory_table(projects.join(next_gates(milestones), on="project_id", how="left")
                           .filter(matches(query)))


def inventory_table(rows: pl.DataFrame) -> pl.DataFrame:
    """INVENTORY_COLUMNS of project rows that carry next_gate and next_gate_due, by code."""
    return (rows.with_columns(pl.col("overall_rag").replace_strict(RAG_ICON,
                                                                   default="⚪ not assessed")
                              .alias("health"),
                              pl.col("phase", "status").str.replace_all("_", " "))
            .select(INVENTORY_COLUMNS).sort("code"))


def roadmap_links(rows: pl.DataFrame, links: pl.DataFrame) -> pl.DataFrame:
    """(predecessor_code, successor_code, kind) of the links between two of ``rows``."""
    codes = rows.select(pl.col("project_id").alias("id"), "code")
    return (links.join(codes.rename({"id": "predecessor_id", "code": "predecessor_code"}),
                       on="predecessor_id")
            .join(codes.rename({"id": "successor_id", "code": "successor_code"}),
                  on="successor_id")
            .select("predecessor_code", "successor_code", "kind"))


def roadmap_inputs(projects: pl.DataFrame, loaded: pl.DataFrame,
                   dependencies: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Roadmap rows (KpiSet.projects + forecast_start) and the links between two of them:
    (predecessor_code, successor_code, kind)."""
    rows = projects.join(loaded.select(pl.col("id").alias("project_id"), "forecast_start"),
                         on="project_id", how="left").sort("code")
    codes = loaded.select("id", "code")
    links = (dependencies.join(codes.rename({"id": "predecessor_id", "code": "predecessor_code"}),
                               on="predecessor_id")
             .join(codes.rename({"id": "successor_id", "code": "successor_code"}), on="successor_id")
             .select("predecessor_code", "successor_code", "kind")
             .filter(pl.col("predecessor_code").is_in(rows["code"].implode())
                     & pl.col("successor_code").is_in(rows["code"].implode())))
    return rows, links


def render_inventory(table: pl.DataFrame, currency: str, *, key: str) -> str | None:
    """The sortable inventory; returns the code of the row the user selected (else None)."""
    event = st.dataframe(
        table, key=key, hide_index=True, width="stretch", on_select="rerun",
        selection_mode="single-row",
        column_config={
            "health": st.column_config.TextColumn("Health", help="Overall RAG: worst dimension"),
            "code": "Code", "name": st.column_config.TextColumn("Project", width="medium"),
            "department": "Department", "manager": "Manager", "phase": "Phase", "status": "Status",
            "bac": money_column("Budget", currency, help="Budget at completion (BAC)"),
            "eac": money_column("EAC", currency, help="Estimate at completion; blank = unknown"),
            "cpi": st.column_config.NumberColumn("CPI", format="%.2f", help="EV / AC"),
            "spi_t": st.column_config.NumberColumn("SPI(t)", format="%.2f",
                                                   help="Earned schedule / actual time"),
            "next_gate": "Next gate",
            "next_gate_due": st.column_config.DateColumn("Gate due", format="D MMM YYYY"),
        })
    rows = event.selection.rows if event is not None else []
    return table["code"][rows[0]] if rows and rows[0] < table.height else None


def seed_text(key: str) -> None:
    """Seed a URL-bound text input from a link remembered across sign-in (components.url_state)."""
    restored = st.session_state.get(RESTORED_KEY, {})
    values = restored.pop(key, None)
    if values and key not in st.session_state:
        st.session_state[key] = values[-1]


def open_project(code: str, filter_keys) -> None:
    """Open the project page on ``code``, the filters carried on.

    switch_page may not set URL parameters that widgets own (the filters), so their values are
    handed over the way a link kept across sign-in is (components.url_state): the project page's
    filters seed themselves from it and put them back in the URL.
    """
    carried = {k: list(st.session_state[k]) for k in filter_keys if st.session_state.get(k)}
    st.session_state[RESTORED_KEY] = {**st.session_state.get(RESTORED_KEY, {}), **carried}
    st.switch_page("views/project.py", query_params={"project": code})
