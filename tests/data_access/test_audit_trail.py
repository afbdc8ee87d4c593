"""Reading the audit log on both databases: filters, pagination, the changes in words, and who
sees which entries."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from data_access import audit_trail as at
from data_access.models import AuditEntry
from data_access.users import CurrentUser
from support.factories import (make_department, make_lesson, make_project, make_risk,
                               make_status_report, make_user)


def _user(s: Session, name: str, role: str, departments=()) -> CurrentUser:
    row = make_user(s, username=name, display_name=name.title(), role=role)
    return CurrentUser(id=row.id, username=name, display_name=name.title(), role=role,
                       department_ids=frozenset(d.id for d in departments), person_id=None,
                       session_epoch=row.session_epoch)


def _at(day: int, hour: int = 12) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=timezone.utc)


@pytest.fixture
def world(engine: Engine) -> dict:
    """P1 in D1, P2 in D2; eight entries (ids in brackets are the entity ids):
    1 Nov alice scenario.save [7]; 2 Nov mona status_report.update [P1's report];
    3 Nov mona risk.add [P2's risk]; 4 Nov bob lesson.add [P2's lesson]; 5 Nov bob
    project.update [P1]; 6 Nov alice user.create [9]; 7 Nov bob period.close [2026-10-01];
    8 Nov 23:59 carl import.batch (detail '100%_done')."""
    with Session(engine, expire_on_commit=False) as s:
        d1, d2 = make_department(s, code="D1"), make_department(s, code="D2")
        p1 = make_project(s, code="P1", department_id=d1.id)
        p2 = make_project(s, code="P2", department_id=d2.id)
        report = make_status_report(s, project_id=p1.id)
        risk = make_risk(s, project_id=p2.id)
        lesson = make_lesson(s, project_id=p2.id)
        users = {"pam": _user(s, "pam", "pmo"), "pia": _user(s, "pia", "pmo", [d2]),
                 "erin": _user(s, "erin", "executive"), "dana": _user(s, "dana", "executive", [d1]),
                 "mona": _user(s, "mona", "manager"), "vic": _user(s, "vic", "viewer")}
        s.flush()
        rows = [
            (_at(1), "alice", "scenario.save", "scenario", "7", None, {"name": "Plan A"}, None),
            (_at(2), "mona", "status_report.update", "status_report", str(report.id),
             {"cost_rag": "green", "version": 1}, {"cost_rag": "amber", "version": 2}, None),
            (_at(3), "mona", "risk.add", "risk", str(risk.id), None,
             {"title": "Vendor slips", "probability": 3}, None),
            (_at(4), "bob", "lesson.add", "lesson", str(lesson.id), None, {"title": "Test early"},
             None),
            (_at(5), "bob", "project.update", "project", str(p1.id), {"phase": "framing"},
             {"phase": "execution", "dates": {"end": "2027-01-31"}}, None),
            (_at(6), "alice", "user.create", "user", "9", None, {"username": "zed"}, None),
            (_at(7), "bob", "period.close", "reporting_period", "2026-10-01",
             {"closed_at": None}, {"closed_at": "2026-11-07", "reports_locked": [1, 2]}, None),
            (_at(8, 23), "carl", "import.batch", None, None, None, None, "100%_done"),
        ]
        for when, actor, action, entity, entity_id, before, after, detail in rows:
            s.add(AuditEntry(at=when, actor=actor, action=action, entity=entity,
                             entity_id=entity_id, before=before, after=after, detail=detail))
        s.commit()
        return users


def actions(engine, user, page_size=50, page=1, **filters) -> list[str]:
    return at.search_audit(engine, user, at.AuditFilter(**filters), page=page,
                           page_size=page_size).rows["action"].to_list()


ALL = ["import.batch", "period.close", "user.create", "project.update", "lesson.add", "risk.add",
       "status_report.update", "scenario.save"]


@pytest.mark.parametrize("filters, expected", [
    ({}, ALL),
    ({"actor": "bob"}, ["period.close", "project.update", "lesson.add"]),
    ({"actor": " mona "}, ["risk.add", "status_report.update"]),
    ({"action": "scenario"}, ["scenario.save"]),
    ({"action": "status_report.up"}, ["status_report.update"]),
    ({"action": "report"}, []),  # a prefix, not a substring
    ({"entity": "risk"}, ["risk.add"]),
    ({"entity": "user", "entity_id": "9"}, ["user.create"]),
    ({"date_from": date(2026, 11, 3), "date_to": date(2026, 11, 4)}, ["lesson.add", "risk.add"]),
    ({"date_from": date(2026, 11, 8)}, ["import.batch"]),  # 23:00 on the last day is included
    ({"date_to": date(2026, 11, 1)}, ["scenario.save"]),
    ({"text": "VENDOR"}, ["risk.add"]),  # in the after values, case-insensitive
    ({"text": "%_"}, ["import.batch"]),  # literally, not as wildcards
    ({"text": "execution"}, ["project.update"]),
    ({"text": "nothing like this"}, []),
])
def test_filters(engine, world, filters, expected):
    assert actions(engine, world["pam"], **filters) == expected


def test_pages_are_counted_and_a_page_past_the_end_shows_the_last(engine, world):
    page = at.search_audit(engine, world["pam"], page=2, page_size=3)
    assert (page.total, page.pages, page.page, page.rows["action"].to_list()) == (
        8, 3, 2, ALL[3:6])
    last = at.search_audit(engine, world["pam"], page=9, page_size=3)
    assert (last.page, last.rows["action"].to_list()) == (3, ALL[6:])


def test_each_entry_says_what_changed_before_and_after(engine, world):
    rows = {r["action"]: r for r in at.search_audit(engine, world["pam"]).rows.to_dicts()}
    assert rows["status_report.update"]["changes"] == "cost_rag: green → amber\nversion: 1 → 2"
    assert rows["project.update"]["changes"] == ("phase: framing → execution\n"
                                                 "dates.end: — → 2027-01-31")
    assert rows["period.close"]["changes"] == ("closed_at: — → 2026-11-07\n"
                                               "reports_locked: — → 1, 2")
    assert rows["import.batch"]["changes"] == "" and rows["import.batch"]["detail"] == "100%_done"
    assert rows["scenario.save"]["after"] == '{"name": "Plan A"}'
    assert rows["scenario.save"]["at"] == _at(1)


@pytest.mark.parametrize("before, after, expected", [
    (None, {"a": 1.5, "b": True}, ["a: — → 1.5", "b: — → yes"]),
    ({"a": 1, "gone": "x"}, {"a": 1}, ["gone: x → —"]),
    ({"n": 1000000.0}, {"n": 1250000.25}, ["n: 1,000,000 → 1,250,000.25"]),
    ({"tags": []}, {"tags": ["a", "b"]}, ["tags: none → a, b"]),
    (None, None, []),
])
def test_changes_in_words(before, after, expected):
    assert at.changes(before, after) == expected


@pytest.mark.parametrize("who, expected", [
    ("pam", ALL), ("pia", ALL),  # PMO users see every entry
    ("erin", ALL),
    # Dana (D1): scenarios and what belongs to P1 (its report, the project itself)
    ("dana", ["project.update", "status_report.update", "scenario.save"]),
])
def test_who_sees_which_entries(engine, world, who, expected):
    assert actions(engine, world[who]) == expected


def test_facets_follow_the_scope(engine, world):
    facets = at.audit_facets(engine, world["dana"])
    assert facets == {"actor": ["alice", "bob", "mona"], "entity": ["project", "scenario",
                                                                    "status_report"],
                      "action": ["project", "scenario", "status_report"],
                      "actions": ["project.update", "scenario.save", "status_report.update"]}


@pytest.mark.parametrize("who", ["mona", "vic"])
def test_managers_and_viewers_are_refused(engine, world, who):
    with pytest.raises(at.AuditForbidden, match=f"role '{world[who].role}' may not read"):
        at.search_audit(engine, world[who])
    with pytest.raises(at.AuditForbidden):
        at.audit_facets(engine, world[who])


@pytest.mark.parametrize("kwargs, message", [
    ({"filters": at.AuditFilter(date_from=date(2026, 11, 5), date_to=date(2026, 11, 4))},
     "the 'from' date 2026-11-05 is after the 'to' date 2026-11-04"),
    ({"filters": at.AuditFilter(text="x" * 201)}, "search text is 201 characters long, at most 200"),
    ({"filters": at.AuditFilter(actor=3)}, "actor must be text, not int"),
    ({"page": 0}, "page must be a whole number from 1, not 0"),
    ({"page_size": 501}, "page size must be 1 to 500, not 501"),
])
def test_bad_filters_are_refused_with_a_clear_message(engine, world, kwargs, message):
    with pytest.raises(at.AuditTrailError, match=message.replace("(", r"\(")):
        at.search_audit(engine, world["pam"], **kwargs)
