"""Sharing a view: the "copy link" control every page gets, and meeting mode for the projector.

Meeting mode (``?meeting=1`` in a link, or the toggle) hides the sidebar and the editing
controls, enlarges the page for a projector and states what is shown (status date and filters,
which every page writes in its caption). It lasts for the browser session, across page switches,
until left with the button.
"""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit, urlunsplit

import streamlit as st

MEETING_PARAM = "meeting"
MEETING_KEY = "pmo_meeting_mode"
_MEETING_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stExpandSidebarButton"] {display: none !important;}
[data-testid="stMainBlockContainer"] {max-width: 100% !important; zoom: 1.2;}
</style>
"""


def share_url(origin: str, base_path: str, page_path: str, query: dict[str, list[str]], *,
              meeting: bool = False) -> str:
    """``origin`` (scheme://host[:port]) + the app's base path (behind a proxy) + the page,
    with its query parameters (and ``meeting=1`` when asked)."""
    parts = urlsplit(origin)
    prefix = "/".join(p for p in (base_path or "").split("/") if p)
    path = "/" + "/".join(p for p in (prefix, page_path) if p)
    pairs = [(k, v) for k, values in query.items() if k != MEETING_PARAM for v in values]
    if meeting:
        pairs.append((MEETING_PARAM, "1"))
    return urlunsplit((parts.scheme, parts.netloc, path, urlencode(pairs), ""))


def meeting_mode() -> bool:
    """True while this browser session is in meeting mode (a link asked for it, or the user)."""
    if st.query_params.get(MEETING_PARAM) == "1":
        st.session_state[MEETING_KEY] = True
    return bool(st.session_state.get(MEETING_KEY))


def leave_meeting() -> None:
    st.session_state[MEETING_KEY] = False
    if MEETING_PARAM in st.query_params:
        del st.query_params[MEETING_PARAM]


def apply_meeting_mode() -> None:
    """Hide the sidebar and enlarge the page; offer the way out."""
    st.html(_MEETING_CSS)
    st.button("Leave meeting mode", key="pmo_leave_meeting", on_click=leave_meeting,
              type="tertiary", icon=":material/close_fullscreen:")


def render_share(page_path: str, *, key: str = "pmo_share") -> None:
    """A popover with this view's link ready to copy, and its meeting-mode variant."""
    query = {k: st.query_params.get_all(k) for k in st.query_params}
    origin = st.context.url or "http://localhost:8501/"
    base_path = st.get_option("server.baseUrlPath")
    with st.popover("Share this view", icon=":material/link:"):
        st.caption("Anyone allowed to see this page gets exactly this view, after signing in; "
                   "others are told it is not available to them.")
        st.code(share_url(origin, base_path, page_path, query), language=None, wrap_lines=True)
        st.caption("For the projector (no sidebar, no editing controls, larger figures):")
        st.code(share_url(origin, base_path, page_path, query, meeting=True), language=None, wrap_lines=True)
        st.button("Meeting mode here", key=f"{key}_meeting",
                  on_click=lambda: st.session_state.update({MEETING_KEY: True}))
