"""Rendering blocks of the strategic alignment page: drill-down target, project list, frames."""

from __future__ import annotations

import polars as pl
import streamlit as st

from analytics.alignment import UNALIGNED, contributions_served
from components.format import md_escape
from components.overview_view import RAG_ICON, money_column

OBJECTIVE_KEY, PROJECT_KEY = "focus_objective", "focus_project"


def contribution_cells(projects: pl.DataFrame, contributions: pl.DataFrame,
                       objectives: pl.DataFrame) -> pl.DataFrame:
    """(code, name, objective_code, contribution) of the shown projects, best aligned first."""
    return (contributions_served(contributions, objectives).collect()
            .join(projects.select("project_id", "code", "name", "alignment_score"), on="project_id")
            .join(objectives.select(pl.col("id").alias("objective_id"),
                                    pl.col("code").alias("objective_code")), on="objective_id")
            .sort(["alignment_score", "code"], descending=[True, False])
            .select("code", "name", "objective_code", "contribution"))


def select_from(chart_key: str, *, project_at: int | None, objective_at: int | None) -> None:
    """on_select callback: customdata[project_at] / [objective_at] become the drill-down target
    (a missing one is cleared)."""
    points = st.session_state[chart_key].selection.get("points", [])
    custom = next((p.get("customdata") for p in points if p.get("customdata")), None)
    if not custom:
        return
    st.session_state[PROJECT_KEY] = custom[project_at] if project_at is not None else None
    st.session_state[OBJECTIVE_KEY] = custom[objective_at] if objective_at is not None else None


def render_target_picker(objectives: dict[str, str],
                         projects: list[str]) -> tuple[str | None, str | None]:
    """Selectboxes bound to the URL (?focus_objective=GROW&focus_project=PRJ-00012)."""
    left, right = st.columns(2)
    objective = left.selectbox("Objective", list(objectives), index=None, key=OBJECTIVE_KEY,
                               bind="query-params", placeholder="Click a bar, a cell or choose",
                               help="; ".join(f"{c}: {n}" for c, n in objectives.items()))
    project = right.selectbox("Project", projects, index=None, key=PROJECT_KEY, bind="query-params",
                              placeholder="Click a bubble, a cell or choose")
    return objective, project


def drill_projects(projects: pl.DataFrame, cells: pl.DataFrame, objective: str | None,
                   project: str | None) -> pl.DataFrame:
    """The projects behind the target: serving ``objective`` (UNALIGNED: serving none), and/or
    the one ``project``; with the contribution to the objective when one is chosen."""
    rows = projects
    if objective == UNALIGNED:
        rows = rows.filter(pl.col("serves_no_objective"))
    elif objective is not None:
        served = cells.filter(pl.col("objective_code") == objective).select("code", "contribution")
        rows = rows.join(served, on="code", how="inner")
    if project is not None:
        rows = rows.filter(pl.col("code") == project)
    return rows


def render_drill(rows: pl.DataFrame, currency: str, *, key: str) -> str | None:
    """The drill-down table (single-row selection); returns the code of the project to open."""
    columns = ["code", "name", "department", "status", "overall_rag", "alignment_score", "bac"]
    view = rows.select(*columns, *(["contribution"] if "contribution" in rows.columns else []))
    view = view.with_columns(pl.col("overall_rag").replace_strict(RAG_ICON, default="—"))
    event = st.dataframe(view, key=key, hide_index=True, width="stretch", on_select="rerun",
                         selection_mode="single-row", column_config={
                             "code": "Code", "name": "Project", "department": "Department",
                             "status": "Status", "overall_rag": "Health",
                             "alignment_score": st.column_config.NumberColumn("Alignment",
                                                                              format="%.0f"),
                             "bac": money_column("Budget", currency),
                             "contribution": st.column_config.NumberColumn("Contribution",
                                                                           format="percent")})
    chosen = event.selection.rows if event is not None else []
    if chosen:
        return view["code"][chosen[0]]
    return view["code"][0] if view.height == 1 else None


def open_project_button(code: str | None) -> None:
    """A button that opens the project page on ``code`` (?project=<code>)."""
    if code is None:
        st.caption("Select a row to open its project page.")
        return
    if st.button(f"Open project {code}", key="open_project", icon=":material/open_in_new:"):
        st.switch_page("views/project.py", query_params={"project": code})


def render_without_objective(frame: pl.DataFrame, currency: str, *, key: str) -> None:
    if frame.is_empty():
        st.success("Every project serves at least one objective.")
        return
    st.dataframe(frame.select("code", "name", "department", "manager", "status", "bac"), key=key,
                 hide_index=True, width="stretch", column_config={
                     "code": "Code", "name": "Project", "department": "Department",
                     "manager": "Manager", "status": "Status",
                     "bac": money_column("Budget", currency)})


def target_in_words(objective: str | None, project: str | None, names: dict[str, str]) -> str:
    """'Projects serving Grow digital revenue' etc., escaped for markdown."""
    parts = []
    if objective == UNALIGNED:
        parts.append("serving no objective")
    elif objective is not None:
        parts.append(f"serving {names.get(objective, objective)}")
    if project is not None:
        parts.append(f"project {project}")
    return md_escape("Projects " + " and ".join(parts)) if parts else ""
