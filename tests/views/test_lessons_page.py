"""The lessons-learned page for every role (AppTest): search and filters from the URL, the
capture form (valid, invalid, a stale edit), managers only for the projects they manage."""

from __future__ import annotations

import sqlite3

import polars as pl
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from analytics.lessons import search
from components import access
from data_access import lessons as ls
from data_access.engine import create_pmo_engine
from data_access.models import AuditEntry, Lesson
from data_access.queries.portfolio import projects
from data_access.users import current_user
from support.apptest import run_page

ALLOWED = frozenset({"executive", "pmo", "manager"})
SPEC = access.PageSpec("views/lessons.py", "Lessons learned", ":material/school:", ALLOWED,
                       "lessons")


@pytest.fixture
def registered(monkeypatch, app_env):
    """The page as the lead registers it (harmless once it is in access.PAGES)."""
    if SPEC.url_path not in {s.url_path for s in access.PAGES}:
        monkeypatch.setattr(access, "PAGES", access.PAGES + (SPEC,))
    monkeypatch.setitem(access.PAGE_ROLES, SPEC.url_path, SPEC.roles)
    return app_env


@pytest.fixture
def own_db(registered, tmp_path, monkeypatch):
    """A private copy of the demo database, for tests that write."""
    target = tmp_path / "demo.db"
    src, dst = sqlite3.connect(registered.removeprefix("sqlite:///")), sqlite3.connect(target)
    src.backup(dst)
    dst.close()
    src.close()
    url = f"sqlite:///{target}"
    monkeypatch.setenv("PMO_DATABASE_URL", url)
    return url


def facts(url: str, username: str):
    """(user, lessons the user may read, projects they may write for, all projects in scope)."""
    engine = create_pmo_engine(url)
    try:
        user = current_user(engine, username)
        return (user, ls.list_lessons(engine, user), ls.writable_projects(engine, user),
                projects(engine, user.scope))
    finally:
        engine.dispose()


def lesson_count(url: str) -> tuple[int, int]:
    engine = create_pmo_engine(url)
    try:
        with Session(engine) as s:
            return (s.scalar(select(func.count()).select_from(Lesson)),
                    s.scalar(select(func.count()).select_from(AuditEntry)
                             .where(AuditEntry.action.like("lesson.%"))))
    finally:
        engine.dispose()


def open_page(url: str, username: str, query: dict | None = None) -> AppTest:
    return run_page("lessons", url, username, query)


def save(at: AppTest, **fields) -> AppTest:
    """Fill the capture form with ``fields`` (widget key without ``lf_``) and submit it."""
    for name, value in fields.items():
        kind = {"category": "selectbox", "phase": "selectbox", "project": "selectbox",
                "went_well": "text_area", "went_badly": "text_area",
                "recommendation": "text_area"}.get(name, "text_input")
        widget = getattr(at, kind)(key=f"lf_{name}")
        widget.set_value(value) if kind == "selectbox" else widget.input(value)
    at.button(key="lf_save").click()
    return at.run()


def plain(elements) -> list[str]:
    return [str(e.value).replace("\\", "") for e in elements]


@pytest.mark.parametrize("username, may_write", [("exec", False), ("head", False), ("pmo", True),
                                                 ("manager", True)])
def test_allowed_roles_see_the_lessons_in_their_scope(registered, username, may_write):
    _, lessons, writable, _ = facts(registered, username)
    at = open_page(registered, username)
    assert not at.exception, at.exception
    assert [t.value for t in at.title] == ["Lessons learned"]
    assert plain(at.caption)[0].startswith(f"{lessons.height} of {lessons.height} lessons")
    if lessons.height:
        assert list(at.dataframe[0].value["title"]) == lessons["title"].to_list()
    else:
        assert plain(at.info)[0] == "No lesson recorded yet."
    assert bool(at.get("form")) is may_write
    if may_write:
        options = at.selectbox(key="lf_project").options
        assert options[:writable.height] == writable["code"].to_list()
    else:
        assert "Lessons are recorded by the PMO and by each project's manager." in plain(at.caption)


def test_the_viewer_is_refused(registered):
    at = open_page(registered, "viewer")
    assert [e.value for e in at.error] == ["This page is not available to your role."]
    assert not at.title and not at.dataframe


def test_search_and_filters_come_from_the_url(registered):
    _, lessons, _, _ = facts(registered, "pmo")
    query = {"q": "LEGACY", "category": "technical", "phase": "execution"}
    wanted = search(lessons, "legacy", ["technical"], ["execution"]).collect()
    assert 0 < wanted.height < lessons.height
    at = open_page(registered, "pmo", query)
    assert not at.exception, at.exception
    assert list(at.dataframe[0].value["title"]) == wanted["title"].to_list()
    assert at.text_input(key="q").value == "LEGACY"
    assert at.multiselect(key="category").value == ["technical"]
    assert plain(at.caption)[0].startswith(f"{wanted.height} of {lessons.height} lessons")


def test_a_tag_filter_and_a_search_without_match(registered):
    _, lessons, _, _ = facts(registered, "pmo")
    at = open_page(registered, "pmo", {"tag": "vendor"})
    vendor = lessons.filter(pl.col("tags").str.contains("vendor"))
    assert list(at.dataframe[0].value["title"]) == vendor["title"].to_list()
    at = open_page(registered, "pmo", {"q": "<b>nothing like this</b>"})
    assert plain(at.info)[0] == "No lesson matches this search."
    assert not at.dataframe


def test_a_closure_lesson_is_recorded_from_the_project_link(own_db):
    _, _, writable, _ = facts(own_db, "pmo")
    code = writable.filter(pl.col("phase") == "closure")["code"][0]
    before = lesson_count(own_db)
    at = open_page(own_db, "pmo", {"project": code})
    assert not at.exception, at.exception
    assert at.selectbox(key="lf_project").value == code
    assert at.selectbox(key="lf_phase").value == "closure"
    assert plain(at.info) == [f"Closure of {code}: record what went well, what went badly and "
                              "what you recommend to the next projects."]
    at = save(at, title="Book the <b>test</b> lab early", category="supplier",
              went_badly="The lab was booked late", tags="Vendor, Lab ,vendor")
    assert not at.exception, at.exception
    assert not at.error
    assert lesson_count(own_db) == (before[0] + 1, before[1] + 1)
    _, lessons, _, _ = facts(own_db, "pmo")
    new = lessons.filter(pl.col("title") == "Book the <b>test</b> lab early").row(0, named=True)
    assert (new["project_code"], new["category"], new["phase"], new["tags"]) == (
        code, "supplier", "closure", "vendor,lab")
    assert plain(at.success) == [f"Lesson #{new['id']} saved (version 1)."]
    assert at.text_input(key="lf_title").value == ""      # the form is ready for the next one


def test_an_invalid_lesson_says_why_and_writes_nothing(own_db):
    before = lesson_count(own_db)
    at = open_page(own_db, "pmo")
    at = save(at, project="—", title="ab", phase="execution")
    assert not at.exception, at.exception
    assert plain(at.error) == [
        "The lesson was not saved. Title: must be 3 to 300 characters, not 2. Category: choose "
        "a category: one of planning, stakeholders, technical, supplier, governance, people. "
        "What went well: say what went well, what went badly or what you recommend (at least "
        "one of the three)."]
    assert at.text_input(key="lf_title").value == "ab"    # the user's input is kept
    assert lesson_count(own_db) == before


def test_a_lesson_needs_a_project_chosen(own_db):
    before = lesson_count(own_db)
    at = save(open_page(own_db, "pmo"), title="A good title", category="people",
              phase="closure", went_well="Team")
    assert plain(at.error) == ["The lesson was not saved. Project: choose the project the lesson "
                               "belongs to, or “no project” for an organisation-wide lesson."]
    assert lesson_count(own_db) == before


def test_a_manager_records_only_for_the_projects_they_manage(own_db):
    user, _, writable, in_scope = facts(own_db, "manager")
    assert writable.height and set(writable["code"]) <= set(in_scope["code"])
    _, _, everything, _ = facts(own_db, "pmo")
    other = everything.join(writable, on="code", how="anti")["code"][0]
    at = open_page(own_db, "manager", {"project": other})
    assert not at.exception, at.exception
    assert plain(at.warning) == ["You may not record lessons for that project."]
    assert at.selectbox(key="lf_project").options == writable["code"].to_list()
    assert at.selectbox(key="lf_project").value is None
    at = save(at, project=writable["code"][0], title="Protect the team", category="people",
              phase="execution", went_well="Co-located team")
    assert not at.error and plain(at.success)
    _, lessons, _, _ = facts(own_db, "manager")
    assert lessons.filter(pl.col("title") == "Protect the team")["project_code"].to_list() == [
        writable["code"][0]]


def test_a_stale_edit_is_refused_with_a_clear_message(own_db):
    engine = create_pmo_engine(own_db)
    pmo = current_user(engine, "pmo")
    first = ls.list_lessons(engine, pmo).row(0, named=True)
    at = open_page(own_db, "pmo")
    at.selectbox(key="lf_edit").set_value(first["id"])
    at.run()
    assert at.text_input(key="lf_title").value == first["title"]
    assert plain(at.caption)[-1] == (f"Editing lesson #{first['id']}, as loaded at version "
                                     f"{first['version']}.")
    record = ls.get_lesson(engine, pmo, first["id"])
    fields = {f: getattr(record, f) for f in ("project_id", "category", "phase", "went_well",
                                             "went_badly", "recommendation", "tags",
                                             "recorded_on")}
    ls.update_lesson(engine, pmo, record.id,
                     expected_version=record.version, title="Changed meanwhile", **fields)
    engine.dispose()
    before = lesson_count(own_db)
    at = save(at, title="My own edit")
    assert not at.exception, at.exception
    [error] = plain(at.error)
    assert error.startswith(f"Lesson {first['id']} was changed by pmo at ")
    assert error.endswith(f"and is now at version {first['version'] + 1} (you loaded version "
                          f"{first['version']}); nothing was overwritten: reload the lesson and "
                          "apply your changes again.")
    assert at.text_input(key="lf_title").value == "My own edit"   # the user's work is kept
    assert lesson_count(own_db) == before
    at.button(key="lf_reload").click()
    at.run()
    assert at.text_input(key="lf_title").value == "Changed meanwhile"
    assert not at.error
    at = save(at, title="My edit, on the new version")
    assert plain(at.success) == [f"Lesson #{first['id']} saved (version {first['version'] + 2})."]
