"""The login gate: streamlit-authenticator over the users in the database, hardened.

streamlit-authenticator alone keeps a cookie valid until its expiry whatever happens on the
server, counts failures per process only and accepts a default key. Here:

- **Throttle** (data_access.throttle): every form sign-in is counted in the database per
  username and per client; over the limit it is refused without checking the password.
- **Revocable cookie**: the library's cookie model is wrapped by :class:`RevocableCookie`. Its
  JWT (HS256, the configured key) carries the user's ``session_epoch`` with ``iat``/``exp``; it
  is accepted only if the signature, the times (and a lifetime no longer than the configured
  one) and the epoch all check out. Logout, a password change, a role change and disabling an
  account bump the epoch: every earlier cookie, copies included, is refused.
- Each rerun re-reads the user, so a disabled account, a changed role or a bumped epoch ends a
  live session on the next interaction.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta

import jwt
import streamlit as st
import streamlit_authenticator as stauth
from sqlalchemy import Engine
from streamlit.runtime.scriptrunner import get_script_run_ctx

from components.session import current_user, set_current_user
from data_access import throttle, users
from data_access.settings import Settings, cookie_key_problem
from data_access.users import CurrentUser

EPOCH_KEY = "pmo_session_epoch"
NOTICE_KEY = "pmo_signout_notice"
REFUSED_COOKIE_KEY = "pmo_refused_cookie"
#: the cookie issued at sign-in, rendered again on every run of the session (see set_cookie)
PENDING_COOKIE_KEY = "pmo_cookie_to_set"
LOGIN_FIELDS = {"Form name": "Sign in to PMO Cockpit", "Username": "Username",
                "Password": "Password", "Login": "Sign in"}
CLOCK_SKEW_SECONDS = 60
MAX_TOKEN_LENGTH = 4096
ENDED_NOTICE = ("Your session has ended because your account changed or you signed out "
                "elsewhere. Please sign in again.")


class LoginThrottled(Exception):
    """Too many failed sign-ins for this username or client: wait before trying again."""

    def __init__(self, decision: throttle.Decision) -> None:
        super().__init__(f"sign-in throttled for {decision.wait_seconds} s")
        self.decision = decision


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


# --------------------------------------------------------------------------- cookie tokens


def issue_token(username: str, epoch: int, key: str, now: float, lifetime_seconds: float) -> str:
    """The signed sign-in cookie: who, which session epoch, issued and expiring when."""
    return jwt.encode({"username": username, "epoch": epoch, "iat": int(now),
                       "exp": int(now + lifetime_seconds)}, key, algorithm="HS256")


def read_token(token: str | None, key: str, now: float, lifetime_seconds: float) -> dict | None:
    """The claims of a cookie this app signed and that is still within its lifetime, else None.

    Refused: another key (forged, or the library's well-known default), another algorithm
    (``none`` included), a malformed or oversized token, missing or mistyped claims, an expired
    token, one issued in the future, one living longer than the configured lifetime.
    """
    if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    try:
        claims = jwt.decode(token, key, algorithms=["HS256"],
                            options={"require": ["exp", "iat"], "verify_exp": False,
                                     "verify_iat": False})
    except jwt.PyJWTError:
        return None
    username, epoch, iat, exp = (claims.get(k) for k in ("username", "epoch", "iat", "exp"))
    if not isinstance(username, str) or not users.USERNAME_RE.fullmatch(username):
        return None
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (epoch, iat, exp)):
        return None
    if not iat - CLOCK_SKEW_SECONDS <= now < exp:
        return None
    if exp - iat > lifetime_seconds + CLOCK_SKEW_SECONDS:
        return None
    return claims


def cookie_verdict(engine: Engine, token: str | None, key: str, now: float,
                   lifetime_seconds: float) -> tuple[dict | None, CurrentUser | None, str | None]:
    """(claims, user, None) for a cookie that may sign its user in, else (claims or None, None,
    why it is refused): its epoch must still be the user's (not revoked) and the user enabled."""
    claims = read_token(token, key, now, lifetime_seconds)
    if claims is None:
        return None, None, "invalid signature, claims or lifetime"
    user = users.current_user(engine, claims["username"])
    if user is None:
        return claims, None, "unknown or disabled user"
    if user.session_epoch != claims["epoch"]:
        return claims, None, "revoked (signed out, password, role or account changed)"
    return claims, user, None


class RevocableCookie:
    """Stands in for streamlit-authenticator's ``CookieModel`` (same three methods), reusing its
    cookie manager component: tokens carry the session epoch, checked against the database."""

    def __init__(self, inner, engine: Engine, key: str, lifetime_days: float) -> None:
        self.inner = inner
        self.engine = engine
        self.key = key
        self.lifetime_seconds = lifetime_days * 86_400
        self.rendered = False  # the cookie-setting component is drawn at most once a run

    @property
    def cookie_name(self) -> str:
        return self.inner.cookie_name

    def get_cookie(self) -> dict | None:
        """The claims of a valid, unrevoked cookie sent by the browser, else None."""
        if st.session_state.get("logout"):
            return None
        cookies = st.context.cookies
        token = cookies[self.cookie_name] if self.cookie_name in cookies else None
        if not isinstance(token, str) or token == st.session_state.get(REFUSED_COOKIE_KEY):
            return None
        claims, user, refusal = cookie_verdict(self.engine, token, self.key, time.time(),
                                               self.lifetime_seconds)
        if refusal:
            st.session_state[REFUSED_COOKIE_KEY] = token
            users.record_auth_event(self.engine, claims["username"] if claims else "anonymous",
                                    "login.cookie_refused", detail=refusal)
            return None
        st.session_state[EPOCH_KEY] = user.session_epoch
        users.record_auth_event(self.engine, user.username, "login.cookie")
        return claims

    def set_cookie(self) -> None:
        """Issue the cookie for the user who just signed in with the epoch of their password."""
        epoch = st.session_state.get(EPOCH_KEY)
        if epoch is None:
            return
        now = time.time()
        token = issue_token(st.session_state["username"], epoch, self.key, now,
                            self.lifetime_seconds)
        secure = (st.context.url or "").startswith("https://")
        expires = (datetime.now() + timedelta(seconds=self.lifetime_seconds)).isoformat()
        st.session_state[PENDING_COOKIE_KEY] = (token, expires, secure)
        self.render_pending()

    def render_pending(self) -> None:
        """Draw the component that writes the sign-in cookie, with the same key and arguments
        on every run of the session: the browser writes it when the component first mounts.
        Drawn only in the sign-in run, it was lost when that run was cut short by the rerun that
        shows the menu before the browser mounted it (seen under load): a reload then showed
        the login form again."""
        pending = st.session_state.get(PENDING_COOKIE_KEY)
        if pending is None or self.rendered:
            return
        token, expires, secure = pending
        self.inner.cookie_manager.set(
            self.cookie_name, token, key="pmo_cookie_set",
            expires_at=datetime.fromisoformat(expires), secure=secure or None, same_site="strict")
        self.rendered = True

    def delete_cookie(self) -> None:
        self.inner.delete_cookie()


# --------------------------------------------------------------------------- throttle


def _this_client(settings: Settings) -> str:
    ctx = get_script_run_ctx()
    forwarded = st.context.headers.get_all("X-Forwarded-For") if settings.trust_proxy else []
    return throttle.client_key(st.context.ip_address, forwarded, settings.trust_proxy,
                               ctx.session_id if ctx else None)


def _guarded(engine: Engine, authenticator: stauth.Authenticate, settings: Settings) -> None:
    """Wrap the form login: throttle, constant-time unknown users, epoch, audit."""
    controller = authenticator.authentication_controller
    original = controller.login
    known = controller.authentication_model.credentials["usernames"]
    policy = throttle.ThrottlePolicy.from_settings(settings)

    def login(username=None, password=None, *args, **kwargs):
        if kwargs.get("token") is not None or not username:
            return original(username, password, *args, **kwargs)  # cookie, or nothing to check
        name = users.normalise_username(username)
        client = _this_client(settings)
        attempt = throttle.begin_attempt(engine, name, client, policy)
        if not attempt.decision.allowed:
            wait = attempt.decision.wait_seconds
            users.record_auth_event(engine, name, "login.throttled",
                                    detail=f"client={client}; wait={wait}s")
            raise LoginThrottled(attempt.decision)
        secret = users.bcrypt_input(password or "")
        if name not in known:
            users.spend_a_password_check(secret)
        result = original(name, secret, *args, **kwargs)
        if result:
            throttle.record_success(engine, attempt.id)
            st.session_state[EPOCH_KEY] = known[name].get("session_epoch")
        users.record_auth_event(engine, name, "login.success" if result else "login.failure",
                                detail=f"client={client}")
        return result

    controller.login = login


# --------------------------------------------------------------------------- the gate


def _sign_out(authenticator: stauth.Authenticate, message: str | None = None) -> None:
    """End the session (and its cookie); ``message`` is shown above the login form."""
    set_current_user(None)
    st.session_state.pop(EPOCH_KEY, None)
    st.session_state.pop(PENDING_COOKIE_KEY, None)
    if message:
        st.session_state[NOTICE_KEY] = message
    if st.session_state.get("authentication_status"):
        authenticator.logout(location="unrendered")
    notice = st.session_state.pop(NOTICE_KEY, None)
    if notice:
        st.warning(notice)


def signed_out(authenticator: stauth.Authenticate) -> None:
    """After "Sign out" (the epoch is already bumped): forget the user, offer the form again."""
    set_current_user(None)
    st.session_state.pop(EPOCH_KEY, None)
    st.session_state.pop(PENDING_COOKIE_KEY, None)
    st.info("You have signed out.")
    authenticator.login(location="main", fields=LOGIN_FIELDS, key="pmo_login")


def login_gate(engine: Engine, settings: Settings) -> tuple[CurrentUser | None, stauth.Authenticate]:
    """Render the login form until a valid user is signed in; returns the user (or None)."""
    key = check_cookie_key(settings)
    authenticator = stauth.Authenticate(
        users.credentials(engine), settings.cookie_name, key, settings.cookie_expiry_days,
        auto_hash=False,
    )
    controller = authenticator.cookie_controller
    controller.cookie_model = RevocableCookie(controller.cookie_model, engine, key,
                                              settings.cookie_expiry_days)
    _guarded(engine, authenticator, settings)
    notice = st.session_state.pop(NOTICE_KEY, None)
    if notice:
        st.warning(notice)
    try:
        authenticator.login(location="main", fields=LOGIN_FIELDS, key="pmo_login")
    except LoginThrottled as exc:
        st.error(f"Too many sign-in attempts. Wait {exc.decision.wait_minutes} minute(s), "
                 "then try again.")
        return None, authenticator
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
    if st.session_state.get(EPOCH_KEY) != user.session_epoch:
        _sign_out(authenticator, ENDED_NOTICE)
        return None, authenticator
    if previous is None or previous != user:
        set_current_user(user)
    controller.cookie_model.render_pending()
    return user, authenticator
