"""The audit-trail page (AppTest): PMO and executives allowed, others refused; the filters come
from the URL; the table shows the changes 'field: before → after'."""

from __future__ import annotations

import pytest

from components import access
from data_access import audit_trail as data
from data_access.engine import create_pmo_engine
from data_access.users import current_user
from support.apptest import run_page

SPEC = access.PageSpec("views/audit.py", "Audit trail", ":material/history:",
                       frozenset({"pmo", "executive"}), "audit")


@pytest.fixture
def registered(monkeypatch, app_env):
    monkeypatch.setattr(access, "PAGES", access.PAGES + tuple(
        p for p in (SPEC,) if p.url_path not in {s.url_path for s in access.PAGES}))
    monkeypatch.setitem(access.PAGE_ROLES, SPEC.url_path, SPEC.roles)
    return app_env


def expected(url: str, username: str, filters: data.AuditFilter | None = None) -> data.AuditPage:
    engine = create_pmo_engine(url)
    try:
        return data.search_audit(engine, current_user(engine, username), filters)
    finally:
        engine.dispose()


@pytest.mark.parametrize("username", ["pmo", "exec", "head"])
def test_allowed_roles_see_the_entries_of_their_scope(registered, username):
    at = run_page("audit", registered, username)
    assert not at.exception, at.exception
    assert [t.value for t in at.title] == ["Audit trail"]
    page = expected(registered, username)
    if page.total:
        table = at.dataframe[0].value
        assert list(table["action"]) == page.rows["action"].to_list()
        assert list(table["changes"]) == page.rows["changes"].to_list()
    else:
        assert [i.value for i in at.info] == ["The audit trail is empty."]


@pytest.mark.parametrize("username", ["manager", "viewer"])
def test_other_roles_are_refused(registered, username):
    at = run_page("audit", registered, username)
    assert [e.value for e in at.error] == ["This page is not available to your role."]
    assert not at.title


def test_filters_come_from_the_url(registered):
    at = run_page("audit", registered, "pmo", {"action": "user", "actor": "system"})
    assert not at.exception, at.exception
    page = expected(registered, "pmo", data.AuditFilter(action="user", actor="system"))
    assert page.total >= 5  # the demo accounts were created by "system"
    table = at.dataframe[0].value
    assert set(table["action"]) == {"user.create"}
    assert list(table["changes"]) == page.rows["changes"].to_list()
    assert any(line.startswith("username: — → ") for line in table["changes"][0].split("\n"))


def test_a_date_range_out_of_order_is_refused_with_a_message(registered):
    at = run_page("audit", registered, "pmo", {"from": "2026-02-01", "to": "2026-01-01"})
    assert [e.value for e in at.error] == [
        "The 'from' date 2026\\-02\\-01 is after the 'to' date 2026\\-01\\-01."]
    assert not at.dataframe


def test_a_search_that_matches_nothing_says_so(registered):
    at = run_page("audit", registered, "exec", {"q": "no such words anywhere"})
    assert [i.value for i in at.info] == ["No entry matches these filters."]
