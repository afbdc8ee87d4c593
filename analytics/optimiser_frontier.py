"""The efficient frontier: the best total score at each total-budget cap, other constraints kept."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import polars as pl

from analytics.optimiser_problem import Problem
from analytics.optimiser_solve import solve

FRONTIER_SCHEMA = {"budget": pl.Float64, "total_value": pl.Float64, "total_cost": pl.Float64,
                   "selected_count": pl.Int64, "status": pl.String}


def frontier(problem: Problem, budgets: Sequence[float], *,
             time_limit: float = 0.5) -> pl.DataFrame:
    """FRONTIER_SCHEMA per budget (in the given order): solve with budget_total = budget.

    Totals are null where even the forced-in projects do not fit (status 'infeasible').
    """
    rows = []
    for raw in budgets:
        budget = float(raw)
        if math.isnan(budget) or budget < 0:
            raise ValueError(f"a frontier budget must be >= 0, got {raw!r}")
        result = solve(replace(problem, budget_total=budget), time_limit=time_limit)
        feasible = result.status != "infeasible"
        rows.append({"budget": budget,
                     "total_value": result.total_value if feasible else None,
                     "total_cost": result.total_cost if feasible else None,
                     "selected_count": result.count if feasible else None,
                     "status": result.status})
    return pl.DataFrame(rows, schema=FRONTIER_SCHEMA)


def frontier_budgets(problem: Problem, points: int = 12) -> list[float]:
    """``points`` budgets evenly spaced from the forced closure's cost to the cost of every
    project not forced out (one budget when both are equal)."""
    if points < 2:
        raise ValueError(f"points must be at least 2, got {points}")
    low = float(problem.total_cost[list(problem.forced_closure)].sum())
    allowed = np.ones(problem.n, dtype=bool)
    allowed[list(problem.forced_out)] = False
    high = max(low, float(problem.total_cost[allowed].sum()))
    if high - low <= 1e-9 * max(1.0, high):
        return [low]
    return [float(b) for b in np.linspace(low, high, points)]
