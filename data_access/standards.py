"""Method standards: per methodology the gates and their required deliverables, the default
weights of the prioritisation criteria, and the RAG thresholds; every save versioned and audited.

Gate standards and criteria weights are append-only rows of ``method_standards``: a save inserts
version n + 1 (history kept); version 0 is the built-in default used until the PMO saves one.
A save names the version the user loaded: when another save came first (the current version
differs, or the concurrent INSERT of the same version hits the unique key) the user gets
:class:`WorkflowConflict` and nothing is written. Thresholds are rows of ``thresholds`` updated
with ``WHERE id = :id AND version = :expected``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import polars as pl
from sqlalchemy import Engine, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from data_access.demo.vocab_text import GATE_DELIVERABLES
from data_access.models import MethodStandard, Threshold
from data_access.models.base import utcnow
from data_access.models.enums import GATE_TYPES, METHODOLOGIES
from data_access.reader import read_frame
from data_access.users import CurrentUser
from data_access.uow import unit_of_work
from data_access.workflow import (WRITERS, Checker, WorkflowConflict, WorkflowError, check_version,
                                  require)

PRIORITISATION = "prioritisation"
CRITERIA = ("alignment", "financial", "risk", "urgency", "compliance")
"""The prioritisation criteria (analytics.scoring.CRITERION_KEYS)."""
DEFAULT_WEIGHTS = {"alignment": 30, "financial": 25, "risk": 15, "urgency": 15, "compliance": 15}
"""Built-in default weights (analytics.scenario.DEFAULT_WEIGHTS), version 0."""
DEFAULT_GATES = {g: list(GATE_DELIVERABLES[g]) for g in GATE_TYPES}
"""Built-in gate standard of every methodology, version 0."""
DELIVERABLE_MAX = 200
MAX_DELIVERABLES = 30
THRESHOLDS = {"id": pl.Int64, "metric": pl.String, "amber": pl.Float64, "red": pl.Float64,
              "higher_is_worse": pl.Boolean, "description": pl.String, "version": pl.Int64}
"""Columns and dtypes of :func:`list_thresholds`."""
HISTORY = {"version": pl.Int64, "effective_from": pl.Date, "changed_by": pl.String,
           "changed_at": pl.Datetime("us"), "note": pl.String}
"""Columns and dtypes of :func:`standard_history`."""

_S = MethodStandard.__table__
_T = Threshold.__table__


@dataclass(frozen=True)
class StandardRecord:
    """The standard in force for a subject: version 0 is the built-in default."""

    subject: str
    version: int
    content: dict
    effective_from: dt.date | None
    changed_by: str | None

    @property
    def gates(self) -> dict[str, list[str]]:
        """gate type -> required deliverables (methodology standards)."""
        return {g["gate_type"]: list(g["deliverables"]) for g in self.content.get("gates", [])}

    @property
    def weights(self) -> dict[str, int]:
        """criterion -> default weight 0..100 (the prioritisation standard)."""
        return dict(self.content.get("weights", {}))


def _default(subject: str) -> dict:
    if subject == PRIORITISATION:
        return {"weights": dict(DEFAULT_WEIGHTS)}
    return {"gates": [{"gate_type": g, "deliverables": list(d)} for g, d in DEFAULT_GATES.items()]}


def _subject(subject: Any) -> str:
    if subject not in (*METHODOLOGIES, PRIORITISATION):
        raise WorkflowError(f"unknown standard {subject!r}: choose one of "
                            f"{', '.join((*METHODOLOGIES, PRIORITISATION))}")
    return subject


def _current(session: Session, subject: str) -> StandardRecord:
    row = session.execute(select(_S.c.version, _S.c.content, _S.c.effective_from, _S.c.changed_by)
                          .where(_S.c.subject == subject)
                          .order_by(_S.c.version.desc()).limit(1)).first()
    if row is None:
        return StandardRecord(subject, 0, _default(subject), None, None)
    return StandardRecord(subject, row.version, row.content, row.effective_from, row.changed_by)


def standard_in_force(session: Session, subject: str) -> StandardRecord:
    """The newest version of ``subject``'s standard, read in ``session``'s transaction."""
    return _current(session, _subject(subject))


def current_standard(engine: Engine, subject: str) -> StandardRecord:
    """The newest version of ``subject``'s standard (a methodology or 'prioritisation')."""
    _subject(subject)
    with Session(engine) as s:
        return _current(s, subject)


def standard_history(engine: Engine, user: CurrentUser, subject: str) -> pl.DataFrame:
    """Every saved version of ``subject``'s standard, newest first (:data:`HISTORY`)."""
    require(user, WRITERS, "see the history of the method standards")
    stmt = (select(_S.c.version, _S.c.effective_from, _S.c.changed_by, _S.c.changed_at, _S.c.note)
            .where(_S.c.subject == _subject(subject)).order_by(_S.c.version.desc()))
    return read_frame(engine, stmt, {**HISTORY, "changed_at": pl.Datetime})


# --------------------------------------------------------------------------- validation


def check_gates(gates: Any) -> dict[str, list[str]]:
    """gate type -> deliverable names, trimmed and de-duplicated (case-insensitively), or
    WorkflowInvalid naming each gate that is wrong. Every gate type must be present; a gate may
    require no deliverable."""
    c = Checker("method standard")
    if not isinstance(gates, dict):
        raise WorkflowError(f"gates must map each gate type to its deliverables, not "
                            f"{type(gates).__name__}")
    for unknown in [g for g in gates if g not in GATE_TYPES]:
        c.fail(str(unknown), f"unknown gate: choose among {', '.join(GATE_TYPES)}")
    out: dict[str, list[str]] = {}
    for gate in GATE_TYPES:
        names = gates.get(gate)
        if names is None:
            c.fail(gate, "is missing: list its required deliverables (or none)")
            continue
        if isinstance(names, str):
            names = names.splitlines()
        clean: dict[str, str] = {}
        for i, name in enumerate(names, start=1):
            if name is None or not str(name).strip():
                continue
            value = c.line(gate, name, high=DELIVERABLE_MAX)
            if value is None or gate in c.problems:
                break
            if value.casefold() in clean:
                c.fail(gate, f"deliverable {value!r} is listed twice")
                break
            clean[value.casefold()] = value
        if len(clean) > MAX_DELIVERABLES:
            c.fail(gate, f"lists {len(clean)} deliverables, at most {MAX_DELIVERABLES}")
        out[gate] = list(clean.values())
    c.done()
    return out


def check_weights(weights: Any) -> dict[str, int]:
    """criterion -> whole weight 0..100, every criterion given, at least one above 0."""
    c = Checker("prioritisation standard")
    if not isinstance(weights, dict):
        raise WorkflowError(f"weights must map each criterion to a weight, not "
                            f"{type(weights).__name__}")
    for unknown in [k for k in weights if k not in CRITERIA]:
        c.fail(str(unknown), f"unknown criterion: choose among {', '.join(CRITERIA)}")
    out: dict[str, int] = {}
    for key in CRITERIA:
        value = weights.get(key)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
            c.fail(key, f"must be a whole number from 0 to 100, not {value!r}")
        else:
            out[key] = value
    if not c.problems and not any(out.values()):
        c.fail("weights", "at least one criterion must weigh more than 0")
    c.done()
    return out


# --------------------------------------------------------------------------- writes


def _save(engine: Engine, user: CurrentUser, subject: str, content: dict, *,
          effective_from: Any, expected_version: Any, note: Any) -> StandardRecord:
    expected = check_version(expected_version, allow_zero=True)
    c = Checker("standard")
    day = c.day("effective_from", effective_from)
    text = c.text("note", note)
    c.done()
    label = f"the {subject.replace('_', ' ')} standard"
    try:
        with unit_of_work(engine, user.username) as uow:
            before = _current(uow.session, subject)
            if before.version != expected:
                raise WorkflowConflict(label, expected_version=expected,
                                       current_version=before.version,
                                       changed_by=before.changed_by)
            if before.content == content and before.version > 0:
                return before  # nothing changed: no new version (double submit)
            uow.session.add(MethodStandard(subject=subject, version=expected + 1, content=content,
                                           effective_from=day, changed_by=user.username,
                                           changed_at=utcnow(), note=text))
            uow.session.flush()
            uow.audit("standard.save", entity="method_standard", entity_id=subject,
                      before={"version": before.version, **before.content},
                      after={"version": expected + 1, **content,
                             "effective_from": day.isoformat()}, detail=text)
            uow.commit()
    except IntegrityError:  # a concurrent save inserted the same version first
        with Session(engine) as s:
            now = _current(s, subject)
        raise WorkflowConflict(label, expected_version=expected, current_version=now.version,
                               changed_by=now.changed_by) from None
    return StandardRecord(subject, expected + 1, content, day, user.username)


def save_gate_standard(engine: Engine, user: CurrentUser, methodology: str, *,
                       gates: dict[str, Any], effective_from: Any, expected_version: Any,
                       note: Any = None) -> StandardRecord:
    """Save a new version of ``methodology``'s gates and required deliverables."""
    require(user, WRITERS, "change the method standards")
    if methodology not in METHODOLOGIES:
        raise WorkflowError(f"unknown methodology {methodology!r}: choose one of "
                            f"{', '.join(METHODOLOGIES)}")
    clean = check_gates(gates)
    content = {"gates": [{"gate_type": g, "deliverables": clean[g]} for g in GATE_TYPES]}
    return _save(engine, user, methodology, content, effective_from=effective_from,
                 expected_version=expected_version, note=note)


def save_criteria_weights(engine: Engine, user: CurrentUser, *, weights: dict[str, Any],
                          effective_from: Any, expected_version: Any,
                          note: Any = None) -> StandardRecord:
    """Save a new version of the prioritisation criteria's default weights."""
    require(user, WRITERS, "change the method standards")
    content = {"weights": check_weights(weights)}
    return _save(engine, user, PRIORITISATION, content, effective_from=effective_from,
                 expected_version=expected_version, note=note)


# --------------------------------------------------------------------------- thresholds


def list_thresholds(engine: Engine) -> pl.DataFrame:
    """The RAG thresholds with their versions, by metric (:data:`THRESHOLDS`)."""
    stmt = select(*(_T.c[name] for name in THRESHOLDS)).order_by(_T.c.metric)
    return read_frame(engine, stmt, THRESHOLDS)


def check_threshold(metric: str, amber: Any, red: Any, higher_is_worse: bool) -> tuple[float, float]:
    """(amber, red) as finite numbers >= 0 with red at least as severe as amber."""
    c = Checker(f"threshold {metric}")
    values = {}
    for field, value in (("amber", amber), ("red", red)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value \
                or value in (float("inf"), float("-inf")):
            c.fail(field, f"must be a number, not {value!r}")
        elif value < 0:
            c.fail(field, f"must not be negative, not {value}")
        else:
            values[field] = float(value)
    if len(values) == 2:
        a, r = values["amber"], values["red"]
        if higher_is_worse and r < a:
            c.fail("red", f"must be at or above amber ({a:g}) for {metric}, where higher is "
                          f"worse, not {r:g}")
        elif not higher_is_worse and r > a:
            c.fail("red", f"must be at or below amber ({a:g}) for {metric}, where lower is "
                          f"worse, not {r:g}")
    c.done()
    return values["amber"], values["red"]


def update_thresholds(engine: Engine, user: CurrentUser,
                      changes: dict[str, tuple[Any, Any, Any]]) -> dict[str, int]:
    """Change the amber and red limits of several metrics in one transaction:
    ``{metric: (amber, red, expected_version)}``; every row must still be at the version the
    user loaded (else :class:`WorkflowConflict`, nothing written) and every pair valid (else
    :class:`WorkflowInvalid` naming each metric). Returns metric -> version after the save."""
    require(user, WRITERS, "change the RAG thresholds")
    if not isinstance(changes, dict) or not changes:
        raise WorkflowError("give at least one threshold to change")
    with unit_of_work(engine, user.username) as uow:
        rows = {r.metric: r for r in uow.session.execute(
            select(_T.c.id, _T.c.metric, _T.c.amber, _T.c.red, _T.c.higher_is_worse, _T.c.version)
            .where(_T.c.metric.in_(list(changes)))).all()}
        c = Checker("thresholds")
        clean: dict[str, tuple[float, float, int]] = {}
        for metric, (amber, red, expected_version) in changes.items():
            if metric not in rows:
                c.fail(str(metric), "there is no threshold for this metric")
                continue
            try:
                a, r = check_threshold(metric, amber, red, bool(rows[metric].higher_is_worse))
                clean[metric] = (a, r, check_version(expected_version))
            except WorkflowError as exc:
                c.fail(metric, str(exc).split(": ", 1)[-1])
        c.done()
        for metric, (_, _, expected) in clean.items():
            if rows[metric].version != expected:
                raise WorkflowConflict(f"the {metric} threshold", expected_version=expected,
                                       current_version=rows[metric].version)
        out = {}
        for metric, (a, r, expected) in clean.items():
            row = rows[metric]
            if (row.amber, row.red) == (a, r):
                out[metric] = row.version
                continue
            matched = uow.session.execute(
                update(_T).where(_T.c.id == row.id, _T.c.version == expected)
                .values(amber=a, red=r, version=_T.c.version + 1, updated_at=utcnow())).rowcount
            if matched != 1:
                raise WorkflowConflict(f"the {metric} threshold", expected_version=expected,
                                       current_version=None)
            uow.audit("threshold.update", entity="threshold", entity_id=metric,
                      before={"amber": row.amber, "red": row.red, "version": expected},
                      after={"amber": a, "red": r, "version": expected + 1})
            out[metric] = expected + 1
        uow.commit()
    return out


def standard_versions(engine: Engine) -> dict[str, int]:
    """subject -> newest saved version (0 when only the default exists), for cache keys."""
    with Session(engine) as s:
        rows = dict(s.execute(select(_S.c.subject, func.max(_S.c.version))
                              .group_by(_S.c.subject)).all())
    return {subject: int(rows.get(subject, 0)) for subject in (*METHODOLOGIES, PRIORITISATION)}
