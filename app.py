"""PMO Cockpit entry point: page config, settings, login gate, role-filtered navigation."""

from __future__ import annotations

import streamlit as st

from components.access import pages_for
from components.auth import login_gate
from data_access.engine import get_engine
from data_access.settings import get_settings
from data_access.users import record_auth_event

st.set_page_config(page_title="PMO Cockpit", page_icon=":material/monitoring:", layout="wide")

settings = get_settings()
engine = get_engine(settings.database_url)
user, authenticator = login_gate(engine, settings)

if user is None:
    st.navigation([st.Page(lambda: None, title="Sign in", url_path="sign-in")], position="hidden")
    st.stop()

with st.sidebar:
    st.caption(f"Signed in as **{user.display_name}** · {user.role}")
    authenticator.logout("Sign out", location="sidebar", key="pmo_logout",
                         callback=lambda _: record_auth_event(engine, user.username, "logout"))

pages = [st.Page(spec.path, title=spec.title, icon=spec.icon, url_path=spec.url_path,
                 default=spec.default) for spec in pages_for(user.role)]
st.navigation(pages).run()
