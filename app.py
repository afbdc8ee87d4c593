"""PMO Cockpit entry point: page config, settings, login gate, role-filtered navigation."""

from __future__ import annotations

import logging

import streamlit as st
from sqlalchemy.exc import OperationalError

from components.access import PAGES, PageSpec, pages_for
from components.auth import login_gate
from components.format import md_escape
from components.url_state import remember_link, restore_link
from data_access.engine import get_engine
from data_access.settings import get_settings
from data_access.users import record_auth_event

st.set_page_config(page_title="PMO Cockpit", page_icon=":material/monitoring:", layout="wide")

settings = get_settings()
engine = get_engine(settings.database_url)
try:
    user, authenticator = login_gate(engine, settings)
except OperationalError:
    logging.getLogger("pmo.app").exception("database unreachable during sign-in")
    st.error("The portfolio database cannot be reached right now. Try again in a moment: "
             "the app reconnects by itself once the database is back.")
    st.stop()


def _page(spec: PageSpec) -> st.Page:
    return st.Page(spec.path, title=spec.title, icon=spec.icon, url_path=spec.url_path,
                   default=spec.default)


if user is None:
    # Every page is declared (hidden, never run) so that a link to /portfolio?... keeps its path
    # and parameters while the login form is shown; after sign-in the menu is filtered by role.
    remember_link()
    st.navigation([_page(spec) for spec in PAGES], position="hidden")
    st.stop()

restore_link()
with st.sidebar:
    st.caption(f"Signed in as **{md_escape(user.display_name)}** · {user.role}")
    authenticator.logout("Sign out", location="sidebar", key="pmo_logout",
                         callback=lambda _: record_auth_event(engine, user.username, "logout"))

st.navigation([_page(spec) for spec in pages_for(user.role)]).run()
