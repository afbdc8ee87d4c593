"""URL state that survives the login form: a link's query parameters are kept while the user
signs in, then handed to the URL-bound widgets, so a shared link opens the view it names."""

from __future__ import annotations

from collections.abc import Collection, Mapping

import streamlit as st

PENDING_KEY = "pmo_pending_query"
RESTORED_KEY = "pmo_restored_query"


def remember_link() -> None:
    """Before sign-in: keep the query parameters of the link the user arrived with."""
    if PENDING_KEY not in st.session_state:
        st.session_state[PENDING_KEY] = {k: st.query_params.get_all(k) for k in st.query_params}


def restore_link() -> None:
    """After sign-in: make the remembered parameters available to the widgets that own them."""
    pending = st.session_state.pop(PENDING_KEY, None)
    if pending:
        st.session_state[RESTORED_KEY] = pending


def seed_multi(key: str, allowed: Collection[str],
               translate: Mapping[str, str] | None = None) -> list[str]:
    """Seed a URL-bound multiselect from a link remembered across sign-in.

    ``translate`` maps other accepted spellings (a code typed by hand) to the option shown.
    Returns the values the link named that are not allowed (dropped, to be reported).
    """
    restored = st.session_state.get(RESTORED_KEY, {})
    values = restored.pop(key, None)
    if values is None or key in st.session_state:
        return []
    translate = translate or {}
    values = [translate.get(v, v) for v in values]
    st.session_state[key] = [v for v in dict.fromkeys(values) if v in allowed]
    return [v for v in values if v not in allowed]


CARRIED_KEY = "pmo_carried_filters"
#: the portfolio filters every page shares (components.filters.FILTER_KEYS), by displayed label
CARRIED = ("department", "objective", "phase", "status", "manager")


def remember_filters() -> None:
    """After a page ran: keep the portfolio filters it shows, for the next page opened."""
    carried = {key: list(st.session_state[key]) for key in CARRIED
               if isinstance(st.session_state.get(key), list)}
    if carried:
        st.session_state[CARRIED_KEY] = carried


def carry_filters() -> None:
    """Before a page runs: a filter its link does not name takes the value it had on the last
    page (Streamlit drops the query parameters when the menu switches pages)."""
    carried = st.session_state.get(CARRIED_KEY, {})
    for key, values in carried.items():
        if values and key not in st.query_params and key not in st.session_state:
            st.query_params[key] = values
