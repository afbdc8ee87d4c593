"""Saved scenarios on the prioritisation page: open, save (new or changes), baseline, compare.

The parameters being edited live in the widgets and the URL, so a refused or conflicting save
loses nothing the user set: they can save it again as a new scenario.
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl
import streamlit as st
from sqlalchemy import Engine

from analytics.prioritise import ScenarioResult
from analytics.scenario import ScenarioParams
from components.format import md_escape
from data_access import scenarios
from data_access.users import CurrentUser

LOADED_KEY = "p_loaded"          # (id, version, name) of the saved scenario being edited
NOTICE_KEY = "p_scenario_notice"


def loaded() -> tuple[int, int, str] | None:
    return st.session_state.get(LOADED_KEY)


def mark_loaded(record: scenarios.ScenarioRecord | None) -> None:
    if record is None:
        st.session_state.pop(LOADED_KEY, None)
    else:
        st.session_state[LOADED_KEY] = (record.id, record.version, record.name)


def _label(row: dict) -> str:
    star = " ★ baseline" if row["is_baseline"] else ""
    return f"{row['name']} (#{row['id']}, v{row['version']}, {row['owner'] or 'unknown'}){star}"


def render_panel(engine: Engine, user: CurrentUser, result: ScenarioResult, *,
                 open_params: Callable[[scenarios.ScenarioRecord], None]) -> None:
    """List, open, save and mark saved scenarios; the comparison is rendered by the page."""
    notice = st.session_state.pop(NOTICE_KEY, None)
    if notice:
        st.success(md_escape(notice))
    saved = scenarios.list_scenarios(engine, user)
    rows = {r["id"]: r for r in saved.iter_rows(named=True)}
    current = loaded()
    if current:
        st.caption(f"Editing saved scenario “{md_escape(current[2])}” (#{current[0]}, "
                   f"v{current[1]}). Its short link: `?scenario={current[0]}`")
    if rows:
        left, right = st.columns([4, 1], vertical_alignment="bottom")
        chosen = left.selectbox("Saved scenarios", list(rows), format_func=lambda i: _label(rows[i]),
                                key="p_open_choice")
        if right.button("Open", key="p_open") and chosen is not None:
            record = scenarios.get_scenario(engine, user, chosen)
            if record is None:
                st.error("That scenario no longer exists.")
            else:
                open_params(record)
                st.rerun()
    else:
        st.caption("No saved scenario yet.")
    if user.role != "pmo":
        st.caption("Only the PMO saves scenarios; you can open and compare them.")
        return
    name = st.text_input("Name", max_chars=200, key="p_save_name",
                         placeholder="e.g. Budget 2027 at 18 M, capacity 90 %")
    cols = st.columns(3)
    if cols[0].button("Save as new", key="p_save_new"):
        _save(engine, user, result, name=name, scenario_id=None, version=None)
    if current and cols[1].button("Save changes", key="p_save_changes"):
        _save(engine, user, result, name=name or current[2], scenario_id=current[0],
              version=current[1])
    if current and cols[2].button("Mark as baseline", key="p_baseline"):
        try:
            record = scenarios.set_baseline(engine, user, current[0], expected_version=current[1])
        except scenarios.ScenarioError as exc:
            st.error(md_escape(str(exc)))
        else:
            mark_loaded(record)
            st.session_state[NOTICE_KEY] = f"“{record.name}” is now the baseline."
            st.rerun()


def _save(engine: Engine, user: CurrentUser, result: ScenarioResult, *, name: str,
          scenario_id: int | None, version: int | None) -> None:
    try:
        record = scenarios.save_scenario(
            engine, user, name=name, parameters=result.params.to_dict(), result=result.summary(),
            scenario_id=scenario_id, expected_version=version)
    except scenarios.ScenarioConflict as exc:
        st.error(md_escape(str(exc)) + " Your settings are still on this page: use "
                 "“Save as new” to keep them as another scenario.")
    except scenarios.ScenarioError as exc:
        st.error(md_escape(str(exc)))
    else:
        mark_loaded(record)
        st.session_state[NOTICE_KEY] = f"Saved “{record.name}” (version {record.version})."
        st.rerun()


def render_compare_picker(engine: Engine, user: CurrentUser) -> tuple[int, int] | None:
    """Two saved scenarios to compare (the second defaults to the baseline)."""
    saved = scenarios.list_scenarios(engine, user)
    if saved.height < 2:
        st.caption("Save two scenarios to compare them side by side.")
        return None
    rows = {r["id"]: r for r in saved.iter_rows(named=True)}
    ids = list(rows)
    baseline = next((i for i, r in rows.items() if r["is_baseline"]), ids[-1])
    a, b = st.columns(2)
    first = a.selectbox("Scenario A", ids, format_func=lambda i: _label(rows[i]), key="p_cmp_a")
    second = b.selectbox("Scenario B", ids, index=ids.index(baseline),
                         format_func=lambda i: _label(rows[i]), key="p_cmp_b")
    if first == second:
        st.caption("Choose two different scenarios.")
        return None
    return first, second


def comparison(a: ScenarioResult, b: ScenarioResult) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(projects whose selection differs, capacity per role) of two results on today's data."""
    sel = (a.table.select("code", "name", "score", "cost", pl.col("selected").alias("in_a"))
           .join(b.table.select("code", pl.col("selected").alias("in_b")), on="code", how="full",
                 coalesce=True)
           .with_columns(pl.col("in_a", "in_b").fill_null(False))
           .filter(pl.col("in_a") != pl.col("in_b")).sort("code"))
    cap = (a.capacity.select("role", "capacity_hours", pl.col("demand_selected").alias("hours_a"))
           .join(b.capacity.select("role", pl.col("demand_selected").alias("hours_b")), on="role",
                 how="full", coalesce=True)
           .with_columns(pl.col("hours_a", "hours_b").fill_null(0.0)).sort("role"))
    return sel, cap


def params_of(record: scenarios.ScenarioRecord) -> tuple[ScenarioParams, list[str]]:
    return ScenarioParams.from_dict(record.parameters)


def render_comparison(engine: Engine, user: CurrentUser, pair: tuple[int, int],
                      run: Callable[[ScenarioParams], ScenarioResult]) -> None:
    """Both scenarios re-run on today's data: totals side by side, differing projects, capacity."""
    records = [scenarios.get_scenario(engine, user, i) for i in pair]
    if any(r is None for r in records):
        st.error("One of these scenarios no longer exists.")
        return
    results = [run(params_of(r)[0]) for r in records]
    columns = st.columns(2)
    for col, record, result in zip(columns, records, results):
        t = result.totals
        col.markdown(f"**{md_escape(record.name)}** (v{record.version})")
        col.metric("Selected", f"{t['selected']} of {t['candidates']}")
        col.metric("Total score", f"{t['total_score']:,.1f}")
        col.metric("Cost", f"{t['total_cost']:,.0f}")
    differ, capacity = comparison(*results)
    if differ.is_empty():
        st.caption("Both scenarios select the same projects.")
    else:
        st.dataframe(differ.rename({"in_a": "in A", "in_b": "in B"}), hide_index=True,
                     key="tbl_differ")
    st.dataframe(capacity.rename({"hours_a": "hours A", "hours_b": "hours B"}), hide_index=True,
                 key="tbl_cmp_capacity")
