"""The gate review page per role (AppTest): the checklist from the standard, a decision moving
the project's phase, invalid input refused with nothing written, a concurrent decision."""

from __future__ import annotations


import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from components import access
from data_access.engine import create_pmo_engine
from data_access.models import GateReview, Milestone, Project
from data_access.settings import today as app_today
from support.apptest import run_page

SPEC = access.PageSpec("views/gate_review.py", "Gate review", ":material/fact_check:",
                       frozenset({"pmo"}), "gate_review")


@pytest.fixture
def registered(monkeypatch, app_env):
    monkeypatch.setattr(access, "PAGES", access.PAGES + (SPEC,))
    monkeypatch.setitem(access.PAGE_ROLES, SPEC.url_path, SPEC.roles)
    return app_env


def _project_at(url: str, gate: str | None) -> dict:
    """A project of the demo whose first open gate is ``gate`` (None: any), with that gate's id."""
    engine = create_pmo_engine(url)
    with Session(engine) as s:
        rows = s.execute(select(Project.code, Project.id, Project.phase, Project.version,
                                Milestone.id, Milestone.gate_type)
                         .join(Milestone, Milestone.project_id == Project.id)
                         .where(Milestone.kind == "gate",
                                Milestone.validation_state.not_in(["validated", "waived"]))
                         .order_by(Project.code, Milestone.gate_type)).all()
    engine.dispose()
    first = {}
    for code, pid, phase, version, mid, gtype in rows:
        first.setdefault(code, (pid, phase, version, mid, gtype))
    code, (pid, phase, version, mid, _) = next((c, v) for c, v in first.items() if gate in (None, v[4]))
    return {"code": code, "id": pid, "phase": phase, "version": version, "gate": mid}


def _state(url: str, pid: int) -> tuple:
    engine = create_pmo_engine(url)
    with Session(engine) as s:
        p = s.get(Project, pid)
        n = s.scalar(select(func.count()).select_from(GateReview).where(GateReview.project_id == pid))
        out = (p.phase, p.status, p.version, n)
    engine.dispose()
    return out


@pytest.mark.parametrize("username", ["exec", "head", "manager", "viewer"])
def test_other_roles_are_refused(registered, username):
    at = run_page("gate_review", registered, username)
    assert [e.value for e in at.error] == ["This page is not available to your role."]
    assert not at.title


def test_pmo_sees_the_checklist_of_the_project_in_the_link(registered):
    target = _project_at(registered, "G2_go")
    at = run_page("gate_review", registered, "pmo", {"project": target["code"]})
    assert not at.exception, at.exception
    assert at.selectbox(key="gr_pick").value == target["code"]
    assert at.selectbox(key="gr_gate").value == target["gate"]
    checklist = at.dataframe[0].value
    assert list(checklist["deliverable"])[:5] == ["Detailed plan", "Budget approval",
                                                  "Team staffing plan", "Architecture review",
                                                  "Procurement plan"]
    assert any("built-in default" in c.value for c in at.caption)


def test_an_unknown_project_in_the_link_is_refused_politely(registered):
    at = run_page("gate_review", registered, "pmo", {"project": "'; DROP TABLE projects;--"})
    assert not at.exception
    assert "not available to you" in at.warning[0].value


def test_go_with_conditions_moves_the_phase_and_links_an_action(registered):
    target = _project_at(registered, "G2_go")
    at = run_page("gate_review", registered, "pmo", {"project": target["code"]})
    at.selectbox(key="grf_decision").select("go_with_conditions")
    at.text_area(key="grf_conditions").input("Staff a tester before May")
    at.button(key="grf_save").click().run()
    assert not at.exception, at.exception
    phase, status, version, reviews = _state(registered, target["id"])
    assert (phase, version, reviews) == ("execution", target["version"] + 1, 1)
    notice = at.success[0].value
    assert f"Decision recorded for {target['code']} at G2_go" in notice
    assert "source=gate_condition:" in notice


@pytest.mark.parametrize("decision, conditions, day, words", [
    ("on_hold", "", app_today(), "Conditions: are required"),
    (None, "x", app_today(), "Decision: choose go"),
    ("go_with_conditions", "   ", app_today(), "Conditions: are required"),
])
def test_invalid_decisions_write_nothing(registered, decision, conditions, day, words):
    target = _project_at(registered, None)
    before = _state(registered, target["id"])
    at = run_page("gate_review", registered, "pmo", {"project": target["code"]})
    if decision:
        at.selectbox(key="grf_decision").select(decision)
    at.text_area(key="grf_conditions").input(conditions)
    at.date_input(key="grf_decided_on").set_value(day)
    at.button(key="grf_save").click().run()
    assert words in at.error[0].value
    assert _state(registered, target["id"]) == before
    assert at.text_area(key="grf_conditions").value == conditions  # nothing typed is lost


def test_a_concurrent_decision_gets_a_clear_conflict_and_keeps_the_entries(registered):
    target = _project_at(registered, None)
    first = run_page("gate_review", registered, "pmo", {"project": target["code"]})
    second = run_page("gate_review", registered, "pmo", {"project": target["code"]})
    first.selectbox(key="grf_decision").select("on_hold")
    first.text_area(key="grf_conditions").input("Budget freeze")
    first.button(key="grf_save").click().run()
    after_first = _state(registered, target["id"])
    second.selectbox(key="grf_decision").select("no_go")
    second.text_area(key="grf_conditions").input("Not worth it any more")
    second.button(key="grf_save").click().run()
    assert "was changed by another user since you loaded it" in second.error[0].value
    assert second.text_area(key="grf_conditions").value == "Not worth it any more"
    assert _state(registered, target["id"]) == after_first
