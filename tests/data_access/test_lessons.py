"""Lessons learned on both databases: add and update (audited), optimistic locking, a table of
validation rules that write nothing, and who may write what."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from data_access import lessons as ls
from data_access.models import AuditEntry, Lesson
from data_access.settings import today as app_today
from data_access.users import CurrentUser
from support.factories import make_department, make_person, make_project, make_user

TODAY = date(2026, 3, 1)
VALID = {"title": "Prototype integrations early", "category": "technical", "phase": "execution",
         "went_badly": "Legacy interfaces took twice the estimate", "tags": "integration"}


def _user(s: Session, name: str, role: str, *, person=None, departments=()) -> CurrentUser:
    row = make_user(s, username=name, display_name=name.title(), role=role,
                    person_id=None if person is None else person.id)
    return CurrentUser(id=row.id, username=name, display_name=name.title(), role=role,
                       department_ids=frozenset(d.id for d in departments),
                       person_id=None if person is None else person.id,
                       session_epoch=row.session_epoch)


@pytest.fixture
def world(engine: Engine) -> dict:
    """Departments D1, D2; Mona manages P1 (D1), Max manages P2 (D2); one user per role, and
    Hank, a PMO user scoped to D2."""
    with Session(engine, expire_on_commit=False) as s:
        d1, d2 = make_department(s, code="D1"), make_department(s, code="D2")
        mona, max_ = make_person(s, name="Mona"), make_person(s, name="Max")
        p1 = make_project(s, code="P1", department_id=d1.id, manager_id=mona.id)
        p2 = make_project(s, code="P2", department_id=d2.id, manager_id=max_.id)
        users = {"alice": _user(s, "alice", "pmo"), "bob": _user(s, "bob", "pmo"),
                 "hank": _user(s, "hank", "pmo", departments=[d2]),
                 "erin": _user(s, "erin", "executive"),
                 "mona": _user(s, "mona", "manager", person=mona),
                 "vic": _user(s, "vic", "viewer")}
        s.commit()
        return {"p1": p1.id, "p2": p2.id, **users}


def counts(engine: Engine) -> tuple[int, int]:
    """(lesson rows, audit rows)."""
    with Session(engine) as s:
        return (s.scalar(select(func.count()).select_from(Lesson)),
                s.scalar(select(func.count()).select_from(AuditEntry)))


def audits(engine: Engine, action: str) -> list[AuditEntry]:
    with Session(engine) as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.action == action)
                              .order_by(AuditEntry.id)))


def add(engine: Engine, user: CurrentUser, project_id, **overrides) -> ls.LessonRecord:
    return ls.add_lesson(engine, user, project_id=project_id, today=TODAY, **{**VALID, **overrides})


# --------------------------------------------------------------------------- add and read


def test_a_pmo_user_records_a_lesson_cleaned_and_audited(engine, world):
    record = add(engine, world["alice"], world["p1"], title="  Prototype   integrations early ",
                 tags=" Integration, LEGACY ,integration,, ", went_well="  \n ",
                 recommendation="Spike every legacy interface.\r\nThen commit.")
    assert (record.title, record.tags, record.went_well, record.recommendation) == (
        "Prototype integrations early", "integration,legacy", None,
        "Spike every legacy interface.\nThen commit.")
    assert (record.version, record.recorded_on, record.project_id) == (1, TODAY, world["p1"])
    [entry] = audits(engine, "lesson.add")
    assert (entry.actor, entry.entity, entry.entity_id, entry.before) == (
        "alice", "lesson", str(record.id), None)
    assert entry.after == record.snapshot()
    assert entry.after["recorded_on"] == "2026-03-01"
    frame = ls.list_lessons(engine, world["erin"])
    assert frame.columns == list(ls.LESSONS)
    assert frame.select("id", "project_code", "title", "tags", "version").rows() == [
        (record.id, "P1", "Prototype integrations early", "integration,legacy", 1)]


def test_recorded_on_defaults_to_today(engine, world):
    record = ls.add_lesson(engine, world["alice"], project_id=None, **VALID)
    assert record.recorded_on == app_today() and record.project_id is None


def test_hostile_text_is_stored_literally(engine, world):
    title = "'; DROP TABLE lessons; -- <script>alert(1)</script> 🚀"
    record = add(engine, world["alice"], world["p1"], title=title, went_badly="[x](javascript:1)")
    assert ls.get_lesson(engine, world["alice"], record.id).title == title
    assert ls.get_lesson(engine, world["alice"], record.id).went_badly == "[x](javascript:1)"


def test_a_300_character_title_fits_on_both_databases(engine, world):
    record = add(engine, world["alice"], world["p1"], title="é" * 300)
    assert ls.get_lesson(engine, world["alice"], record.id).title == "é" * 300


def test_reads_follow_the_scope(engine, world):
    own = add(engine, world["alice"], world["p1"], title="Of P1")
    other = add(engine, world["alice"], world["p2"], title="Of P2")
    shared = add(engine, world["alice"], None, title="Of nobody")
    assert set(ls.list_lessons(engine, world["mona"])["title"]) == {"Of P1", "Of nobody"}
    assert set(ls.list_lessons(engine, world["hank"])["title"]) == {"Of P2", "Of nobody"}
    assert ls.get_lesson(engine, world["mona"], other.id) is None
    assert ls.get_lesson(engine, world["mona"], own.id).title == "Of P1"
    assert ls.get_lesson(engine, world["vic"], shared.id).title == "Of nobody"
    for bad in (0, -1, 2**40, "1", True):
        assert ls.get_lesson(engine, world["alice"], bad) is None


@pytest.mark.parametrize("who, codes", [("alice", ["P1", "P2"]), ("hank", ["P2"]),
                                        ("mona", ["P1"]), ("erin", []), ("vic", [])])
def test_writable_projects(engine, world, who, codes):
    frame = ls.writable_projects(engine, world[who])
    assert frame.columns == list(ls.WRITABLE)
    assert frame["code"].to_list() == codes


# --------------------------------------------------------------------------- permissions


@pytest.mark.parametrize("who, project", [("alice", "p1"), ("alice", "p2"), ("alice", None),
                                          ("hank", "p2"), ("mona", "p1")])
def test_who_may_record(engine, world, who, project):
    record = add(engine, world[who], None if project is None else world[project])
    assert record.id and counts(engine)[0] == 1


@pytest.mark.parametrize("who, project, message", [
    ("erin", "p1", "role 'executive' may not record lessons learned"),
    ("vic", "p1", "role 'viewer' may not record lessons learned"),
    ("mona", "p2", "you may not record lessons for project {p2}: only for projects you manage"),
    ("mona", None, "only PMO users may record a lesson that belongs to no project"),
    ("hank", "p1", "you may not record lessons for project {p1}: only for projects in your scope"),
])
def test_who_may_not_record(engine, world, who, project, message):
    before = counts(engine)
    with pytest.raises(PermissionError) as caught:
        add(engine, world[who], None if project is None else world[project])
    assert str(caught.value).startswith(message.format(p1=world["p1"], p2=world["p2"]))
    assert counts(engine) == before


def test_a_manager_may_not_move_a_lesson_to_a_project_they_do_not_manage(engine, world):
    record = add(engine, world["mona"], world["p1"])
    before = counts(engine)
    with pytest.raises(ls.LessonForbidden):
        ls.update_lesson(engine, world["mona"], record.id, expected_version=1, today=TODAY,
                         project_id=world["p2"], **VALID)
    assert counts(engine) == before


def test_a_lesson_outside_the_scope_is_not_found_for_update(engine, world):
    record = add(engine, world["alice"], world["p2"])
    with pytest.raises(ls.LessonError, match=f"^no lesson with id {record.id}$"):
        ls.update_lesson(engine, world["mona"], record.id, expected_version=1, today=TODAY,
                         project_id=world["p1"], **VALID)


# --------------------------------------------------------------------------- update and conflict


def test_update_with_the_loaded_version(engine, world):
    record = add(engine, world["mona"], world["p1"])
    updated = ls.update_lesson(engine, world["alice"], record.id, expected_version=1, today=TODAY,
                               project_id=world["p2"], **{**VALID, "title": "Spike interfaces",
                                                          "tags": "Spike"})
    assert (updated.id, updated.version, updated.title, updated.tags, updated.project_id) == (
        record.id, 2, "Spike interfaces", "spike", world["p2"])
    [entry] = audits(engine, "lesson.update")
    assert entry.actor == "alice" and entry.entity_id == str(record.id)
    assert entry.before == record.snapshot() and entry.after == updated.snapshot()
    assert (entry.before["version"], entry.after["version"]) == (1, 2)


def test_a_stale_update_is_refused_and_overwrites_nothing(engine, world):
    record = add(engine, world["alice"], world["p1"])
    ls.update_lesson(engine, world["alice"], record.id, expected_version=1, today=TODAY,
                     project_id=world["p1"], **{**VALID, "title": "Alice's version"})
    before = counts(engine)
    with pytest.raises(ls.LessonConflict) as caught:
        ls.update_lesson(engine, world["bob"], record.id, expected_version=1, today=TODAY,
                         project_id=world["p1"], **{**VALID, "title": "Bob's version"})
    conflict = caught.value
    assert (conflict.changed_by, conflict.current_version, conflict.expected_version) == (
        "alice", 2, 1)
    assert str(conflict).startswith(f"lesson {record.id} was changed by alice at ")
    assert str(conflict).endswith("and is now at version 2 (you loaded version 1); nothing was "
                                  "overwritten: reload the lesson and apply your changes again")
    assert ls.get_lesson(engine, world["bob"], record.id).title == "Alice's version"
    assert counts(engine) == before


@pytest.mark.parametrize("lesson_id, version, message", [
    (None, 5, "lesson {id} is at version 1: version 5 does not exist yet"),
    (999, 1, "no lesson with id 999"),
    (None, 0, "expected_version must be a whole number from 1 to 2147483647, not 0"),
    ("7", 1, "lesson id must be a whole number from 1 to 2147483647, not '7'"),
])
def test_update_errors(engine, world, lesson_id, version, message):
    record = add(engine, world["alice"], world["p1"])
    target = record.id if lesson_id is None else lesson_id
    before = counts(engine)
    with pytest.raises(ls.LessonError) as caught:
        ls.update_lesson(engine, world["alice"], target, expected_version=version, today=TODAY,
                         project_id=world["p1"], **VALID)
    assert str(caught.value) == message.format(id=record.id)
    assert counts(engine) == before


# --------------------------------------------------------------------------- validation


CATEGORIES = "planning, stakeholders, technical, supplier, governance, people"
RULES = [
    ({"title": "ab"}, "title", "must be 3 to 300 characters, not 2"),
    ({"title": "x" * 301}, "title", "must be 3 to 300 characters, not 301"),
    ({"title": "   "}, "title", "must be 3 to 300 characters, not 0"),
    ({"title": None}, "title", "give a title (text)"),
    ({"title": "ab\x00cd"}, "title", "must not contain control characters (U+0000 at position 3)"),
    ({"title": "abc\u202edef"}, "title",
     "must not contain control characters (U+202E at position 4)"),
    ({"category": "finance"}, "category",
     f"unknown category 'finance': choose one of {CATEGORIES}"),
    ({"category": None}, "category", f"choose a category: one of {CATEGORIES}"),
    ({"phase": ""}, "phase", "choose a phase: one of idea, framing, execution, closure, closed"),
    ({"phase": "done"}, "phase",
     "unknown phase 'done': choose one of idea, framing, execution, closure, closed"),
    ({"went_badly": None}, "went_well",
     "say what went well, what went badly or what you recommend (at least one of the three)"),
    ({"went_badly": " \n ", "went_well": "", "recommendation": None}, "went_well",
     "say what went well, what went badly or what you recommend (at least one of the three)"),
    ({"went_badly": "bad\x00"}, "went_badly",
     "must not contain control characters (U+0000 at position 4)"),
    ({"recommendation": "r" * 5001}, "recommendation", "is 5,001 characters long, at most 5,000"),
    ({"went_well": 42}, "went_well", "must be text, not int"),
    ({"tags": "ok, " + "t" * 41}, "tags", f"tag '{'t' * 40}'… is 41 characters long, at most 40"),
    ({"tags": ",".join(f"{i}" * 40 for i in range(8))}, "tags",
     "too many tags: 327 characters in all, at most 300"),
    ({"tags": "a\x07b"}, "tags",
     "tag 'a\\x07b' must not contain control characters (U+0007 at position 2)"),
    ({"tags": 5}, "tags", "tags must be text separated by commas, not int"),
    ({"recorded_on": date(2026, 3, 2)}, "recorded_on",
     "must be between 1990-01-01 and today (2026-03-01), not 2026-03-02"),
    ({"recorded_on": date(1900, 1, 1)}, "recorded_on",
     "must be between 1990-01-01 and today (2026-03-01), not 1900-01-01"),
    ({"recorded_on": "2026-01-01"}, "recorded_on", "must be a date, not '2026-01-01'"),
    ({"project_id": "1"}, "project_id",
     "must be a project id (a whole number from 1 to 2147483647), not '1'"),
]


@pytest.mark.parametrize("overrides, field, message", RULES,
                         ids=[f"{f}-{i}" for i, (_, f, _) in enumerate(RULES)])
def test_each_rule_refuses_and_writes_nothing(engine, world, overrides, field, message):
    before = counts(engine)
    fields = {"project_id": world["p1"], **VALID, **overrides}
    with pytest.raises(ls.LessonInvalid) as caught:
        ls.add_lesson(engine, world["alice"], today=TODAY, **fields)
    problem = caught.value.problems[field]
    assert problem == message
    assert list(caught.value.problems) == [field]
    assert counts(engine) == before


def test_every_problem_is_reported_at_once(engine, world):
    record = add(engine, world["alice"], world["p1"])
    before = counts(engine)
    with pytest.raises(ls.LessonInvalid) as caught:
        ls.update_lesson(engine, world["alice"], record.id, expected_version=1, today=TODAY,
                         project_id=world["p1"], title="x", category="x", phase="execution",
                         went_well=None)
    assert list(caught.value.problems) == ["title", "category", "went_well"]
    assert str(caught.value).startswith("the lesson was not saved: title: must be 3 to 300")
    assert counts(engine) == before


@pytest.mark.parametrize("given, stored", [
    (" Vendor , contract,vendor,, CONTRACT ", "vendor,contract"),
    (["a, b", "B", " c "], "a,b,c"),
    ("Change   Control", "change control"),
    ("a\tb", "a b"),
    ("  , ,", None),
    ("", None),
    (None, None),
    ("x" * 40, "x" * 40),
])
def test_tags_are_normalised(given, stored):
    assert ls.normalise_tags(given) == stored


def test_two_saves_from_the_same_version_at_once_one_wins(engine, world):
    record = add(engine, world["alice"], world["p1"])
    outcomes: dict[str, object] = {}

    def save_as(name: str) -> None:
        try:
            outcomes[name] = ls.update_lesson(engine, world[name], record.id, expected_version=1,
                                              today=TODAY, project_id=world["p1"],
                                              **{**VALID, "title": f"{name}'s version"})
        except ls.LessonConflict as exc:
            outcomes[name] = exc

    threads = [threading.Thread(target=save_as, args=(n,)) for n in ("alice", "bob")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    won = [n for n, o in outcomes.items() if isinstance(o, ls.LessonRecord)]
    lost = [o for o in outcomes.values() if isinstance(o, ls.LessonConflict)]
    assert len(won) == 1 and len(lost) == 1, outcomes
    assert ls.get_lesson(engine, world["alice"], record.id).title == f"{won[0]}'s version"
    assert (lost[0].changed_by, lost[0].current_version) == (won[0], 2)
    assert len(audits(engine, "lesson.update")) == 1
