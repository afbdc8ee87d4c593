"""Method standards on both databases: versioned saves with history and audit, validation that
writes nothing, conflicts (stale version), thresholds with optimistic locking, roles."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from data_access import standards as st
from data_access.models import AuditEntry, MethodStandard, Threshold
from data_access.users import CurrentUser
from data_access.workflow import WorkflowConflict, WorkflowError, WorkflowInvalid
from support.factories import make_user

DAY = date(2026, 4, 1)


def _user(s: Session, name: str, role: str) -> CurrentUser:
    row = make_user(s, username=name, display_name=name, role=role)
    return CurrentUser(id=row.id, username=name, display_name=name, role=role,
                       department_ids=frozenset(), person_id=None, session_epoch=row.session_epoch)


@pytest.fixture
def world(engine: Engine) -> dict:
    with Session(engine, expire_on_commit=False) as s:
        # the migration seeds cpi/spi 0.95/0.90, eac_overrun 0.05/0.10, risk_score 12/20, at v1
        assert s.scalar(select(func.count()).select_from(Threshold)) == 5
        users = {r: _user(s, n, r) for n, r in (("alice", "pmo"), ("eve", "executive"),
                                                ("mike", "manager"), ("val", "viewer"))}
        bob = _user(s, "bob", "pmo")
        s.commit()
    return {"engine": engine, "bob": bob, **users}


def _counts(engine: Engine) -> tuple:
    with Session(engine) as s:
        return (s.scalar(select(func.count()).select_from(MethodStandard)),
                s.scalar(select(func.count()).select_from(AuditEntry)),
                tuple(s.execute(select(Threshold.metric, Threshold.amber, Threshold.red,
                                       Threshold.version).order_by(Threshold.metric)).all()))


def test_defaults_until_a_save_then_versions_with_history(world):
    e, pmo = world["engine"], world["pmo"]
    std = st.current_standard(e, "waterfall")
    assert std.version == 0 and std.gates["G1_framing"] == list(st.DEFAULT_GATES["G1_framing"])
    gates = {**std.gates, "G1_framing": [" Framing file ", "Business case", "", "Risk  register"]}
    one = st.save_gate_standard(e, pmo, "waterfall", gates=gates, effective_from=DAY,
                                expected_version=0, note="lighter framing")
    gates2 = {**one.gates, "G4_closure": []}
    two = st.save_gate_standard(e, world["bob"], "waterfall", gates=gates2, effective_from=DAY,
                                expected_version=1)
    assert (one.version, two.version) == (1, 2)
    now = st.current_standard(e, "waterfall")
    assert now.gates["G1_framing"] == ["Framing file", "Business case", "Risk register"]
    assert now.gates["G4_closure"] == [] and now.changed_by == "bob"
    assert st.current_standard(e, "agile").version == 0  # per methodology
    history = st.standard_history(e, pmo, "waterfall")
    assert history["version"].to_list() == [2, 1]
    assert history["changed_by"].to_list() == ["bob", "alice"]
    assert history["note"].to_list() == [None, "lighter framing"]
    with Session(e) as s:
        audit = s.scalars(select(AuditEntry).where(AuditEntry.action == "standard.save")
                          .order_by(AuditEntry.id)).all()
    assert [a.entity_id for a in audit] == ["waterfall", "waterfall"]
    assert audit[0].before["version"] == 0 and audit[0].after["version"] == 1
    assert audit[1].before["gates"][4]["deliverables"] == list(st.DEFAULT_GATES["G4_closure"])
    assert audit[1].after["gates"][4]["deliverables"] == []
    assert st.standard_versions(e)["waterfall"] == 2


def test_saving_the_same_content_again_adds_no_version(world):
    e, pmo = world["engine"], world["pmo"]
    weights = {"alignment": 40, "financial": 20, "risk": 20, "urgency": 10, "compliance": 10}
    st.save_criteria_weights(e, pmo, weights=weights, effective_from=DAY, expected_version=0)
    again = st.save_criteria_weights(e, pmo, weights=weights, effective_from=DAY, expected_version=1)
    assert again.version == 1 and _counts(e)[:2] == (1, 1)
    assert st.current_standard(e, "prioritisation").weights == weights


def test_a_stale_save_is_a_conflict_and_writes_nothing(world):
    e = world["engine"]
    st.save_criteria_weights(e, world["pmo"], weights=dict(st.DEFAULT_WEIGHTS, risk=30),
                             effective_from=DAY, expected_version=0)
    before = _counts(e)
    with pytest.raises(WorkflowConflict, match="changed by alice .*you loaded version 0, it is now at version 1"):
        st.save_criteria_weights(e, world["bob"], weights=dict(st.DEFAULT_WEIGHTS, urgency=50),
                                 effective_from=DAY, expected_version=0)
    assert _counts(e) == before


@pytest.mark.parametrize("gates, field, words", [
    ({"G0_idea": ["A", "a"]}, "G0_idea", "listed twice"),
    ({"G9": ["A"]}, "G9", "unknown gate"),
    ({"G2_go": ["x" * 201]}, "G2_go", "1 to 200 characters"),
    ({"G2_go": ["tab\x07"]}, "G2_go", "control characters"),
    ({"G3_delivery": None}, "G3_delivery", "is missing"),
    ({"G1_framing": [f"D{i}" for i in range(31)]}, "G1_framing", "at most 30"),
])
def test_invalid_gate_standards_write_nothing(world, gates, field, words):
    e = world["engine"]
    before = _counts(e)
    with pytest.raises(WorkflowInvalid) as err:
        st.save_gate_standard(e, world["pmo"], "agile", gates={**st.DEFAULT_GATES, **gates},
                              effective_from=DAY, expected_version=0)
    assert words in err.value.problems[field]
    assert _counts(e) == before


@pytest.mark.parametrize("weights, field, words", [
    ({"risk": -1}, "risk", "0 to 100"), ({"risk": 101}, "risk", "0 to 100"),
    ({"risk": 2.5}, "risk", "whole number"), ({"risk": None}, "risk", "whole number"),
    ({"speed": 3}, "speed", "unknown criterion"),
    ({k: 0 for k in st.CRITERIA}, "weights", "more than 0"),
])
def test_invalid_weights_write_nothing(world, weights, field, words):
    e = world["engine"]
    before = _counts(e)
    with pytest.raises(WorkflowInvalid) as err:
        st.save_criteria_weights(e, world["pmo"], weights={**st.DEFAULT_WEIGHTS, **weights},
                                 effective_from=DAY, expected_version=0)
    assert words in err.value.problems[field]
    assert _counts(e) == before


def test_an_effective_date_is_required(world):
    e = world["engine"]
    with pytest.raises(WorkflowInvalid, match="effective from: is required"):
        st.save_criteria_weights(e, world["pmo"], weights=st.DEFAULT_WEIGHTS,
                                 effective_from=None, expected_version=0)
    with pytest.raises(WorkflowError, match="unknown methodology"):
        st.save_gate_standard(e, world["pmo"], "scrumban", gates=st.DEFAULT_GATES,
                              effective_from=DAY, expected_version=0)


def test_thresholds_update_in_one_audited_transaction(world):
    e = world["engine"]
    out = st.update_thresholds(e, world["pmo"], {"cpi": (0.97, 0.92, 1), "risk_score": (12, 20, 1)})
    assert out == {"cpi": 2, "risk_score": 1}  # unchanged values keep their version
    frame = st.list_thresholds(e)
    row = frame.filter(frame["metric"] == "cpi").row(0, named=True)
    assert (row["amber"], row["red"], row["version"]) == (0.97, 0.92, 2)
    with Session(e) as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "threshold.update")).one()
    assert (entry.entity_id, entry.before["amber"], entry.after["amber"]) == ("cpi", 0.95, 0.97)


@pytest.mark.parametrize("changes, field, words", [
    ({"cpi": (0.9, 0.95, 1)}, "cpi", "at or below amber"),
    ({"eac_overrun": (0.1, 0.05, 1)}, "eac_overrun", "at or above amber"),
    ({"spi": (-0.1, -0.2, 1)}, "spi", "must not be negative"),
    ({"spi": (float("nan"), 0.2, 1)}, "spi", "must be a number"),
    ({"nope": (1, 2, 1)}, "nope", "no threshold"),
])
def test_invalid_thresholds_write_nothing(world, changes, field, words):
    e = world["engine"]
    before = _counts(e)
    with pytest.raises(WorkflowInvalid) as err:
        st.update_thresholds(e, world["pmo"], {"cpi": (0.96, 0.9, 1), **changes})
    assert words in err.value.problems[field]
    assert _counts(e) == before


def test_a_stale_threshold_is_a_conflict_and_nothing_is_written(world):
    e = world["engine"]
    st.update_thresholds(e, world["pmo"], {"spi": (0.96, 0.9, 1)})
    before = _counts(e)
    with pytest.raises(WorkflowConflict, match="spi threshold"):
        st.update_thresholds(e, world["bob"], {"cpi": (0.99, 0.9, 1), "spi": (0.97, 0.9, 1)})
    assert _counts(e) == before


@pytest.mark.parametrize("who", ["executive", "manager", "viewer"])
def test_only_the_pmo_changes_standards(world, who):
    e = world["engine"]
    before = _counts(e)
    with pytest.raises(PermissionError, match="only pmo users may"):
        st.save_criteria_weights(e, world[who], weights=st.DEFAULT_WEIGHTS,
                                 effective_from=DAY, expected_version=0)
    with pytest.raises(PermissionError):
        st.update_thresholds(e, world[who], {"cpi": (0.97, 0.9, 1)})
    with pytest.raises(PermissionError):
        st.standard_history(e, world[who], "agile")
    assert _counts(e) == before
