"""PMO Cockpit entry point: page config, settings, login gate, role-filtered navigation."""

from __future__ import annotations

import logging

import streamlit as st
from sqlalchemy.exc import OperationalError

from components.access import PAGES, PageSpec, menu_for
from components.auth import login_gate, signed_out
from components.format import md_escape
from components.links import apply_meeting_mode, meeting_mode, render_share
from components.url_state import carry_filters, remember_filters, remember_link, restore_link
from data_access.engine import get_engine
from data_access.settings import get_settings
from data_access.users import sign_out

st.set_page_config(page_title="PMO Cockpit", page_icon=":material/monitoring:", layout="wide")

settings = get_settings()
engine = get_engine(settings.database_url)


def _page(spec: PageSpec) -> st.Page:
    return st.Page(spec.path, title=spec.title, icon=spec.icon, url_path=spec.url_path,
                   default=spec.default)


def _declare_all_pages() -> None:
    """Declare every page (hidden, never run): the link's page and parameters stay in the URL."""
    remember_link()
    st.navigation([_page(spec) for spec in PAGES], position="hidden")


# Before sign-in, the pages are declared FIRST: the browser names the linked page only in the
# session's first run, and the login widgets (cookie component, pre-login pause) can end that
# run early; resolved here, the page survives sign-in. The role's own menu comes after a rerun.
signed_in_before = bool(st.session_state.get("authentication_status"))
if not signed_in_before:
    _declare_all_pages()
try:
    user, authenticator = login_gate(engine, settings)
except OperationalError:
    logging.getLogger("pmo.app").exception("database unreachable during sign-in")
    st.error("The portfolio database cannot be reached right now. Try again in a moment: "
             "the app reconnects by itself once the database is back.")
    st.stop()

if user is None:
    if signed_in_before:
        _declare_all_pages()
    st.stop()
if not signed_in_before:
    st.rerun()  # signed in during this run (form or cookie): show the role's menu and page

restore_link()
with st.sidebar:
    st.caption(f"Signed in as **{md_escape(user.display_name)}** · {user.role}")
    # Sign out bumps the user's session epoch (audited): this cookie, any copy of it and the
    # user's other sessions are refused from their next rerun on.
    authenticator.logout("Sign out", location="sidebar", key="pmo_logout",
                         callback=lambda _: sign_out(engine, user.username))
if not st.session_state.get("authentication_status"):  # "Sign out" was pressed in this run
    signed_out(authenticator)
    _declare_all_pages()
    st.stop()

meeting = meeting_mode()
if meeting:
    apply_meeting_mode()
# Grouped in sections and always expanded: a PMO's 16 pages would otherwise hide six behind
# "View more".
page = st.navigation({section: [_page(spec) for spec in specs]
                      for section, specs in menu_for(user.role).items()}, expanded=True)
spec = next((p for p in PAGES if p.url_path == page.url_path), None)
carry_filters()  # a page opened from the menu keeps the portfolio filters of the last page
try:
    if meeting and spec is not None and spec.editing:
        st.title(spec.title)
        st.info("This page edits data: it is not shown in meeting mode. Leave meeting mode "
                "(the button above) to use it.")
    else:
        page.run()
finally:  # after the page (which may stop early), so that the link has the page's parameters
    remember_filters()
    if not meeting:
        with st.sidebar:
            render_share(page.url_path)
