"""The prioritisation page's widget state: seeded once from the link (or a saved scenario),
read back as ScenarioParams, and written to the URL on every run so the link is the scenario."""

from __future__ import annotations

from collections.abc import Callable, Collection

import streamlit as st

from analytics.scenario import CRITERION_KEYS, ScenarioParams, default_budget
from components.prioritise_url import KEYS, from_query, read_query, to_query
from components.url_state import RESTORED_KEY

SEEDED_KEY = "p_seeded"
#: the scenario on screen at the end of the last run. The inputs keep their values across page
#: switches (persist_state="session", components.prioritise_view); this is the fallback should
#: their state be gone all the same, as the URL is on a page switch
LAST_KEY = "p_last"
WEIGHT_KEYS = {k: f"pw_{k}" for k in CRITERION_KEYS}
SCENARIO_PARAM = "scenario"
WEIGHT_KEYS_URL = tuple(f"w_{k}" for k in CRITERION_KEYS)


def year_key(year: int) -> str:
    return f"p_y{year}"


def link_query() -> dict[str, str]:
    """The scenario parameters of the link: remembered across sign-in, else the URL's. Read,
    not consumed: a run cut short before the widgets are seeded must find them again."""
    restored = st.session_state.get(RESTORED_KEY, {})
    query = read_query(lambda k: restored.get(k) or st.query_params.get_all(k))
    scenario = restored.get(SCENARIO_PARAM) or st.query_params.get_all(SCENARIO_PARAM)
    if scenario:
        query[SCENARIO_PARAM] = str(scenario[-1])
    return query


def forget_link() -> None:
    """Once the widgets hold the link's scenario: its remembered parameters are spent."""
    restored = st.session_state.get(RESTORED_KEY, {})
    for key in (*KEYS, SCENARIO_PARAM):
        restored.pop(key, None)


def needs_seed() -> bool:
    """First run of the page, or the first since its inputs' state is gone (any weight slider's
    state missing: it would otherwise come back as 0)."""
    state = st.session_state
    return (SEEDED_KEY not in state or "p_years" not in state
            or any(key not in state for key in WEIGHT_KEYS.values()))


def seed(params: ScenarioParams, codes: Collection[str], years: Collection[int]) -> list[str]:
    """Put ``params`` into the widgets; codes that are not candidates here are dropped, unnamed."""
    state = st.session_state
    for key, widget in WEIGHT_KEYS.items():
        state[widget] = int(params.weights.get(key, 0))
    state["p_budget"] = None if params.budget is None else float(params.budget)
    for year in years:
        state[year_key(year)] = float(params.budget_per_year.get(year, 0.0))
    state["p_years"] = params.horizon_years
    state["p_cap_on"] = params.capacity_pct is not None
    state["p_cap"] = params.capacity_pct if params.capacity_pct is not None else 100
    state["p_ponr_on"] = params.ponr_pct is not None
    state["p_ponr"] = params.ponr_pct if params.ponr_pct is not None else 50
    state["p_limit"] = float(params.time_limit)
    known = set(codes)
    chosen = {name: [c for c in getattr(params, name) if c in known]
              for name in ("forced_in", "forced_out")}
    state["p_in"], state["p_out"] = chosen["forced_in"], chosen["forced_out"]
    state["p_excl"] = [f"{a}+{b}" for a, b in params.exclusive if a in known and b in known]
    state[SEEDED_KEY] = True
    dropped = (len(params.forced_in) - len(chosen["forced_in"])
               + len(params.forced_out) - len(chosen["forced_out"])
               + len(params.exclusive) - len(state["p_excl"]))
    return ([f"{dropped} project setting(s) of this link name projects that are not candidates "
             "available to you; they were left out."] if dropped else [])


def current(years: Collection[int]) -> ScenarioParams:
    """The scenario the widgets show now."""
    state = st.session_state
    pairs = [tuple(p.split("+", 1)) for p in state.get("p_excl", [])]
    caps = {y: float(state[year_key(y)]) for y in years if state.get(year_key(y))}
    params, _ = ScenarioParams.from_dict({
        "weights": {k: state.get(w, 0) for k, w in WEIGHT_KEYS.items()}
        if any(state.get(w) for w in WEIGHT_KEYS.values()) else ScenarioParams().weights,
        "budget": state.get("p_budget"),
        "budget_per_year": caps,
        "horizon_years": state.get("p_years", 2),
        "capacity_pct": state.get("p_cap", 100) if state.get("p_cap_on", True) else None,
        "ponr_pct": state.get("p_ponr", 50) if state.get("p_ponr_on", True) else None,
        "forced_in": list(state.get("p_in", [])), "forced_out": list(state.get("p_out", [])),
        "exclusive": pairs, "time_limit": state.get("p_limit", 1.0),
    })
    return params


def write_url(params: ScenarioParams, scenario_id: int | None) -> None:
    """Make the URL name exactly ``params`` (and the saved scenario it came from, if any), and
    remember them for the user's return to the page."""
    st.session_state[LAST_KEY] = params.to_dict()
    wanted = to_query(params)
    if scenario_id is not None:
        wanted[SCENARIO_PARAM] = str(scenario_id)
    for key in (*KEYS, SCENARIO_PARAM):
        if key not in wanted:
            if key in st.query_params:
                del st.query_params[key]
        elif st.query_params.get(key) != wanted[key]:
            st.query_params[key] = wanted[key]


def parse(query: dict[str, str]) -> tuple[ScenarioParams, list[str]]:
    return from_query({k: v for k, v in query.items() if k != SCENARIO_PARAM})


def seed_from_link(candidates_for: Callable[[ScenarioParams], tuple[list[str], tuple[int, ...], float]],
                   open_saved: Callable[[int], tuple[ScenarioParams, list[str]] | None],
                   default_weights: dict[str, int] | None = None) -> list[str]:
    """First run of the page: the link's scenario (or the saved one ``?scenario=ID`` names, when
    the link carries nothing else) goes into the widgets; a link without weights starts from
    the PMO's default weights (method standards). A user back from another page, with nothing
    in the link, finds the scenario they left. Returns the notices to show."""
    query = link_query()
    last = st.session_state.get(LAST_KEY)
    if not query and last is not None:
        params, _ = ScenarioParams.from_dict(last)
        codes, years, _ = candidates_for(params)
        return seed(params, codes, years)
    notices = _seed_from_query(query, candidates_for, open_saved, default_weights)
    forget_link()
    return notices


def _seed_from_query(query: dict[str, str], candidates_for, open_saved,
                     default_weights: dict[str, int] | None) -> list[str]:
    params, notices = parse(query)
    if default_weights and not any(key in query for key in WEIGHT_KEYS_URL):
        params = params.with_(weights=dict(default_weights))
    saved_id, from_saved = query.get(SCENARIO_PARAM), False
    if saved_id is not None:
        try:
            ident = int(saved_id)
        except ValueError:
            ident = None
        opened = open_saved(ident) if ident is not None and ident > 0 else None
        if opened is None:
            notices.append("The scenario this link names is not available; the settings of the "
                           "link (or the defaults) are shown instead.")
        elif not set(query) - {SCENARIO_PARAM}:
            (params, more), from_saved = opened, True
            notices += more
    codes, years, total = candidates_for(params)
    if "budget" not in query and not from_saved:
        params = params.with_(budget=default_budget(total))
    return notices + seed(params, codes, years)
