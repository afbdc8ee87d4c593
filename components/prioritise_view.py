"""Widgets and result blocks of the prioritisation page. Widget keys are those of
components.prioritise_state, which seeds them from the link and writes them back to it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import combinations

import polars as pl
import streamlit as st

from analytics.prioritise import ScenarioResult
from analytics.scenario import CRITERION_KEYS, HORIZON_YEARS
from analytics.scoring import ahp, pairwise_matrix
from components.figures_prioritise import CRITERION_LABELS
from components.format import md_escape, money
from components.prioritise_state import WEIGHT_KEYS, year_key

SAATY = (1 / 9, 1 / 7, 1 / 5, 1 / 3, 1, 3, 5, 7, 9)


def _saaty_label(value: float) -> str:
    return "equal" if value == 1 else (f"{value:g}×" if value > 1 else f"1/{round(1 / value)}×")


def render_weights() -> None:
    """The five criterion sliders, and pairwise comparisons (AHP) that can set them."""
    st.subheader("Criteria weights")
    for key in CRITERION_KEYS:
        st.slider(CRITERION_LABELS[key], 0, 100, step=5, key=WEIGHT_KEYS[key],
                  persist_state="session",
                  help="Relative weight; the weights are normalised to sum to 100 %.")
    if not any(st.session_state.get(w) for w in WEIGHT_KEYS.values()):
        st.warning("Every weight is 0: the default weights are used until one is above 0.")
    with st.expander("Derive the weights from pairwise comparisons (AHP)"):
        st.caption("How much more important is the first criterion than the second? "
                   "(Saaty's 1–9 scale)")
        judgements = {}
        for a, b in combinations(CRITERION_KEYS, 2):
            judgements[(a, b)] = st.select_slider(
                f"{CRITERION_LABELS[a]} vs {CRITERION_LABELS[b]}", SAATY, value=1,
                format_func=_saaty_label, key=f"ahp_{a}_{b}", persist_state="session")
        result = ahp(pairwise_matrix(CRITERION_KEYS, judgements))
        st.markdown(" · ".join(f"{CRITERION_LABELS[k]} **{w * 100:.0f} %**"
                               for k, w in zip(CRITERION_KEYS, result.weights)))
        cr = result.cr or 0.0
        if cr >= 0.10:
            st.warning(f"Consistency ratio {cr:.2f} is above 0.10: these judgements contradict "
                       "each other; revise them before using the weights.")
        else:
            st.caption(f"Consistency ratio {cr:.2f} (acceptable below 0.10).")
        st.button("Use these weights", key="ahp_apply", on_click=_use_weights,
                  args=(result.weights,))


def _use_weights(weights: Sequence[float]) -> None:
    for key, weight in zip(CRITERION_KEYS, weights):
        st.session_state[WEIGHT_KEYS[key]] = int(round(weight * 100))


def render_constraints(years: Sequence[int], labels: Mapping[str, str], *, symbol: str) -> None:
    """Horizon, budget caps, capacity, point of no return, forced and exclusive projects."""
    left, middle, right = st.columns(3)
    left.selectbox("Horizon", HORIZON_YEARS, key="p_years", persist_state="session",
                   format_func=lambda n: f"{n} budget year{'s' if n > 1 else ''}")
    left.number_input(f"Total budget ({symbol}, empty = no cap)", min_value=0.0, step=100_000.0,
                      format="%.0f", key="p_budget", persist_state="session")
    for year in years:
        middle.number_input(f"Budget {year} ({symbol}, 0 = no cap)", min_value=0.0,
                            step=100_000.0, format="%.0f", key=year_key(year),
                            persist_state="session")
    right.toggle("Cap each role's capacity", key="p_cap_on", persist_state="session")
    right.slider("Capacity that may be planned (%)", 10, 150, step=5, key="p_cap",
                 persist_state="session",
                 disabled=not st.session_state.get("p_cap_on", True))
    right.toggle("Projects past the point of no return are mandatory", key="p_ponr_on",
                 persist_state="session")
    right.slider("Point of no return (% complete)", 0, 100, step=5, key="p_ponr",
                 persist_state="session",
                 disabled=not st.session_state.get("p_ponr_on", True))
    codes = list(labels)
    fmt = labels.__getitem__
    a, b = st.columns(2)
    a.multiselect("Force in", codes, key="p_in", format_func=fmt, placeholder="No project",
                  persist_state="session")
    b.multiselect("Force out", codes, key="p_out", format_func=fmt, placeholder="No project",
                  persist_state="session")
    x, y, add = st.columns([5, 5, 2], vertical_alignment="bottom")
    x.selectbox("Exclusive: this project…", codes, index=None, key="p_ex_a", format_func=fmt,
                placeholder="Choose a project")
    y.selectbox("…or this one", codes, index=None, key="p_ex_b", format_func=fmt,
                placeholder="Choose a project")
    add.button("Add exclusion", key="p_ex_add", on_click=_add_exclusion)
    known = set(codes)
    pairs = [p for p in st.session_state.get("p_excl", [])
             if all(c in known for c in p.split("+"))]
    st.session_state["p_excl"] = pairs
    st.multiselect("Mutually exclusive pairs (at most one of each pair; remove to drop)", pairs,
                   key="p_excl", placeholder="No exclusion", persist_state="session",
                   format_func=lambda p: " or ".join(labels[c][:40] for c in p.split("+")))
    if st.session_state.get("p_ex_problem"):
        st.warning(st.session_state["p_ex_problem"])


def _add_exclusion() -> None:
    a, b = st.session_state.get("p_ex_a"), st.session_state.get("p_ex_b")
    if not a or not b or a == b:
        st.session_state["p_ex_problem"] = "Choose two different projects to exclude each other."
        return
    pair = "+".join(sorted((a, b)))
    st.session_state["p_excl"] = sorted({*st.session_state.get("p_excl", []), pair})
    st.session_state.pop("p_ex_problem", None)


def render_totals(result: ScenarioResult, *, symbol: str) -> None:
    """Headline metrics: what is selected, its score and cost, and what greedy would lose."""
    t = result.totals
    cols = st.columns(4)
    cols[0].metric("Selected", f"{t['selected']} of {t['candidates']}")
    cols[1].metric("Total score", f"{t['total_score']:,.1f}")
    cols[2].metric(f"Cost {result.span.label}", money(t["total_cost"], symbol, compact=True))
    cols[3].metric("Greedy ranking loses", f"{t['greedy_loss_pct']:.1f} %",
                   help=f"Ranking by score and cutting at the first constraint that binds (what "
                        f"most tools do) selects {t['greedy_selected']} projects for a total "
                        f"score of {t['greedy_score']:,.1f}.")
    message = md_escape(result.exact.message)
    if result.exact.status == "infeasible":
        st.error(message)
    elif result.exact.status == "time_limit":
        st.warning(message)
    else:
        st.caption(message + f" Solved in {result.exact.seconds * 1000:.0f} ms.")


def result_table(result: ScenarioResult) -> pl.DataFrame:
    """The rows shown: rank, project, score, cost, both selections and the reason."""
    return result.table.select(
        "rank", "code", "name", "department_code", "status", pl.col("score").round(1), "cost",
        pl.col("selected").alias("optimal"), pl.col("selected_greedy").alias("greedy"), "reason")


def render_table(result: ScenarioResult, *, key: str, symbol: str) -> str | None:
    """The ranked candidates; a selected row names the project to explain."""
    table = result_table(result)
    event = st.dataframe(
        table, key=key, on_select="rerun", selection_mode="single-row", hide_index=True,
        width="stretch",
        column_config={
            "code": "Project", "name": "Name", "department_code": "Dept.",
            "score": st.column_config.NumberColumn("Score", format="%.1f"),
            "cost": st.column_config.NumberColumn(f"Cost ({symbol})", format="%,.0f"),
            "optimal": st.column_config.CheckboxColumn("Optimal"),
            "greedy": st.column_config.CheckboxColumn("Greedy"),
            "reason": st.column_config.TextColumn("Why", width="large")})
    rows = event.selection.rows if event else []
    return table["code"][rows[0]] if rows else None


def explanation_lines(result: ScenarioResult, explanation, *, symbol: str) -> list[str]:
    """Plain-English lines saying why a project is in or out and what would change it."""
    row = result.table.filter(pl.col("code") == explanation.code).row(0, named=True)
    lines = [f"Score {row['score']:.1f} (rank {row['rank']} of {result.table.height}), cost "
             f"{money(row['cost'], symbol)} over {result.span.label}"
             + (" (estimated from its budget)" if row["cost_estimated"] else "") + "."]
    lines += [f"{reason}." for reason in explanation.reasons]
    if explanation.selected:
        if explanation.margin is not None and explanation.margin >= row["score"] - 1e-9:
            lines.append("It would stay selected even with a score of 0.")
        elif explanation.margin is not None:
            lines.append(f"It would stay selected even with a score {explanation.margin:.1f} "
                         "points lower.")
        if explanation.would_enter:
            lines.append("Forced out, it would be replaced by " + ", ".join(explanation.would_enter)
                         + ".")
    else:
        if explanation.value_needed is not None:
            lines.append(f"It would need a score of {explanation.value_needed:.1f} to make the cut.")
        if explanation.extra_budget is not None:
            lines.append(f"{money(explanation.extra_budget, symbol)} more budget would let it in "
                         "without removing anything.")
        if explanation.would_leave:
            lines.append("Forced in, it would push out " + ", ".join(explanation.would_leave) + ".")
    return lines
