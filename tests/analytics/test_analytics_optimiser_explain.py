"""Why a project is in or out (blocking, explain) and the efficient frontier, by hand."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings

from analytics.optimiser import (FRONTIER_SCHEMA, Explanation, Problem, blocking, explain,
                                 frontier, frontier_budgets, greedy, solve)

from optimiser_factories import INF, make_problem, mask, problems

BUDGET_ONLY = make_problem([10, 9, 9], [10, 5, 5], total=10)       # optimum B + C = 18
# optimum A + B + C = 23 (cost 10); C needs A; B and D exclusive; F forced out
LINKED = make_problem([10, 8, 5, 6, 50], [4, 3, 3, 2, 1], total=10, requires=[("C", "A")],
                      exclusive=[("B", "D")], forced_out=["E"])


def test_linked_optimum_by_hand() -> None:
    assert mask(LINKED, "A", "B", "C").tolist() == solve(LINKED).selected.tolist()


BLOCKING = [
    ("budget", BUDGET_ONLY, ("B", "C"), "A", ["total budget: 10 short"]),
    ("selected project", BUDGET_ONLY, ("B", "C"), "B", []),
    ("needs and excludes", LINKED, ("B",), "C", ["needs A (not selected)"]),
    ("excludes and budget", LINKED, ("A", "B", "C"), "D",
     ["excludes B (selected)", "total budget: 2 short"]),
    ("forced out", LINKED, ("A", "B", "C"), "E", ["forced out", "total budget: 1 short"]),
    ("period and role", make_problem([5, 5], [[900_000, 0], [220_000, 10]],
                                     periods=("2027", "2028"), budgets=[1_000_000, INF],
                                     roles=("Architect",), capacity=[1000],
                                     demand=[[700], [640]]), ("A",), "B",
     ["budget 2027: 120,000 short", "role Architect: 340 h short"]),
    ("fits: only displaced", make_problem([10, 9, 1], [6, 6, 1], total=8), ("A",), "C",
     ["lower value per cost than the selected projects"]),
]


@pytest.mark.parametrize("name, problem, selected, code, expected", BLOCKING,
                         ids=[b[0] for b in BLOCKING])
def test_blocking_in_words(name: str, problem: Problem, selected: tuple, code: str,
                           expected: list[str]) -> None:
    assert blocking(problem, mask(problem, *selected), problem.codes.index(code)) == expected


def test_blocking_rejects_an_unknown_index() -> None:
    with pytest.raises(ValueError, match="outside 0..2"):
        blocking(BUDGET_ONLY, mask(BUDGET_ONLY), 3)


def _explained(problem: Problem, code: str, *, use_greedy: bool = False) -> Explanation:
    selection = greedy(problem) if use_greedy else solve(problem)
    return explain(problem, selection, problem.codes.index(code))


EXPLAIN = [
    # A out: forcing it in leaves A alone (10): it needs 10 + (18 − 10) = 18
    ("out, budget", BUDGET_ONLY, "A", False, Explanation(
        index=0, code="A", selected=False, reasons=("total budget: 10 short",),
        value_needed=18.0, extra_budget=10.0, would_leave=("B", "C"))),
    # B in: without it the best is A (10): margin 18 − 10 = 8, A enters
    ("in, margin", BUDGET_ONLY, "B", False, Explanation(
        index=1, code="B", selected=True, reasons=("leaving it out would lose 8.00 of total "
                                                   "score",), margin=8.0, would_enter=("A",))),
    # D out: with D forced in, the best is A + C + D = 21: it needs 6 + (23 − 21) = 8
    ("out, exclusive", LINKED, "D", False, Explanation(
        index=3, code="D", selected=False,
        reasons=("excludes B (selected)", "total budget: 2 short"), value_needed=8.0,
        extra_budget=2.0, would_leave=("B",))),
    # A in and needed by C: without A (and so C) the best is B = 8: the loss is 15, but A's
    # own score (10) is all it can lose: margin min(10, 15) = 10
    ("in, prerequisite", LINKED, "A", False, Explanation(
        index=0, code="A", selected=True,
        reasons=("needed by C (selected)", "leaving it out would lose 15.00 of total score"),
        margin=10.0)),
    ("forced out", LINKED, "E", False, Explanation(
        index=4, code="E", selected=False, reasons=("forced out", "total budget: 1 short"),
        extra_budget=1.0)),
    # against the greedy waterline (A alone): B is in the optimum, so it needs only its own 9
    ("out of greedy, in the optimum", BUDGET_ONLY, "B", True, Explanation(
        index=1, code="B", selected=False,
        reasons=("total budget: 5 short", "in the optimal selection (left out by the greedy "
                                          "waterline)"),
        value_needed=9.0, extra_budget=5.0)),
    ("in greedy, not in the optimum", BUDGET_ONLY, "A", True, Explanation(
        index=0, code="A", selected=True,
        reasons=("above the greedy waterline but not in the optimal selection",
                 "leaving it out would lose 0.00 of total score"), margin=0.0)),
    ("forced in", make_problem([1, 2], [1, 1], forced_in=["A"], requires=[("A", "B")]), "A",
     False, Explanation(index=0, code="A", selected=True, reasons=("forced in",))),
    ("prerequisite of a forced-in", make_problem([1, 2], [1, 1], forced_in=["A"],
                                                 requires=[("A", "B")]), "B", False,
     Explanation(index=1, code="B", selected=True, reasons=("needed by A (forced in)",))),
    ("cannot enter", make_problem([1, 2], [1, 1], forced_in=["A"], exclusive=[("A", "B")]),
     "B", False, Explanation(
         index=1, code="B", selected=False,
         reasons=("excludes A (selected)", "cannot be selected: A and B exclude each other but "
                  "both must be selected (A is forced in; B is forced in)."))),
]


@pytest.mark.parametrize("name, problem, code, use_greedy, expected", EXPLAIN,
                         ids=[e[0] for e in EXPLAIN])
def test_explain_by_hand(name: str, problem: Problem, code: str, use_greedy: bool,
                         expected: Explanation) -> None:
    got = _explained(problem, code, use_greedy=use_greedy)
    assert got == expected


def test_explain_an_infeasible_selection_repeats_why() -> None:
    problem = make_problem([1], [5], total=1, forced_in=["A"])
    got = explain(problem, solve(problem), 0)
    assert got.reasons == ("Infeasible: the forced-in projects alone cost 5 in total, over the "
                           "total budget of 1.",)
    assert got.value_needed is None and got.margin is None


def test_explain_rejects_an_unknown_index() -> None:
    with pytest.raises(ValueError, match="outside 0..2"):
        explain(BUDGET_ONLY, solve(BUDGET_ONLY), -1)


@settings(max_examples=30, deadline=None)
@given(problems(max_n=6))
def test_explanations_are_consistent_with_the_optimum(problem: Problem) -> None:
    selection = solve(problem)
    if selection.status != "optimal":
        return
    for i in range(problem.n):
        got = explain(problem, selection, i)
        if not got.selected:
            if problem.value[i] > 0:        # a fitting project of value > 0 would be in
                assert got.reasons != ("lower value per cost than the selected projects",)
            if got.value_needed is not None:
                assert got.value_needed >= problem.value[i]
        elif got.margin is not None:
            assert got.margin >= 0
            assert got.margin <= problem.value[i] + 1e-9 * max(1.0, selection.total_value)


# --- frontier -----------------------------------------------------------------------------------

def test_frontier_by_hand() -> None:
    out = frontier(BUDGET_ONLY, [0, 5, 10, 15, 20])
    assert out.schema == pl.Schema(FRONTIER_SCHEMA)
    # 5: B or C (9); 10: B + C; 15: A + B (19); 20: all
    assert out.to_dicts() == [
        dict(budget=b, total_value=v, total_cost=c, selected_count=k, status="optimal")
        for b, v, c, k in [(0.0, 0.0, 0.0, 0), (5.0, 9.0, 5.0, 1), (10.0, 18.0, 10.0, 2),
                           (15.0, 19.0, 15.0, 2), (20.0, 28.0, 20.0, 3)]]


def test_frontier_keeps_the_other_constraints_and_nulls_infeasible_points() -> None:
    problem = make_problem([10, 9, 9], [10, 5, 5], total=10, forced_in=["A"],
                           exclusive=[("B", "C")])
    out = frontier(problem, [5, 20])
    assert out.to_dicts() == [
        dict(budget=5.0, total_value=None, total_cost=None, selected_count=None,
             status="infeasible"),
        dict(budget=20.0, total_value=19.0, total_cost=15.0, selected_count=2, status="optimal")]


def test_frontier_rejects_a_negative_budget() -> None:
    with pytest.raises(ValueError, match="frontier budget must be >= 0"):
        frontier(BUDGET_ONLY, [10, -1])


def test_frontier_of_no_budget_is_empty() -> None:
    assert frontier(BUDGET_ONLY, []).schema == pl.Schema(FRONTIER_SCHEMA)


@pytest.mark.parametrize("problem, points, expected", [
    (BUDGET_ONLY, 5, [0.0, 5.0, 10.0, 15.0, 20.0]),
    # from the forced A (10) to everything but the forced-out B (10 + 5)
    (make_problem([10, 9, 9], [10, 5, 5], forced_in=["A"], forced_out=["B"]), 3,
     [10.0, 12.5, 15.0]),
    (make_problem([1], [7], forced_in=["A"]), 12, [7.0]),
    (make_problem([], []), 4, [0.0]),
])
def test_frontier_budgets(problem: Problem, points: int, expected: list[float]) -> None:
    assert frontier_budgets(problem, points) == pytest.approx(expected)


def test_frontier_budgets_needs_two_points() -> None:
    with pytest.raises(ValueError, match="at least 2"):
        frontier_budgets(BUDGET_ONLY, 1)


def test_frontier_values_never_decrease_with_the_budget() -> None:
    rng = np.random.default_rng(3)
    problem = make_problem(rng.integers(0, 100, 25), rng.integers(1, 50, 25),
                           codes=[f"P{k}" for k in range(25)], roles=("Dev",), capacity=[300],
                           demand=rng.integers(0, 40, (25, 1)))
    values = frontier(problem, frontier_budgets(problem, 8))["total_value"].to_list()
    assert values == sorted(values) and values[0] == 0.0
