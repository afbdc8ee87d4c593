"""The status-report page (AppTest): who may open it, the prefilled form beside the computed
KPIs, invalid input refused with nothing written, two sessions saving the same report (the second
gets a conflict and keeps its text), and the PMO closing the period."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from components import access
from data_access import status_reports as data
from data_access.engine import create_pmo_engine
from data_access.models import AuditEntry, Project
from data_access.settings import today as app_today
from data_access.users import current_user
from support.apptest import run_page

SPEC = access.PageSpec("views/status_report.py", "Status report", ":material/edit_note:",
                       frozenset({"pmo", "manager"}), "status-report")
PERIOD = f"{app_today():%Y-%m}"


@pytest.fixture
def url(demo_db, tmp_path, monkeypatch) -> str:
    """A private copy of the demo database (these tests write) with the page registered."""
    path = tmp_path / "demo.db"
    shutil.copy(demo_db.removeprefix("sqlite:///"), path)
    url = f"sqlite:///{path}"
    monkeypatch.setenv("PMO_DATABASE_URL", url)
    monkeypatch.setattr(access, "PAGES", access.PAGES + tuple(
        p for p in (SPEC,) if p.url_path not in {s.url_path for s in access.PAGES}))
    monkeypatch.setitem(access.PAGE_ROLES, SPEC.url_path, SPEC.roles)
    return url


def own_project(url: str) -> tuple[str, int]:
    engine = create_pmo_engine(url)
    try:
        writable = data.writable_projects(engine, current_user(engine, "manager"))
        return writable["code"][0], int(writable["id"][0])
    finally:
        engine.dispose()


def audit_count(url: str) -> int:
    engine = create_pmo_engine(url)
    try:
        with Session(engine) as s:
            return s.scalar(select(func.count()).select_from(AuditEntry))
    finally:
        engine.dispose()


def project_start(url: str, project_id: int) -> dt.date:
    engine = create_pmo_engine(url)
    try:
        with Session(engine) as s:
            return s.get(Project, project_id).baseline_start
    finally:
        engine.dispose()


def stored(url: str, project_id: int) -> data.ReportRecord | None:
    engine = create_pmo_engine(url)
    try:
        return data.get_report(engine, current_user(engine, "pmo"), project_id,
                               app_today())
    finally:
        engine.dispose()


def open_page(url: str, username: str, code: str | None = None):
    query = {"period": PERIOD} | ({"project": code} if code else {})
    return run_page("status-report".replace("-", "_"), url, username, query)


def widget(at, kind: str, key: str):
    return next(w for w in getattr(at, kind) if w.key == key)


@pytest.mark.parametrize("username", ["manager", "pmo"])
def test_allowed_roles_get_the_form_prefilled_beside_the_kpis(url, username):
    code, pid = own_project(url)
    at = open_page(url, username, code)
    assert not at.exception, at.exception
    assert [t.value for t in at.title] == ["Status report"]
    current = stored(url, pid)
    if current is not None:  # the demo has this month's report: it is edited
        assert widget(at, "text_area", "sr_comment").value == (current.comment or "")
        assert widget(at, "selectbox", "sr_cost_rag").value == current.cost_rag
        assert any(f"as loaded at version {current.version}" in c.value for c in at.caption)
    assert {"CPI", "SPI", "EAC", "% complete"} <= {m.label for m in at.metric}
    close = [b for b in at.button if b.key == "sr_close"]
    assert len(close) == (1 if username == "pmo" else 0)


@pytest.mark.parametrize("username", ["exec", "head", "viewer"])
def test_other_roles_are_refused(url, username):
    at = open_page(url, username)
    assert [e.value for e in at.error] == ["This page is not available to your role."]
    assert not at.title


def test_a_project_the_manager_does_not_manage_is_not_offered(url):
    at = open_page(url, "manager", "PRJ-99999")
    assert any("may not report on that project" in w.value for w in at.warning)
    assert widget(at, "selectbox", "project").value is None


@pytest.mark.parametrize("changes, message", [
    ({("selectbox", "sr_cost_rag"): "red", ("text_area", "sr_comment"): ""},
     "Comment: required when a status is amber or red"),
    ({("number_input", "sr_eac"): -10.0}, "EAC: must be 0 or more, not \\-10"),
    ({("number_input", "sr_actual_cost"): -1.0}, "Actual cost of the period: must be 0 or more"),
    ({("number_input", "sr_percent_complete"): 120.0}, "% complete: must be between 0 and 100"),
    ({("date_input", "sr_forecast_end"): "the day before the project starts"},
     "Forecast end: {day} is before the project's start"),
])
def test_invalid_input_is_refused_with_a_message_and_nothing_written(url, changes, message):
    code, pid = own_project(url)
    day = project_start(url, pid) - dt.timedelta(days=1)
    changes = {k: day if v == "the day before the project starts" else v
               for k, v in changes.items()}
    message = message.format(day=day.isoformat().replace("-", "\\-"))
    at = open_page(url, "manager", code)
    before = audit_count(url)
    for (kind, key), value in changes.items():
        w = widget(at, kind, key)
        w.select(value) if kind == "selectbox" else w.set_value(value)
    widget(at, "button", "sr_save").click()
    at.run()
    assert not at.exception, at.exception
    [error] = at.error
    assert error.value.startswith("The report was not saved. ") and message in error.value
    assert audit_count(url) == before
    for (kind, key), value in changes.items():  # what the user typed is still there
        assert widget(at, kind, key).value == value


def test_the_second_of_two_sessions_gets_a_conflict_and_keeps_its_text(url):
    code, pid = own_project(url)
    first, second = open_page(url, "pmo", code), open_page(url, "manager", code)
    widget(first, "text_area", "sr_comment").set_value("PMO view: on track")
    widget(first, "button", "sr_save").click()
    first.run()
    assert not first.exception and not first.error, first.error
    assert any("saved (version" in s.value for s in first.success)
    saved = stored(url, pid)
    assert saved.comment == "PMO view: on track"

    widget(second, "text_area", "sr_comment").set_value("Manager view: supplier late")
    widget(second, "button", "sr_save").click()
    second.run()
    [error] = second.error
    assert "was saved by pmo" in error.value and "your entries are kept" in error.value
    assert widget(second, "text_area", "sr_comment").value == "Manager view: supplier late"
    assert stored(url, pid).comment == "PMO view: on track"  # nothing overwritten
    widget(second, "button", "sr_reload").click()
    second.run()
    assert widget(second, "text_area", "sr_comment").value == "PMO view: on track"
    assert not second.error


def test_a_risk_is_added_with_the_report(url):
    code, pid = own_project(url)
    at = open_page(url, "manager", code)
    widget(at, "text_input", "sr_new_title").set_value("Key architect may leave")
    widget(at, "selectbox", "sr_new_category").select("resource")
    widget(at, "number_input", "sr_new_probability").set_value(2)
    widget(at, "number_input", "sr_new_impact").set_value(4)
    widget(at, "button", "sr_save").click()
    at.run()
    assert not at.error, at.error
    engine = create_pmo_engine(url)
    try:
        risks = data.project_risks(engine, current_user(engine, "manager"), pid)
    finally:
        engine.dispose()
    assert risks.filter(risks["title"] == "Key architect may leave")["impact"].to_list() == [4]


def test_the_pmo_closes_the_period_and_the_report_is_locked(url):
    code, pid = own_project(url)
    at = open_page(url, "pmo", code)
    widget(at, "button", "sr_close").click()
    at.run()
    assert not at.exception, at.exception
    assert any(f"Period {data.period_label(app_today())} closed." in s.value
               for s in at.success)
    assert any("was closed by pmo" in i.value for i in at.info)
    assert not [b for b in at.button if b.key == "sr_save"]
    manager = open_page(url, "manager", code)
    assert any("its status reports are locked" in i.value for i in manager.info)
    assert not [b for b in manager.button if b.key == "sr_save"]
