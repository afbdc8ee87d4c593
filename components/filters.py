"""Declarative filters: a widget bound to the URL, and the plain-English caption of what is active."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import streamlit as st

from analytics.filters import PortfolioFilter
from components.format import md_escape
from data_access.models.enums import PHASES, STATUSES
from components.url_state import seed_multi

DEPARTMENT_KEY = "department"


def render_department_filter(options: Mapping[str, str], *, key: str = DEPARTMENT_KEY) -> list[str]:
    """Multiselect of department codes (labelled by name), kept in the URL as ``?department=``.

    Codes in the URL that this user may not see are dropped with a notice that does not name them.
    """
    codes = list(options)
    if seed_multi(key, codes):
        st.warning("The link named a department that is not available to you; it was left out.")
    return st.multiselect(
        "Department", codes, format_func=lambda c: options.get(c, c), key=key,
        bind="query-params", placeholder="All departments",
    )


def describe_filters(selected: Sequence[str], options: Mapping[str, str], *, scoped: bool) -> str:
    """'Showing all departments' / 'Showing Finance and IT' (+ the user's scope when limited)."""
    names = [options.get(c, c) for c in selected]
    if not names:
        what = "all departments you may see" if scoped else "all departments"
    elif len(names) == 1:
        what = names[0]
    else:
        what = ", ".join(names[:-1]) + " and " + names[-1]
    return "Showing " + md_escape(what) + "."


FILTER_KEYS = ("department", "objective", "phase", "status", "manager")


def filter_options(frames: Mapping) -> dict[str, dict[str, str]]:
    """Options of every portfolio filter (value -> label) from the frames a user may see."""
    projects, objectives = frames["projects"], frames.get("objectives")
    options = {
        "department": dict(zip(frames["departments"]["code"], frames["departments"]["name"])),
        "phase": {p: p.replace("_", " ") for p in PHASES if p in set(projects["phase"])},
        "status": {s: s.replace("_", " ") for s in STATUSES if s in set(projects["status"])},
        "manager": {m: m for m in sorted(projects["manager"].drop_nulls().unique())},
    }
    if objectives is not None:
        options["objective"] = dict(zip(objectives["code"], objectives["name"]))
    return options


def render_portfolio_filters(options: Mapping[str, Mapping[str, str]], *,
                             keys: Sequence[str] = FILTER_KEYS) -> PortfolioFilter:
    """Multiselects (bound to the URL as ?department=&objective=&phase=&status=&manager=)."""
    chosen: dict[str, list[str]] = {}
    dropped = False
    for key in keys:
        if key not in options:
            continue
        values = list(options[key])
        dropped |= bool(seed_multi(key, values))
        chosen[key] = st.multiselect(key.capitalize(), values, key=key, bind="query-params",
                                     format_func=lambda v, k=key: options[k].get(v, v),
                                     placeholder=f"Any {key}")
    if dropped:
        st.warning("The link named a value that is not available to you; it was left out.")
    return PortfolioFilter(
        departments=tuple(chosen.get("department", ())), objectives=tuple(chosen.get("objective", ())),
        phases=tuple(chosen.get("phase", ())), statuses=tuple(chosen.get("status", ())),
        managers=tuple(chosen.get("manager", ())))


def caption_for(f: PortfolioFilter, options: Mapping[str, Mapping[str, str]]) -> str:
    """The filters in words, escaped for markdown."""
    labels = {"departments": options.get("department", {}), "objectives": options.get("objective", {})}
    return md_escape(f.describe(labels)) + "."
