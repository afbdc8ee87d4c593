"""Corrective actions: opened by the PMO from a drift alert, a risk or a gate condition, linked
to their source, followed to closure. PMO and executives read (in their scope), the PMO writes.

Every write is one transaction through :func:`unit_of_work` with its audit entry (``action.open``
/ ``action.update``, before and after); an update names the version the user loaded and the
UPDATE carries ``WHERE id = :id AND version = :expected`` (:class:`WorkflowConflict` otherwise).
Rules: title 3..300 characters, owner and expected effect required, due date not before the
opening date, a done or cancelled action has a closing date (not before the opening date, not
in the future) and an open one has none; the source must exist in the same project.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from typing import Any

import polars as pl
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from data_access.models import CorrectiveAction, GateReview, Project, Risk
from data_access.models.base import utcnow
from data_access.models.workflow import ACTION_SOURCES, ACTION_STATUSES
from data_access.reader import read_frame
from data_access.scope import Scope
from data_access.settings import today as settings_today
from data_access.users import CurrentUser
from data_access.uow import unit_of_work
from data_access.workflow import (WRITERS, Checker, WorkflowConflict, WorkflowError, check_version,
                                  require)

READERS = frozenset({"executive", "pmo"})
DRIFT_ALERTS = ("cpi_trend", "spi_t_trend", "repeated_slip", "forecast_overrun")
"""The kinds of drift alert (analytics.drift) an action can come from."""
CLOSED = ("done", "cancelled")
ACTIONS = {
    "id": pl.Int64, "project_id": pl.Int64, "project_code": pl.String, "project_name": pl.String,
    "source_kind": pl.String, "source_ref": pl.String, "title": pl.String, "owner": pl.String,
    "due_date": pl.Date, "expected_effect": pl.String, "status": pl.String,
    "opened_on": pl.Date, "opened_by": pl.String, "closed_on": pl.Date,
    "closure_note": pl.String, "version": pl.Int64,
}
"""Columns and dtypes of :func:`list_actions`."""
PROJECTS = {"id": pl.Int64, "code": pl.String, "name": pl.String}
_A = CorrectiveAction.__table__


@dataclass(frozen=True)
class ActionRecord:
    """One corrective action as plain values."""

    id: int
    project_id: int
    source_kind: str
    source_ref: str | None
    title: str
    owner: str
    due_date: dt.date
    expected_effect: str
    status: str
    opened_on: dt.date
    opened_by: str
    closed_on: dt.date | None
    closure_note: str | None
    version: int

    def snapshot(self) -> dict:
        """What the audit log keeps (dates as ISO text)."""
        return {f.name: (v.isoformat() if isinstance(v := getattr(self, f.name), dt.date) else v)
                for f in fields(self)}


_COLUMNS = [f.name for f in fields(ActionRecord)]


def _record(session: Session, action_id: int) -> ActionRecord | None:
    row = session.execute(select(*(_A.c[c] for c in _COLUMNS)).where(_A.c.id == action_id)).first()
    return None if row is None else ActionRecord(**row._asdict())


def list_actions(engine: Engine, user: CurrentUser) -> pl.DataFrame:
    """Every action of the projects in the user's scope, by due date (:data:`ACTIONS`)."""
    require(user, READERS, "see corrective actions")
    return actions_in_scope(engine, user.scope)


def actions_in_scope(engine: Engine, scope: Scope) -> pl.DataFrame:
    """Every action of the projects ``scope`` may read (for the CLI acting as a scope; pages go
    through :func:`list_actions`, which checks the role first)."""
    stmt = (select(*(_A.c[c] for c in ("id", "project_id")), Project.code, Project.name,
                   *(_A.c[c] for c in list(ACTIONS)[4:]))
            .join(Project, Project.id == _A.c.project_id).where(scope.project_clause())
            .order_by(_A.c.due_date, _A.c.id))
    return read_frame(engine, stmt, ACTIONS)


def scoped_projects(engine: Engine, user: CurrentUser) -> pl.DataFrame:
    """The projects the user may open actions on (:data:`PROJECTS`), by code."""
    require(user, READERS, "see corrective actions")
    stmt = (select(Project.id, Project.code, Project.name).where(user.scope.project_clause())
            .order_by(Project.code))
    return read_frame(engine, stmt, PROJECTS)


def get_action(engine: Engine, user: CurrentUser, action_id: int) -> ActionRecord | None:
    """The action (None when it does not exist or lies outside the user's scope)."""
    require(user, READERS, "see corrective actions")
    if isinstance(action_id, bool) or not isinstance(action_id, int) or not 1 <= action_id < 2**31:
        return None
    with Session(engine) as s:
        inside = s.execute(select(_A.c.id).join(Project, Project.id == _A.c.project_id)
                           .where(_A.c.id == action_id, user.scope.project_clause())).first()
        return _record(s, action_id) if inside else None


# --------------------------------------------------------------------------- sources


def parse_source(text: Any) -> tuple[str, str | None]:
    """'risk:123', 'gate_condition:45', 'drift_alert:cpi_trend' or 'other' -> (kind, ref)."""
    if not isinstance(text, str) or not text.strip():
        raise WorkflowError("the source must be written kind:reference, e.g. risk:123")
    kind, _, ref = text.strip().partition(":")
    if kind not in ACTION_SOURCES:
        raise WorkflowError(f"unknown source kind {kind[:40]!r}: choose one of "
                            f"{', '.join(ACTION_SOURCES)}")
    return kind, ref.strip()[:64] or None


def _source_problem(session: Session, project_id: int, kind: str, ref: str | None) -> str | None:
    """Why (kind, ref) is not a valid source for an action of ``project_id`` (None if it is)."""
    if kind == "other":
        return None
    if ref is None:
        return f"a {kind.replace('_', ' ')} source needs its reference"
    if kind == "drift_alert":
        return None if ref in DRIFT_ALERTS else (
            f"unknown drift alert {ref!r}: choose one of {', '.join(DRIFT_ALERTS)}")
    if not ref.isdigit() or not 1 <= int(ref) < 2**31:
        return f"the {kind.replace('_', ' ')} reference must be its number, not {ref!r}"
    model = Risk if kind == "risk" else GateReview
    owner = session.execute(select(model.project_id).where(model.id == int(ref))).scalar()
    if owner is None:
        return f"there is no {kind.replace('_', ' ')} number {ref}"
    if owner != project_id:
        return f"{kind.replace('_', ' ')} {ref} belongs to another project"
    return None


def source_prefill(engine: Engine, user: CurrentUser, source: Any,
                   project_code: str | None = None) -> dict:
    """Form values for an action opened from ``source`` ('risk:123', 'gate_condition:45',
    'drift_alert:cpi_trend' with ``project_code``): project_id, source_kind, source_ref, title,
    owner, expected_effect. WorkflowError when the source does not exist in the user's scope."""
    require(user, READERS, "open corrective actions")
    kind, ref = parse_source(source)
    with Session(engine) as s:
        scope = user.scope.project_clause()
        if kind == "risk" and ref and ref.isdigit() and int(ref) < 2**31:
            row = s.execute(select(Risk.project_id, Risk.title, Risk.owner, Risk.mitigation)
                            .join(Project, Project.id == Risk.project_id)
                            .where(Risk.id == int(ref), scope)).first()
            if row is None:
                raise WorkflowError(f"there is no risk number {ref} in your scope")
            return {"project_id": row.project_id, "source_kind": kind, "source_ref": ref,
                    "title": f"Mitigate risk: {row.title}"[:300], "owner": row.owner or "",
                    "expected_effect": row.mitigation or ""}
        if kind == "gate_condition" and ref and ref.isdigit() and int(ref) < 2**31:
            row = s.execute(select(GateReview.project_id, GateReview.conditions, GateReview.decision)
                            .join(Project, Project.id == GateReview.project_id)
                            .where(GateReview.id == int(ref), scope)).first()
            if row is None:
                raise WorkflowError(f"there is no gate review number {ref} in your scope")
            return {"project_id": row.project_id, "source_kind": kind, "source_ref": ref,
                    "title": f"Meet the gate condition of review {ref}", "owner": "",
                    "expected_effect": row.conditions or ""}
        if kind in ("risk", "gate_condition"):
            raise WorkflowError(f"the {kind.replace('_', ' ')} reference must be its number, "
                                f"not {ref!r}")
        project_id = None
        if project_code:
            project_id = s.execute(select(Project.id).where(Project.code == project_code, scope)
                                   ).scalar()
            if project_id is None:
                raise WorkflowError(f"there is no project {project_code[:40]!r} in your scope")
        if kind == "drift_alert" and ref not in DRIFT_ALERTS:
            raise WorkflowError(f"unknown drift alert {ref!r}: choose one of "
                                f"{', '.join(DRIFT_ALERTS)}")
        title = f"Correct the {ref.replace('_', ' ')} drift" if kind == "drift_alert" else ""
        return {"project_id": project_id, "source_kind": kind, "source_ref": ref, "title": title,
                "owner": "", "expected_effect": ""}


# --------------------------------------------------------------------------- writes


def check_action(c: Checker, *, title: Any, owner: Any, due_date: Any, expected_effect: Any,
                 status: Any, opened_on: dt.date, closed_on: Any, closure_note: Any,
                 today: dt.date) -> dict:
    """The editable fields cleaned, problems collected in ``c``."""
    values = {
        "title": c.line("title", title, low=3, high=300),
        "owner": c.line("owner", owner, high=200),
        "due_date": c.day("due_date", due_date),
        "expected_effect": c.text("expected_effect", expected_effect, optional=False),
        "status": c.choice("status", status, ACTION_STATUSES),
        "closed_on": c.day("closed_on", closed_on, optional=True, not_after=today),
        "closure_note": c.text("closure_note", closure_note),
    }
    due, closed = values["due_date"], values["closed_on"]
    if due is not None and due < opened_on:
        c.fail("due_date", f"must not be before the opening date {opened_on.isoformat()}, "
                           f"not {due.isoformat()}")
    if values["status"] in CLOSED and closed is None and "closed_on" not in c.problems:
        c.fail("closed_on", f"is required for a {values['status']} action")
    if values["status"] in ("open", "in_progress") and closed is not None:
        c.fail("closed_on", "must be empty while the action is open or in progress")
    if closed is not None and closed < opened_on:
        c.fail("closed_on", f"must not be before the opening date {opened_on.isoformat()}, "
                            f"not {closed.isoformat()}")
    return values


def open_action(engine: Engine, user: CurrentUser, *, project_id: Any, source_kind: Any,
                source_ref: Any, title: Any, owner: Any, due_date: Any, expected_effect: Any,
                opened_on: Any = None, today: dt.date | None = None) -> ActionRecord:
    """Open an action (status open) on a project in the user's scope, linked to its source."""
    require(user, WRITERS, "open corrective actions")
    today = today or settings_today()
    c = Checker("corrective action")
    pid = c.ident("project", project_id)
    kind = c.choice("source_kind", source_kind, ACTION_SOURCES)
    ref = c.line("source_ref", source_ref, high=64, optional=True)
    opened = c.day("opened_on", opened_on if opened_on is not None else today, not_after=today)
    values = check_action(c, title=title, owner=owner, due_date=due_date,
                          expected_effect=expected_effect, status="open",
                          opened_on=opened or today, closed_on=None, closure_note=None,
                          today=today)
    c.done()
    with unit_of_work(engine, user.username) as uow:
        s = uow.session
        inside = s.execute(select(Project.id).where(Project.id == pid,
                                                    user.scope.project_clause())).scalar()
        if inside is None:
            raise WorkflowError(f"the corrective action was not saved: project: there is no "
                                f"project {pid} in your scope")
        if problem := _source_problem(s, pid, kind, ref):
            raise WorkflowError(f"the corrective action was not saved: source: {problem}")
        action = CorrectiveAction(project_id=pid, source_kind=kind, source_ref=ref,
                                  opened_on=opened, opened_by=user.username, **values)
        s.add(action)
        s.flush()
        record = _record(s, action.id)
        uow.audit("action.open", entity="corrective_action", entity_id=action.id,
                  after=record.snapshot())
        uow.commit()
        return record


def update_action(engine: Engine, user: CurrentUser, action_id: Any, *, expected_version: Any,
                  title: Any, owner: Any, due_date: Any, expected_effect: Any, status: Any,
                  closed_on: Any = None, closure_note: Any = None,
                  today: dt.date | None = None) -> ActionRecord:
    """Change an action still at ``expected_version`` (follow-up and closure)."""
    require(user, WRITERS, "change corrective actions")
    today = today or settings_today()
    expected = check_version(expected_version)
    before = get_action(engine, user, action_id)
    if before is None:
        raise WorkflowError(f"there is no corrective action {action_id!r} in your scope")
    c = Checker("corrective action")
    values = check_action(c, title=title, owner=owner, due_date=due_date,
                          expected_effect=expected_effect, status=status,
                          opened_on=before.opened_on, closed_on=closed_on,
                          closure_note=closure_note, today=today)
    c.done()
    with unit_of_work(engine, user.username) as uow:
        current = _record(uow.session, before.id)
        if current is None or current.version != expected:
            raise WorkflowConflict(f"corrective action {before.id}", expected_version=expected,
                                   current_version=current and current.version)
        if all(getattr(current, k) == v for k, v in values.items()):
            return current  # nothing changed (e.g. a double submit)
        matched = uow.session.execute(
            update(_A).where(_A.c.id == before.id, _A.c.version == expected)
            .values(**values, version=_A.c.version + 1, updated_at=utcnow())).rowcount
        if matched != 1:
            raise WorkflowConflict(f"corrective action {before.id}", expected_version=expected,
                                   current_version=None)
        after = _record(uow.session, before.id)
        uow.audit("action.update", entity="corrective_action", entity_id=before.id,
                  before=current.snapshot(), after=after.snapshot())
        uow.commit()
        return after
