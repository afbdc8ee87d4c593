"""Why a project is in or out of the selection, and what would change if it were forced.

For a project left out: what blocks it next to the current selection (``blocking``), the score
it would need to enter the optimum, value_needed = v_i + (opt − opt_with_i_forced_in) (None when
it cannot enter at all: forced out, or no selection can hold it), the extra total budget that
would let it in without removing anything, extra_budget = max(Σ_t shortfall_t, total shortfall)
(None when no budget row blocks it; other blockers stay listed in ``reasons``), and the projects
that would leave the optimum if it were forced in. For a selected project not forced: the score
it could lose and stay, margin = min(v_i, opt − opt_with_i_forced_out) (a score cannot go below
0: a project others need may keep its place at 0), and who would enter in its place.
"opt" is the given selection's value when it is optimal, else a fresh solve's (one or two extra
solves per call, each under ``time_limit``: for one project on demand, not for a whole table).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from analytics.optimiser_problem import Problem, Selection, blocking, shortfalls
from analytics.optimiser_solve import solve


@dataclass(frozen=True)
class Explanation:
    """Why project ``index`` is in or out; see the module docstring for each figure."""

    index: int
    code: str
    selected: bool
    reasons: tuple[str, ...]
    value_needed: float | None = None
    extra_budget: float | None = None
    would_leave: tuple[str, ...] = ()
    would_enter: tuple[str, ...] = ()
    margin: float | None = None


def _codes(problem: Problem, mask: np.ndarray) -> tuple[str, ...]:
    return tuple(problem.codes[k] for k in np.flatnonzero(mask))


def extra_budget(problem: Problem, selected: np.ndarray, i: int) -> float | None:
    """max(Σ_t period shortfall, total shortfall) if i joined ``selected``; None if none short."""
    short = shortfalls(problem, np.asarray(selected, dtype=bool), i)
    per_period = sum(amount for kind, _, amount in short if kind == "period")
    total = max((amount for kind, _, amount in short if kind == "total"), default=0.0)
    needed = max(per_period, total)
    return float(needed) if needed > 0 else None


def explain(problem: Problem, selection: Selection, i: int, *,
            time_limit: float = 1.0) -> Explanation:
    """Reasons and what-if figures for project ``i`` of ``selection`` (see the module docstring)."""
    if not 0 <= i < problem.n:
        raise ValueError(f"project index {i} is outside 0..{problem.n - 1}")
    code, is_in = problem.codes[i], bool(selection.selected[i])
    if selection.status == "infeasible":
        return Explanation(index=i, code=code, selected=False, reasons=(selection.message,))
    best = selection if selection.status == "optimal" else solve(problem, time_limit=time_limit)
    if best.total_value < selection.total_value:
        best = selection
    opt = best.total_value
    if not is_in:
        return _explain_out(problem, selection, best, i, time_limit)
    if i in problem.forced_closure:
        return Explanation(index=i, code=code, selected=True,
                           reasons=(problem.why_forced(i).removeprefix(f"{code} is "),))
    reasons = [f"needed by {problem.codes[j]} (selected)" for j in problem.dependents[i]
               if selection.selected[j]]
    without = solve(replace(problem, forced_out=problem.forced_out | {i}), time_limit=time_limit)
    loss = max(0.0, opt - without.total_value)
    margin = min(loss, float(problem.value[i]))
    if not best.selected[i]:
        reasons.append("above the greedy waterline but not in the optimal selection")
    reasons.append(f"leaving it out would lose {loss:,.2f} of total score")
    return Explanation(index=i, code=code, selected=True, reasons=tuple(reasons), margin=margin,
                       would_enter=_codes(problem, without.selected & ~best.selected))


def _explain_out(problem: Problem, selection: Selection, best: Selection, i: int,
                 time_limit: float) -> Explanation:
    code = problem.codes[i]
    reasons = blocking(problem, selection.selected, i)
    if best.selected[i] and best is not selection:
        reasons.append("in the optimal selection (left out by the greedy waterline)")
    budget = extra_budget(problem, selection.selected, i)
    if i in problem.forced_out:
        return Explanation(index=i, code=code, selected=False, reasons=tuple(reasons),
                           extra_budget=budget)
    forced = solve(replace(problem, forced_in=problem.forced_in | {i}), time_limit=time_limit)
    if forced.status == "infeasible":
        reasons.append("cannot be selected: " + forced.message.removeprefix("Infeasible: "))
        return Explanation(index=i, code=code, selected=False, reasons=tuple(reasons),
                           extra_budget=budget)
    needed = float(problem.value[i]) + max(0.0, best.total_value - forced.total_value)
    return Explanation(index=i, code=code, selected=False, reasons=tuple(reasons),
                       value_needed=needed, extra_budget=budget,
                       would_leave=_codes(problem, best.selected & ~forced.selected))
