"""What-if prioritisation: weights and constraints in, the optimal portfolio out, with why,
the greedy ranking's loss, the efficient frontier and saved scenarios. The URL is the scenario."""

import streamlit as st

from analytics import optimiser
from analytics.candidates import horizon
from analytics.scenario import ScenarioParams
from components import loaders
from components import prioritise_state as state
from components import scenario_panel as panel
from components.access import PAGE_ROLES
from components.figures_prioritise import capacity_figure, frontier_figure, score_bars
from components.format import date, md_escape
from components.links import meeting_mode
from components.prioritise_view import (explanation_lines, render_constraints, render_table,
                                        render_totals, render_weights)
from components.session import require_role
from data_access import scenarios
from data_access.engine import get_engine
from data_access.settings import get_settings
from data_access.standards import current_standard

user = require_role(PAGE_ROLES["prioritise"])
settings = get_settings()
symbol, engine, as_of = settings.currency_symbol, get_engine(settings.database_url), loaders.today()


def run(params):
    return loaders.prioritise(engine, user.scope, as_of=as_of, params=params)


def open_saved(ident):
    record = scenarios.get_scenario(engine, user, ident)
    panel.mark_loaded(record)
    return None if record is None else panel.params_of(record)


def candidates_for(params):
    base = run(params.with_(budget=None, budget_per_year={}, forced_in=(), forced_out=(),
                            exclusive=()))
    return base.table["code"].to_list(), base.span.years, float(base.table["cost"].sum())


opening = st.session_state.pop("p_opening", None)
if opening is not None and (record := scenarios.get_scenario(engine, user, opening)):
    params, notices = panel.params_of(record)
    codes, years, _ = candidates_for(params)
    st.session_state["p_notices"] = notices + state.seed(params, codes, years)
    panel.mark_loaded(record)
elif state.needs_seed():
    standard = current_standard(engine, "prioritisation").weights
    st.session_state["p_notices"] = state.seed_from_link(candidates_for, open_saved, standard)

st.title("What-if prioritisation")
for notice in st.session_state.get("p_notices", []):
    st.warning(md_escape(notice))
with st.sidebar:
    render_weights()
years = horizon(as_of, st.session_state.get("p_years", 2)).years
current = state.current(years)
base = run(ScenarioParams(horizon_years=current.horizon_years, ponr_pct=current.ponr_pct,
                          capacity_pct=None))                   # the candidates: weight-free
labels = dict(zip(base.table["code"], (base.table["code"] + " — " + base.table["name"]).to_list()))
meeting = meeting_mode()                       # projector: results only, no editing controls
if not meeting:
    with st.expander("Constraints", expanded=True):
        render_constraints(years, labels, symbol=symbol)
params = state.current(years)
state.write_url(params, (panel.loaded() or (None,))[0])
result = run(params)
st.caption(f"Status date {date(as_of)}; planning {result.span.label}; {result.table.height} "
           f"candidate projects you may see (proposed, active or on hold with cost or demand in "
           f"the horizon); amounts in {settings.currency}. The link names this whole scenario.")
for notice in result.notices:
    st.info(md_escape(notice))
render_totals(result, symbol=symbol)
if result.table.is_empty():
    st.info("No candidate project in this horizon: choose another horizon.")
    st.stop()

st.plotly_chart(score_bars(result.table), key="fig_scores")
chosen = render_table(result, key="tbl_candidates", symbol=symbol)
target = chosen or st.selectbox("Explain a project", result.table["code"].to_list(), index=None,
                                key="explain", bind="query-params", format_func=labels.get,
                                placeholder="Select a row or choose a project")
if target:
    index = result.problem.codes.index(target)
    explanation = optimiser.explain(result.problem, result.exact, index, time_limit=params.time_limit)
    st.subheader(f"Why {md_escape(labels.get(target, target))} is "
                 f"{'in' if explanation.selected else 'out'}")
    st.markdown("\n".join(f"- {md_escape(line)}" for line in
                          explanation_lines(result, explanation, symbol=symbol)))

left, right = st.columns(2)
if left.toggle("Show the efficient frontier", value=True, key="frontier", bind="query-params",
               help="The best total score for each budget: about ten more solves per change."):
    left.plotly_chart(frontier_figure(loaders.frontier(engine, user.scope, as_of=as_of,
                                                       params=params),
                                      budget=params.budget, total_score=result.exact.total_value,
                                      total_cost=result.exact.total_cost, symbol=symbol),
                      key="fig_frontier")
right.plotly_chart(capacity_figure(result.capacity), key="fig_capacity")

if meeting:
    st.stop()
st.subheader("Scenarios")
panel.render_panel(engine, user, result,
                   open_params=lambda record: st.session_state.update(p_opening=record.id))
pair = panel.render_compare_picker(engine, user)
if pair and st.button("Compare", key="p_compare"):
    scenarios.record_comparison(engine, user, *pair)
    st.session_state["p_compared"] = pair
if pair and st.session_state.get("p_compared") == pair:
    panel.render_comparison(engine, user, pair, run)
