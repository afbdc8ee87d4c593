"""Corrective actions on both databases: open from each kind of source (prefill), follow up and
close (audited), validation that writes nothing, optimistic locking, roles and scope."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from data_access import actions as ac
from data_access.models import AuditEntry, CorrectiveAction, GateReview
from data_access.users import CurrentUser
from data_access.workflow import WorkflowConflict, WorkflowError, WorkflowInvalid
from support.factories import make_department, make_milestone, make_project, make_risk, make_user

TODAY = date(2026, 3, 1)
VALID = {"title": "Re-plan the integration", "owner": "Mona", "due_date": date(2026, 3, 31),
         "expected_effect": "SPI back above 0.95 by April"}


def _user(s: Session, name: str, role: str, departments=()) -> CurrentUser:
    row = make_user(s, username=name, display_name=name, role=role)
    return CurrentUser(id=row.id, username=name, display_name=name, role=role,
                       department_ids=frozenset(d.id for d in departments), person_id=None,
                       session_epoch=row.session_epoch)


@pytest.fixture
def world(engine: Engine) -> dict:
    with Session(engine, expire_on_commit=False) as s:
        d1, d2 = make_department(s, code="D1"), make_department(s, code="D2")
        p1 = make_project(s, code="P1", department_id=d1.id)
        p2 = make_project(s, code="P2", department_id=d2.id)
        r1 = make_risk(s, project_id=p1.id, title="Vendor late", owner="Sam", mitigation="Second source")
        r2 = make_risk(s, project_id=p2.id)
        gate = make_milestone(s, project_id=p1.id, kind="gate", gate_type="G2_go")
        review = GateReview(project_id=p1.id, milestone_id=gate.id, decision="go_with_conditions",
                            conditions="Staff a tester", decided_on=TODAY, decided_by="alice",
                            phase_before="framing", next_phase="execution")
        s.add(review)
        s.flush()
        users = {"pmo": _user(s, "alice", "pmo"), "bob": _user(s, "bob", "pmo"),
                 "exec": _user(s, "eve", "executive"), "d2exec": _user(s, "dan", "executive", [d2]),
                 "manager": _user(s, "mike", "manager"), "viewer": _user(s, "val", "viewer")}
        s.commit()
    return {"engine": engine, "p1": p1.id, "p2": p2.id, "r1": r1.id, "r2": r2.id,
            "review": review.id, **users}


def _counts(engine: Engine) -> tuple:
    with Session(engine) as s:
        rows = tuple(s.execute(select(CorrectiveAction.id, CorrectiveAction.status,
                                      CorrectiveAction.version).order_by(CorrectiveAction.id)).all())
        return rows, s.scalar(select(func.count()).select_from(AuditEntry))


def _open(w, **kw):
    args = {"project_id": w["p1"], "source_kind": "other", "source_ref": None, **VALID, **kw}
    return ac.open_action(w["engine"], w["pmo"], today=TODAY, **args)


def test_prefill_from_each_source(world):
    e, pmo = world["engine"], world["pmo"]
    risk = ac.source_prefill(e, pmo, f"risk:{world['r1']}")
    assert risk == {"project_id": world["p1"], "source_kind": "risk", "source_ref": str(world["r1"]),
                    "title": "Mitigate risk: Vendor late", "owner": "Sam",
                    "expected_effect": "Second source"}
    gate = ac.source_prefill(e, pmo, f"gate_condition:{world['review']}")
    assert (gate["project_id"], gate["expected_effect"]) == (world["p1"], "Staff a tester")
    drift = ac.source_prefill(e, pmo, "drift_alert:cpi_trend", "P2")
    assert (drift["project_id"], drift["title"]) == (world["p2"], "Correct the cpi trend drift")
    for bad, words in (("risk:abc", "must be its number"), ("risk:999999", "no risk number"),
                       ("drift_alert:nope", "unknown drift alert"), ("hack:1", "unknown source"),
                       ("", "kind:reference")):
        with pytest.raises(WorkflowError, match=words):
            ac.source_prefill(e, pmo, bad)
    with pytest.raises(WorkflowError, match="no risk number"):  # outside the executive's scope
        ac.source_prefill(e, world["d2exec"], f"risk:{world['r1']}")


def test_open_follow_and_close_are_audited(world):
    e = world["engine"]
    opened = _open(world, source_kind="risk", source_ref=str(world["r1"]))
    assert (opened.status, opened.version, opened.opened_on, opened.opened_by) == ("open", 1, TODAY, "alice")
    moved = ac.update_action(e, world["bob"], opened.id, expected_version=1, **VALID,
                             status="in_progress", today=TODAY)
    closed = ac.update_action(e, world["pmo"], opened.id, expected_version=2, **VALID,
                              status="done", closed_on=TODAY, closure_note="Tester hired",
                              today=TODAY)
    assert (moved.version, closed.version, closed.closed_on) == (2, 3, TODAY)
    with Session(e) as s:
        audit = s.scalars(select(AuditEntry).where(AuditEntry.entity == "corrective_action")
                          .order_by(AuditEntry.id)).all()
    assert [a.action for a in audit] == ["action.open", "action.update", "action.update"]
    assert audit[0].after["source_ref"] == str(world["r1"]) and audit[0].before is None
    assert (audit[2].before["status"], audit[2].after["status"]) == ("in_progress", "done")
    assert audit[2].after["closed_on"] == "2026-03-01"
    frame = ac.list_actions(e, world["exec"])
    assert frame.select("project_code", "status", "version").rows() == [("P1", "done", 3)]


def test_an_unchanged_update_writes_nothing(world):
    opened = _open(world)
    before = _counts(world["engine"])
    same = ac.update_action(world["engine"], world["pmo"], opened.id, expected_version=1, **VALID,
                            status="open", today=TODAY)
    assert same.version == 1 and _counts(world["engine"]) == before


@pytest.mark.parametrize("change, field, words", [
    ({"title": "ab"}, "title", "3 to 300 characters"),
    ({"owner": "  "}, "owner", "is required"),
    ({"expected_effect": ""}, "expected_effect", "is required"),
    ({"due_date": date(2026, 2, 28)}, "due_date", "must not be before the opening date"),
    ({"due_date": None}, "due_date", "is required"),
    ({"source_kind": "rumour"}, "source_kind", "unknown value"),
    ({"project_id": 0}, "project", "whole number"),
    ({"opened_on": date(2026, 3, 2)}, "opened_on", "must not be after"),
])
def test_invalid_new_actions_write_nothing(world, change, field, words):
    before = _counts(world["engine"])
    with pytest.raises(WorkflowInvalid) as err:
        _open(world, **change)
    assert words in err.value.problems[field]
    assert _counts(world["engine"]) == before


@pytest.mark.parametrize("change, words", [
    ({"source_kind": "risk", "source_ref": "r2"}, "belongs to another project"),
    ({"source_kind": "risk", "source_ref": "999999"}, "no risk number 999999"),
    ({"source_kind": "risk", "source_ref": None}, "needs its reference"),
    ({"source_kind": "drift_alert", "source_ref": "vibes"}, "unknown drift alert"),
    ({"source_kind": "gate_condition", "source_ref": "x1"}, "must be its number"),
])
def test_a_source_must_exist_in_the_same_project(world, change, words):
    if change.get("source_ref") == "r2":
        change = {**change, "source_ref": str(world["r2"])}
    before = _counts(world["engine"])
    with pytest.raises(WorkflowError, match=words):
        _open(world, **change)
    assert _counts(world["engine"]) == before


@pytest.mark.parametrize("change, field, words", [
    ({"status": "done"}, "closed_on", "is required for a done action"),
    ({"status": "open", "closed_on": TODAY}, "closed_on", "must be empty"),
    ({"status": "cancelled", "closed_on": date(2026, 3, 5)}, "closed_on", "must not be after"),
    ({"status": "finished"}, "status", "unknown value"),
])
def test_invalid_follow_ups_write_nothing(world, change, field, words):
    opened = _open(world)
    before = _counts(world["engine"])
    with pytest.raises(WorkflowInvalid) as err:
        ac.update_action(world["engine"], world["pmo"], opened.id, expected_version=1,
                         **{**VALID, "status": "open", **change}, today=TODAY)
    assert words in err.value.problems[field]
    assert _counts(world["engine"]) == before


def test_a_stale_update_is_a_conflict_and_writes_nothing(world):
    e = world["engine"]
    opened = _open(world)
    ac.update_action(e, world["pmo"], opened.id, expected_version=1, **VALID,
                     status="in_progress", today=TODAY)
    before = _counts(e)
    with pytest.raises(WorkflowConflict, match="you loaded version 1, it is now at version 2"):
        ac.update_action(e, world["bob"], opened.id, expected_version=1,
                         **{**VALID, "owner": "Bob"}, status="open", today=TODAY)
    assert _counts(e) == before


@pytest.mark.parametrize("who", ["exec", "manager", "viewer"])
def test_only_the_pmo_writes(world, who):
    before = _counts(world["engine"])
    with pytest.raises(PermissionError, match="only pmo users may"):
        ac.open_action(world["engine"], world[who], project_id=world["p1"], source_kind="other",
                       source_ref=None, **VALID, today=TODAY)
    assert _counts(world["engine"]) == before


def test_readers_and_scope(world):
    e = world["engine"]
    a1 = _open(world)
    _open(world, project_id=world["p2"])
    assert ac.list_actions(e, world["d2exec"])["project_code"].to_list() == ["P2"]
    assert ac.get_action(e, world["d2exec"], a1.id) is None
    assert ac.get_action(e, world["exec"], a1.id).title == VALID["title"]
    for who in ("manager", "viewer"):
        with pytest.raises(PermissionError):
            ac.list_actions(e, world[who])
