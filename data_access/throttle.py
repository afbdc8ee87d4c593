"""Sign-in throttling kept in the database, so that it holds across processes and replicas.

Failed password checks are counted per username (since that username's last successful
sign-in) and per client, over a sliding window. At the limit a sign-in is refused WITHOUT
checking the password, for any username (existing or not), until the oldest counted failure
leaves the window: there is never a permanent lockout. Refused attempts are not stored (they
checked nothing), so an attacker cannot extend the wait by insisting.

Usage: ``attempt = begin_attempt(engine, username, client, policy)``; if
``attempt.decision.allowed``, check the password, then ``record_success(engine, attempt.id)``
when it was right (the attempt is stored as a failure until then, so a password check that
crashes or races with another replica still counts).
"""

from __future__ import annotations

import ipaddress
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import Engine, delete, select, text, update
from sqlalchemy.orm import Session

from data_access.models import LoginAttempt

PURGE_AFTER_WINDOWS = 4
"""Rows older than this many windows are deleted opportunistically (they no longer count)."""
_PG_LOCK_KEY = 0x504D4F5F4C4F47  # "PMO_LOG": serialises check-and-record across replicas


@dataclass(frozen=True)
class ThrottlePolicy:
    window_seconds: int = 900
    max_per_user: int = 5
    max_per_client: int = 20

    def __post_init__(self) -> None:
        for name in ("window_seconds", "max_per_user", "max_per_client"):
            value = getattr(self, name)
            if not isinstance(value, int) or value < 1:
                raise ValueError(f"throttle {name} must be a positive integer, got {value!r}")

    @property
    def window(self) -> timedelta:
        return timedelta(seconds=self.window_seconds)

    @classmethod
    def from_settings(cls, settings) -> ThrottlePolicy:
        """The policy of PMO_THROTTLE_WINDOW_SECONDS / _MAX_PER_USER / _MAX_PER_CLIENT."""
        return cls(window_seconds=settings.throttle_window_seconds,
                   max_per_user=settings.throttle_max_per_user,
                   max_per_client=settings.throttle_max_per_client)


@dataclass(frozen=True)
class Decision:
    """Whether a sign-in may check its password now; if not, how long to wait."""

    allowed: bool
    wait_seconds: int = 0

    @property
    def wait_minutes(self) -> int:
        """The wait rounded up to whole minutes (at least 1 when refused)."""
        return max(1, math.ceil(self.wait_seconds / 60)) if not self.allowed else 0


@dataclass(frozen=True)
class Attempt:
    decision: Decision
    id: int | None = None  # the stored attempt (None when refused)


def _utc(moment: datetime) -> datetime:
    """SQLite hands timestamps back naive; they were written in UTC."""
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment


def _wait_for(failures: list[datetime], limit: int, window: timedelta, now: datetime) -> float:
    """Seconds until fewer than ``limit`` of ``failures`` (newest first) are in the window."""
    recent = [t for t in failures if t > now - window]
    if len(recent) < limit:
        return 0.0
    return (recent[limit - 1] + window - now).total_seconds()


def decide(user_attempts: Iterable[tuple[datetime, bool]], client_failures: Iterable[datetime],
           now: datetime, policy: ThrottlePolicy) -> Decision:
    """Refused while failures(user since last success) >= max_per_user or failures(client) >=
    max_per_client within the window; wait = oldest counted failure + window - now."""
    now = _utc(now)
    newest_first = sorted(((_utc(t), ok) for t, ok in user_attempts), key=lambda a: a[0],
                          reverse=True)
    streak = []
    for at, ok in newest_first:
        if ok:
            break
        streak.append(at)
    client = sorted((_utc(t) for t in client_failures), reverse=True)
    wait = max(_wait_for(streak, policy.max_per_user, policy.window, now),
               _wait_for(client, policy.max_per_client, policy.window, now))
    return Decision(allowed=True) if wait <= 0 else Decision(False, math.ceil(wait))


def client_key(ip_address: str | None, forwarded_for: list[str], trusted_proxies: int,
               session_id: str | None) -> str:
    """The address the throttle counts a client by.

    Behind ``trusted_proxies`` reverse proxies (PMO_TRUST_PROXY), the address the outermost
    one saw: the ``trusted_proxies``-th entry from the right of X-Forwarded-For (entries further
    left were written by the client and are ignored). Otherwise the connection's address;
    Streamlit gives none for localhost, then the session id (one browser tab: a weak key).
    """
    if trusted_proxies > 0:
        hops = [h.strip() for value in forwarded_for if isinstance(value, str)
                for h in value.split(",") if h.strip()]
        if len(hops) >= trusted_proxies and _is_ip(hops[-trusted_proxies]):
            return str(ipaddress.ip_address(hops[-trusted_proxies]))
    if _is_ip(ip_address):
        return str(ipaddress.ip_address(ip_address))
    return f"session:{session_id}"[:64] if isinstance(session_id, str) else "unknown"


def _is_ip(value: object) -> bool:
    try:
        ipaddress.ip_address(value if isinstance(value, str) else "")
    except ValueError:
        return False
    return True


def begin_attempt(engine: Engine, username: str, client: str | None, policy: ThrottlePolicy,
                  now: datetime | None = None) -> Attempt:
    """Decide on a sign-in and, when allowed, store it as a failure before the password check.

    One transaction: on PostgreSQL an advisory lock serialises concurrent sign-ins across
    replicas; on SQLite the INSERT takes the write lock first. Old rows are purged here.
    """
    now = _utc(now or datetime.now(timezone.utc))
    client = (client or "unknown").strip()[:64] or "unknown"
    cutoff = now - policy.window
    with Session(engine) as s:
        if s.bind.dialect.name == "postgresql":
            s.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
        row = LoginAttempt(at=now, username=username, client=client, success=False)
        s.add(row)
        s.flush()
        user_rows = s.execute(
            select(LoginAttempt.at, LoginAttempt.success)
            .where(LoginAttempt.username == username, LoginAttempt.at > cutoff,
                   LoginAttempt.id != row.id)
            .order_by(LoginAttempt.at.desc(), LoginAttempt.id.desc())
            .limit(policy.max_per_user)).all()
        client_rows = s.scalars(
            select(LoginAttempt.at)
            .where(LoginAttempt.client == client, LoginAttempt.success.is_(False),
                   LoginAttempt.at > cutoff, LoginAttempt.id != row.id)
            .order_by(LoginAttempt.at.desc())
            .limit(policy.max_per_client)).all()
        decision = decide([(at, ok) for at, ok in user_rows], client_rows, now, policy)
        if not decision.allowed:
            s.rollback()
            return Attempt(decision)
        s.execute(delete(LoginAttempt)
                  .where(LoginAttempt.at < now - policy.window * PURGE_AFTER_WINDOWS))
        s.commit()
        return Attempt(decision, row.id)


def record_success(engine: Engine, attempt_id: int) -> None:
    """The password was right: the attempt no longer counts against the username or client."""
    with Session(engine) as s:
        s.execute(update(LoginAttempt).where(LoginAttempt.id == attempt_id).values(success=True))
        s.commit()
