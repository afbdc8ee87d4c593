"""The corrective actions page per role (AppTest): open from a risk link (prefilled), filters in
the URL, overdue highlighted, follow-up with a conflict, invalid input writing nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from components import access
from data_access.engine import create_pmo_engine
from data_access.models import CorrectiveAction, Project, Risk
from data_access.settings import today as app_today
from support.apptest import run_page

SPEC = access.PageSpec("views/actions.py", "Corrective actions", ":material/build:",
                       frozenset({"executive", "pmo"}), "actions")


@pytest.fixture
def registered(monkeypatch, app_env):
    monkeypatch.setattr(access, "PAGES", access.PAGES + (SPEC,))
    monkeypatch.setitem(access.PAGE_ROLES, SPEC.url_path, SPEC.roles)
    return app_env


def _db(url: str, fn):
    engine = create_pmo_engine(url)
    try:
        with Session(engine) as s:
            return fn(s)
    finally:
        engine.dispose()


def _actions(url: str) -> list:
    return _db(url, lambda s: s.execute(select(CorrectiveAction.id, CorrectiveAction.status,
                                               CorrectiveAction.version)
                                        .order_by(CorrectiveAction.id)).all())


def _a_risk(url: str):
    return _db(url, lambda s: s.execute(select(Risk.id, Risk.title, Project.code)
                                        .join(Project, Project.id == Risk.project_id)
                                        .order_by(Risk.id).limit(1)).one())


@pytest.mark.parametrize("username", ["manager", "viewer"])
def test_other_roles_are_refused(registered, username):
    at = run_page("actions", registered, username)
    assert [e.value for e in at.error] == ["This page is not available to your role."]


def test_executives_read_without_forms(registered):
    at = run_page("actions", registered, "exec")
    assert not at.exception, at.exception
    assert [t.value for t in at.title] == ["Corrective actions"]
    assert not at.get("form")
    assert any("opened and followed up by the PMO" in c.value for c in at.caption)


def test_pmo_opens_an_action_from_a_risk_link_then_follows_it_to_closure(registered):
    risk = _a_risk(registered)
    before = _actions(registered)
    at = run_page("actions", registered, "pmo", {"source": f"risk:{risk.id}"})
    assert not at.exception, at.exception
    assert at.selectbox(key="caf_project").value == risk.code
    assert at.text_input(key="caf_title").value == f"Mitigate risk: {risk.title}"[:300]
    at.text_input(key="caf_owner").input("Mona")
    at.text_area(key="caf_expected_effect").input("Exposure halved")
    at.button(key="caf_save").click().run()
    assert not at.exception, at.exception
    rows = _actions(registered)
    assert len(rows) == len(before) + 1 and rows[-1][1:] == ("open", 1)
    assert "source" not in at.query_params  # a second submit does not reopen it
    new_id = rows[-1][0]
    at = run_page("actions", registered, "pmo", {"action": str(new_id)})
    at.selectbox(key="cae_status").select("done")
    at.button(key="cae_save").click().run()
    assert "Closed on: is required for a done action" in at.error[0].value
    assert _actions(registered)[-1] == (new_id, "open", 1)
    at.date_input(key="cae_closed_on").set_value(app_today())
    at.button(key="cae_save").click().run()
    assert not at.exception, at.exception
    assert _actions(registered)[-1] == (new_id, "done", 2)


@pytest.mark.parametrize("field, value, words", [
    ("caf_title", "ab", "Title: must be 3 to 300 characters"),
    ("caf_owner", "", "Owner: is required"),
    ("caf_expected_effect", "", "Expected effect: is required"),
])
def test_invalid_new_actions_write_nothing(registered, field, value, words):
    risk = _a_risk(registered)
    before = _actions(registered)
    at = run_page("actions", registered, "pmo", {"source": f"risk:{risk.id}"})
    for key, text in (("caf_owner", "Mona"), ("caf_expected_effect", "Less risk")):
        (at.text_area if "effect" in key else at.text_input)(key=key).input(text)
    (at.text_area if "effect" in field else at.text_input)(key=field).input(value)
    at.button(key="caf_save").click().run()
    assert words in at.error[0].value
    assert _actions(registered) == before


def test_a_due_date_before_today_is_refused(registered):
    before = _actions(registered)
    at = run_page("actions", registered, "pmo", {"source": "other"})
    at.selectbox(key="caf_project").select_index(0)
    at.text_input(key="caf_title").input("Re-plan")
    at.text_input(key="caf_owner").input("Mona")
    at.text_area(key="caf_expected_effect").input("On time")
    at.date_input(key="caf_due_date").set_value(app_today() - dt.timedelta(days=1))
    at.button(key="caf_save").click().run()
    assert "Due date: must not be before the opening date" in at.error[0].value
    assert _actions(registered) == before


def test_a_concurrent_follow_up_gets_a_conflict_and_keeps_the_entries(registered):
    if not _actions(registered):
        test_pmo_opens_an_action_from_a_risk_link_then_follows_it_to_closure(registered)
    target = _actions(registered)[0][0]
    first = run_page("actions", registered, "pmo", {"action": str(target)})
    second = run_page("actions", registered, "pmo", {"action": str(target)})
    first.text_input(key="cae_owner").input("First owner")
    first.button(key="cae_save").click().run()
    after = _actions(registered)
    second.text_input(key="cae_owner").input("Second owner")
    second.button(key="cae_save").click().run()
    assert "was changed by another user since you loaded it" in second.error[0].value
    assert second.text_input(key="cae_owner").value == "Second owner"
    assert _actions(registered) == after


def test_filters_are_bound_to_the_url_and_overdue_is_highlighted(registered):
    risk = _a_risk(registered)
    engine = create_pmo_engine(registered)
    with Session(engine) as s:  # an action opened 20 days ago, due 10 days ago: overdue
        pid = s.scalar(select(Project.id).where(Project.code == risk.code))
        s.add(CorrectiveAction(project_id=pid, source_kind="other", title="Late thing",
                               owner="Olga", due_date=app_today() - dt.timedelta(days=10),
                               expected_effect="x", status="open", opened_by="pmo",
                               opened_on=app_today() - dt.timedelta(days=20)))
        s.commit()
    engine.dispose()
    at = run_page("actions", registered, "exec", {"overdue": "true", "status": "open"})
    assert not at.exception, at.exception
    table = at.dataframe[-1].value
    assert "Late thing" in list(table["title"])
    assert set(table["late"]) == {"⚠ 10 days"} or all(v.startswith("⚠") for v in table["late"])
    assert set(table["status"]) == {"open"}
    assert any("overdue" in e.value for e in at.error)
