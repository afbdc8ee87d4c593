"""Declarative filters: a widget bound to the URL, and the plain-English caption of what is active."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import streamlit as st

from analytics.filters import PortfolioFilter
from components.format import md_escape
from data_access.models.enums import PHASES, STATUSES
from components.url_state import seed_multi

DEPARTMENT_KEY = "department"


def unique_labels(options: Mapping[str, str]) -> dict[str, str]:
    """value -> label, a label repeated for several values made unique by its value."""
    seen: dict[str, int] = {}
    for label in options.values():
        seen[label] = seen.get(label, 0) + 1
    return {v: (label if seen[label] == 1 else f"{label} ({v})") for v, label in options.items()}


def bound_multiselect(label: str, options: Mapping[str, str], *, key: str,
                      placeholder: str) -> tuple[list[str], bool]:
    """A multiselect kept in the URL as ``?key=<label>``; returns (values chosen, link dropped some).

    Streamlit matches a bound widget's URL value against the *displayed* option, so the options
    are the labels themselves (readable links) and are mapped back to values here. A remembered
    link may also name values (codes typed by hand); those are accepted too.
    """
    labels = unique_labels(options)
    by_label = {shown: value for value, shown in labels.items()}
    dropped = seed_multi(key, by_label, translate=labels)
    chosen = st.multiselect(label, list(by_label), key=key, bind="query-params",
                            placeholder=placeholder)
    return [by_label[c] for c in chosen if c in by_label], bool(dropped)


def render_department_filter(options: Mapping[str, str], *, key: str = DEPARTMENT_KEY) -> list[str]:
    """Department codes chosen by name, kept in the URL as ``?department=<name>``.

    Departments in the link that this user may not see are dropped with a notice that does not
    name them.
    """
    chosen, dropped = bound_multiselect("Department", options, key=key,
                                        placeholder="All departments")
    if dropped:
        st.warning("The link named a department that is not available to you; it was left out.")
    return chosen


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
    projects = frames["projects"]
    return filter_options_from({"departments": frames["departments"],
                                "objectives": frames.get("objectives"),
                                "phases": projects.select("phase"),
                                "statuses": projects.select("status"),
                                "managers": projects.select("manager")})


def filter_options_from(values: Mapping) -> dict[str, dict[str, str]]:
    """Options of every portfolio filter from the values found (data_access.queries.project
    .read_filter_values: departments, objectives, and the phases, statuses, managers seen)."""
    phases, statuses = set(values["phases"]["phase"]), set(values["statuses"]["status"])
    departments, objectives = values["departments"], values.get("objectives")
    options = {
        "department": dict(zip(departments["code"], departments["name"])),
        "phase": {p: p.replace("_", " ") for p in PHASES if p in phases},
        "status": {s: s.replace("_", " ") for s in STATUSES if s in statuses},
        "manager": {m: m for m in sorted(values["managers"]["manager"].drop_nulls().unique())},
    }
    if objectives is not None:
        options["objective"] = dict(zip(objectives["code"], objectives["name"]))
    return options


def render_portfolio_filters(options: Mapping[str, Mapping[str, str]], *,
                             keys: Sequence[str] = FILTER_KEYS) -> PortfolioFilter:
    """Multiselects kept in the URL (?department=&objective=&phase=&status=&manager=, by label)."""
    chosen: dict[str, list[str]] = {}
    dropped = False
    for key in keys:
        if key not in options:
            continue
        chosen[key], lost = bound_multiselect(key.capitalize(), options[key], key=key,
                                              placeholder=f"Any {key}")
        dropped |= lost
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
