"""Small selection problems for the optimiser tests, written with project codes A, B, C, ..."""

from __future__ import annotations

import itertools
import string

import numpy as np
from hypothesis import strategies as st

from analytics.optimiser import Problem, violations

INF = float("inf")


def make_problem(values, costs, *, periods=("2027",), budgets=None, total=INF, demand=None,
                 roles=(), capacity=(), requires=(), exclusive=(), forced_in=(), forced_out=(),
                 codes=None) -> Problem:
    """costs: one number per project (one period) or one row per project; pairs by code."""
    n = len(values)
    codes = tuple(codes or string.ascii_uppercase[:n])
    at = {code: k for k, code in enumerate(codes)}
    cost = np.array(costs, dtype=float).reshape(n, -1) if n else np.zeros((0, len(periods)))
    return Problem(
        codes=codes, value=np.array(values, dtype=float), cost=cost, periods=tuple(periods),
        budget_per_period=np.array(budgets if budgets is not None else [INF] * len(periods),
                                   dtype=float),
        budget_total=total,
        demand=np.array(demand, dtype=float).reshape(n, len(roles)) if demand is not None
        else np.zeros((n, len(roles))),
        roles=tuple(roles), capacity=np.array(capacity, dtype=float),
        requires=tuple((at[j], at[i]) for j, i in requires),
        exclusive=tuple((at[i], at[j]) for i, j in exclusive),
        forced_in=frozenset(at[c] for c in forced_in),
        forced_out=frozenset(at[c] for c in forced_out))


def codes_of(problem: Problem, selected) -> set[str]:
    return {problem.codes[k] for k in np.flatnonzero(selected)}


def mask(problem: Problem, *codes: str) -> np.ndarray:
    out = np.zeros(problem.n, dtype=bool)
    out[[problem.codes.index(c) for c in codes]] = True
    return out


def brute_force(problem: Problem) -> float | None:
    """The best total value over every 0/1 vector (None when none is feasible); n <= 12."""
    best = None
    for bits in itertools.product((False, True), repeat=problem.n):
        chosen = np.array(bits, dtype=bool)
        if not violations(problem, chosen):
            value = float(problem.value[chosen].sum())
            best = value if best is None else max(best, value)
    return best


@st.composite
def problems(draw: st.DrawFn, max_n: int = 9) -> Problem:
    n = draw(st.integers(0, max_n))
    t = draw(st.integers(1, 2))
    k = draw(st.integers(0, 2))
    ints = st.integers(0, 40)
    values = draw(st.lists(st.integers(0, 100), min_size=n, max_size=n))
    costs = np.array(draw(st.lists(ints, min_size=n * t, max_size=n * t)), dtype=float)
    costs = costs.reshape(n, t)
    demand = np.array(draw(st.lists(ints, min_size=n * k, max_size=n * k)),
                      dtype=float).reshape(n, k)

    def cap(total: float) -> float:
        share = draw(st.sampled_from([None, 0.0, 0.3, 0.5, 0.8]))
        return INF if share is None else float(round(total * share))

    index = st.integers(0, max(n - 1, 0))
    pairs = st.lists(st.tuples(index, index), max_size=3) if n else st.just([])
    requires = draw(pairs)
    exclusive = [(i, j) for i, j in draw(pairs) if i != j]
    subsets = st.frozensets(index, max_size=2) if n else st.just(frozenset())
    return Problem(codes=tuple(f"P{i}" for i in range(n)), value=np.array(values, dtype=float),
                   cost=costs, periods=tuple(f"Y{p}" for p in range(t)),
                   budget_per_period=np.array([cap(c) for c in costs.sum(axis=0)]),
                   budget_total=cap(costs.sum()), demand=demand,
                   roles=tuple(f"R{r}" for r in range(k)),
                   capacity=np.array([cap(d) for d in demand.sum(axis=0)]),
                   requires=tuple(requires), exclusive=tuple(exclusive),
                   forced_in=draw(subsets), forced_out=draw(subsets))
