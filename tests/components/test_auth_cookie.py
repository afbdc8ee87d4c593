"""The sign-in cookie: forged, tampered, expired, over-long and revoked tokens are all refused.

Tokens are crafted with ``jwt`` (PyJWT), the library streamlit-authenticator signs with.
"""

from __future__ import annotations

import base64
import json

import jwt
import pytest

from components.auth import cookie_verdict, issue_token, read_token
from data_access import users as u

pytestmark = pytest.mark.filterwarnings("ignore:The HMAC key is")  # forging with weak keys

KEY = "unit-test-cookie-key-0123456789abcdefghijkl"
NOW = 1_800_000_000.0
HALF_DAY = 43_200.0


def token(claims: dict, key: str = KEY, algorithm: str = "HS256") -> str:
    return jwt.encode(claims, key, algorithm=algorithm)


def claims(**overrides) -> dict:
    return {"username": "alice", "epoch": 3, "iat": int(NOW) - 60,
            "exp": int(NOW - 60 + HALF_DAY)} | overrides


def test_a_token_we_issued_is_read_back():
    issued = issue_token("alice", 3, KEY, NOW, HALF_DAY)
    assert read_token(issued, KEY, NOW + 1, HALF_DAY) == {
        "username": "alice", "epoch": 3, "iat": int(NOW), "exp": int(NOW + HALF_DAY)}


def _tampered() -> str:
    header, _, signature = token(claims()).split(".")
    payload = base64.urlsafe_b64encode(json.dumps(claims(username="admin")).encode()).rstrip(b"=")
    return f"{header}.{payload.decode()}.{signature}"


REFUSED = {
    "signed with another key": lambda: token(claims(), key="another-key-" + "x" * 32),
    "signed with the library's default key": lambda: token(claims(), key="some_key"),
    "signed with a well-known example key": lambda: token(claims(), key="some_signature_key"),
    "alg none": lambda: token(claims(), key=None, algorithm="none"),
    "HS512 with the right key": lambda: token(claims(), algorithm="HS512"),
    "payload changed after signing": _tampered,
    "the library's own format (no epoch, iat, exp)": lambda: token(
        {"username": "alice", "exp_date": NOW + HALF_DAY}),
    "expired a second ago": lambda: token(claims(iat=int(NOW - HALF_DAY - 1), exp=int(NOW - 1))),
    "expiring right now": lambda: token(claims(iat=int(NOW - HALF_DAY), exp=int(NOW))),
    "issued in the future": lambda: token(
        claims(iat=int(NOW + 3600), exp=int(NOW + 3600 + HALF_DAY))),
    "living longer than the configured lifetime": lambda: token(
        claims(iat=int(NOW), exp=int(NOW + 30 * 86_400))),
    "epoch as text": lambda: token(claims(epoch="3")),
    "epoch as boolean": lambda: token(claims(epoch=True)),
    "no epoch": lambda: token({k: v for k, v in claims().items() if k != "epoch"}),
    "username not a username": lambda: token(claims(username="Alice Smith")),
    "username not text": lambda: token(claims(username=["alice"])),
    "oversized": lambda: token(claims(padding="x" * 5000)),
    "not a JWT": lambda: "not.a.jwt",
    "empty": lambda: "",
    "absent": lambda: None,
}


@pytest.mark.parametrize("case", list(REFUSED), ids=list(REFUSED))
def test_refused_tokens(case):
    assert read_token(REFUSED[case](), KEY, NOW, HALF_DAY) is None


def test_clock_skew_of_under_a_minute_is_tolerated():
    assert read_token(token(claims(iat=int(NOW + 59), exp=int(NOW + 59 + HALF_DAY))),
                      KEY, NOW, HALF_DAY) is not None


def test_lowering_the_lifetime_shortens_cookies_already_issued():
    issued = issue_token("alice", 3, KEY, NOW, HALF_DAY)
    assert read_token(issued, KEY, NOW + 10, HALF_DAY) is not None
    assert read_token(issued, KEY, NOW + 10, HALF_DAY / 2) is None


# --------------------------------------------------------------------------- revocation


@pytest.fixture
def ivan(engine):
    u.add_user(engine, username="ivan", password="password-1", role="pmo", actor="t")
    return u.current_user(engine, "ivan")


def verdict(engine, cookie: str):
    return cookie_verdict(engine, cookie, KEY, NOW + 5, HALF_DAY)


def test_a_valid_cookie_signs_its_user_in(engine, ivan):
    cookie = issue_token("ivan", ivan.session_epoch, KEY, NOW, HALF_DAY)
    claims_, user, refusal = verdict(engine, cookie)
    assert (claims_["username"], user, refusal) == ("ivan", ivan, None)


@pytest.mark.parametrize("change", [
    pytest.param(lambda e: u.sign_out(e, "ivan"), id="sign-out"),
    pytest.param(lambda e: u.set_password(e, "ivan", "password-2", actor="t"), id="password"),
    pytest.param(lambda e: u.set_role(e, "ivan", "viewer", actor="t"), id="role"),
])
def test_a_cookie_replayed_after_a_change_is_refused(engine, ivan, change):
    cookie = issue_token("ivan", ivan.session_epoch, KEY, NOW, HALF_DAY)
    change(engine)
    claims_, user, refusal = verdict(engine, cookie)
    assert (claims_["username"], user) == ("ivan", None)
    assert refusal.startswith("revoked")
    fresh = issue_token("ivan", u.current_user(engine, "ivan").session_epoch, KEY, NOW, HALF_DAY)
    assert verdict(engine, fresh)[2] is None  # signing in again works


def test_a_cookie_of_a_disabled_account_is_refused(engine, ivan):
    cookie = issue_token("ivan", ivan.session_epoch, KEY, NOW, HALF_DAY)
    u.set_disabled(engine, "ivan", True, actor="t")
    assert verdict(engine, cookie) == ({"username": "ivan", "epoch": ivan.session_epoch,
                                        "iat": int(NOW), "exp": int(NOW + HALF_DAY)},
                                       None, "unknown or disabled user")


def test_a_cookie_forged_for_a_real_user_and_epoch_still_needs_the_key(engine, ivan):
    forged = token(claims(username="ivan", epoch=ivan.session_epoch), key="some_key")
    assert verdict(engine, forged) == (None, None, "invalid signature, claims or lifetime")
