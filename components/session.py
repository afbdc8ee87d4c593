"""The signed-in user of this browser session, and the role check every page repeats."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable
from pathlib import Path

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from data_access.engine import get_engine
from data_access.users import CurrentUser, record_auth_event

USER_KEY = "pmo_current_user"
AUDITED_REFUSALS_KEY = "pmo_audited_refusals"


def set_current_user(user: CurrentUser | None) -> None:
    if user is None:
        st.session_state.pop(USER_KEY, None)
    else:
        st.session_state[USER_KEY] = user


def current_user() -> CurrentUser | None:
    user = st.session_state.get(USER_KEY)
    return user if isinstance(user, CurrentUser) else None


def _calling_page() -> str:
    """The page script that called :func:`require_role` (``views/risks.py`` -> ``risks``)."""
    frame = sys._getframe(2)
    return Path(frame.f_globals.get("__file__") or "unknown").stem


def _audit_refusal(user: CurrentUser | None, page: str) -> None:
    """``access.refused`` in the audit log, once per user and page in this browser session."""
    actor = user.username if user else "anonymous"
    seen = st.session_state.setdefault(AUDITED_REFUSALS_KEY, set())
    if (actor, page) in seen:
        return
    try:
        record_auth_event(get_engine(), actor, "access.refused",
                          detail=f"page={page}; role={user.role if user else 'none'}")
        seen.add((actor, page))
    except SQLAlchemyError:  # the refusal stands; only its record is lost, and logged
        logging.getLogger("pmo.session").exception("could not audit a refused page access")


def require_role(allowed: Iterable[str], page: str | None = None) -> CurrentUser:
    """Stop the page unless a signed-in user with one of ``allowed`` roles is present; a refusal
    is audited (``page`` defaults to the calling script's name)."""
    user = current_user()
    allowed = set(allowed)
    if user is None or user.role not in allowed:
        _audit_refusal(user, page or _calling_page())
        st.error("Please sign in to see this page." if user is None else
                 "This page is not available to your role.")
        st.stop()
    return user
