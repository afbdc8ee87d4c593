"""Status reports on both databases: submit and update (audited, with the period's actual cost
and the risks), optimistic locking, closed periods locking their reports, validation that writes
nothing, and who may write what."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from data_access import status_reports as sr
from data_access.models import AuditEntry, CostEntry, ReportingPeriod, Risk, StatusReport
from data_access.users import CurrentUser
from support.factories import (make_cost, make_department, make_person, make_project, make_risk,
                               make_status_report, make_user)

TODAY = date(2026, 11, 20)
NOV, OCT = date(2026, 11, 1), date(2026, 10, 1)
VALID = {"schedule_rag": "green", "cost_rag": "amber", "scope_rag": "green",
         "quality_rag": "green", "comment": "Supplier invoice came early", "percent_complete": 40.0,
         "forecast_end": date(2027, 6, 30), "eac": 1_050_000.0, "actual_cost": 52_000.0}


def _user(s: Session, name: str, role: str, *, person=None, departments=()) -> CurrentUser:
    row = make_user(s, username=name, display_name=name.title(), role=role,
                    person_id=None if person is None else person.id)
    return CurrentUser(id=row.id, username=name, display_name=name.title(), role=role,
                       department_ids=frozenset(d.id for d in departments),
                       person_id=None if person is None else person.id,
                       session_epoch=row.session_epoch)


@pytest.fixture
def world(engine: Engine) -> dict:
    """Mona manages P1 (D1, started 1 Jan 2026), Max manages P2 (D2); P1 has an October report
    and a risk; one user per role, and Hank, a PMO user scoped to D2."""
    with Session(engine, expire_on_commit=False) as s:
        d1, d2 = make_department(s, code="D1"), make_department(s, code="D2")
        mona, max_ = make_person(s, name="Mona"), make_person(s, name="Max")
        p1 = make_project(s, code="P1", department_id=d1.id, manager_id=mona.id,
                          baseline_start=date(2026, 1, 1))
        p2 = make_project(s, code="P2", department_id=d2.id, manager_id=max_.id)
        make_status_report(s, project_id=p1.id, period=OCT, reported_on=date(2026, 10, 30))
        make_cost(s, project_id=p1.id, month=NOV, planned=60_000.0, actual=None)
        risk = make_risk(s, project_id=p1.id, title="Supplier may slip", probability=2, impact=3)
        users = {"alice": _user(s, "alice", "pmo"), "bob": _user(s, "bob", "pmo"),
                 "hank": _user(s, "hank", "pmo", departments=[d2]),
                 "erin": _user(s, "erin", "executive"),
                 "mona": _user(s, "mona", "manager", person=mona),
                 "vic": _user(s, "vic", "viewer")}
        s.commit()
        return {"p1": p1.id, "p2": p2.id, "risk": risk.id, **users}


def counts(engine: Engine) -> tuple[int, ...]:
    """(reports, audit entries, risks, cost entries with an actual)."""
    with Session(engine) as s:
        return tuple(s.scalar(q) for q in (
            select(func.count()).select_from(StatusReport),
            select(func.count()).select_from(AuditEntry),
            select(func.count()).select_from(Risk),
            select(func.count()).select_from(CostEntry).where(CostEntry.actual.is_not(None))))


def audits(engine: Engine, action: str) -> list[AuditEntry]:
    with Session(engine) as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.action == action)
                              .order_by(AuditEntry.id)))


def save(engine, user, project_id, *, version=None, risks=(), **overrides) -> sr.ReportRecord:
    return sr.save_report(engine, user, project_id=project_id, period=NOV,
                          expected_version=version, risks=list(risks), today=TODAY,
                          **{**VALID, **overrides})


# --------------------------------------------------------------------------- submit and update


def test_a_manager_submits_a_report_with_the_cost_and_a_risk_all_audited(engine, world):
    before = counts(engine)
    record = save(engine, world["mona"], world["p1"], comment="  Supplier invoice came early \n",
                  risks=[{"title": "Key architect leaves", "category": "resource",
                          "probability": 2, "impact": 4, "owner": "Mona"}])
    assert (record.period, record.reported_on, record.version, record.author) == (
        NOV, TODAY, 1, "mona")
    assert (record.cost_rag, record.comment, record.actual_cost, record.locked) == (
        "amber", "Supplier invoice came early", 52_000.0, False)
    assert counts(engine) == (before[0] + 1, before[1] + 3, before[2] + 1, before[3] + 1)
    [entry] = audits(engine, "status_report.submit")
    assert (entry.actor, entry.entity, entry.entity_id, entry.before) == (
        "mona", "status_report", str(record.id), None)
    assert entry.after == record.snapshot()
    assert entry.after["forecast_end"] == "2027-06-30"
    [cost] = audits(engine, "cost.actual")
    assert (cost.before, cost.after) == ({"actual": None}, {"project_id": world["p1"],
                                                            "month": "2026-11-01",
                                                            "actual": 52_000.0})
    [risk] = audits(engine, "risk.add")
    assert (risk.after["title"], risk.after["probability"], risk.after["impact"]) == (
        "Key architect leaves", 2, 4)


def test_an_update_names_the_loaded_version_and_is_audited_with_before_and_after(engine, world):
    first = save(engine, world["mona"], world["p1"])
    second = save(engine, world["alice"], world["p1"], version=1, cost_rag="green",
                  comment=None, eac=990_000.0, actual_cost=None)
    assert (second.version, second.cost_rag, second.comment, second.author) == (
        2, "green", None, "alice")
    assert second.actual_cost == 52_000.0  # no actual cost given: the recorded one is kept
    [entry] = audits(engine, "status_report.update")
    assert entry.before == first.snapshot() and entry.after == second.snapshot()
    assert (entry.before["cost_rag"], entry.after["cost_rag"]) == ("amber", "green")


def test_reads_return_the_report_the_previous_one_and_the_period_cost(engine, world):
    assert sr.get_report(engine, world["mona"], world["p1"], NOV) is None
    previous = sr.previous_report(engine, world["mona"], world["p1"], NOV)
    assert previous.period == OCT
    assert sr.period_actual_cost(engine, world["mona"], world["p1"], NOV) is None
    saved = save(engine, world["mona"], world["p1"])
    assert sr.get_report(engine, world["mona"], world["p1"], date(2026, 11, 17)) == saved
    assert sr.period_actual_cost(engine, world["mona"], world["p1"], NOV) == 52_000.0
    assert sr.get_report(engine, world["hank"], world["p1"], NOV) is None  # out of his scope
    assert sr.writable_projects(engine, world["mona"])["code"].to_list() == ["P1"]
    assert sr.writable_projects(engine, world["hank"])["code"].to_list() == ["P2"]
    assert sr.writable_projects(engine, world["erin"]).is_empty()


def test_saving_what_is_stored_again_writes_nothing(engine, world):
    record = save(engine, world["mona"], world["p1"])
    before = counts(engine)
    assert save(engine, world["mona"], world["p1"]) == record  # a double submit of a new report
    assert save(engine, world["mona"], world["p1"], version=1) == record
    assert counts(engine) == before


# --------------------------------------------------------------------------- optimistic locking


def test_the_second_of_two_saves_from_the_same_version_gets_a_conflict(engine, world):
    save(engine, world["mona"], world["p1"])
    save(engine, world["alice"], world["p1"], version=1, comment="Alice's view")
    before = counts(engine)
    with pytest.raises(sr.ReportConflict, match=r"the P1 report of Nov 2026 was saved by alice "
                       r"at .* UTC and is now at version 2 \(you loaded version 1\); nothing was "
                       r"written and your entries are kept"):
        save(engine, world["mona"], world["p1"], version=1, comment="Mona's view")
    assert counts(engine) == before
    assert sr.get_report(engine, world["mona"], world["p1"], NOV).comment == "Alice's view"


def test_a_new_report_submitted_meanwhile_by_someone_else_is_a_conflict(engine, world):
    save(engine, world["alice"], world["p1"])
    before = counts(engine)
    with pytest.raises(sr.ReportConflict, match=r"saved by alice .*you loaded no report yet"):
        save(engine, world["mona"], world["p1"], comment="Mine")
    assert counts(engine) == before


def test_a_stale_risk_rolls_back_the_whole_save(engine, world):
    with Session(engine) as s:  # someone updates the risk after Mona loaded version 1
        risk = s.get(Risk, world["risk"])
        risk.probability = 4
        s.commit()
    before = counts(engine)
    change = {"id": world["risk"], "version": 1, "title": "Supplier may slip",
              "category": "technical", "probability": 5, "impact": 5, "status": "open"}
    with pytest.raises(sr.ReportConflict, match=r"risk 'Supplier may slip' was changed by "
                       r"another user .*now version 2, you loaded version 1"):
        save(engine, world["mona"], world["p1"], risks=[change])
    assert counts(engine) == before
    assert sr.get_report(engine, world["mona"], world["p1"], NOV) is None


def test_a_risk_update_is_versioned_and_audited(engine, world):
    change = {"id": world["risk"], "version": 1, "title": "Supplier may slip",
              "category": "supplier", "probability": 4, "impact": 3, "status": "closed",
              "mitigation": "Second source signed"}
    save(engine, world["mona"], world["p1"], risks=[change])
    with Session(engine) as s:
        risk = s.get(Risk, world["risk"])
        assert (risk.probability, risk.status, risk.closed_on, risk.version) == (
            4, "closed", TODAY, 2)
    [entry] = audits(engine, "risk.update")
    assert (entry.before["probability"], entry.after["probability"]) == (2, 4)
    assert (entry.before["status"], entry.after["status"], entry.after["version"]) == (
        "open", "closed", 2)


# --------------------------------------------------------------------------- closed periods


def test_closing_a_period_locks_its_reports_and_refuses_saves_until_reopened(engine, world):
    record = save(engine, world["mona"], world["p1"])
    state = sr.close_period(engine, world["alice"], NOV, today=TODAY)
    assert (state.closed, state.closed_by) == (True, "alice")
    locked = sr.get_report(engine, world["mona"], world["p1"], NOV)
    assert (locked.locked, locked.version) == (True, 2)
    [entry] = audits(engine, "period.close")
    assert (entry.entity, entry.entity_id, entry.before["closed_at"]) == (
        "reporting_period", "2026-11-01", None)
    assert (entry.after["closed_by"], entry.after["reports_locked"]) == ("alice", [record.id])
    before = counts(engine)
    with pytest.raises(sr.PeriodClosed, match=r"^period Nov 2026 was closed by alice on "
                       r"\d{4}-\d\d-\d\d \d\d:\d\d UTC: its status reports are locked$"):
        save(engine, world["mona"], world["p1"], version=2, comment="Too late")
    with pytest.raises(sr.PeriodClosed):  # nor a new report of another project
        save(engine, world["alice"], world["p2"])
    with pytest.raises(sr.PeriodClosed, match="was closed by alice"):
        sr.close_period(engine, world["bob"], NOV, today=TODAY)
    assert counts(engine) == before
    assert sr.period_state(engine, NOV).closed
    periods = sr.list_periods(engine)
    assert periods.filter(periods["period"] == NOV)["closed_by"].to_list() == ["alice"]

    sr.reopen_period(engine, world["bob"], NOV, today=TODAY)
    assert not sr.period_state(engine, NOV).closed
    reopened = sr.get_report(engine, world["mona"], world["p1"], NOV)
    assert (reopened.locked, reopened.version) == (False, 3)
    assert save(engine, world["mona"], world["p1"], version=3, comment="Fixed").version == 4
    [entry] = audits(engine, "period.reopen")
    assert entry.after == {"closed_at": None, "closed_by": None, "reports_unlocked": [record.id]}


@pytest.mark.parametrize("who", ["mona", "erin", "vic"])
def test_only_pmo_users_close_periods(engine, world, who):
    before = counts(engine)
    with pytest.raises(sr.ReportForbidden, match="only PMO users may"):
        sr.close_period(engine, world[who], NOV, today=TODAY)
    assert counts(engine) == before


def test_a_period_that_has_not_begun_cannot_be_reported_or_closed(engine, world):
    with pytest.raises(sr.StatusReportError, match="period Dec 2026 has not begun yet"):
        sr.save_report(engine, world["mona"], project_id=world["p1"], period=date(2026, 12, 1),
                       today=TODAY, **VALID)
    with pytest.raises(sr.StatusReportError, match="has not begun"):
        sr.close_period(engine, world["alice"], date(2026, 12, 5), today=TODAY)
    with pytest.raises(sr.StatusReportError, match="is not closed"):
        sr.reopen_period(engine, world["alice"], NOV, today=TODAY)


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize("overrides, problems", [
    ({"cost_rag": "red", "comment": "  "},
     {"comment": "required when a status is amber or red (cost): say why and what is being done"}),
    ({"comment": None}, {"comment": "required when a status is amber or red (cost): say why and "
                                    "what is being done"}),
    ({"eac": -1.0}, {"eac": "must be 0 or more, not -1"}),
    ({"actual_cost": -0.5}, {"actual_cost": "must be 0 or more, not -0.5"}),
    ({"percent_complete": 101.0}, {"percent_complete": "must be between 0 and 100, not 101"}),
    ({"percent_complete": float("nan")}, {"percent_complete": "must be a number, not nan"}),
    ({"forecast_end": date(2025, 12, 31)},
     {"forecast_end": "2025-12-31 is before the project's start (2026-01-01)"}),
    ({"scope_rag": "blue"}, {"scope_rag": "choose one of green, amber, red, not 'blue'"}),
    ({"comment": "bad\u202eidea"},
     {"comment": "must not contain control characters (U+202E at position 4)"}),
    ({"eac": -1.0, "schedule_rag": "red", "comment": ""},
     {"eac": "must be 0 or more, not -1",
      "comment": "required when a status is amber or red (schedule, cost): say why and what is "
                 "being done"}),
])
def test_invalid_reports_name_every_problem_and_write_nothing(engine, world, overrides, problems):
    before = counts(engine)
    with pytest.raises(sr.ReportInvalid) as info:
        save(engine, world["mona"], world["p1"], **overrides)
    assert info.value.problems == problems
    assert counts(engine) == before


def test_invalid_risks_are_named_by_position_and_write_nothing(engine, world):
    before = counts(engine)
    with pytest.raises(sr.ReportInvalid) as info:
        save(engine, world["mona"], world["p1"], eac=-5.0, risks=[
            {"title": "OK title", "category": "supplier", "probability": 3, "impact": 3},
            {"title": "No", "category": "weather", "probability": 0, "impact": 2.5}])
    assert info.value.problems == {
        "eac": "must be 0 or more, not -5",
        "risk 2 title": "give a title of 3 to 300 characters",
        "risk 2 category": "choose one of technical, schedule, financial, resource, regulatory, "
                           "supplier, security, not 'weather'",
        "risk 2 probability": "must be a whole number from 1 to 5, not 0",
        "risk 2 impact": "must be a whole number from 1 to 5, not 2.5"}
    assert counts(engine) == before


# --------------------------------------------------------------------------- permissions


@pytest.mark.parametrize("who, project, message", [
    ("mona", "p2", "you may not report on project .*: only on projects you manage"),
    ("hank", "p1", "you may not report on project .*: only on projects in your scope"),
    ("erin", "p1", "role 'executive' may not write status reports"),
    ("vic", "p1", "role 'viewer' may not write status reports"),
])
def test_writers_are_limited_to_their_projects(engine, world, who, project, message):
    before = counts(engine)
    with pytest.raises(sr.ReportForbidden, match=message):
        save(engine, world[who], world[project])
    assert counts(engine) == before
    with Session(engine) as s:  # a refused save leaves no period row behind either
        assert s.scalar(select(func.count()).select_from(ReportingPeriod)) == 0
