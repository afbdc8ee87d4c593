"""Saved what-if scenarios: role checks, optimistic locking checked by the UPDATE, audited writes.

Every write is one short transaction through :func:`unit_of_work` with its audit entry. An update
or delete names the version the user loaded; the statement itself carries
``WHERE id = :id AND version = :expected``, so of two users saving from the same version exactly
one UPDATE matches and the other gets :class:`ScenarioConflict` (nothing overwritten).
"""

from __future__ import annotations

import json
import math
import unicodedata
import zlib
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import polars as pl
from sqlalchemy import Engine, Row, delete, func, select, update
from sqlalchemy.orm import Session

from data_access.models import AuditEntry, Scenario, User
from data_access.models.base import utcnow
from data_access.reader import read_frame
from data_access.uow import UnitOfWork, unit_of_work
from data_access.users import CurrentUser

READERS = frozenset({"executive", "pmo"})
WRITERS = frozenset({"pmo"})
MAX_NAME = 200
MAX_JSON_CHARS = 5_000_000
MAX_ID = 2_147_483_647  # INTEGER columns on PostgreSQL
SCENARIOS = {
    "id": pl.Int64, "name": pl.String, "owner": pl.String, "is_baseline": pl.Boolean,
    "version": pl.Int64, "created_at": pl.Datetime("us", "UTC"),
    "updated_at": pl.Datetime("us", "UTC"),
}
"""Columns and dtypes of :func:`list_scenarios`."""

_T = Scenario.__table__
_CHANGES = ("scenario.save", "scenario.baseline", "scenario.delete")
_BIDI_CONTROLS = frozenset(range(0x202A, 0x202F)) | frozenset(range(0x2066, 0x206A))
_BASELINE_LOCK = zlib.crc32(b"pmo.scenarios.baseline")  # PostgreSQL advisory lock key


class ScenarioError(ValueError):
    """A scenario request that cannot be carried out; the message says what is wrong."""


class ScenarioConflict(ScenarioError):
    """Someone else changed (or deleted) the scenario since the user loaded it.

    Nothing was written; the attributes let the page keep and re-offer the user's work
    (``unsaved`` holds what they tried to save).
    """

    def __init__(self, scenario_id: int, *, expected_version: int, changed_by: str | None,
                 changed_at: datetime | None, current_version: int | None,
                 unsaved: dict | None = None) -> None:
        self.scenario_id, self.expected_version = scenario_id, expected_version
        self.changed_by, self.changed_at = changed_by, changed_at
        self.current_version, self.unsaved = current_version, unsaved
        who = changed_by or "another user"
        when = f" at {changed_at:%Y-%m-%d %H:%M:%S} UTC" if changed_at else ""
        if current_version is None:
            what = f"was deleted by {who}{when}"
            advice = "save it as a new scenario"
        else:
            what = (f"was changed by {who}{when} and is now at version {current_version} "
                    f"(you loaded version {expected_version})")
            advice = "reload the scenario and apply your changes again, or save them as a new one"
        super().__init__(f"scenario {scenario_id} {what}; nothing was overwritten and your work "
                         f"is kept: {advice}")


class ScenarioForbidden(PermissionError):
    """The user's role may not do this."""


@dataclass(frozen=True)
class ScenarioRecord:
    """One saved scenario as plain values (never an ORM object)."""

    id: int
    name: str
    owner: str | None
    parameters: dict
    result: dict
    is_baseline: bool
    version: int
    created_at: datetime
    updated_at: datetime


# --------------------------------------------------------------------------- validation


def _require(user: CurrentUser, roles: frozenset[str], what: str) -> None:
    if user.role not in roles:
        raise ScenarioForbidden(f"role {user.role!r} may not {what}: only "
                                f"{' or '.join(sorted(roles))} users may")


def check_name(name: Any) -> str:
    """The name stripped; 1 to 200 characters, no control or bidirectional-override characters."""
    if not isinstance(name, str):
        raise ScenarioError(f"scenario name must be text, not {type(name).__name__}")
    clean = name.strip()
    if not clean:
        raise ScenarioError(f"scenario name is empty: give it 1 to {MAX_NAME} characters")
    if len(clean) > MAX_NAME:
        raise ScenarioError(f"scenario name is too long: {len(clean)} characters, "
                            f"at most {MAX_NAME}")
    for i, ch in enumerate(clean, start=1):
        if unicodedata.category(ch) in ("Cc", "Cs", "Zl", "Zp") or ord(ch) in _BIDI_CONTROLS:
            raise ScenarioError(f"scenario name must not contain control characters "
                                f"(U+{ord(ch):04X} at position {i})")
    return clean


def _json_problem(value: Any, path: str) -> str | None:
    """Why ``value`` would not survive a JSON round trip unchanged (None when it would)."""
    if value is None or isinstance(value, (str, bool, int)):
        return None
    if isinstance(value, float):
        finite = math.isfinite(value)
        return None if finite else f"{path} is {value} (NaN and infinity are not JSON)"
    if isinstance(value, (list, tuple)):
        problems = (_json_problem(v, f"{path}[{i}]") for i, v in enumerate(value))
        return next((p for p in problems if p), None)
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                return f"{path} has the key {key!r}: JSON keys must be text"
            if problem := _json_problem(item, f"{path}[{key!r}]"):
                return problem
        return None
    return f"{path} holds a {type(value).__name__}, which is not JSON"


def _check_json(label: str, value: Any) -> dict:
    """A detached copy of ``value`` exactly as it will be stored (tuples become lists)."""
    if not isinstance(value, dict):
        raise ScenarioError(f"{label} must be a dict (a JSON object), not {type(value).__name__}")
    try:
        problem = _json_problem(value, label)
        text = None if problem else json.dumps(value, allow_nan=False)
    except RecursionError:
        problem, text = f"{label} is nested too deeply (or refers to itself)", None
    if problem:
        raise ScenarioError(f"{label} is not JSON-serialisable: {problem}")
    if len(text) > MAX_JSON_CHARS:
        raise ScenarioError(f"{label} is too large: {len(text):,} characters of JSON, "
                            f"at most {MAX_JSON_CHARS:,}")
    return json.loads(text)


def _check_id(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_ID:
        raise ScenarioError(f"{what} must be a whole number from 1 to {MAX_ID}, not {value!r}")
    return value


# --------------------------------------------------------------------------- reads


def _utc(value: datetime) -> datetime:
    """SQLite hands back naive UTC, PostgreSQL the session's zone: both become aware UTC."""
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


def _record(session: Session, scenario_id: int) -> ScenarioRecord | None:
    row = session.execute(
        select(_T.c.id, _T.c.name, User.username, _T.c.parameters, _T.c.result, _T.c.is_baseline,
               _T.c.version, _T.c.created_at, _T.c.updated_at)
        .outerjoin(User, User.id == _T.c.owner_id).where(_T.c.id == scenario_id)).first()
    if row is None:
        return None
    return ScenarioRecord(id=row.id, name=row.name, owner=row.username, parameters=row.parameters,
                          result=row.result, is_baseline=bool(row.is_baseline), version=row.version,
                          created_at=_utc(row.created_at), updated_at=_utc(row.updated_at))


def _current(session: Session, scenario_id: int) -> Row | None:
    return session.execute(select(_T.c.name, _T.c.version, _T.c.is_baseline, _T.c.parameters,
                                  _T.c.result).where(_T.c.id == scenario_id)).first()


def _snapshot(name: str, version: int, is_baseline: bool, parameters: dict, result: dict) -> dict:
    """What the audit log keeps of a scenario: not the whole result, only its totals."""
    snap = {"name": name, "version": version, "is_baseline": bool(is_baseline),
            "parameters": parameters}
    if isinstance(result, dict) and "totals" in result:
        snap["totals"] = result["totals"]
    return snap


def _stale(engine: Engine, scenario_id: int, expected: int,
           unsaved: dict | None = None) -> ScenarioError:
    """The error for an UPDATE/DELETE that matched no row, read in a fresh transaction."""
    with Session(engine) as s:
        row = s.execute(select(_T.c.version, _T.c.updated_at).where(_T.c.id == scenario_id)).first()
        last = s.execute(select(AuditEntry.actor, AuditEntry.at, AuditEntry.action)
                         .where(AuditEntry.entity == "scenario",
                                AuditEntry.entity_id == str(scenario_id),
                                AuditEntry.action.in_(_CHANGES))
                         .order_by(AuditEntry.id.desc()).limit(1)).first()
    if row is None and (last is None or last.action != "scenario.delete"):
        return ScenarioError(f"no scenario with id {scenario_id}")
    if row is not None and row.version < expected:
        return ScenarioError(f"scenario {scenario_id} is at version {row.version}: "
                             f"version {expected} does not exist yet")
    when = row.updated_at if row is not None else (last.at if last else None)
    return ScenarioConflict(scenario_id, expected_version=expected,
                            changed_by=last.actor if last else None,
                            changed_at=_utc(when) if when else None,
                            current_version=None if row is None else row.version, unsaved=unsaved)


def list_scenarios(engine: Engine, user: CurrentUser, *,
                   strategy: str | None = None) -> pl.DataFrame:
    """Every saved scenario, newest first (:data:`SCENARIOS` columns, also when empty)."""
    _require(user, READERS, "see scenarios")
    stmt = (select(_T.c.id, _T.c.name, User.username, _T.c.is_baseline, _T.c.version,
                   _T.c.created_at, _T.c.updated_at)
            .outerjoin(User, User.id == _T.c.owner_id)
            .order_by(_T.c.created_at.desc(), _T.c.id.desc()))
    read = {c: pl.Datetime if isinstance(t, pl.Datetime) else t for c, t in SCENARIOS.items()}
    # the reader types datetimes as naive UTC: mark them UTC
    return read_frame(engine, stmt, read, strategy=strategy).cast(SCENARIOS)


def get_scenario(engine: Engine, user: CurrentUser, scenario_id: int) -> ScenarioRecord | None:
    """The scenario ``scenario_id`` with its parameters and result; None when it does not exist."""
    _require(user, READERS, "see scenarios")
    if isinstance(scenario_id, bool) or not isinstance(scenario_id, int):
        raise ScenarioError(f"scenario id must be a whole number, not {scenario_id!r}")
    if not 1 <= scenario_id <= MAX_ID:  # e.g. from a tampered link: no such scenario
        return None
    with Session(engine) as s:
        return _record(s, scenario_id)


# --------------------------------------------------------------------------- writes


def save_scenario(engine: Engine, user: CurrentUser, *, name: str, parameters: dict, result: dict,
                  scenario_id: int | None = None,
                  expected_version: int | None = None) -> ScenarioRecord:
    """Save a new scenario (no ``scenario_id``; owned by ``user``) or update one that is still at
    ``expected_version``."""
    _require(user, WRITERS, "save scenarios")
    clean = check_name(name)
    params, res = _check_json("parameters", parameters), _check_json("result", result)
    if scenario_id is None:
        if expected_version is not None:
            raise ScenarioError("expected_version is only for updating a saved scenario: "
                                "give its scenario_id too")
        return _insert(engine, user, clean, params, res)
    _check_id(scenario_id, "scenario id")
    if expected_version is None:
        raise ScenarioError(f"expected_version is required to update scenario {scenario_id}: "
                            "give the version you loaded")
    _check_id(expected_version, "expected_version")
    with unit_of_work(engine, user.username) as uow:
        record = _update(uow, scenario_id, expected_version, clean, params, res)
        if record is not None:
            uow.commit()
            return record
    raise _stale(engine, scenario_id, expected_version,
                 unsaved={"name": clean, "parameters": params, "result": res})


def _insert(engine: Engine, user: CurrentUser, name: str, params: dict,
            res: dict) -> ScenarioRecord:
    with unit_of_work(engine, user.username) as uow:
        scenario = Scenario(name=name, owner_id=user.id, parameters=params, result=res,
                            is_baseline=False)
        uow.session.add(scenario)
        uow.session.flush()
        uow.audit("scenario.save", entity="scenario", entity_id=scenario.id,
                  after=_snapshot(name, scenario.version, False, params, res))
        record = _record(uow.session, scenario.id)
        uow.commit()
        return record


def _update(uow: UnitOfWork, scenario_id: int, expected: int, name: str, params: dict,
            res: dict) -> ScenarioRecord | None:
    """The updated record, or None when the guarded UPDATE matched no row (stale or gone)."""
    s = uow.session
    before = _current(s, scenario_id)  # for the audit entry; the UPDATE below is the real check
    if before is None or before.version != expected:
        return None
    matched = s.execute(update(_T).where(_T.c.id == scenario_id, _T.c.version == expected)
                        .values(name=name, parameters=params, result=res,
                                version=_T.c.version + 1, updated_at=utcnow())).rowcount
    if matched != 1:
        return None
    uow.audit("scenario.save", entity="scenario", entity_id=scenario_id,
              before=_snapshot(*before),
              after=_snapshot(name, expected + 1, before.is_baseline, params, res))
    return _record(s, scenario_id)


def set_baseline(engine: Engine, user: CurrentUser, scenario_id: int, *,
                 expected_version: int) -> ScenarioRecord:
    """Make ``scenario_id`` the one baseline; any other is unset in the same transaction."""
    _require(user, WRITERS, "mark the baseline")
    _check_id(scenario_id, "scenario id")
    _check_id(expected_version, "expected_version")
    with unit_of_work(engine, user.username) as uow:
        s = uow.session
        if s.get_bind().dialect.name == "postgresql":  # SQLite: the first write locks the database
            s.execute(select(func.pg_advisory_xact_lock(_BASELINE_LOCK)))
        before = _current(s, scenario_id)
        if before is not None and before.version == expected_version and before.is_baseline:
            return _record(s, scenario_id)  # already the baseline: nothing to change
        matched = 0 if before is None or before.version != expected_version else s.execute(
            update(_T).where(_T.c.id == scenario_id, _T.c.version == expected_version)
            .values(is_baseline=True, version=_T.c.version + 1, updated_at=utcnow())).rowcount
        if matched == 1:
            unset = s.execute(update(_T).where(_T.c.is_baseline.is_(True), _T.c.id != scenario_id)
                              .values(is_baseline=False, version=_T.c.version + 1,
                                      updated_at=utcnow())
                              .returning(_T.c.id, _T.c.version)).all()
            for other in sorted(unset):
                uow.audit("scenario.baseline", entity="scenario", entity_id=other.id,
                          before={"is_baseline": True, "version": other.version - 1},
                          after={"is_baseline": False, "version": other.version},
                          detail=f"baseline moved to scenario {scenario_id}")
            uow.audit("scenario.baseline", entity="scenario", entity_id=scenario_id,
                      before={"name": before.name, "is_baseline": False,
                              "version": expected_version},
                      after={"name": before.name, "is_baseline": True,
                             "version": expected_version + 1,
                             "unset": [o.id for o in sorted(unset)]})
            record = _record(s, scenario_id)
            uow.commit()
            return record
    raise _stale(engine, scenario_id, expected_version)


def delete_scenario(engine: Engine, user: CurrentUser, scenario_id: int, *,
                    expected_version: int) -> None:
    """Delete ``scenario_id`` if it is still at ``expected_version`` (audited with what it was)."""
    _require(user, WRITERS, "delete scenarios")
    _check_id(scenario_id, "scenario id")
    _check_id(expected_version, "expected_version")
    with unit_of_work(engine, user.username) as uow:
        before = _current(uow.session, scenario_id)
        if before is not None and before.version == expected_version:
            matched = uow.session.execute(delete(_T).where(
                _T.c.id == scenario_id, _T.c.version == expected_version)).rowcount
            if matched == 1:
                uow.audit("scenario.delete", entity="scenario", entity_id=scenario_id,
                          before=_snapshot(*before))
                uow.commit()
                return
    raise _stale(engine, scenario_id, expected_version)


def record_comparison(engine: Engine, user: CurrentUser, a: int, b: int) -> None:
    """Audit that ``user`` compared scenarios ``a`` and ``b`` (entity id "a,b")."""
    _require(user, READERS, "compare scenarios")
    _check_id(a, "first scenario id")
    _check_id(b, "second scenario id")
    if a == b:
        raise ScenarioError(f"compare two different scenarios, not scenario {a} with itself")
    with unit_of_work(engine, user.username) as uow:
        found = {r.id: r for r in uow.session.execute(
            select(_T.c.id, _T.c.name, _T.c.version).where(_T.c.id.in_([a, b])))}
        missing = [str(i) for i in (a, b) if i not in found]
        if missing:
            raise ScenarioError(f"no scenario with id {' or '.join(missing)}")
        uow.audit("scenario.compare", entity="scenario", entity_id=f"{a},{b}",
                  after={key: {"id": i, "name": found[i].name, "version": found[i].version}
                         for key, i in (("a", a), ("b", b))})
        uow.commit()
