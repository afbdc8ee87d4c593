"""Declarative filters: a widget bound to the URL, and the plain-English caption of what is active."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import streamlit as st

from components.format import md_escape
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
