"""Scope: who reads what, enforced in the SQL of every scoped query."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from data_access.queries import portfolio as q
from data_access.scope import SYSTEM, Scope
from data_access.settings import get_settings
from support.dataset import SmallPortfolio, build_small_portfolio

FRAMES = ("costs", "progress", "milestones", "deliverables", "risks", "status_reports",
          "assignments", "contributions", "dependencies", "departments", "people")

# case: (role, departments, person, visible projects, row counts of FRAMES in order), all
# hand-counted from the table in support/dataset.py ("P-" left off the project codes).
CASES = {
    "executive": ("executive", "", None, "FIN-1 FIN-2 IT-1 IT-2", "5 5 2 2 2 2 2 2 2 2 3"),
    "executive IT": ("executive", "IT", None, "IT-1 IT-2", "3 3 1 2 1 2 1 1 1 1 1"),
    "pmo": ("pmo", "", None, "FIN-1 FIN-2 IT-1 IT-2", "5 5 2 2 2 2 2 2 2 2 3"),
    "pmo FIN": ("pmo", "FIN", None, "FIN-1 FIN-2", "2 2 1 0 1 0 1 1 1 1 1"),
    # a manager sees the departments of their projects and the people assigned to them
    "manager Alice": ("manager", "", "Alice", "IT-1", "2 2 1 2 1 1 1 1 1 1 1"),
    "manager Bob": ("manager", "", "Bob", "FIN-1 IT-2", "2 2 1 0 0 1 1 1 2 2 1"),
    "manager without person": ("manager", "", None, "", "0 0 0 0 0 0 0 0 0 0 0"),
    "manager Alice + FIN": ("manager", "FIN", "Alice", "FIN-1 FIN-2 IT-1", "4 4 2 2 2 1 2 2 2 2 2"),
    "viewer": ("viewer", "", None, "FIN-1 FIN-2 IT-1 IT-2", "5 5 2 2 2 2 2 2 2 2 3"),
    "viewer IT": ("viewer", "IT", None, "IT-1 IT-2", "3 3 1 2 1 2 1 1 1 1 1"),
}
ALL = ["P-FIN-1", "P-FIN-2", "P-IT-1", "P-IT-2"]


@pytest.fixture
def portfolio(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> SmallPortfolio:
    # The clauses are under test here; every reader strategy is compared in test_queries.
    monkeypatch.setenv("PMO_READER", "sqlalchemy")
    get_settings.cache_clear()
    return build_small_portfolio(engine)


def _scope(data: SmallPortfolio, role: str, departments: str, person: str | None) -> Scope:
    return Scope(username="u", role=role,
                 department_ids=frozenset(data.departments[d] for d in departments.split()),
                 person_id=data.people[person] if person else None)


@pytest.mark.parametrize("case", list(CASES))
def test_scope_limits_every_query(engine: Engine, portfolio: SmallPortfolio, case: str) -> None:
    role, departments, person, codes, counts = CASES[case]
    scope = _scope(portfolio, role, departments, person)
    assert q.projects(engine, scope)["code"].to_list() == [f"P-{c}" for c in codes.split()]
    heights = {name: getattr(q, name)(engine, scope).height for name in FRAMES}
    assert heights == dict(zip(FRAMES, map(int, counts.split()), strict=True))


def test_unknown_role_is_refused_when_the_scope_is_built() -> None:
    with pytest.raises(ValueError, match="unknown role 'admin'"):
        Scope(username="u", role="admin")


def test_system_scope_reads_everything(engine: Engine, portfolio: SmallPortfolio) -> None:
    assert q.projects(engine, SYSTEM)["code"].to_list() == ALL


@pytest.mark.parametrize(("scope", "key"), [
    (Scope("a", "executive"), "executive|*|-"),
    (Scope("a", "executive", frozenset({3, 1})), "executive|1,3|-"),
    (Scope("a", "pmo"), "pmo|*|-"),
    (Scope("a", "manager", person_id=7), "manager|*|7"),
    (Scope("a", "manager"), "manager|*|None"),
    (Scope("a", "manager", frozenset({2}), person_id=7), "manager|2|7"),
    (Scope("a", "viewer", person_id=7), "viewer|*|-"),
])
def test_cache_key(scope: Scope, key: str) -> None:
    assert scope.cache_key == key


def test_cache_key_differs_between_scopes_reading_different_rows() -> None:
    scopes = [Scope("u", "executive"), Scope("u", "executive", frozenset({1})),
              Scope("u", "executive", frozenset({2})), Scope("u", "executive", frozenset({1, 2})),
              Scope("u", "pmo"), Scope("u", "viewer"), Scope("u", "manager"),
              Scope("u", "manager", person_id=1), Scope("u", "manager", person_id=2),
              Scope("u", "manager", frozenset({1}), person_id=1)]
    assert len({s.cache_key for s in scopes}) == len(scopes)


def test_cache_key_is_shared_by_users_with_the_same_scope() -> None:
    alice, bob = Scope("alice", "pmo", frozenset({1})), Scope("bob", "pmo", frozenset({1}))
    assert alice.cache_key == bob.cache_key


@pytest.mark.parametrize(("departments", "asked", "allowed"), [
    (frozenset(), 5, True), (frozenset({1, 2}), 2, True), (frozenset({1, 2}), 3, False),
])
def test_allows_department(departments, asked: int, allowed: bool) -> None:
    assert Scope("u", "executive", departments).allows_department(asked) is allowed
