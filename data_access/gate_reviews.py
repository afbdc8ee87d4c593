"""Gate reviews (PMO): the projects at a gate, the checklist of the deliverables the method
standard requires with their evidence, and the decision, which moves the project's phase.

Decision rules (one transaction with the review row, the milestone, the project and the audit):
- go / go with conditions: the gate milestone is validated (actual date = decision date when it
  had none) and the project's phase becomes the gate's target phase (:data:`GATE_TARGET`) unless
  it is already further on; a proposed or on-hold project becomes active, a project passing G4
  becomes completed. A plain "go" needs every deliverable the standard requires validated;
  otherwise decide "go with conditions".
- no-go: the milestone is rejected; before execution (G0 to G2) the project is cancelled and goes
  to closure (lessons learned), later the phase and status stay (rework).
- on hold: the project is put on hold; the phase stays.
Conditions (or the reasons of a no-go or hold) are required for every decision but "go".
Optimistic locking on the project row: the decision names the project version the PMO loaded.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import polars as pl
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from data_access.models import Deliverable, GateReview, Milestone, Project
from data_access.models.base import utcnow
from data_access.models.enums import PHASES
from data_access.models.workflow import GATE_DECISIONS
from data_access.reader import read_frame
from data_access.settings import today as settings_today
from data_access.standards import standard_in_force
from data_access.users import CurrentUser
from data_access.uow import unit_of_work
from data_access.workflow import (WRITERS, Checker, WorkflowConflict, WorkflowError, check_version,
                                  require)

GATE_TARGET = {"G0_idea": "framing", "G1_framing": "framing", "G2_go": "execution",
               "G3_delivery": "closure", "G4_closure": "closed"}
"""The phase a project enters when it passes a gate."""
EARLY_GATES = ("G0_idea", "G1_framing", "G2_go")
NEEDS_CONDITIONS = ("go_with_conditions", "no_go", "on_hold")
GATES = {"milestone_id": pl.Int64, "project_id": pl.Int64, "code": pl.String, "name": pl.String,
         "methodology": pl.String, "phase": pl.String, "status": pl.String,
         "project_version": pl.Int64, "gate_type": pl.String, "gate_name": pl.String,
         "forecast_date": pl.Date, "actual_date": pl.Date, "validation_state": pl.String}
"""Columns and dtypes of :func:`project_gates`."""
CHECKLIST = {"deliverable": pl.String, "required": pl.Boolean, "recorded": pl.Boolean,
             "validated": pl.Boolean, "validated_on": pl.Date}
"""Columns and dtypes of :func:`gate_checklist`."""
REVIEWS = {"id": pl.Int64, "project_id": pl.Int64, "code": pl.String, "gate_type": pl.String,
           "decision": pl.String, "conditions": pl.String, "decided_on": pl.Date,
           "decided_by": pl.String, "phase_before": pl.String, "next_phase": pl.String}
"""Columns and dtypes of :func:`list_reviews`."""


@dataclass(frozen=True)
class Outcome:
    """What a decision does to the project."""

    next_phase: str
    status: str
    validation_state: str


def outcome(decision: str, gate_type: str, phase: str, status: str) -> Outcome:
    """The project's phase and status and the gate's validation state after ``decision``."""
    if decision in ("go", "go_with_conditions"):
        target = GATE_TARGET[gate_type]
        nxt = max(phase, target, key=PHASES.index)
        new_status = ("completed" if nxt == "closed" and status != "cancelled"
                      else "active" if status in ("proposed", "on_hold") else status)
        return Outcome(nxt, new_status, "validated")
    if decision == "no_go":
        if gate_type in EARLY_GATES:
            return Outcome(max(phase, "closure", key=PHASES.index), "cancelled", "rejected")
        return Outcome(phase, status, "rejected")
    if decision == "on_hold":
        return Outcome(phase, "on_hold", "pending")
    raise WorkflowError(f"unknown decision {decision!r}: choose one of {', '.join(GATE_DECISIONS)}")


def project_gates(engine: Engine, user: CurrentUser) -> pl.DataFrame:
    """Every gate of the projects in the user's scope (PMO), by project code and gate type."""
    require(user, WRITERS, "review gates")
    stmt = (select(Milestone.id, Project.id, Project.code, Project.name, Project.methodology,
                   Project.phase, Project.status, Project.version, Milestone.gate_type,
                   Milestone.name, Milestone.forecast_date, Milestone.actual_date,
                   Milestone.validation_state)
            .join(Project, Project.id == Milestone.project_id)
            .where(Milestone.kind == "gate", user.scope.project_clause())
            .order_by(Project.code, Milestone.gate_type))
    return read_frame(engine, stmt, GATES)


def next_gate(gates: pl.DataFrame) -> pl.DataFrame:
    """Per project its first gate not yet validated or waived (the gate it stands at)."""
    return (gates.filter(~pl.col("validation_state").is_in(["validated", "waived"]))
            .sort("code", "gate_type").unique("project_id", keep="first", maintain_order=True))


def _checklist(session: Session, milestone_id: int, methodology: str) -> tuple[pl.DataFrame, int]:
    gate_type = session.execute(select(Milestone.gate_type).where(Milestone.id == milestone_id)
                                ).scalar_one_or_none()
    rows = session.execute(select(Deliverable.name, Deliverable.validated, Deliverable.validated_on)
                           .where(Deliverable.milestone_id == milestone_id)
                           .order_by(Deliverable.name)).all()
    standard = standard_in_force(session, methodology)
    wanted = standard.gates.get(gate_type or "", [])
    recorded = {r.name.strip().casefold(): r for r in rows}
    out = []
    for name in wanted:
        r = recorded.pop(name.casefold(), None)
        out.append((name, True, r is not None, bool(r and r.validated),
                    r.validated_on if r else None))
    out += [(r.name, False, True, bool(r.validated), r.validated_on) for r in recorded.values()]
    return pl.DataFrame(out, schema=CHECKLIST, orient="row"), standard.version


def gate_checklist(engine: Engine, user: CurrentUser, milestone_id: int,
                   methodology: str) -> tuple[pl.DataFrame, int]:
    """(:data:`CHECKLIST`, standard version): the deliverables the standard requires at the gate
    (required = True) matched by name (case-insensitively) with the project's recorded ones,
    then the recorded ones the standard does not ask for (required = False)."""
    require(user, WRITERS, "review gates")
    with Session(engine) as s:
        return _checklist(s, milestone_id, methodology)


def list_reviews(engine: Engine, user: CurrentUser, project_id: int | None = None) -> pl.DataFrame:
    """The gate decisions taken in the user's scope, newest first (:data:`REVIEWS`)."""
    require(user, WRITERS, "see gate reviews")
    r = GateReview
    stmt = (select(r.id, r.project_id, Project.code, Milestone.gate_type, r.decision, r.conditions,
                   r.decided_on, r.decided_by, r.phase_before, r.next_phase)
            .join(Project, Project.id == r.project_id).join(Milestone, Milestone.id == r.milestone_id)
            .where(user.scope.project_clause())
            .order_by(r.decided_on.desc(), r.id.desc()))
    if project_id is not None:
        stmt = stmt.where(r.project_id == project_id)
    return read_frame(engine, stmt, REVIEWS)


@dataclass(frozen=True)
class Decision:
    review_id: int
    phase_before: str
    next_phase: str
    status: str
    project_version: int


def decide(engine: Engine, user: CurrentUser, *, milestone_id: Any, decision: Any,
           conditions: Any, decided_on: Any, expected_project_version: Any,
           today: dt.date | None = None) -> Decision:
    """Record the decision at gate ``milestone_id`` and move the project (see the module doc)."""
    require(user, WRITERS, "decide at gates")
    today = today or settings_today()
    c = Checker("gate decision")
    gate_id = c.ident("gate", milestone_id)
    choice = c.choice("decision", decision, GATE_DECISIONS)
    text = c.text("conditions", conditions, optional=choice not in NEEDS_CONDITIONS,
                  required_why=("are required for this decision: state the conditions, or the "
                                "reasons for a no-go or a hold"))
    day = c.day("decided_on", decided_on, not_after=today)
    c.done()
    expected = check_version(expected_project_version)
    with unit_of_work(engine, user.username) as uow:
        s = uow.session
        row = s.execute(select(Milestone.id, Milestone.gate_type, Milestone.actual_date,
                               Milestone.validation_state, Project.id.label("project_id"),
                               Project.code, Project.phase, Project.status, Project.version,
                               Project.methodology, Project.actual_start)
                        .join(Project, Project.id == Milestone.project_id)
                        .where(Milestone.id == gate_id, Milestone.kind == "gate",
                               user.scope.project_clause())).first()
        if row is None:
            raise WorkflowError(f"no gate with id {gate_id} in your scope")
        if row.version != expected:
            raise WorkflowConflict(f"project {row.code}", expected_version=expected,
                                   current_version=row.version)
        checklist, std_version = _checklist(s, gate_id, row.methodology)
        missing = checklist.filter(pl.col("required") & ~pl.col("validated"))["deliverable"]
        if choice == "go" and missing.len():
            raise WorkflowError(
                "the gate decision was not saved: decision: a plain go needs every required "
                f"deliverable validated, missing {', '.join(missing.to_list())}; decide "
                "'go with conditions' and state them, or validate the deliverables first")
        if row.actual_start and day < row.actual_start - dt.timedelta(days=366):
            raise WorkflowError(f"the gate decision was not saved: decided on: "
                                f"{day.isoformat()} is long before the project started")
        out = outcome(choice, row.gate_type, row.phase, row.status)
        matched = s.execute(update(Project).where(Project.id == row.project_id,
                                                  Project.version == expected)
                            .values(phase=out.next_phase, status=out.status,
                                    version=Project.version + 1, updated_at=utcnow())
                            .execution_options(synchronize_session=False)).rowcount
        if matched != 1:
            raise WorkflowConflict(f"project {row.code}", expected_version=expected,
                                   current_version=None)
        gate_values: dict[str, Any] = {"validation_state": out.validation_state,
                                       "version": Milestone.version + 1, "updated_at": utcnow()}
        if out.validation_state == "validated" and row.actual_date is None:
            gate_values["actual_date"] = day
        s.execute(update(Milestone).where(Milestone.id == gate_id).values(**gate_values)
                  .execution_options(synchronize_session=False))
        evidence = {"standard_version": std_version, "checklist": [
            {**r, "validated_on": r["validated_on"] and r["validated_on"].isoformat()}
            for r in checklist.iter_rows(named=True)]}
        review = GateReview(project_id=row.project_id, milestone_id=gate_id, decision=choice,
                            conditions=text, decided_on=day, decided_by=user.username,
                            phase_before=row.phase, next_phase=out.next_phase,
                            standard_version=std_version, evidence=evidence)
        s.add(review)
        s.flush()
        uow.audit("gate.decide", entity="project", entity_id=row.code,
                  before={"phase": row.phase, "status": row.status, "version": expected,
                          "gate": row.gate_type, "validation_state": row.validation_state},
                  after={"phase": out.next_phase, "status": out.status, "version": expected + 1,
                         "gate": row.gate_type, "validation_state": out.validation_state,
                         "decision": choice, "conditions": text, "decided_on": day.isoformat(),
                         "review_id": review.id}, detail=text)
        uow.commit()
        return Decision(review.id, row.phase, out.next_phase, out.status, expected + 1)
