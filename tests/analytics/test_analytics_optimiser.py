"""Exact selection (milp) and the greedy waterline on hand-computed instances, infeasibility
messages, constraint checks, the time-limit path; properties against a brute force."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from analytics import optimiser_solve
from analytics.optimiser import (REL_GAP, Problem, greedy, infeasibility, selection_frame,
                                 solve, violations)

from optimiser_factories import INF, brute_force, codes_of, make_problem, mask, problems

# name: (problem, optimum codes, optimum value, greedy codes, greedy value), all by hand
CASES = {
    # 10 alone fills the budget; 9 + 9 = 18 fits it too
    "budget only": (make_problem([10, 9, 9], [10, 5, 5], total=10),
                    {"B", "C"}, 18.0, {"A"}, 10.0),
    # per period: A (4, 0) + B (0, 4) fit 5/5 = 9; C (3, 3) with either breaks a period
    "per-period budgets": (make_problem([5, 4, 6], [[4, 0], [0, 4], [3, 3]],
                                        periods=("2027", "2028"), budgets=[5, 5]),
                           {"A", "B"}, 9.0, {"C"}, 6.0),
    # per period and total: A + B fit each year (4, 4) but not the total of 7
    "total over periods": (make_problem([5, 4, 3], [[4, 0], [0, 4], [1, 1]],
                                        periods=("2027", "2028"), budgets=[5, 5], total=7),
                           {"A", "C"}, 8.0, {"A"}, 5.0),
    # Dev 100 h: A 60 + C 40 = 100 (12); greedy takes A, then B (110 h) stops the walk
    "capacity": (make_problem([8, 5, 4], [0, 0, 0], roles=("Dev",), capacity=[100],
                              demand=[[60], [50], [40]]),
                 {"A", "C"}, 12.0, {"A"}, 8.0),
    # two roles, one binding each way
    "two roles": (make_problem([6, 5, 5], [0, 0, 0], roles=("Dev", "Ops"), capacity=[10, 10],
                               demand=[[10, 0], [5, 6], [5, 6]]),
                  {"A"}, 6.0, {"A"}, 6.0),
    # B (10) needs A (1): {A, B} = 11 beats {A, C} = 8; greedy skips B (A not yet in)
    "requires": (make_problem([1, 10, 7], [5, 5, 5], total=10, requires=[("B", "A")]),
                 {"A", "B"}, 11.0, {"A", "C"}, 8.0),
    # a chain C needs B needs A, budget for all three; greedy meets C before its prerequisites
    "requires chain": (make_problem([1, 1, 30], [1, 1, 1], total=3,
                                    requires=[("C", "B"), ("B", "A")]),
                       {"A", "B", "C"}, 32.0, {"A", "B"}, 2.0),
    # A and B exclusive: A + C
    "exclusive": (make_problem([10, 9, 8], [1, 1, 1], exclusive=[("A", "B")]),
                  {"A", "C"}, 18.0, {"A", "C"}, 18.0),
    # budget 10, B and C exclusive: A + B = 17
    "exclusive with budget": (make_problem([10, 7, 6], [6, 4, 4], total=10,
                                           exclusive=[("B", "C")]),
                              {"A", "B"}, 17.0, {"A", "B"}, 17.0),
    "forced out": (make_problem([10, 9, 9], [10, 5, 5], total=10, forced_out=["B"]),
                   {"A"}, 10.0, {"A"}, 10.0),
    # forced in A uses the whole budget
    "forced in": (make_problem([10, 9, 9], [10, 5, 5], total=10, forced_in=["A"]),
                  {"A"}, 10.0, {"A"}, 10.0),
    # forced-in C pulls its prerequisite A in (the closure), leaving room for nothing else
    "forced closure": (make_problem([1, 9, 2], [5, 5, 5], total=10, forced_in=["C"],
                                    requires=[("C", "A")]),
                       {"A", "C"}, 3.0, {"A", "C"}, 3.0),
    # a requires cycle means all or none: both 4 + 4 beat C 7
    "requires cycle": (make_problem([4, 4, 7], [1, 1, 1], total=2,
                                    requires=[("A", "B"), ("B", "A")]),
                       {"A", "B"}, 8.0, {"C"}, 7.0),
    "self requirement is always met": (make_problem([3], [1], requires=[("A", "A")]),
                                       {"A"}, 3.0, {"A"}, 3.0),
    "no caps at all": (make_problem([1, 2, 0], [5, 5, 5]), {"A", "B"}, 3.0, {"A", "B", "C"}, 3.0),
    "nothing fits": (make_problem([5, 6], [5, 6], total=4), set(), 0.0, set(), 0.0),
    "no project": (make_problem([], []), set(), 0.0, set(), 0.0),
}


@pytest.mark.parametrize("name", CASES)
def test_solve_hand_computed_optimum(name: str) -> None:
    problem, codes, value, _, _ = CASES[name]
    result = solve(problem)
    assert result.status == "optimal" and result.gap == 0.0 and result.message == "Optimal."
    assert result.total_value == pytest.approx(value)
    valued = {code for code in codes_of(problem, result.selected)
              if problem.value[problem.codes.index(code)] > 0}   # zero-value ones: either way
    assert valued == {code for code in codes if problem.value[problem.codes.index(code)] > 0}
    assert violations(problem, result.selected) == []
    assert result.total_cost == pytest.approx(problem.total_cost[result.selected].sum())
    assert result.bound == pytest.approx(value)


@pytest.mark.parametrize("name", CASES)
def test_greedy_hand_computed_waterline(name: str) -> None:
    problem, _, optimum, codes, value = CASES[name]
    result = greedy(problem)
    assert result.status == "greedy" and result.gap is None and result.bound is None
    assert codes_of(problem, result.selected) == codes
    assert result.total_value == pytest.approx(value)
    assert result.total_value <= optimum
    assert violations(problem, result.selected) == []


def test_greedy_loses_value_and_says_where_it_cut() -> None:
    problem = CASES["budget only"][0]
    loss = 1 - greedy(problem).total_value / solve(problem).total_value
    assert loss == pytest.approx(1 - 10 / 18)
    assert greedy(problem).message == ("Greedy waterline: ranked by score, cut at B "
                                       "(the total budget would be exceeded).")
    assert greedy(CASES["capacity"][0]).message.endswith("cut at B (capacity of Dev would be "
                                                          "exceeded).")
    assert greedy(CASES["per-period budgets"][0]).message.endswith("(budget 2027 would be "
                                                                    "exceeded).")
    assert greedy(CASES["exclusive"][0]).message == ("Greedy waterline: every project that "
                                                     "could be added fits.")


def test_greedy_stops_at_the_waterline_even_when_a_cheaper_project_fits() -> None:
    # A 10 (cost 6), B 9 (cost 6) breaks the budget of 8: the walk stops; C (cost 1) is never seen
    problem = make_problem([10, 9, 1], [6, 6, 1], total=8)
    assert codes_of(problem, greedy(problem).selected) == {"A"}
    assert codes_of(problem, solve(problem).selected) == {"A", "C"}


def test_greedy_ties_broken_by_the_lower_index() -> None:
    problem = make_problem([5, 5, 5], [1, 1, 1], total=2)
    assert codes_of(problem, greedy(problem).selected) == {"A", "B"}


INFEASIBLE = {
    "forced in and out": (make_problem([1, 2], [1, 1], forced_in=["A"], forced_out=["A"]),
                          "Infeasible: A is forced both in and out."),
    "prerequisite forced out": (
        make_problem([1, 2], [1, 1], forced_in=["B"], forced_out=["A"], requires=[("B", "A")]),
        "Infeasible: A is needed by B (forced in) but it is forced out."),
    "indirect prerequisite forced out": (
        make_problem([1, 2, 3], [1, 1, 1], forced_in=["C"], forced_out=["A"],
                     requires=[("C", "B"), ("B", "A")]),
        "Infeasible: A is needed by C (forced in) via B but it is forced out."),
    "requires cycle with a forced-out member": (
        make_problem([1, 2], [1, 1], forced_in=["A"], forced_out=["B"],
                     requires=[("A", "B"), ("B", "A")]),
        "Infeasible: B is needed by A (forced in) but it is forced out."),
    "forced exclusive pair": (
        make_problem([1, 2], [1, 1], forced_in=["A", "B"], exclusive=[("B", "A")]),
        "Infeasible: A and B exclude each other but both must be selected "
        "(A is forced in; B is forced in)."),
    "exclusive with a forced prerequisite": (
        make_problem([1, 2, 3], [1, 1, 1], forced_in=["C"], requires=[("C", "A")],
                     exclusive=[("A", "B")], forced_out=[]) ,
        None),
    "period budget": (
        make_problem([1, 2], [[1_250_000, 0], [0, 0]], periods=("2027", "2028"),
                     budgets=[1_000_000, INF], forced_in=["A"]),
        "Infeasible: the forced-in projects alone cost 1,250,000 in 2027, over its budget of "
        "1,000,000."),
    "total budget with prerequisites": (
        make_problem([1, 2], [10, 5], total=12, forced_in=["B"], requires=[("B", "A")]),
        "Infeasible: the forced-in projects and their prerequisites alone cost 15 in total, over "
        "the total budget of 12."),
    "capacity": (
        make_problem([1, 2], [0, 0], roles=("Architect",), capacity=[1000],
                     demand=[[700], [500]], forced_in=["A", "B"]),
        "Infeasible: the forced-in projects alone need 1,200 h of Architect, over its capacity "
        "of 1,000 h."),
    "two reasons at once": (
        make_problem([1, 2], [5, 5], total=4, forced_in=["A", "B"], exclusive=[("A", "B")]),
        "Infeasible: A and B exclude each other but both must be selected (A is forced in; B is "
        "forced in); the forced-in projects alone cost 10 in total, over the total budget of 4."),
}


@pytest.mark.parametrize("name", INFEASIBLE)
def test_infeasible_forced_sets_named(name: str) -> None:
    problem, message = INFEASIBLE[name]
    assert infeasibility(problem) == message
    for result in (solve(problem), greedy(problem)):
        if message is None:
            assert result.status in ("optimal", "greedy")
            assert violations(problem, result.selected) == []
        else:
            assert result.status == "infeasible" and result.message == message
            assert result.gap is None and result.bound is None
            assert not result.selected.any() and result.total_value == 0.0


def test_a_zero_budget_with_nothing_forced_is_feasible() -> None:
    problem = make_problem([3, 4], [1, 1], total=0)
    result = solve(problem)
    assert result.status == "optimal" and not result.selected.any()


VIOLATIONS = [
    ("feasible", make_problem([1, 2], [1, 1], total=2), ("A", "B"), []),
    ("forced", make_problem([1, 2], [1, 1], forced_in=["A"], forced_out=["B"]), ("B",),
     ["A is forced in but not selected", "B is forced out but selected"]),
    ("requires", make_problem([1, 2], [1, 1], requires=[("B", "A")]), ("B",),
     ["B needs A, which is not selected"]),
    ("exclusive", make_problem([1, 2], [1, 1], exclusive=[("B", "A"), ("A", "B")]), ("A", "B"),
     ["A and B exclude each other but both are selected"]),
    ("caps", make_problem([1, 2], [[600, 700], [600, 100]], periods=("2027", "2028"),
                          budgets=[1000, 1000], total=1500, roles=("Dev",), capacity=[10],
                          demand=[[8], [4]]), ("A", "B"),
     ["budget 2027: 1,200 is over its cap of 1,000", "total budget: 2,000 is over its cap of "
      "1,500", "role Dev: 12 h is over its capacity of 10 h"]),
    ("within the 1e-6 relative tolerance", make_problem([1], [1_000_000.5], total=1_000_000),
     ("A",), []),
    ("just over the tolerance", make_problem([1], [1_000_002], total=1_000_000), ("A",),
     ["total budget: 1,000,002 is over its cap of 1,000,000"]),
]


@pytest.mark.parametrize("name, problem, selected, expected", VIOLATIONS,
                         ids=[v[0] for v in VIOLATIONS])
def test_violations_in_words(name: str, problem: Problem, selected: tuple, expected: list) -> None:
    assert violations(problem, mask(problem, *selected)) == expected


def test_violations_reject_a_wrong_shape() -> None:
    with pytest.raises(ValueError, match=r"selected must have shape \(2,\)"):
        violations(make_problem([1, 2], [1, 1]), np.array([True]))


@pytest.mark.parametrize("overrides, message", [
    (dict(value=[1.0, -1.0]), "value must be >= 0"),
    (dict(value=[1.0, float("nan")]), "value must be finite"),
    (dict(value=[1.0]), r"value must have shape \(2,\)"),
    (dict(cost=[[1.0], [float("inf")]]), "cost must be finite"),
    (dict(cost=[[1.0, 2.0], [1.0, 2.0]]), r"cost must have shape \(2, 1\)"),
    (dict(budget_per_period=[-1.0]), "budget_per_period must be >= 0"),
    (dict(budget_total=float("nan")), "budget_total must be finite or inf"),
    (dict(capacity=[1.0]), r"capacity must have shape \(0,\)"),
    (dict(requires=((0, 2),)), r"requires pair \(0, 2\) refers to a project outside 0..1"),
    (dict(exclusive=((1, 1),)), "B cannot exclude itself"),
    (dict(forced_in=frozenset({5})), "forced_in refers to project 5"),
    (dict(value=["x", 1]), "value must hold numbers only"),
])
def test_problem_validation(overrides: dict, message: str) -> None:
    base = dict(codes=("A", "B"), value=[1.0, 2.0], cost=[[1.0], [1.0]], periods=("2027",),
                budget_per_period=[INF], budget_total=INF, demand=np.zeros((2, 0)), roles=(),
                capacity=[])
    with pytest.raises(ValueError, match=message):
        Problem(**(base | overrides))


def test_problem_arrays_are_read_only_floats() -> None:
    problem = make_problem([1, 2], [1, 1])
    assert problem.value.dtype == np.float64 and not problem.value.flags.writeable
    with pytest.raises(ValueError):
        problem.cost[0, 0] = 5.0


def test_selection_frame() -> None:
    problem = CASES["budget only"][0]
    frame = selection_frame(problem, solve(problem))
    assert frame.to_dicts() == [dict(code="A", selected=False), dict(code="B", selected=True),
                                dict(code="C", selected=True)]


# --- the time limit: HiGHS stopping early (its answer is stubbed to make the path exact) -------

def _stub(monkeypatch: pytest.MonkeyPatch, *, status: int, x, dual_bound) -> None:
    monkeypatch.setattr(optimiser_solve, "milp", lambda **_: SimpleNamespace(
        status=status, x=None if x is None else np.array(x, dtype=float),
        mip_dual_bound=dual_bound))


HEURISTIC = " (the selection of the value-per-cost heuristic: the solver had nothing better yet)"
WATERLINE_WINS = make_problem([10, 5.5, 4], [10, 5, 5], total=10)   # fill B + C = 9.5 < A = 10


@pytest.mark.parametrize("problem, x, dual, codes, value, gap, message", [
    # an incumbent of 18 and a bound of 20: gap 2/18
    (CASES["budget only"][0], [0, 1, 1], -20.0, {"B", "C"}, 18.0, 2 / 18,
     "Stopped at the 1.0 s limit: within 11.11 % of the best possible."),
    # no incumbent: the value-per-cost fill (B, C: 9 per 5 beats A: 10 per 10) against 20
    (CASES["budget only"][0], None, -20.0, {"B", "C"}, 18.0, 2 / 18,
     "Stopped at the 1.0 s limit: within 11.11 % of the best possible" + HEURISTIC + "."),
    # an incumbent worse than the fill (9 < 18)
    (CASES["budget only"][0], [0, 1, 0], -20.0, {"B", "C"}, 18.0, 2 / 18,
     "Stopped at the 1.0 s limit: within 11.11 % of the best possible" + HEURISTIC + "."),
    # an infeasible "incumbent" is never returned
    (CASES["budget only"][0], [1, 1, 1], -20.0, {"B", "C"}, 18.0, 2 / 18,
     "Stopped at the 1.0 s limit: within 11.11 % of the best possible" + HEURISTIC + "."),
    # the waterline beats the fill: the waterline's A against the bound 12
    (WATERLINE_WINS, None, -12.0, {"A"}, 10.0, 0.2,
     "Stopped at the 1.0 s limit: within 20.00 % of the best possible (the selection of the "
     "greedy waterline: the solver had nothing better yet)."),
    # no bound proven yet
    (CASES["budget only"][0], [0, 1, 1], None, {"B", "C"}, 18.0, None,
     "Stopped at the 1.0 s limit with no proven bound: the best selection found is shown."),
])
def test_time_limit_returns_the_best_feasible_with_its_gap(
        monkeypatch: pytest.MonkeyPatch, problem: Problem, x, dual, codes: set, value: float,
        gap, message: str) -> None:
    _stub(monkeypatch, status=1, x=x, dual_bound=dual)
    result = solve(problem, time_limit=1.0)
    assert result.status == "time_limit"
    assert codes_of(problem, result.selected) == codes and result.total_value == value
    assert result.gap == (pytest.approx(gap) if gap is not None else None)
    assert result.bound == (-dual if dual is not None else None)
    assert result.message == message


def test_time_limit_with_nothing_of_value_found(monkeypatch: pytest.MonkeyPatch) -> None:
    _stub(monkeypatch, status=1, x=None, dual_bound=-5.0)
    problem = make_problem([0, 5], [1, 1], requires=[("B", "A")])  # greedy skips B: value 0
    result = solve(problem, time_limit=0.5)
    assert result.total_value == 0.0 and result.gap == float("inf")
    assert result.message == ("Stopped at the 0.5 s limit: no selection with a positive score "
                              "found (the selection of the greedy waterline: the solver had "
                              "nothing better yet); the best possible is at most 5.0.")


def test_time_limit_message_keeps_a_second_decimal() -> None:
    assert optimiser_solve._stopped_message(0.15, 0.001, 10.0, None, 1) == (
        "Stopped at the 0.15 s limit: within 0.10 % of the best possible.")


def test_a_real_time_limit_keeps_every_promise() -> None:
    rng = np.random.default_rng(7)
    n = 1500
    values = rng.uniform(0, 100, n)
    costs = rng.lognormal(4, 1, (n, 2))
    problem = make_problem(values, costs, periods=("2027", "2028"),
                           budgets=costs.sum(axis=0) * 0.4, roles=("Dev", "Ops", "Arch"),
                           capacity=[2000, 2000, 1500], demand=rng.uniform(0, 10, (n, 3)),
                           codes=[f"P{k}" for k in range(n)])
    result = solve(problem, time_limit=0.05)
    assert result.status in ("optimal", "time_limit")
    assert violations(problem, result.selected) == []
    assert result.total_value >= greedy(problem).total_value
    if result.bound is None:         # HiGHS may stop before proving any bound
        assert result.gap is None and "no proven bound" in result.message
    else:
        assert result.bound >= result.total_value - 1e-6
        assert result.gap is not None and result.gap >= 0.0


def test_time_limit_must_be_positive() -> None:
    with pytest.raises(ValueError, match="time_limit must be > 0"):
        solve(CASES["budget only"][0], time_limit=0)


def test_a_given_greedy_baseline_is_reused() -> None:
    problem = CASES["budget only"][0]
    baseline = greedy(problem)
    assert solve(problem, baseline=baseline).total_value == 18.0


# --- properties against a brute force -----------------------------------------------------------

@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_exact_selection_matches_brute_force_and_beats_greedy(problem: Problem) -> None:
    best = brute_force(problem)
    result, waterline = solve(problem), greedy(problem)
    if best is None:
        assert result.status == "infeasible" and waterline.status == "infeasible"
        assert result.message.startswith("Infeasible: ")
        return
    assert violations(problem, result.selected) == []
    assert violations(problem, waterline.selected) == []
    assert violations(problem, optimiser_solve.density_fill(problem)) == []
    assert all(result.selected[i] for i in problem.forced_in)
    assert not any(result.selected[i] for i in problem.forced_out)
    assert result.total_value >= waterline.total_value
    if result.status == "optimal":
        assert result.total_value == pytest.approx(best, rel=REL_GAP, abs=1e-9)
    assert result.total_value == pytest.approx(float(problem.value[result.selected].sum()))

