"""The method standards page per role (AppTest): a versioned gate standard save, thresholds with
optimistic locking, weights validation writing nothing, a concurrent save's conflict."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from components import access
from data_access.engine import create_pmo_engine
from data_access.models import MethodStandard, Threshold
from support.apptest import run_page

SPEC = access.PageSpec("views/standards.py", "Method standards", ":material/rule:",
                       frozenset({"pmo"}), "standards")


@pytest.fixture
def registered(monkeypatch, app_env):
    monkeypatch.setattr(access, "PAGES", access.PAGES + (SPEC,))
    monkeypatch.setitem(access.PAGE_ROLES, SPEC.url_path, SPEC.roles)
    return app_env


def _rows(url: str) -> tuple:
    engine = create_pmo_engine(url)
    with Session(engine) as s:
        out = (s.execute(select(MethodStandard.subject, MethodStandard.version)
                         .order_by(MethodStandard.id)).all(),
               s.execute(select(Threshold.metric, Threshold.amber, Threshold.red,
                                Threshold.version).order_by(Threshold.metric)).all())
    engine.dispose()
    return out


@pytest.mark.parametrize("username", ["exec", "head", "manager", "viewer"])
def test_other_roles_are_refused(registered, username):
    at = run_page("standards", registered, username)
    assert [e.value for e in at.error] == ["This page is not available to your role."]


def test_pmo_saves_a_new_gate_standard_version(registered):
    at = run_page("standards", registered, "pmo", {"ms_methodology": "hybrid"})
    assert not at.exception, at.exception
    assert at.text_area(key="msg_G2_go").value.splitlines()[0] == "Detailed plan"
    at.text_area(key="msg_G2_go").input("Detailed plan\nBudget approval")
    at.text_input(key="msg_note").input("lighter G2")
    at.button(key="msg_save").click().run()
    assert not at.exception, at.exception
    assert ("hybrid", 1) in _rows(registered)[0]
    assert at.text_area(key="msg_G2_go").value == "Detailed plan\nBudget approval"


def test_a_duplicate_deliverable_is_refused_and_nothing_written(registered):
    before = _rows(registered)
    at = run_page("standards", registered, "pmo", {"ms_methodology": "agile"})
    at.text_area(key="msg_G1_framing").input("Business case\nbusiness case")
    at.button(key="msg_save").click().run()
    assert "G1 framing: deliverable 'business case' is listed twice" in at.error[0].value
    assert _rows(registered) == before


def test_thresholds_out_of_order_are_refused_then_a_valid_save_versions_them(registered):
    before = _rows(registered)
    at = run_page("standards", registered, "pmo")
    at.number_input(key="mst_cpi_red").set_value(0.99)  # red above amber where lower is worse
    at.button(key="mst_save").click().run()
    shown = at.error[0].value.replace("\\", "")  # markdown-escaped
    assert shown.startswith("The threshold change was not saved. Cpi: red: must be at or below "
                            "amber (0.95) for cpi, where lower is worse, not 0.99.")
    assert _rows(registered) == before
    at.number_input(key="mst_cpi_red").set_value(0.85)
    at.button(key="mst_save").click().run()
    assert not at.exception, at.exception
    cpi = next(r for r in _rows(registered)[1] if r.metric == "cpi")
    assert (cpi.red, cpi.version) == (0.85, 2)


def test_all_zero_weights_are_refused(registered):
    before = _rows(registered)
    at = run_page("standards", registered, "pmo")
    for key in ("alignment", "financial", "risk", "urgency", "compliance"):
        at.number_input(key=f"msw_{key}").set_value(0)
    at.button(key="msw_save").click().run()
    assert "Weights: at least one criterion must weigh more than 0" in at.error[0].value
    assert _rows(registered) == before


def test_a_concurrent_save_gets_a_conflict_and_keeps_the_entries(registered):
    first = run_page("standards", registered, "pmo")
    second = run_page("standards", registered, "pmo")
    first.number_input(key="msw_risk").set_value(40)
    first.button(key="msw_save").click().run()
    after = _rows(registered)
    second.number_input(key="msw_urgency").set_value(35)
    second.button(key="msw_save").click().run()
    assert "the prioritisation standard was changed by pmo" in second.error[0].value.lower()
    assert second.number_input(key="msw_urgency").value == 35
    assert _rows(registered) == after
