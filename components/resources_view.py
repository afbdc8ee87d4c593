"""Rendering blocks of the resource arbitration page: the cell drill-down and the what-if form."""

from __future__ import annotations

import datetime as dt

import polars as pl
import streamlit as st

from analytics.whatif import Scenario
from components.format import md_escape, percent

GROUP_KEY, MONTH_KEY = "group", "month"
VIEW_LABELS = {"role": "Role", "team": "Team"}


def horizon(load: pl.DataFrame, start: dt.date, months: int | None) -> pl.DataFrame:
    """The months of ``load`` from ``start``'s month for ``months`` months (all when None)."""
    if months is None:
        return load
    first = start.replace(day=1)
    later = first.month - 1 + months
    end = dt.date(first.year + later // 12, later % 12 + 1, 1)
    return load.filter((pl.col("month") >= first) & (pl.col("month") < end))


def select_cell(chart_key: str) -> None:
    """on_select callback of a capacity heatmap: the clicked cell becomes the drill-down target."""
    points = st.session_state[chart_key].selection.get("points", [])
    custom = next((p.get("customdata") for p in points if p.get("customdata")), None)
    if custom:
        st.session_state[GROUP_KEY], st.session_state[MONTH_KEY] = custom[0], custom[1][:7]


def render_cell_picker(groups: list[str], months: list[dt.date],
                       view: str) -> tuple[str, dt.date] | None:
    """Two selectboxes bound to the URL (?group=Developer&month=2026-12): the cell, or None.

    Options carry no format_func: a bound selectbox keeps its displayed text in the URL."""
    iso = [m.isoformat()[:7] for m in months]
    left, right = st.columns(2)
    group = left.selectbox(VIEW_LABELS[view], groups, index=None, key=GROUP_KEY,
                           bind="query-params", placeholder="Click a cell or choose")
    month = right.selectbox("Month", iso, index=None, key=MONTH_KEY, bind="query-params",
                            placeholder="Click a cell or choose")
    if group is None or month is None:
        return None
    return group, dt.date.fromisoformat(month + "-01")


def render_cell(cell: dict, drivers: pl.DataFrame, people: pl.DataFrame, *, key: str) -> None:
    """The numbers of one cell, the projects driving an overload and the people behind it."""
    cols = st.columns(3)
    cols[0].metric("Demand", f"{cell['demand_hours']:,.0f} h")
    cols[1].metric("Capacity", f"{cell['capacity_hours']:,.0f} h")
    load = cell["load_pct"]
    cols[2].metric("Load", "no capacity" if load is None else percent(load))
    if cell["overloaded"]:
        st.markdown(f"**Over-allocated by {cell['over_hours']:,.0f} h.** Projects driving it:")
        st.dataframe(drivers.select("rank", "project_code", "project_name", "hours", "share_pct"),
                     key=f"{key}_projects", hide_index=True, width="stretch", column_config={
                         "rank": "#", "project_code": "Code", "project_name": "Project",
                         "hours": st.column_config.NumberColumn("Hours", format="%.0f"),
                         "share_pct": st.column_config.NumberColumn("Share of demand",
                                                                    format="%.0f%%")})
    else:
        st.success("This cell is not over-allocated.")
    if people.is_empty():
        st.info("Nobody works in this cell.")
        return
    st.markdown("People behind it:")
    st.dataframe(people.drop("person_id"), key=f"{key}_people", hide_index=True, width="stretch",
                 column_config={"name": "Person", "role": "Role", "team": "Team",
                                "hours": st.column_config.NumberColumn("Hours this month",
                                                                       format="%.0f"),
                                "capacity_hours": st.column_config.NumberColumn(
                                    "Monthly capacity", format="%.0f")})


def render_scenario_form(projects: dict[str, str], ids: dict[str, int],
                         roles: list[str]) -> Scenario:
    """What-if inputs bound to the URL (?shift_project=<code>&shift=&cap_role=&cap_hours=);
    ``projects`` maps code -> label, ``ids`` code -> project id."""
    left, right = st.columns(2)
    with left:
        project = st.selectbox("Shift the project", list(projects), index=None, key="shift_project",
                               bind="query-params", placeholder="Choose a project by code",
                               help="The codes of the projects shown; the name appears below.")
        if project is not None:
            st.caption(md_escape(projects[project]))
        months = st.number_input("by months (negative = earlier)", min_value=-24, max_value=24,
                                 value=0, step=1, key="shift", bind="query-params")
    with right:
        role = st.selectbox("Cap the role", roles, index=None, key="cap_role", bind="query-params",
                            placeholder="Choose a role")
        hours = st.number_input("at hours per month (whole role)", min_value=0, value=0, step=10,
                                key="cap_hours", bind="query-params")
    return Scenario(project_id=ids.get(project) if project is not None else None,
                    shift_months=int(months), role=role,
                    cap_hours=float(hours) if role is not None else None)


def describe_scenario(s: Scenario, projects: dict[int, str]) -> str:
    """The scenario in words (plain text); ``projects`` maps project id -> label."""
    parts = []
    if s.project_id is not None and s.shift_months:
        direction = "later" if s.shift_months > 0 else "earlier"
        parts.append(f"{projects.get(s.project_id, s.project_id)} starts {abs(s.shift_months)} "
                     f"month{'s' if abs(s.shift_months) != 1 else ''} {direction}")
    if s.role is not None and s.cap_hours is not None:
        parts.append(f"{s.role} capacity capped at {s.cap_hours:,.0f} h a month")
    return "; ".join(parts)
