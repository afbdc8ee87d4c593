"""The signed-in user of this browser session, and the role check every page repeats."""

from __future__ import annotations

from collections.abc import Iterable

import streamlit as st

from data_access.users import CurrentUser

USER_KEY = "pmo_current_user"


def set_current_user(user: CurrentUser | None) -> None:
    if user is None:
        st.session_state.pop(USER_KEY, None)
    else:
        st.session_state[USER_KEY] = user


def current_user() -> CurrentUser | None:
    user = st.session_state.get(USER_KEY)
    return user if isinstance(user, CurrentUser) else None


def require_role(allowed: Iterable[str]) -> CurrentUser:
    """Stop the page unless a signed-in user with one of ``allowed`` roles is present."""
    user = current_user()
    allowed = set(allowed)
    if user is None:
        st.error("Please sign in to see this page.")
        st.stop()
    if user.role not in allowed:
        st.error("This page is not available to your role.")
        st.stop()
    return user
