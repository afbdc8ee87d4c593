"""Exact 0/1 selection with scipy's milp (HiGHS) under a time limit, and the greedy waterline.

greedy (the commercial "waterline"): select the forced-in projects and their prerequisites,
then walk the others by value descending (ties: lower index first); skip a project that is
forced out, whose prerequisite is not (yet) selected, or that is exclusive with a selected one;
add it when it keeps every cap; STOP at the first project that would break a budget or capacity
cap: that project is the waterline, nothing below it is considered (even a cheaper one that
would fit). It loses value against the optimum, which is the point of showing it.

solve: the exact model (analytics.optimiser_problem), forced sets as variable bounds, every
other constraint one sparse row (budget and capacity rows scaled to a cap of 1). Infeasibility
is decided before HiGHS runs (the forced closure is the only thing that can make the model
infeasible, and its checks name the constraint). The answer is never worse than greedy: when
HiGHS stops on the time limit without an incumbent, or with one below the better of the
waterline and a value-per-cost fill (``density_fill``), that one is returned with the gap
against HiGHS' bound.
"""

from __future__ import annotations

import math
import time

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_array, csr_array, vstack

from analytics.optimiser_problem import (
    TOLERANCE,
    Problem,
    Selection,
    gap_of,
    infeasibility,
    make_selection,
    slack,
    violations,
)

#: HiGHS stops as "optimal" once the proven relative gap is at most this (HiGHS' own default:
#: 0.01 %; closing the last 0.01 % of a multi-row knapsack can take minutes). ``Selection.gap``
#: still reports the gap actually proven (0.0 when closed).
REL_GAP = 1e-4
#: HiGHS' presolve costs seconds on a few thousand columns with dense budget/capacity rows
#: (about 3 s at 5,000 projects, measured by bench/prioritise.py) while the branch-and-bound
#: without it reaches a 0.01 % gap in about that time: presolve is on up to this size only.
PRESOLVE_MAX_N = 2000


def _infeasible(problem: Problem, message: str, started: float) -> Selection:
    return make_selection(problem, np.zeros(problem.n, dtype=bool), status="infeasible",
                          gap=None, bound=None, seconds=time.perf_counter() - started,
                          message=message)


def _rows_and_limits(problem: Problem) -> tuple[np.ndarray, np.ndarray]:
    """Usage of every cap row per project (n, T + 1 + K) and the caps with their tolerance."""
    caps = np.concatenate([problem.budget_per_period, [problem.budget_total], problem.capacity])
    rows = np.hstack([problem.cost, problem.total_cost[:, None], problem.demand])
    return rows, caps + slack(caps)


def _walk(problem: Problem, order: np.ndarray, *, stop: bool) -> tuple[np.ndarray, int | None]:
    """Forced closure, then ``order``: add each project keeping every constraint; on a broken
    cap stop (``stop``, returns the waterline project) or skip it."""
    selected = np.zeros(problem.n, dtype=bool)
    selected[list(problem.forced_closure)] = True
    rows, limit = _rows_and_limits(problem)
    used = rows[selected].sum(axis=0)
    prerequisites, partners = problem.prerequisites, problem.partners
    forced_out = problem.forced_out
    for i in order.tolist():
        if selected[i] or i in forced_out:
            continue
        if any(not selected[p] for p in prerequisites[i]) or any(selected[p] for p in partners[i]):
            continue
        after = used + rows[i]
        if (after > limit).any():
            if stop:
                return selected, i
            continue
        selected[i] = True
        used = after
    return selected, None


def greedy(problem: Problem) -> Selection:
    """The waterline: forced closure, then by value descending, stopping at the first cap broken."""
    started = time.perf_counter()
    reason = infeasibility(problem)
    if reason is not None:
        return _infeasible(problem, reason, started)
    selected, waterline = _walk(problem, np.lexsort((np.arange(problem.n), -problem.value)),
                                stop=True)
    if waterline is None:
        message = "Greedy waterline: every project that could be added fits."
    else:
        rows, limit = _rows_and_limits(problem)
        over = rows[selected].sum(axis=0) + rows[waterline] > limit
        message = (f"Greedy waterline: ranked by score, cut at {problem.codes[waterline]} "
                   f"({_cap_label(problem, int(np.argmax(over)))} would be exceeded).")
    return make_selection(problem, selected, status="greedy", gap=None, bound=None,
                          seconds=time.perf_counter() - started, message=message)


def density_fill(problem: Problem) -> np.ndarray:
    """A feasible selection (forced closure assumed feasible) by value per use of the caps,
    density_i = v_i / Σ_r (usage_ir / cap_r) over the finite caps, skipping what does not fit:
    the incumbent solve falls back on when HiGHS has none better (much closer to the optimum
    than the waterline on budget-bound portfolios)."""
    rows, _ = _rows_and_limits(problem)
    caps = np.concatenate([problem.budget_per_period, [problem.budget_total], problem.capacity])
    finite = np.isfinite(caps) & (caps > 0)
    weight = (rows[:, finite] / caps[finite]).sum(axis=1)
    density = problem.value / np.maximum(weight, 1e-12)
    order = np.lexsort((np.arange(problem.n), -problem.value, -density))
    return _walk(problem, order, stop=False)[0]


def _cap_label(problem: Problem, row: int) -> str:
    t = len(problem.periods)
    if row < t:
        return f"budget {problem.periods[row]}"
    if row == t:
        return "the total budget"
    return f"capacity of {problem.roles[row - t - 1]}"


def _scaled(rows: np.ndarray, caps: np.ndarray) -> tuple[csr_array, np.ndarray]:
    """rows / cap per row (cap > 0), so every cap row reads <= 1: the coefficients of money
    (up to 1e9) and hours no longer dwarf the 0/1 rows, which helps HiGHS' presolve and LPs."""
    scale = np.where(caps > 0, caps, 1.0)
    return csr_array(rows / scale[:, None]), caps / scale


def _constraints(problem: Problem) -> list[LinearConstraint]:
    n = problem.n
    blocks, upper = [], []
    rows = np.vstack([problem.cost.T, problem.total_cost[None, :], problem.demand.T])
    caps = np.concatenate([problem.budget_per_period, [problem.budget_total], problem.capacity])
    capped = np.isfinite(caps)
    if capped.any():
        block, ub = _scaled(rows[capped], caps[capped])
        blocks.append(block)
        upper.append(ub)
    pairs = [(j, i) for j, prereqs in enumerate(problem.prerequisites) for i in prereqs]
    if pairs:  # x_j − x_i <= 0
        m = len(pairs)
        blocks.append(coo_array((np.tile([1.0, -1.0], m), (np.repeat(np.arange(m), 2),
                                                           np.array(pairs).ravel())),
                                shape=(m, n)).tocsr())
        upper.append(np.zeros(m))
    pairs = list(dict.fromkeys(tuple(sorted(p)) for p in problem.exclusive))
    if pairs:  # x_i + x_j <= 1
        m = len(pairs)
        blocks.append(coo_array((np.ones(2 * m), (np.repeat(np.arange(m), 2),
                                                  np.array(pairs).ravel())),
                                shape=(m, n)).tocsr())
        upper.append(np.ones(m))
    if not blocks:
        return []
    a = vstack(blocks, format="csr")
    ub = np.concatenate([np.asarray(u, dtype=float) for u in upper])
    return [LinearConstraint(a, -np.inf, ub)]


def _bounds(problem: Problem) -> Bounds:
    lower, upper = np.zeros(problem.n), np.ones(problem.n)
    lower[list(problem.forced_closure)] = 1.0
    upper[list(problem.forced_out)] = 0.0
    return Bounds(lower, upper)


def solve(problem: Problem, *, time_limit: float = 1.0, rel_gap: float = REL_GAP,
          baseline: Selection | None = None, presolve: bool | None = None) -> Selection:
    """The optimum (or HiGHS' best within ``time_limit`` s, never worse than greedy).

    ``rel_gap``: HiGHS stops as optimal within it. ``baseline``: a greedy selection of the same
    problem already computed (saves recomputing it). ``presolve``: None = on up to
    PRESOLVE_MAX_N projects.
    """
    if not time_limit > 0:
        raise ValueError(f"time_limit must be > 0 seconds, got {time_limit!r}")
    started = time.perf_counter()
    reason = infeasibility(problem)
    if reason is not None:
        return _infeasible(problem, reason, started)
    waterline = (baseline if baseline is not None and baseline.status == "greedy"
                 else greedy(problem))
    filled = density_fill(problem)
    heuristic = ("the value-per-cost heuristic"
                 if problem.value[filled].sum() > waterline.total_value else "the greedy waterline")
    fallback = waterline if heuristic == "the greedy waterline" else make_selection(
        problem, filled, status="greedy", gap=None, bound=None, seconds=0.0, message="")
    if problem.n == 0:
        return make_selection(problem, fallback.selected, status="optimal", gap=0.0, bound=0.0,
                              seconds=time.perf_counter() - started, message="Optimal.")
    remaining = max(0.01, time_limit - (time.perf_counter() - started))
    result = milp(c=-problem.value, integrality=np.ones(problem.n), bounds=_bounds(problem),
                  constraints=_constraints(problem),
                  options={"time_limit": remaining, "mip_rel_gap": rel_gap, "disp": False,
                           "presolve": problem.n <= PRESOLVE_MAX_N if presolve is None
                           else presolve})
    dual = getattr(result, "mip_dual_bound", None)
    bound = -float(dual) if dual is not None and math.isfinite(dual) else None
    chosen = None
    if result.x is not None:
        candidate = np.asarray(result.x) > 0.5
        if not violations(problem, candidate):
            chosen = candidate
    value = float(problem.value[chosen].sum()) if chosen is not None else -math.inf
    used_greedy = chosen is None or fallback.total_value > value + TOLERANCE * max(1.0, value)
    if used_greedy:
        chosen, value = fallback.selected, fallback.total_value
    seconds = time.perf_counter() - started
    if bound is not None:
        bound = max(bound, value)
    gap = gap_of(value, bound)
    if result.status == 0 and not (used_greedy and result.x is None):
        return make_selection(problem, chosen, status="optimal",
                              gap=gap if gap is not None else 0.0,
                              bound=bound if bound is not None else value, seconds=seconds,
                              message="Optimal." if not gap else
                              f"Optimal (proven within {gap * 100:.3f} %).")
    return make_selection(problem, chosen, status="time_limit", gap=gap, bound=bound,
                          seconds=seconds,
                          message=_stopped_message(time_limit, gap, bound,
                                                   heuristic if used_greedy else None,
                                                   result.status))


def _stopped_message(time_limit: float, gap: float | None, bound: float | None,
                     heuristic: str | None, status: int) -> str:
    limit = f"{time_limit:.1f}" if round(time_limit, 1) == time_limit else f"{time_limit:g}"
    head = (f"Stopped at the {limit} s limit" if status == 1
            else f"The solver gave up (HiGHS status {status})")
    found = (f" (the selection of {heuristic}: the solver had nothing better yet)"
             if heuristic else "")
    if gap is None:
        return f"{head} with no proven bound: the best selection found is shown{found}."
    if math.isinf(gap):
        return (f"{head}: no selection with a positive score found{found}; the best possible "
                f"is at most {bound:,.1f}.")
    return f"{head}: within {gap * 100:.2f} % of the best possible{found}."
