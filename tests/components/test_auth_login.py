"""The hardened login driven through the real app (AppTest): throttle, sign-out revocation,
constant-cost unknown usernames, audited refusals."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import bcrypt
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from components.auth import ENDED_NOTICE
from data_access.bulk import seed_database
from data_access.engine import create_pmo_engine
from data_access.migrate import upgrade
from data_access.models import AuditEntry, LoginAttempt
from data_access.settings import get_settings
from data_access.settings import today as app_today
from data_access.users import add_user, current_user
from support.apptest import COOKIE_KEY, page_path, rerun, sign_in

PASSWORD = "correct horse battery"
THROTTLED = "Too many sign-in attempts. Wait 14 minute(s), then try again."
INCORRECT = "Username or password is incorrect."


@pytest.fixture(scope="module")
def app_db(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('auth') / 'demo.db'}"
    engine = create_pmo_engine(url)
    upgrade(engine)
    seed_database(engine, scale="demo", seed=5, today=app_today())
    for name, role in (("tara", "pmo"), ("uma", "pmo"), ("vera", "pmo"), ("walt", "viewer")):
        add_user(engine, username=name, password=PASSWORD, role=role, actor="test")
    engine.dispose()
    return url


@pytest.fixture
def db(app_db, monkeypatch):
    """The app's environment; yields an engine on its database."""
    monkeypatch.setenv("PMO_DATABASE_URL", app_db)
    monkeypatch.setenv("PMO_COOKIE_KEY", COOKIE_KEY)
    get_settings.cache_clear()
    engine = create_pmo_engine(app_db)
    yield engine
    engine.dispose()


@pytest.fixture
def password_checks(monkeypatch) -> list[int]:
    """Counts every bcrypt check made (the library's and the dummy one)."""
    calls: list[int] = []
    real = bcrypt.checkpw

    def counting(password, hashed):
        calls.append(1)
        return real(password, hashed)

    monkeypatch.setattr(bcrypt, "checkpw", counting)
    return calls


def failures(engine, username: str, count: int, seconds_ago: int = 60) -> None:
    at = datetime.now(timezone.utc) - timedelta(seconds=seconds_ago)
    with Session(engine) as s:
        s.add_all([LoginAttempt(at=at, username=username, client="203.0.113.9", success=False)
                   for _ in range(count)])
        s.commit()


def attempts(engine, username: str) -> int:
    with Session(engine) as s:
        return s.scalar(select(func.count()).select_from(LoginAttempt)
                        .where(LoginAttempt.username == username))


def audit(engine, actor: str) -> list[tuple[str, str | None]]:
    with Session(engine) as s:
        return [(a.action, a.detail) for a in s.scalars(
            select(AuditEntry).where(AuditEntry.actor == actor).order_by(AuditEntry.id))]


def test_a_throttled_sign_in_checks_no_password_and_reveals_nothing(db, password_checks,
                                                                     monkeypatch):
    failures(db, "tara", 5)
    failures(db, "nobody-here", 5)
    for username in ("tara", "nobody-here"):  # the same answer whether the account exists
        at = sign_in(username, PASSWORD)
        assert [e.value for e in at.error] == [THROTTLED]
        assert not at.title
    assert password_checks == []
    assert attempts(db, "tara") == 5  # refused attempts are not stored
    action, detail = audit(db, "tara")[-1]
    assert action == "login.throttled" and "client=session:" in detail and "wait=8" in detail
    monkeypatch.setenv("PMO_THROTTLE_WINDOW_SECONDS", "30")  # the window has slid past them
    get_settings.cache_clear()
    at = sign_in("tara", PASSWORD)
    assert not at.error
    assert [t.value for t in at.title] == ["Executive overview"]


def test_form_failures_count_until_the_throttle_refuses(db, monkeypatch):
    monkeypatch.setenv("PMO_THROTTLE_MAX_PER_USER", "2")
    get_settings.cache_clear()
    for _ in range(2):
        assert [e.value for e in sign_in("uma", "wrong password").error] == [INCORRECT]
    assert [e.value for e in sign_in("uma", PASSWORD).error] == [THROTTLED.replace("14", "15")]
    assert [a for a, _ in audit(db, "uma")] == ["login.failure", "login.failure",
                                                 "login.throttled"]


def test_an_unknown_username_costs_one_password_check_like_a_wrong_password(db, password_checks):
    assert [e.value for e in sign_in("walt", "wrong password").error] == [INCORRECT]
    assert [e.value for e in sign_in("no-such-user", "wrong password").error] == [INCORRECT]
    assert len(password_checks) == 2


def test_sign_out_revokes_every_session_of_the_user(db):
    epoch = current_user(db, "vera").session_epoch
    here, elsewhere = sign_in("vera", PASSWORD), sign_in("vera", PASSWORD)
    assert [t.value for t in elsewhere.title] == ["Executive overview"]
    here.button(key="pmo_logout").click()
    rerun(here)
    assert [i.value for i in here.info] == ["You have signed out."]
    assert not here.title and len(here.text_input) == 2  # the login form again
    assert current_user(db, "vera").session_epoch == epoch + 1
    assert [a for a, _ in audit(db, "vera")][-1] == "logout"
    rerun(elsewhere)
    assert not elsewhere.title
    assert [w.value for w in elsewhere.warning] == [ENDED_NOTICE]


def test_a_refused_page_is_audited_once_per_session(db):
    at = AppTest.from_file(page_path("governance"), default_timeout=60)
    at.session_state["pmo_current_user"] = current_user(db, "walt")
    at.run()
    assert [e.value for e in at.error] == ["This page is not available to your role."]
    at.run()
    assert audit(db, "walt").count(("access.refused", "page=governance; role=viewer")) == 1


def cookie_writers(at: AppTest) -> list[dict]:
    """The arguments of the cookie manager components drawn that write a cookie."""
    import json

    drawn = [json.loads(e.proto.json_args) for e in at.get("component_instance")]
    return [args for args in drawn if args.get("method") == "set"]


def test_the_sign_in_cookie_is_drawn_on_every_run_until_sign_out(db):
    """The sign-in run is cut short by the rerun that shows the menu: a cookie writer drawn only
    there could vanish before the browser mounted it (then a reload showed the login form)."""
    at = sign_in("tara", PASSWORD)
    first = cookie_writers(at)
    assert len(first) == 1 and first[0]["cookie"] == get_settings().cookie_name
    for _ in range(2):
        rerun(at)
        assert not at.exception, at.exception
        assert cookie_writers(at) == first           # same token, same options: mounted once
    at.button(key="pmo_logout").click()
    at.run()            # the sign-out run (the writer, long mounted, does not write again; a
    rerun(at)           # cookie it wrote late would carry the bumped epoch and be refused)
    assert not at.exception, at.exception
    assert cookie_writers(at) == []
    assert at.text_input and at.button[0].label == "Sign in"
