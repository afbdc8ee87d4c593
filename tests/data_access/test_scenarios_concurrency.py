"""Saved scenarios under real concurrency, on both databases: two users saving the same version,
two new scenarios, two baselines at once (each job on its own engine and thread, meeting at a
barrier right before the statement that races)."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from sqlalchemy import Engine, event

from data_access import scenarios as sc
from data_access.engine import create_pmo_engine
from data_access.users import CurrentUser
from support.scenarios import audit_of, baselines, counts, save, scenario_people


@pytest.fixture
def people(engine: Engine) -> dict[str, CurrentUser]:
    return scenario_people(engine)


def _meet_before(engine: Engine, sql: str, barrier: threading.Barrier, timeout: float) -> None:
    """Make every statement containing ``sql`` (upper case) wait at ``barrier`` on this engine.

    A barrier that times out (the other thread is blocked by a lock, as it should be) lets the
    waiting thread go on: the race then proves the lock, not the barrier, kept them apart."""
    @event.listens_for(engine, "before_cursor_execute")
    def _wait(conn, cursor, statement, parameters, context, executemany) -> None:
        if sql in " ".join(statement.split()).upper():
            try:
                barrier.wait(timeout=timeout)
            except threading.BrokenBarrierError:
                pass


def _race(engine: Engine, sql: str, jobs: list[Callable[[Engine], object]], *,
          timeout: float = 20) -> list[object]:
    """Run each job on its own engine (own connections) in its own thread; they meet at a barrier
    right before their statement containing ``sql``. Returns each job's result or exception."""
    barrier = threading.Barrier(len(jobs))
    engines = [create_pmo_engine(engine.url.render_as_string(hide_password=False)) for _ in jobs]
    outcomes: list[object] = [None] * len(jobs)

    def run(i: int) -> None:
        try:
            outcomes[i] = jobs[i](engines[i])
        except Exception as exc:  # noqa: BLE001 - the test inspects it
            outcomes[i] = exc

    try:
        for e in engines:
            _meet_before(e, sql, barrier, timeout)
        threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert not any(t.is_alive() for t in threads)
    finally:
        for e in engines:
            e.dispose()
    return outcomes


def test_two_users_saving_the_same_version_at_once_one_wins_nothing_lost(engine, people):
    """Both read version 1, then both send their UPDATE at the same moment: the database lets
    exactly one match ``version = 1``; the other gets a conflict naming the winner."""
    loaded = save(engine, people["alice"], "Shared", parameters={"budget": 0})
    edits = {"alice": {"budget": 100}, "bob": {"budget": 200}}
    outcomes = _race(engine, "UPDATE SCENARIOS", [
        lambda e, who=who: save(e, people[who], f"{who}'s plan", parameters=edits[who],
                                scenario_id=loaded.id, expected_version=1)
        for who in edits])
    records = [o for o in outcomes if isinstance(o, sc.ScenarioRecord)]
    conflicts = [o for o in outcomes if isinstance(o, sc.ScenarioConflict)]
    assert (len(records), len(conflicts)) == (1, 1), outcomes
    winner, conflict = records[0], conflicts[0]
    who = "alice" if winner.name == "alice's plan" else "bob"
    loser = "bob" if who == "alice" else "alice"
    assert winner.version == 2
    assert f"by {who} " in str(conflict) and "version 2" in str(conflict)
    assert conflict.unsaved["parameters"] == edits[loser]
    stored = sc.get_scenario(engine, people["alice"], loaded.id)
    assert (stored.name, stored.parameters, stored.version) == (f"{who}'s plan", edits[who], 2)
    saves = audit_of(engine, "scenario.save", loaded.id)
    assert [a.actor for a in saves] == ["alice", who]  # the creation, then the winner only
    assert saves[1].after["parameters"] == edits[who]


def test_two_new_scenarios_saved_at_once_both_survive(engine, people):
    outcomes = _race(engine, "INSERT INTO SCENARIOS", [
        lambda e, who=who: save(e, people[who], f"{who} new") for who in ("alice", "bob")])
    assert all(isinstance(o, sc.ScenarioRecord) for o in outcomes), outcomes
    assert outcomes[0].id != outcomes[1].id
    frame = sc.list_scenarios(engine, people["erin"])
    assert sorted(frame.select("name", "owner", "version").rows()) == [
        ("alice new", "alice", 1), ("bob new", "bob", 1)]
    assert counts(engine) == (2, 2)


def test_two_baselines_set_at_once_leave_exactly_one(engine, people):
    """Both threads try to meet right before unsetting the other baselines: without a lock both
    would get there, see no other baseline and leave two; with it the second waits for the first
    (the barrier times out after a second) and then unsets the first one's baseline."""
    a, b = save(engine, people["alice"], "A"), save(engine, people["bob"], "B")
    outcomes = _race(engine, "WHERE SCENARIOS.IS_BASELINE IS", [
        lambda e: sc.set_baseline(e, people["alice"], a.id, expected_version=1),
        lambda e: sc.set_baseline(e, people["bob"], b.id, expected_version=1)], timeout=1)
    assert all(isinstance(o, sc.ScenarioRecord) for o in outcomes), outcomes
    assert len(baselines(engine)) == 1
    total = sum(len(audit_of(engine, "scenario.baseline", x.id)) for x in (a, b))
    assert total == 3  # two markings and the second one's unsetting of the first
