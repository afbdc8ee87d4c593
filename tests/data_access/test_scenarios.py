"""Saved scenarios on both databases: round trips, optimistic locking, role checks, validation
that writes nothing, the single baseline and the audit log (under real concurrency:
test_scenarios_concurrency.py)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import polars as pl
import pytest
from sqlalchemy import Engine

from data_access import scenarios as sc
from data_access.users import CurrentUser
from support.scenarios import ROLES, audit_of, baselines, counts, save, scenario_people


@pytest.fixture
def people(engine: Engine) -> dict[str, CurrentUser]:
    return scenario_people(engine)


# --------------------------------------------------------------------------- save and load


def test_save_new_then_update_with_the_right_version(engine, people):
    before = datetime.now(timezone.utc) - timedelta(seconds=1)
    new = save(engine, people["alice"], "  Budget cut 10%  ", parameters={"budget": 900_000},
               result={"selected": ["P1"], "totals": {"score": 71.5, "cost": 880_000.0}})
    assert (new.name, new.owner, new.version, new.is_baseline) == (
        "Budget cut 10%", "alice", 1, False)
    assert new.created_at.tzinfo is not None and new.created_at >= before
    assert new.created_at.utcoffset() == timedelta(0)

    updated = save(engine, people["bob"], "Budget cut 15%", parameters={"budget": 850_000},
                   result={"selected": []}, scenario_id=new.id, expected_version=1)
    assert (updated.id, updated.name, updated.version) == (new.id, "Budget cut 15%", 2)
    assert updated.owner == "alice"  # the owner stays the creator
    assert updated.updated_at >= new.updated_at
    assert sc.get_scenario(engine, people["erin"], new.id) == updated

    first, second = audit_of(engine, "scenario.save", new.id)
    assert (first.actor, first.before) == ("alice", None)
    assert first.after == {"name": "Budget cut 10%", "version": 1, "is_baseline": False,
                           "parameters": {"budget": 900_000},
                           "totals": {"score": 71.5, "cost": 880_000.0}}
    assert second.actor == "bob"
    assert second.before == first.after
    assert second.after == {"name": "Budget cut 15%", "version": 2, "is_baseline": False,
                            "parameters": {"budget": 850_000}}  # no totals: the result had none


ROUND_TRIPS = [
    pytest.param("<script>alert('x')</script>", {"w": {"risk": 0.2, "value": 0.8}},
                 {"selected": ["P1", "P2"], "totals": {"score": 1.5}}, id="script-tag"),
    pytest.param("'; DROP TABLE scenarios; --", {"filter": "1=1 OR name LIKE '%'"},
                 {"sql": "DELETE FROM audit_log"}, id="sql-fragments"),
    pytest.param("Scénario 東京 🚀 עברית",
                 {"libellé": "déjà vu", "emoji": "👩‍💻",
                  "nested": {"deep": [{"a": [1, 2.5, None, True, False]}, []],
                             "big": 2**53 + 1, "neg": -0.125}},
                 {"empty": {}, "zero-width": "a\u200bb"}, id="unicode-nested"),
    pytest.param("=HYPERLINK(\"http://evil\")", {"nul": "a\x00b", "tab": "x\ty"},
                 {"crlf": "line1\r\nline2"}, id="formula-and-nul-in-json"),
    pytest.param("x" * 200, {}, {}, id="200-chars-empty-dicts"),
]


@pytest.mark.parametrize(("name", "parameters", "result"), ROUND_TRIPS)
def test_round_trip_stores_everything_literally(engine, people, name, parameters, result):
    saved = sc.save_scenario(engine, people["alice"], name=name, parameters=parameters,
                             result=result)
    loaded = sc.get_scenario(engine, people["erin"], saved.id)
    assert loaded == saved
    assert (loaded.name, loaded.parameters, loaded.result) == (name, parameters, result)
    assert sc.list_scenarios(engine, people["erin"])["name"].to_list() == [name]
    assert counts(engine) == (1, 1)  # the table and the audit log are still there


def test_tuples_are_stored_as_lists_and_the_caller_dict_is_not_shared(engine, people):
    params = {"forced_in": ("P1", "P2")}
    saved = save(engine, people["alice"], parameters=params)
    params["forced_in"] = ("changed", "after", "saving")
    assert saved.parameters == {"forced_in": ["P1", "P2"]}
    loaded = sc.get_scenario(engine, people["alice"], saved.id)
    assert loaded.parameters == {"forced_in": ["P1", "P2"]}


@pytest.mark.parametrize("ident", [12345, 0, -3, 2**31, 10**30])
def test_get_a_scenario_that_cannot_exist_is_none(engine, people, ident):
    save(engine, people["alice"])
    assert sc.get_scenario(engine, people["alice"], ident) is None


@pytest.mark.parametrize("ident", ["1", 1.0, None, True])
def test_get_with_an_id_that_is_not_a_whole_number_is_an_error(engine, people, ident):
    with pytest.raises(sc.ScenarioError, match="scenario id must be a whole number"):
        sc.get_scenario(engine, people["alice"], ident)


# --------------------------------------------------------------------------- list


def test_list_has_an_explicit_schema_even_when_empty(engine, people):
    frame = sc.list_scenarios(engine, people["erin"])
    assert frame.schema == pl.Schema(sc.SCENARIOS)
    assert frame.height == 0


@pytest.mark.parametrize("strategy", [None, "dbapi", "sqlalchemy"])
def test_list_is_newest_first_with_owner_names(engine, people, strategy):
    first = save(engine, people["alice"], "First")
    second = save(engine, people["bob"], "Second")
    third = save(engine, people["alice"], "Third")
    save(engine, people["bob"], "First v2", scenario_id=first.id, expected_version=1)
    frame = sc.list_scenarios(engine, people["erin"], strategy=strategy)
    assert frame.schema == pl.Schema(sc.SCENARIOS)
    assert frame.select("id", "name", "owner", "is_baseline", "version").rows() == [
        (third.id, "Third", "alice", False, 1),
        (second.id, "Second", "bob", False, 1),
        (first.id, "First v2", "alice", False, 2),
    ]
    stamps = frame["created_at"].to_list()
    assert stamps == sorted(stamps, reverse=True)
    assert (stamps[0], stamps[2]) == (third.created_at, first.created_at)
    assert frame["updated_at"][2] == sc.get_scenario(engine, people["erin"], first.id).updated_at


# --------------------------------------------------------------------------- optimistic locking


def test_stale_save_is_refused_naming_who_changed_it(engine, people):
    loaded = save(engine, people["alice"], "Shared", parameters={"budget": 1})
    won = save(engine, people["alice"], "Alice's edit", parameters={"budget": 2},
               scenario_id=loaded.id, expected_version=loaded.version)
    with pytest.raises(sc.ScenarioConflict) as caught:
        save(engine, people["bob"], "Bob's edit", parameters={"budget": 3},
             scenario_id=loaded.id, expected_version=loaded.version)
    error = caught.value
    message = str(error)
    assert "alice" in message and "version 2" in message and "kept" in message
    assert "you loaded version 1" in message
    assert (error.changed_by, error.current_version, error.expected_version) == ("alice", 2, 1)
    assert error.changed_at == won.updated_at
    assert error.unsaved == {"name": "Bob's edit", "parameters": {"budget": 3},
                             "result": {"selected": []}}
    assert sc.get_scenario(engine, people["alice"], loaded.id) == won
    assert [a.actor for a in audit_of(engine, "scenario.save", loaded.id)] == ["alice", "alice"]


@pytest.mark.parametrize("bad_version", [2, 7], ids=["future", "far-future"])
def test_a_version_that_never_existed_is_an_error_not_a_conflict(engine, people, bad_version):
    saved = save(engine, people["alice"])
    with pytest.raises(sc.ScenarioError, match=f"version {bad_version} does not exist") as caught:
        save(engine, people["alice"], "X", scenario_id=saved.id, expected_version=bad_version)
    assert not isinstance(caught.value, sc.ScenarioConflict)
    assert counts(engine) == (1, 1)


# --------------------------------------------------------------------------- roles


def _seeded(engine: Engine, people) -> tuple[int, int]:
    return save(engine, people["alice"], "A").id, save(engine, people["alice"], "B").id


FORBIDDEN = [
    ("erin", "save", lambda e, u, a, b: save(e, u, "Exec plan")),
    ("erin", "update", lambda e, u, a, b: save(e, u, "Exec", scenario_id=a, expected_version=1)),
    ("erin", "baseline", lambda e, u, a, b: sc.set_baseline(e, u, a, expected_version=1)),
    ("erin", "delete", lambda e, u, a, b: sc.delete_scenario(e, u, a, expected_version=1)),
    *((who, op, fn) for who in ("mona", "vic") for op, fn in [
        ("list", lambda e, u, a, b: sc.list_scenarios(e, u)),
        ("get", lambda e, u, a, b: sc.get_scenario(e, u, a)),
        ("compare", lambda e, u, a, b: sc.record_comparison(e, u, a, b)),
        ("save", lambda e, u, a, b: save(e, u, "Manager plan")),
        ("baseline", lambda e, u, a, b: sc.set_baseline(e, u, a, expected_version=1)),
        ("delete", lambda e, u, a, b: sc.delete_scenario(e, u, a, expected_version=1)),
    ]),
]


@pytest.mark.parametrize(("who", "op", "call"), FORBIDDEN,
                         ids=[f"{w}-{o}" for w, o, _ in FORBIDDEN])
def test_roles_that_may_not_do_it_are_refused_and_nothing_is_written(engine, people, who, op, call):
    a, b = _seeded(engine, people)
    before = counts(engine)
    with pytest.raises(sc.ScenarioForbidden, match=f"role '{ROLES[who]}' may not"):
        call(engine, people[who], a, b)
    assert counts(engine) == before
    assert baselines(engine) == []


def test_an_executive_may_list_get_and_compare(engine, people):
    a, b = _seeded(engine, people)
    exec_ = people["erin"]
    assert sc.list_scenarios(engine, exec_).height == 2
    assert sc.get_scenario(engine, exec_, a).name == "A"
    sc.record_comparison(engine, exec_, a, b)
    (entry,) = audit_of(engine, "scenario.compare", f"{a},{b}")
    assert entry.actor == "erin"


# --------------------------------------------------------------------------- bad input


class Opaque:
    pass


BAD_SAVES = [
    ({"name": ""}, "name is empty"),
    ({"name": "   \t "}, "name is empty"),
    ({"name": "x" * 201}, "too long: 201 characters, at most 200"),
    ({"name": "a\x00b"}, r"control characters \(U\+0000 at position 2\)"),
    ({"name": "tab\tinside"}, r"control characters \(U\+0009"),
    ({"name": "line\nbreak"}, r"control characters \(U\+000A"),
    ({"name": "invoice\u202etxt.exe"}, r"control characters \(U\+202E"),
    ({"name": None}, "name must be text"),
    ({"parameters": {"forced": {"P1", "P2"}}}, r"parameters\['forced'\] holds a set"),
    ({"parameters": {"w": {"risk": float("nan")}}}, r"parameters\['w'\]\['risk'\] is nan"),
    ({"parameters": {"cap": float("inf")}}, r"parameters\['cap'\] is inf"),
    ({"parameters": {1: "int key"}}, "has the key 1: JSON keys must be text"),
    ({"parameters": {"when": datetime(2026, 1, 1)}}, "holds a datetime"),
    ({"parameters": ["not", "a", "dict"]}, "parameters must be a dict"),
    ({"result": {"x": [1, Opaque()]}}, r"result\['x'\]\[1\] holds a Opaque"),
    ({"result": None}, "result must be a dict"),
    ({"result": {"blob": "x" * (sc.MAX_JSON_CHARS + 1)}}, "result is too large"),
    ({"expected_version": 1}, "expected_version is only for updating"),
    ({"scenario_id": "SAVED"}, "expected_version is required"),
    ({"scenario_id": "SAVED", "expected_version": 0}, "expected_version must be a whole number"),
    ({"scenario_id": -1, "expected_version": 1}, "scenario id must be a whole number"),
    ({"scenario_id": True, "expected_version": 1}, "scenario id must be a whole number"),
    ({"scenario_id": "1", "expected_version": 1}, "scenario id must be a whole number"),
    ({"scenario_id": 2**40, "expected_version": 1}, "scenario id must be a whole number"),
    ({"scenario_id": 999_999, "expected_version": 1}, "no scenario with id 999999"),
]


@pytest.mark.parametrize(("override", "message"), BAD_SAVES, ids=[m[:30] for _, m in BAD_SAVES])
def test_bad_input_is_refused_and_nothing_is_written(engine, people, override, message):
    saved = save(engine, people["alice"], "Kept", parameters={"budget": 1})
    before = counts(engine)
    args = {"name": "Valid", "parameters": {"budget": 2}, "result": {}} | override
    if args.get("scenario_id") == "SAVED":
        args["scenario_id"] = saved.id
    with pytest.raises(sc.ScenarioError, match=message):
        sc.save_scenario(engine, people["alice"], **args)
    assert counts(engine) == before
    assert sc.get_scenario(engine, people["alice"], saved.id) == saved


def test_self_referencing_parameters_are_refused(engine, people):
    loop: dict = {}
    loop["self"] = loop
    with pytest.raises(sc.ScenarioError, match="nested too deeply"):
        save(engine, people["alice"], parameters=loop)
    assert counts(engine) == (0, 0)


# ------------------------------------------------------------------ baseline, delete, compare


def test_set_baseline_leaves_exactly_one_and_audits_every_row_it_changes(engine, people):
    a, b = (save(engine, people["alice"], n) for n in ("A", "B"))
    c = save(engine, people["bob"], "C")
    marked = sc.set_baseline(engine, people["alice"], a.id, expected_version=1)
    assert (marked.is_baseline, marked.version) == (True, 2)
    assert baselines(engine) == [a.id]

    moved = sc.set_baseline(engine, people["bob"], b.id, expected_version=1)
    assert (moved.is_baseline, moved.version) == (True, 2)
    assert baselines(engine) == [b.id]
    old = sc.get_scenario(engine, people["bob"], a.id)
    assert (old.is_baseline, old.version) == (False, 3)  # unsetting is a change: version bumped
    assert sc.get_scenario(engine, people["bob"], c.id).version == 1

    on_a = audit_of(engine, "scenario.baseline", a.id)
    assert [(x.actor, x.before["is_baseline"], x.after["is_baseline"]) for x in on_a] == [
        ("alice", False, True), ("bob", True, False)]
    assert on_a[1].after["version"] == 3 and on_a[1].detail == f"baseline moved to scenario {b.id}"
    (on_b,) = audit_of(engine, "scenario.baseline", b.id)
    assert on_b.after == {"name": "B", "is_baseline": True, "version": 2, "unset": [a.id]}

    # a stale editor of A hears who changed it, although it was a baseline move
    with pytest.raises(sc.ScenarioConflict, match="changed by bob .* version 3"):
        save(engine, people["alice"], "A edited", scenario_id=a.id, expected_version=2)

    again = sc.set_baseline(engine, people["bob"], b.id, expected_version=2)
    assert again == moved  # already the baseline: nothing written
    assert len(audit_of(engine, "scenario.baseline", b.id)) == 1


def test_set_baseline_with_a_stale_version_changes_nothing(engine, people):
    a = save(engine, people["alice"], "A")
    save(engine, people["bob"], "A2", scenario_id=a.id, expected_version=1)
    before = counts(engine)
    with pytest.raises(sc.ScenarioConflict, match="changed by bob"):
        sc.set_baseline(engine, people["alice"], a.id, expected_version=1)
    assert baselines(engine) == []
    assert counts(engine) == before


def test_delete_checks_the_version_and_audits_what_was_deleted(engine, people):
    kept = save(engine, people["alice"], "Kept")
    gone = save(engine, people["alice"], "Gone", result={"totals": {"score": 9}})
    save(engine, people["bob"], "Gone v2", result={"totals": {"score": 10}},
         scenario_id=gone.id, expected_version=1)
    with pytest.raises(sc.ScenarioConflict, match="changed by bob"):
        sc.delete_scenario(engine, people["alice"], gone.id, expected_version=1)
    assert counts(engine)[0] == 2

    sc.delete_scenario(engine, people["alice"], gone.id, expected_version=2)
    assert sc.get_scenario(engine, people["alice"], gone.id) is None
    assert sc.get_scenario(engine, people["alice"], kept.id) == kept
    (entry,) = audit_of(engine, "scenario.delete", gone.id)
    assert (entry.actor, entry.after) == ("alice", None)
    assert entry.before == {"name": "Gone v2", "version": 2, "is_baseline": False,
                            "parameters": {"budget": 1}, "totals": {"score": 10}}

    with pytest.raises(sc.ScenarioConflict, match="deleted by alice") as caught:
        save(engine, people["bob"], "Late edit", scenario_id=gone.id, expected_version=2)
    assert caught.value.current_version is None
    assert "save it as a new scenario" in str(caught.value)
    with pytest.raises(sc.ScenarioError, match="no scenario with id 424242"):
        sc.delete_scenario(engine, people["alice"], 424242, expected_version=1)


def test_comparison_is_audited_and_unknown_ids_refused(engine, people):
    a, b = _seeded(engine, people)
    sc.record_comparison(engine, people["alice"], b, a)
    (entry,) = audit_of(engine, "scenario.compare", f"{b},{a}")
    assert (entry.actor, entry.entity) == ("alice", "scenario")
    assert entry.after == {"a": {"id": b, "name": "B", "version": 1},
                           "b": {"id": a, "name": "A", "version": 1}}
    before = counts(engine)
    for args, message in [((a, 999_999), "no scenario with id 999999"),
                          ((888_888, 999_999), "no scenario with id 888888 or 999999"),
                          ((a, a), "two different scenarios"),
                          ((a, 0), "second scenario id must be a whole number")]:
        with pytest.raises(sc.ScenarioError, match=message):
            sc.record_comparison(engine, people["erin"], *args)
    assert counts(engine) == before


def test_a_deleted_scenarios_id_is_never_given_to_a_new_one(engine, people):
    """The id is the short link: after the newest scenario is deleted, the next one saved gets
    a new id (SQLite would reuse it without AUTOINCREMENT, migration 0006)."""
    save(engine, people["alice"], "First")
    newest = save(engine, people["alice"], "Newest")
    sc.delete_scenario(engine, people["alice"], newest.id, expected_version=1)
    later = save(engine, people["alice"], "Later")
    assert later.id > newest.id
    assert sc.get_scenario(engine, people["alice"], newest.id) is None
