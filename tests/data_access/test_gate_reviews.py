"""Gate reviews on both databases: the checklist from the method standard, each decision moving
the project (table), validation that writes nothing, optimistic locking, roles and scope."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from data_access import gate_reviews as gr
from data_access import standards
from data_access.models import AuditEntry, GateReview, Milestone, Project
from data_access.users import CurrentUser
from data_access.workflow import WorkflowConflict, WorkflowError, WorkflowInvalid
from support.factories import make_deliverable, make_department, make_milestone, make_project, make_user

TODAY = date(2026, 3, 1)
G2 = list(standards.DEFAULT_GATES["G2_go"])  # Detailed plan, Budget approval, ...


def _user(s: Session, name: str, role: str, departments=()) -> CurrentUser:
    row = make_user(s, username=name, display_name=name, role=role)
    return CurrentUser(id=row.id, username=name, display_name=name, role=role,
                       department_ids=frozenset(d.id for d in departments), person_id=None,
                       session_epoch=row.session_epoch)


@pytest.fixture
def world(engine: Engine) -> dict:
    """P1 (D1, framing, proposed) with gates G0 (validated) and G2 (pending); G2 has every
    standard deliverable recorded, all validated but the first, plus one extra."""
    with Session(engine, expire_on_commit=False) as s:
        d1, d2 = make_department(s, code="D1"), make_department(s, code="D2")
        p1 = make_project(s, code="P1", department_id=d1.id, phase="framing", status="proposed")
        g0 = make_milestone(s, project_id=p1.id, kind="gate", gate_type="G0_idea",
                            validation_state="validated", actual_date=date(2026, 1, 5))
        g2 = make_milestone(s, project_id=p1.id, kind="gate", gate_type="G2_go")
        ms = make_milestone(s, project_id=p1.id)
        for i, name in enumerate(G2):
            make_deliverable(s, milestone_id=g2.id, name=name.upper() if i == 1 else name,
                             validated=i > 0, validated_on=date(2026, 2, 1) if i > 0 else None)
        make_deliverable(s, milestone_id=g2.id, name="Extra memo", validated=False)
        users = {"pmo": _user(s, "alice", "pmo"), "bob": _user(s, "bob", "pmo"),
                 "d2pmo": _user(s, "hank", "pmo", [d2]), "exec": _user(s, "eve", "executive"),
                 "manager": _user(s, "mike", "manager"), "viewer": _user(s, "val", "viewer")}
        s.commit()
    return {"engine": engine, "p1": p1.id, "g0": g0.id, "g2": g2.id, "ms": ms.id, **users}


def _state(engine: Engine, w: dict) -> tuple:
    with Session(engine) as s:
        p = s.get(Project, w["p1"])
        g = s.get(Milestone, w["g2"])
        n = s.scalar(select(func.count()).select_from(GateReview))
        a = s.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "gate.decide"))
        return p.phase, p.status, p.version, g.validation_state, g.actual_date, n, a


def test_checklist_matches_the_standard_by_name_and_lists_extras(world):
    frame, version = gr.gate_checklist(world["engine"], world["pmo"], world["g2"], "agile")
    assert version == 0
    assert frame["deliverable"].to_list() == G2 + ["Extra memo"]
    assert frame["required"].to_list() == [True] * len(G2) + [False]
    assert frame["recorded"].to_list() == [True] * (len(G2) + 1)
    assert frame["validated"].to_list() == [False] + [True] * (len(G2) - 1) + [False]


def test_checklist_follows_a_saved_standard(world):
    e = world["engine"]
    gates = {**standards.DEFAULT_GATES, "G2_go": ["Budget approval", "Go-live runbook"]}
    standards.save_gate_standard(e, world["pmo"], "agile", gates=gates,
                                 effective_from=TODAY, expected_version=0)
    frame, version = gr.gate_checklist(e, world["pmo"], world["g2"], "agile")
    assert version == 1
    assert frame.filter("required")["deliverable"].to_list() == ["Budget approval", "Go-live runbook"]
    assert frame.filter("required")["recorded"].to_list() == [True, False]
    other, v = gr.gate_checklist(e, world["pmo"], world["g2"], "waterfall")
    assert v == 0 and other.filter("required").height == len(G2)


@pytest.mark.parametrize("decision, gate, phase, status, expected", [
    ("go", "G0_idea", "idea", "proposed", ("framing", "active", "validated")),
    ("go", "G1_framing", "framing", "active", ("framing", "active", "validated")),
    ("go_with_conditions", "G2_go", "framing", "proposed", ("execution", "active", "validated")),
    ("go", "G3_delivery", "execution", "active", ("closure", "active", "validated")),
    ("go", "G4_closure", "closure", "active", ("closed", "completed", "validated")),
    ("go", "G4_closure", "closure", "cancelled", ("closed", "cancelled", "validated")),
    ("go", "G2_go", "closure", "active", ("closure", "active", "validated")),  # never backwards
    ("go", "G2_go", "framing", "on_hold", ("execution", "active", "validated")),
    ("no_go", "G1_framing", "framing", "active", ("closure", "cancelled", "rejected")),
    ("no_go", "G3_delivery", "execution", "active", ("execution", "active", "rejected")),
    ("on_hold", "G2_go", "framing", "active", ("framing", "on_hold", "pending")),
])
def test_outcome_table(decision, gate, phase, status, expected):
    out = gr.outcome(decision, gate, phase, status)
    assert (out.next_phase, out.status, out.validation_state) == expected


def test_go_with_conditions_moves_the_project_in_one_audited_transaction(world):
    e = world["engine"]
    before = _state(e, world)
    done = gr.decide(e, world["pmo"], milestone_id=world["g2"], decision="go_with_conditions",
                     conditions="Validate the detailed plan by April", decided_on=TODAY,
                     expected_project_version=before[2], today=TODAY)
    assert (done.phase_before, done.next_phase, done.status) == ("framing", "execution", "active")
    assert _state(e, world) == ("execution", "active", before[2] + 1, "validated", TODAY, 1, 1)
    with Session(e) as s:
        review = s.get(GateReview, done.review_id)
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "gate.decide")).one()
    assert (review.decision, review.decided_by, review.standard_version) == ("go_with_conditions", "alice", 0)
    assert [c["deliverable"] for c in review.evidence["checklist"] if not c["validated"]] == [G2[0], "Extra memo"]
    assert entry.before["phase"] == "framing" and entry.after["phase"] == "execution"
    assert entry.after["conditions"] == "Validate the detailed plan by April"
    reviews = gr.list_reviews(e, world["pmo"], world["p1"])
    assert reviews["decision"].to_list() == ["go_with_conditions"]


def test_a_plain_go_needs_every_required_deliverable_validated(world):
    e = world["engine"]
    before = _state(e, world)
    with pytest.raises(WorkflowError, match="missing Detailed plan; decide 'go with conditions'"):
        gr.decide(e, world["pmo"], milestone_id=world["g2"], decision="go", conditions=None,
                  decided_on=TODAY, expected_project_version=before[2], today=TODAY)
    assert _state(e, world) == before


@pytest.mark.parametrize("change, field, words", [
    ({"decision": "maybe"}, "decision", "unknown value 'maybe'"),
    ({"decision": "go_with_conditions", "conditions": "  "}, "conditions", "are required"),
    ({"decision": "no_go", "conditions": None}, "conditions", "are required"),
    ({"decided_on": date(2026, 3, 2)}, "decided_on", "must not be after 2026-03-01"),
    ({"decided_on": "2026-02-01"}, "decided_on", "must be a date"),
    ({"milestone_id": -1}, "gate", "whole number"),
    ({"conditions": "x" * 5001}, "conditions", "at most 5,000"),
    ({"conditions": "ok\x00"}, "conditions", "control characters"),
])
def test_invalid_decisions_write_nothing(world, change, field, words):
    e = world["engine"]
    before = _state(e, world)
    args = {"milestone_id": world["g2"], "decision": "on_hold", "conditions": "Budget freeze",
            "decided_on": TODAY, **change}
    with pytest.raises(WorkflowInvalid) as err:
        gr.decide(e, world["pmo"], expected_project_version=before[2], today=TODAY, **args)
    assert words in err.value.problems[field]
    assert _state(e, world) == before


def test_a_stale_project_version_is_a_conflict_and_writes_nothing(world):
    e = world["engine"]
    v = _state(e, world)[2]
    gr.decide(e, world["pmo"], milestone_id=world["g2"], decision="on_hold",
              conditions="Budget freeze", decided_on=TODAY, expected_project_version=v, today=TODAY)
    after_first = _state(e, world)
    with pytest.raises(WorkflowConflict, match=f"you loaded version {v}, it is now at version {v + 1}"):
        gr.decide(e, world["bob"], milestone_id=world["g2"], decision="no_go",
                  conditions="Not worth it", decided_on=TODAY, expected_project_version=v,
                  today=TODAY)
    assert _state(e, world) == after_first


@pytest.mark.parametrize("who", ["exec", "manager", "viewer"])
def test_only_the_pmo_reviews_gates(world, who):
    e = world["engine"]
    before = _state(e, world)
    with pytest.raises(PermissionError, match="only pmo users may"):
        gr.decide(e, world[who], milestone_id=world["g2"], decision="on_hold", conditions="x",
                  decided_on=TODAY, expected_project_version=before[2], today=TODAY)
    with pytest.raises(PermissionError):
        gr.project_gates(e, world[who])
    assert _state(e, world) == before


def test_scope_and_kind_are_checked(world):
    e = world["engine"]
    v = _state(e, world)[2]
    assert gr.project_gates(e, world["d2pmo"]).is_empty()
    for user, gate in ((world["d2pmo"], world["g2"]), (world["pmo"], world["ms"]),
                       (world["pmo"], 999_999)):
        with pytest.raises(WorkflowError, match="in your scope"):
            gr.decide(e, user, milestone_id=gate, decision="on_hold", conditions="x",
                      decided_on=TODAY, expected_project_version=v, today=TODAY)


def test_gates_and_the_gate_each_project_stands_at(world):
    gates = gr.project_gates(world["engine"], world["pmo"])
    assert gates["gate_type"].to_list() == ["G0_idea", "G2_go"]
    assert gr.next_gate(gates)["gate_type"].to_list() == ["G2_go"]
