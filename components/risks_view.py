"""Rendering blocks of the risk page: the selected cell's risks, overdue mitigations, the changes
since the previous month end. Data comes in computed (analytics.risk)."""

from __future__ import annotations

from collections.abc import Collection

import polars as pl
import streamlit as st

from components.figures_risks import cell_from_points
from components.overview_view import money_column
from components.url_state import RESTORED_KEY

CHANGE_LABELS = {"new": "New", "closed": "Closed", "score_up": "Score up",
                 "score_down": "Score down", "unchanged": "Unchanged"}
DATE = dict(format="D MMM YYYY")


def seed_single(key: str, allowed: Collection[str]) -> bool:
    """Seed a URL-bound selectbox from a link remembered across sign-in; False if not allowed."""
    values = st.session_state.get(RESTORED_KEY, {}).pop(key, None)
    if not values or key in st.session_state:
        return True
    if values[0] in allowed:
        st.session_state[key] = values[0]
        return True
    return False


def take_cell_click(chart_key: str, target_key: str) -> None:
    """A new click on the matrix ``chart_key`` becomes the drill-down cell ``target_key``.

    Called before the target's widget is drawn; a click is applied once, so choosing another
    cell in the widget afterwards is not overridden by the chart's lingering selection.
    """
    try:
        points = st.session_state[chart_key]["selection"]["points"]
    except (KeyError, TypeError):
        points = None
    cell = cell_from_points(points)
    seen_key = f"_{chart_key}_applied"
    if cell is not None and cell != st.session_state.get(seen_key):
        st.session_state[seen_key] = cell
        st.session_state[target_key] = cell
    elif cell is None:
        st.session_state.pop(seen_key, None)


def render_cell_risks(risks: pl.DataFrame, currency: str, *, key: str) -> None:
    """The live risks of one matrix cell, highest exposure first."""
    if risks.is_empty():
        st.info("No live risk in this cell.")
        return
    view = risks.select("project_code", "project_name", "title", "category", "score",
                        "money_exposure", "owner", "status", "due_date")
    st.dataframe(view, key=key, hide_index=True, width="stretch", column_config={
        "project_code": "Code", "project_name": "Project", "title": "Risk",
        "category": "Category", "score": st.column_config.NumberColumn("P×I"),
        "money_exposure": money_column("Exposure", currency, help="P/5 × cost impact"),
        "owner": "Owner", "status": "Status",
        "due_date": st.column_config.DateColumn("Mitigation due", **DATE)})


def render_overdue(overdue: pl.DataFrame, *, key: str) -> None:
    """Live risks whose mitigation due date has passed, most overdue first."""
    if overdue.is_empty():
        st.success("No mitigation is overdue.")
        return
    view = overdue.select("days_overdue", "due_date", "project_code", "project_name", "title",
                          "owner", "status", "score")
    st.dataframe(view, key=key, hide_index=True, width="stretch", column_config={
        "days_overdue": st.column_config.NumberColumn("Days overdue"),
        "due_date": st.column_config.DateColumn("Was due", **DATE),
        "project_code": "Code", "project_name": "Project", "title": "Risk", "owner": "Owner",
        "status": "Status", "score": st.column_config.NumberColumn("P×I")})


def render_change_tiles(summary: pl.DataFrame) -> None:
    """Tiles: new, closed, score up, score down (from analytics.risk.risk_change_summary)."""
    counts = dict(zip(summary["change"].to_list(), summary["risks"].to_list()))
    cols = st.columns(4)
    for col, kind in zip(cols, ("new", "closed", "score_up", "score_down")):
        col.metric(CHANGE_LABELS[kind], f"{counts.get(kind, 0):,}")


def render_changes(changes: pl.DataFrame, projects: pl.DataFrame, *, key: str) -> None:
    """The risks that changed (unchanged ones left out), with their project's code."""
    moved = changes.filter(pl.col("change") != "unchanged")
    if moved.is_empty():
        st.info("No risk was opened, closed or re-scored since the previous month end.")
        return
    view = (moved.join(projects.select(pl.col("project_id"), pl.col("code").alias("project_code")),
                       on="project_id", how="left")
            .with_columns(pl.col("change").replace_strict(CHANGE_LABELS, default=pl.col("change")))
            .select("change", "project_code", "title", "score_before", "score_after",
                    "score_delta"))
    st.dataframe(view, key=key, hide_index=True, width="stretch", column_config={
        "change": "Change", "project_code": "Code", "title": "Risk",
        "score_before": st.column_config.NumberColumn("P×I before"),
        "score_after": st.column_config.NumberColumn("P×I now"),
        "score_delta": st.column_config.NumberColumn("Δ")})
