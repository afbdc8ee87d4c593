"""Status reports: a manager's periodic report per project and month, closed periods, audited.

Who may write: a manager for the projects they manage; a PMO user for any project in their
scope; nobody else (:class:`ReportForbidden`). Only PMO users close and reopen a period.
Every save is one transaction through :func:`unit_of_work`: the report (``status_report.submit``
or ``status_report.update``), the actual cost of the period (``cost.actual``, in
``cost_entries``), the risks added or updated (``risk.add`` / ``risk.update``), each audited with
before and after. An update names the version the user loaded and the UPDATE itself carries
``WHERE id = :id AND version = :expected AND NOT locked``: of two users saving from the same
version exactly one wins, the other gets :class:`ReportConflict` and nothing is written.
A closed period (``reporting_periods.closed_at``) refuses every save (:class:`PeriodClosed`);
closing locks its reports (``status_reports.locked``) in the same transaction, reopening unlocks
them. A save holds a shared lock on its period row, a closure an exclusive one (PostgreSQL), so a
report cannot slip into a period while it closes (SQLite serialises every write anyway).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
from sqlalchemy import Engine, false, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from data_access.models import AuditEntry, CostEntry, Project, Risk, StatusReport, User
from data_access.models.base import utcnow
from data_access.reader import read_frame
from data_access.scope import Scope
from data_access.settings import today as settings_today
from data_access.status_report_rules import (  # noqa: F401 (re-exported)
    _BIDI,
    _C,
    _K,
    _P,
    _R,
    CLOSERS,
    COMMENT_MAX,
    FIELDS,
    MAX_AMOUNT,
    MAX_ID,
    PERIODS,
    RAG_FIELDS,
    RISK_FIELDS,
    RISKS,
    TEXT_MAX,
    TITLE_MAX,
    WRITABLE,
    WRITERS,
    PeriodClosed,
    PeriodState,
    ReportConflict,
    ReportForbidden,
    ReportInvalid,
    ReportRecord,
    StatusReportError,
    _check_id,
    _check_period,
    _choice,
    _collect,
    _date,
    _number,
    _require,
    _text,
    _utc,
    _writable_clause,
    check_report,
    check_risk,
    period_label,
    period_of,
)
from data_access.uow import UnitOfWork, unit_of_work
from data_access.users import CurrentUser

# --------------------------------------------------------------------------- reads


def writable_projects(engine: Engine, user: CurrentUser) -> pl.DataFrame:
    """The projects ``user`` may report on (:data:`WRITABLE`; empty for other roles)."""
    clause = _writable_clause(user) if user.role in WRITERS else false()
    return read_frame(engine, select(Project.id, Project.code, Project.name).where(clause)
                      .order_by(Project.code), WRITABLE)


def _report(session: Session, where) -> ReportRecord | None:
    row = session.execute(
        select(_R.c.id, _R.c.project_id, _R.c.period, _R.c.reported_on,
               *(_R.c[f] for f in RAG_FIELDS),
               _R.c.comment, _R.c.percent_complete, _R.c.forecast_end, _R.c.eac,
               _C.c.actual.label("actual_cost"), User.username.label("author"), _R.c.locked,
               _R.c.version)
        .outerjoin(_C, (_C.c.project_id == _R.c.project_id) & (_C.c.month == _R.c.period))
        .outerjoin(User, User.id == _R.c.author_id)
        .where(where).order_by(_R.c.period.desc()).limit(1)).first()
    return None if row is None else ReportRecord(**{**row._mapping, "locked": bool(row.locked)})


def _in_scope(scope: Scope, project_id: int):
    return _R.c.project_id.in_(select(Project.id).where(Project.id == project_id,
                                                        scope.project_clause()))


def get_report(engine: Engine, user: CurrentUser, project_id: int,
               period: dt.date) -> ReportRecord | None:
    """The report of ``project_id`` for ``period`` if ``user`` may see it, else None."""
    with Session(engine) as s:
        return _report(s, (_R.c.period == period_of(period)) & _in_scope(user.scope, project_id))


def previous_report(engine: Engine, user: CurrentUser, project_id: int,
                    period: dt.date) -> ReportRecord | None:
    """The latest report of ``project_id`` before ``period`` (to prefill a new one), or None."""
    with Session(engine) as s:
        return _report(s, (_R.c.period < period_of(period)) & _in_scope(user.scope, project_id))


def project_risks(engine: Engine, user: CurrentUser, project_id: int) -> pl.DataFrame:
    """The project's risks that are not closed (:data:`RISKS`), worst score first."""
    stmt = (select(*(_K.c[c] for c in RISKS)).where(
        _K.c.project_id.in_(select(Project.id).where(Project.id == project_id,
                                                     user.scope.project_clause())),
        _K.c.status != "closed")
        .order_by((_K.c.probability * _K.c.impact).desc(), _K.c.id))
    return read_frame(engine, stmt, RISKS)


def period_state(engine: Engine, period: dt.date) -> PeriodState:
    """Whether ``period`` is closed, by whom and when."""
    with Session(engine) as s:
        row = s.execute(select(_P.c.closed_at, _P.c.closed_by)
                        .where(_P.c.period == period_of(period))).first()
    return PeriodState(period_of(period), _utc(row.closed_at) if row else None,
                       row.closed_by if row else None)


def list_periods(engine: Engine) -> pl.DataFrame:
    """Every period with a report or a closure record, newest first (:data:`PERIODS`)."""
    counts = (select(_R.c.period, func.count().label("reports")).group_by(_R.c.period)
              .subquery())
    known = select(_R.c.period).union(select(_P.c.period)).subquery()
    stmt = (select(known.c.period, _P.c.closed_at, _P.c.closed_by,
                   func.coalesce(counts.c.reports, 0))
            .outerjoin(_P, _P.c.period == known.c.period)
            .outerjoin(counts, counts.c.period == known.c.period)
            .order_by(known.c.period.desc()))
    read = {**PERIODS, "closed_at": pl.Datetime}  # the reader types naive UTC
    return read_frame(engine, stmt, read).cast(PERIODS)


# --------------------------------------------------------------------------- writes


def _lock_period(session: Session, period: dt.date, *, exclusive: bool) -> PeriodState:
    """Make sure the period's row exists, then lock it (shared for saves, exclusive to close)."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(insert(_P).values(period=period, version=1, updated_at=utcnow())
                    .on_conflict_do_nothing(index_elements=["period"]))
    row = session.execute(select(_P.c.closed_at, _P.c.closed_by).where(_P.c.period == period)
                          .with_for_update(read=not exclusive)).one()
    return PeriodState(period, _utc(row.closed_at), row.closed_by)


def _project(session: Session, user: CurrentUser, project_id: int):
    row = session.execute(select(Project.id, Project.code, Project.baseline_start).where(
        Project.id == project_id, _writable_clause(user))).first()
    if row is None:
        who = "you manage" if user.role == "manager" else "in your scope"
        raise ReportForbidden(f"you may not report on project {project_id}: only on projects {who}")
    return row


def save_report(engine: Engine, user: CurrentUser, *, project_id: int, period: dt.date,
                expected_version: int | None = None, risks: list[dict] = (),
                today: dt.date | None = None, **fields: Any) -> ReportRecord:
    """Submit the report of ``project_id`` for ``period`` (``expected_version`` None: a new one)
    or update it if it is still at ``expected_version``; with the period's actual cost and the
    risks added (no ``id``) or updated (``id`` and ``version``). Saving exactly what is stored
    writes nothing (a double submit is harmless)."""
    _require(user, WRITERS, "write status reports: only managers (for their projects) and PMO "
             "users may")
    today = today or settings_today()
    _check_id(project_id, "project id")
    period = _check_period(period, today)
    if expected_version is not None:
        _check_id(expected_version, "expected_version")
    checked = [check_risk(r, n) for n, r in enumerate(risks, start=1)]
    risk_problems = {k: v for _, p in checked for k, v in p.items()}
    for n, r in enumerate(risks, start=1):
        if r.get("id") is not None:
            _check_id(r.get("id"), f"risk {n} id")
            _check_id(r.get("version"), f"risk {n} version")
    conflict: str | None = None
    with unit_of_work(engine, user.username) as uow:
        s = uow.session
        state = _lock_period(s, period, exclusive=False)
        project = _project(s, user, project_id)
        if state.closed:
            raise PeriodClosed(period, state.closed_by, state.closed_at)
        try:
            clean = check_report(period=period, reported_on=today,
                                 project_start=project.baseline_start, **fields)
        except ReportInvalid as exc:
            raise ReportInvalid({**exc.problems, **risk_problems}) from None
        if risk_problems:
            raise ReportInvalid(risk_problems)
        where = (_R.c.project_id == project_id) & (_R.c.period == period)
        before = _report(s, where)
        if before is not None and before.locked:
            raise StatusReportError(
                f"the {project.code} report of {period_label(period)} is locked")
        changes = [(r, c) for r, (c, _) in zip(risks, checked)]
        if before is not None and not changes and _unchanged(before, clean):
            return before  # what is stored already (e.g. a double submit): nothing to write
        if (before is None) != (expected_version is None) or (
                before is not None and before.version != expected_version):
            conflict = _conflict_text(s, project.code, period, before, expected_version)
        else:
            record = _write(uow, user, project_id, period, today, before, expected_version, clean)
            if record is None:
                conflict = _conflict_text(s, project.code, period, None, expected_version)
            else:
                conflict = _write_risks(uow, project_id, today, changes)
                if conflict is None:
                    _write_cost(uow, project_id, period, before, clean["actual_cost"])
                    uow.commit()
                    return _report(s, where)
    raise ReportConflict(conflict)


def _unchanged(before: ReportRecord, clean: dict) -> bool:
    return all(getattr(before, f) == clean[f] for f in FIELDS if f != "actual_cost") and (
        clean["actual_cost"] is None or clean["actual_cost"] == before.actual_cost)


def _conflict_text(session: Session, code: str, period: dt.date, before: ReportRecord | None,
                   expected: int | None) -> str:
    last = session.execute(select(AuditEntry.actor, AuditEntry.at).where(
        AuditEntry.entity == "status_report", AuditEntry.entity_id == str(before.id))
        .order_by(AuditEntry.id.desc()).limit(1)).first() if before is not None else None
    who = last.actor if last else (before.author if before else None) or "another user"
    when = f" at {_utc(last.at):%Y-%m-%d %H:%M} UTC" if last else ""
    what = f"the {code} report of {period_label(period)}"
    if before is None:
        return f"{what} no longer exists; nothing was written"
    loaded = "no report yet" if expected is None else f"version {expected}"
    return (f"{what} was saved by {who}{when} and is now at version {before.version} (you "
            f"loaded {loaded}); nothing was written and your entries are kept: reload the report "
            "and apply your changes again")


def _write(uow: UnitOfWork, user: CurrentUser, project_id: int, period: dt.date, today: dt.date,
           before: ReportRecord | None, expected: int | None, clean: dict) -> ReportRecord | None:
    s = uow.session
    values = {f: clean[f] for f in FIELDS if f != "actual_cost"}
    if before is None:
        try:
            with s.begin_nested():
                report = StatusReport(project_id=project_id, period=period, reported_on=today,
                                      author_id=user.id, locked=False, **values)
                s.add(report)
                s.flush()
        except IntegrityError:  # submitted by someone else at the same moment
            return None
        report_id, action = report.id, "status_report.submit"
    else:
        matched = s.execute(update(_R).where(_R.c.id == before.id, _R.c.version == expected,
                                             _R.c.locked.is_(False))
                            .values(**values, reported_on=today, author_id=user.id,
                                    version=_R.c.version + 1, updated_at=utcnow())).rowcount
        if matched != 1:
            return None
        report_id, action = before.id, "status_report.update"
    after = _report(s, _R.c.id == report_id)
    uow.audit(action, entity="status_report", entity_id=report_id,
              before=None if before is None else before.snapshot(), after=after.snapshot(),
              detail=f"project {project_id}, period {period.isoformat()}")
    return after


def _write_cost(uow: UnitOfWork, project_id: int, period: dt.date, before: ReportRecord | None,
                actual: float | None) -> None:
    if actual is None or (before is not None and before.actual_cost == actual):
        return
    s = uow.session
    row = s.execute(select(_C.c.id, _C.c.actual).where(_C.c.project_id == project_id,
                                                       _C.c.month == period)).first()
    if row is None:
        entry = CostEntry(project_id=project_id, month=period, planned=0, actual=actual)
        s.add(entry)
        s.flush()
        entry_id, old = entry.id, None
    else:
        if row.actual == actual:
            return
        s.execute(update(_C).where(_C.c.id == row.id).values(
            actual=actual, version=_C.c.version + 1, updated_at=utcnow()))
        entry_id, old = row.id, row.actual
    uow.audit("cost.actual", entity="cost_entry", entity_id=entry_id,
              before=None if row is None else {"actual": old},
              after={"project_id": project_id, "month": period.isoformat(), "actual": actual})


def _risk_snapshot(values: dict) -> dict:
    return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in values.items()}


def _write_risks(uow: UnitOfWork, project_id: int, today: dt.date,
                 changes: list[tuple[dict, dict]]) -> str | None:
    """Add or update each risk; the text of a conflict (nothing to be committed) or None."""
    s = uow.session
    for raw, clean in changes:
        closing = {"closed_on": today if clean["status"] == "closed" else None}
        if raw.get("id") is None:
            risk = Risk(project_id=project_id, identified_on=today, **clean, **closing)
            s.add(risk)
            s.flush()
            uow.audit("risk.add", entity="risk", entity_id=risk.id,
                      after=_risk_snapshot({**clean, "project_id": project_id}))
            continue
        old = s.execute(select(*(_K.c[f] for f in RISK_FIELDS), _K.c.version).where(
            _K.c.id == raw["id"], _K.c.project_id == project_id)).first()
        if old is None:
            return f"risk {raw['id']} is not a risk of this project (any more); nothing was written"
        matched = s.execute(update(_K).where(_K.c.id == raw["id"], _K.c.version == raw["version"])
                            .values(**clean, **closing, version=_K.c.version + 1,
                                    updated_at=utcnow())).rowcount
        if matched != 1:
            return (f"risk '{old.title}' was changed by another user since you loaded it (now "
                    f"version {old.version}, you loaded version {raw['version']}); nothing was "
                    "written and your entries are kept: reload and apply your changes again")
        uow.audit("risk.update", entity="risk", entity_id=raw["id"],
                  before=_risk_snapshot(dict(old._mapping)),
                  after=_risk_snapshot({**clean, "version": raw["version"] + 1}))
    return None


def _set_closed(engine: Engine, user: CurrentUser, period: Any, close: bool,
                today: dt.date | None) -> PeriodState:
    _require(user, CLOSERS, f"{'close' if close else 'reopen'} reporting periods: only PMO "
             "users may")
    period = _check_period(period, today or settings_today())
    with unit_of_work(engine, user.username) as uow:
        s = uow.session
        state = _lock_period(s, period, exclusive=True)
        if state.closed == close:
            if close:
                raise PeriodClosed(period, state.closed_by, state.closed_at)
            raise StatusReportError(f"period {period_label(period)} is not closed")
        now = utcnow()
        s.execute(update(_P).where(_P.c.period == period).values(
            closed_at=now if close else None, closed_by=user.username if close else None,
            version=_P.c.version + 1, updated_at=now))
        ids = s.execute(update(_R).where(_R.c.period == period, _R.c.locked.is_(not close))
                        .values(locked=close, version=_R.c.version + 1, updated_at=now)
                        .returning(_R.c.id)).scalars().all()
        uow.audit("period.close" if close else "period.reopen", entity="reporting_period",
                  entity_id=period.isoformat(),
                  before={"closed_at": state.closed_at and state.closed_at.isoformat(),
                          "closed_by": state.closed_by},
                  after={"closed_at": now.isoformat() if close else None,
                         "closed_by": user.username if close else None,
                         "reports_locked" if close else "reports_unlocked": sorted(ids)})
        uow.commit()
    return PeriodState(period, now if close else None, user.username if close else None)


def close_period(engine: Engine, user: CurrentUser, period: dt.date, *,
                 today: dt.date | None = None) -> PeriodState:
    """Close ``period`` (PMO): its reports are locked in the same transaction."""
    return _set_closed(engine, user, period, True, today)


def reopen_period(engine: Engine, user: CurrentUser, period: dt.date, *,
                  today: dt.date | None = None) -> PeriodState:
    """Reopen a closed ``period`` (PMO): its reports are unlocked in the same transaction."""
    return _set_closed(engine, user, period, False, today)


def period_actual_cost(engine: Engine, user: CurrentUser, project_id: int,
                       period: dt.date) -> float | None:
    """The actual cost recorded for ``project_id`` in ``period`` (None when none is)."""
    with Session(engine) as s:
        return s.scalar(select(_C.c.actual).where(
            _C.c.month == period_of(period),
            _C.c.project_id.in_(select(Project.id).where(Project.id == project_id,
                                                         user.scope.project_clause()))))
