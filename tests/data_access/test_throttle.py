"""Sign-in throttle: the pure decision (hand-computed waits), the client key, and the database
part on SQLite and PostgreSQL (slowed attacker, real user in after the window, purge, races)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from data_access import throttle as t
from data_access.models import LoginAttempt
from data_access.settings import Settings

T0 = datetime(2026, 3, 2, 9, 0, 0, tzinfo=timezone.utc)
POLICY = t.ThrottlePolicy(window_seconds=900, max_per_user=3, max_per_client=5)


def ago(seconds: float) -> datetime:
    return T0 - timedelta(seconds=seconds)


def fails(*seconds_ago: float) -> list[tuple[datetime, bool]]:
    return [(ago(s), False) for s in seconds_ago]


# --------------------------------------------------------------------------- pure decision

DECISIONS = {
    # name: (user attempts, client failures, allowed, wait seconds)
    "nothing yet": ([], [], True, 0),
    "two user failures, limit 3": (fails(100, 50), [], True, 0),
    "three user failures: wait for the oldest (900 - 100)": (fails(100, 50, 10), [], False, 800),
    "the oldest exactly one window ago no longer counts": (fails(900, 50, 10), [], True, 0),
    "the oldest 899 s ago: one second left": (fails(899, 50, 10), [], False, 1),
    "half a second left rounds up to 1": (fails(899.5, 50, 10), [], False, 1),
    "five failures, limit 3: the third newest (300 s ago) must leave": (
        fails(500, 400, 300, 200, 100), [], False, 600),
    "a success resets the username's count": (
        fails(300, 200) + [(ago(150), True)] + fails(100, 50), [], True, 0),
    "failures after the last success count (900 - 300)": (
        [(ago(400), True)] + fails(300, 200, 100), [], False, 600),
    "order of the rows does not matter": (fails(10, 100, 50), [], False, 800),
    "five client failures, limit 5 (900 - 800)": (
        [], [ago(s) for s in (800, 700, 600, 500, 400)], False, 100),
    "four client failures": ([], [ago(s) for s in (800, 700, 600, 500)], True, 0),
    "both over: the longer wait wins": (
        fails(100, 50, 10), [ago(s) for s in (800, 700, 600, 500, 400)], False, 800),
}


@pytest.mark.parametrize("case", list(DECISIONS), ids=list(DECISIONS))
def test_decide(case):
    user, client, allowed, wait = DECISIONS[case]
    assert t.decide(user, client, T0, POLICY) == t.Decision(allowed, wait)


def test_naive_timestamps_are_read_as_utc():
    """SQLite returns naive datetimes: they must mean the same instants."""
    naive = [(at.replace(tzinfo=None), ok) for at, ok in fails(100, 50, 10)]
    assert t.decide(naive, [], T0, POLICY) == t.Decision(False, 800)


@pytest.mark.parametrize(("wait", "minutes"), [(1, 1), (60, 1), (61, 2), (800, 14), (900, 15)])
def test_wait_is_told_in_whole_minutes_rounded_up(wait, minutes):
    assert t.Decision(False, wait).wait_minutes == minutes


@pytest.mark.parametrize("field", ["window_seconds", "max_per_user", "max_per_client"])
def test_policy_refuses_non_positive_values(field):
    with pytest.raises(ValueError, match=f"throttle {field} must be a positive integer"):
        t.ThrottlePolicy(**{field: 0})


def test_policy_from_settings(monkeypatch):
    monkeypatch.setenv("PMO_THROTTLE_WINDOW_SECONDS", "600")
    monkeypatch.setenv("PMO_THROTTLE_MAX_PER_USER", "4")
    monkeypatch.setenv("PMO_THROTTLE_MAX_PER_CLIENT", "12")
    assert t.ThrottlePolicy.from_settings(Settings()) == t.ThrottlePolicy(600, 4, 12)


def test_policy_defaults_from_settings(monkeypatch):
    for name in ("WINDOW_SECONDS", "MAX_PER_USER", "MAX_PER_CLIENT"):
        monkeypatch.delenv(f"PMO_THROTTLE_{name}", raising=False)
    assert t.ThrottlePolicy.from_settings(Settings()) == t.ThrottlePolicy(900, 5, 20)


# --------------------------------------------------------------------------- client key

CLIENT_KEYS = {
    "direct connection": (("203.0.113.5", [], 0, "s1"), "203.0.113.5"),
    "localhost (no address): the session": ((None, [], 0, "abc"), "session:abc"),
    "nothing at all": ((None, [], 0, None), "unknown"),
    "one trusted proxy": (("10.0.0.2", ["198.51.100.7"], 1, "s"), "198.51.100.7"),
    "a spoofed left part is ignored": (
        ("10.0.0.2", ["1.2.3.4, 198.51.100.7"], 1, "s"), "198.51.100.7"),
    "two trusted proxies": (
        ("10.0.0.3", ["1.2.3.4, 198.51.100.7, 10.0.0.2"], 2, "s"), "198.51.100.7"),
    "repeated headers read in order": (
        ("10.0.0.2", ["1.2.3.4", "198.51.100.7"], 1, "s"), "198.51.100.7"),
    "header ignored without PMO_TRUST_PROXY": (("10.0.0.2", ["198.51.100.7"], 0, "s"), "10.0.0.2"),
    "garbage in the header: the connection": (("10.0.0.2", ["evil"], 1, "s"), "10.0.0.2"),
    "fewer hops than proxies: the connection": (("10.0.0.2", ["198.51.100.7"], 2, "s"), "10.0.0.2"),
    "IPv6 is normalised": (("2001:DB8::1", [], 0, "s"), "2001:db8::1"),
    "not an address: the session": ((object(), [], 0, "s9"), "session:s9"),
}


@pytest.mark.parametrize("case", list(CLIENT_KEYS), ids=list(CLIENT_KEYS))
def test_client_key(case):
    args, expected = CLIENT_KEYS[case]
    assert t.client_key(*args) == expected


# --------------------------------------------------------------------------- database


def stored(engine) -> list[tuple[str, str, bool]]:
    with Session(engine) as s:
        return [(a.username, a.client, a.success) for a in
                s.scalars(select(LoginAttempt).order_by(LoginAttempt.id))]


def attempt(engine, username, client, seconds_after_t0, policy=POLICY):
    at = T0 + timedelta(seconds=seconds_after_t0)
    return t.begin_attempt(engine, username, client, policy, at)


def test_attacker_is_slowed_and_the_real_user_gets_in_after_the_window(engine):
    for second in (0, 1, 2):
        assert attempt(engine, "alice", "203.0.113.9", second).decision.allowed
    refused = attempt(engine, "alice", "203.0.113.9", 3)
    assert (refused.decision, refused.id) == (t.Decision(False, 897), None)
    for second in range(4, 900, 60):  # insisting neither stores anything nor extends the wait
        assert not attempt(engine, "alice", "203.0.113.9", second).decision.allowed
    assert stored(engine) == [("alice", "203.0.113.9", False)] * 3
    victim = attempt(engine, "alice", "198.51.100.7", 600)  # per username: another client too
    assert victim.decision == t.Decision(False, 300)
    real = attempt(engine, "alice", "198.51.100.7", 900)  # the first failure left the window
    assert real.decision.allowed
    t.record_success(engine, real.id)
    assert stored(engine)[-1] == ("alice", "198.51.100.7", True)
    assert attempt(engine, "alice", "198.51.100.7", 901).decision.allowed  # count reset


def test_unknown_usernames_are_throttled_alike(engine):
    for second in (0, 1, 2):
        attempt(engine, "no-such-user", "203.0.113.9", second)
    assert attempt(engine, "no-such-user", "203.0.113.9", 3).decision == t.Decision(False, 897)


def test_one_client_spraying_many_usernames_is_throttled(engine):
    for i in range(5):
        assert attempt(engine, f"user{i}", "203.0.113.9", i).decision.allowed
    assert attempt(engine, "user9", "203.0.113.9", 10).decision == t.Decision(False, 890)
    assert attempt(engine, "user9", "198.51.100.7", 10).decision.allowed  # another client


def test_successes_do_not_reset_the_client_count(engine):
    for i in range(4):
        attempt(engine, f"user{i}", "203.0.113.9", i)
    ok = attempt(engine, "mallory", "203.0.113.9", 5)
    t.record_success(engine, ok.id)  # the attacker's own valid account
    attempt(engine, "user4", "203.0.113.9", 6)
    assert attempt(engine, "user5", "203.0.113.9", 7).decision == t.Decision(False, 900 - 0 - 7)


def test_old_rows_are_purged_by_the_next_attempt(engine):
    horizon = POLICY.window * t.PURGE_AFTER_WINDOWS
    with Session(engine) as s:
        s.add_all([
            LoginAttempt(at=T0 - horizon - timedelta(seconds=1), username="old", client="c"),
            LoginAttempt(at=T0 - horizon + timedelta(seconds=1), username="kept", client="c")])
        s.commit()
    attempt(engine, "bob", "c2", 0)
    assert [u for u, _, _ in stored(engine)] == ["kept", "bob"]


def test_concurrent_attempts_never_exceed_the_limit(engine):
    """Eight sign-ins at once for one username (limit 3): exactly three check a password."""
    barrier = threading.Barrier(8)

    def one(i: int) -> bool:
        barrier.wait()
        return attempt(engine, "carol", f"198.51.100.{i}", 0).decision.allowed

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(one, range(8)))
    assert sum(outcomes) == 3
    with Session(engine) as s:
        assert s.scalar(select(func.count()).select_from(LoginAttempt)) == 3


@pytest.mark.parametrize(("value", "hops"), [("0", 0), ("1", 1), ("2", 2)])
def test_trust_proxy_setting_counts_proxies(monkeypatch, value, hops):
    monkeypatch.setenv("PMO_TRUST_PROXY", value)
    assert Settings().trust_proxy == hops


def test_trust_proxy_setting_refuses_a_word(monkeypatch):
    monkeypatch.setenv("PMO_TRUST_PROXY", "yes")
    with pytest.raises(ValueError, match="trust_proxy"):
        Settings()
