"""The login gate: streamlit-authenticator over the users in the database.

Each rerun re-reads the user from the database, so a disabled account, a changed role or a
bumped session epoch (password change, role change) takes effect on the next interaction.
"""

from __future__ import annotations

import streamlit as st
import streamlit_authenticator as stauth
from sqlalchemy import Engine

from components.session import current_user, set_current_user
from data_access import users
from data_access.settings import Settings, cookie_key_problem
from data_access.users import CurrentUser

EPOCH_KEY = "pmo_session_epoch"
NOTICE_KEY = "pmo_signout_notice"
LOGIN_FIELDS = {"Form name": "Sign in to PMO Cockpit", "Username": "Username",
                "Password": "Password", "Login": "Sign in"}


def configured_cookie_key(settings: Settings) -> str | None:
    """The cookie key from PMO_COOKIE_KEY, else from .streamlit/secrets.toml [auth]."""
    if settings.cookie_key:
        return settings.cookie_key
    try:
        return st.secrets["auth"]["cookie_key"]
    except (KeyError, FileNotFoundError, AttributeError):
        return None


def check_cookie_key(settings: Settings) -> str:
    """The cookie key, or stop the app with the reason it cannot be used."""
    key = configured_cookie_key(settings)
    problem = cookie_key_problem(key)
    if problem:
        st.error(f"PMO Cockpit cannot start: {problem}.")
        st.stop()
    return key


def _audited(engine: Engine, authenticator: stauth.Authenticate) -> None:
    """Record every form login, success or failure, in the audit log."""
    controller = authenticator.authentication_controller
    original = controller.login

    def login(username=None, password=None, *args, **kwargs):
        result = original(username, password, *args, **kwargs)
        if kwargs.get("token") is None and username is not None:
            users.record_auth_event(engine, username.lower().strip()[:64],
                                    "login.success" if result else "login.failure")
        return result

    controller.login = login


def _sign_out(authenticator: stauth.Authenticate, message: str | None = None) -> None:
    """End the session (and its cookie); ``message`` is shown above the login form."""
    set_current_user(None)
    st.session_state.pop(EPOCH_KEY, None)
    if message:
        st.session_state[NOTICE_KEY] = message
    if st.session_state.get("authentication_status"):
        authenticator.logout(location="unrendered")
    notice = st.session_state.pop(NOTICE_KEY, None)
    if notice:
        st.warning(notice)


def login_gate(engine: Engine, settings: Settings) -> tuple[CurrentUser | None, stauth.Authenticate]:
    """Render the login form until a valid user is signed in; returns the user (or None)."""
    key = check_cookie_key(settings)
    authenticator = stauth.Authenticate(
        users.credentials(engine), settings.cookie_name, key, settings.cookie_expiry_days,
        auto_hash=False,
    )
    _audited(engine, authenticator)
    notice = st.session_state.pop(NOTICE_KEY, None)
    if notice:
        st.warning(notice)
    try:
        authenticator.login(location="main", fields=LOGIN_FIELDS, key="pmo_login")
    except stauth.LoginError:
        _sign_out(authenticator)
        st.error("This account cannot sign in. Ask the PMO to check it.")
        return None, authenticator
    status = st.session_state.get("authentication_status")
    if status is False:
        st.error("Username or password is incorrect.")
        return None, authenticator
    if not status:
        set_current_user(None)
        return None, authenticator
    user = users.current_user(engine, st.session_state["username"])
    if user is None:
        _sign_out(authenticator, "Your account is no longer active.")
        return None, authenticator
    previous = current_user()
    epoch = st.session_state.setdefault(EPOCH_KEY, user.session_epoch)
    if epoch != user.session_epoch:
        _sign_out(authenticator, "Your session has ended because your account changed. Please sign in again.")
        return None, authenticator
    if previous is None or previous != user:
        set_current_user(user)
    return user, authenticator
