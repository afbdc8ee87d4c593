"""PMO Cockpit entry point: page config, settings, login gate, role-filtered navigation."""

from __future__ import annotations

import logging

import streamlit as st
from sqlalchemy.exc import OperationalError

from components.access import pages_for
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

if user is None:
    remember_link()
    st.navigation([st.Page(lambda: None, title="Sign in", url_path="sign-in")], position="hidden")
    st.stop()

restore_link()
with st.sidebar:
    st.caption(f"Signed in as **{md_escape(user.display_name)}** · {user.role}")
    authenticator.logout("Sign out", location="sidebar", key="pmo_logout",
                         callback=lambda _: record_auth_event(engine, user.username, "logout"))

pages = [st.Page(spec.path, title=spec.title, icon=spec.icon, url_path=spec.url_path,
                 default=spec.default) for spec in pages_for(user.role)]
st.navigation(pages).run()
