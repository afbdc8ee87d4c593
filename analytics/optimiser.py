"""Portfolio selection: the public API (the model, exact and greedy solvers, explanations).

Maximise the total score of the selected projects under budget (per period and total), role
capacity, dependencies, exclusions and forced sets; see analytics.optimiser_problem for the
model, analytics.optimiser_solve for ``solve`` (milp/HiGHS) and ``greedy`` (the waterline),
analytics.optimiser_explain and analytics.optimiser_frontier for the rest.
"""

from __future__ import annotations

import polars as pl

from analytics.optimiser_explain import Explanation, explain, extra_budget
from analytics.optimiser_frontier import FRONTIER_SCHEMA, frontier, frontier_budgets
from analytics.optimiser_problem import (
    Problem,
    Selection,
    Status,
    blocking,
    infeasibility,
    violations,
)
from analytics.optimiser_solve import REL_GAP, greedy, solve

SELECTION_SCHEMA = {"code": pl.String, "selected": pl.Boolean}


def selection_frame(problem: Problem, selection: Selection) -> pl.DataFrame:
    """(code, selected) per project, in the problem's order."""
    return pl.DataFrame({"code": list(problem.codes),
                         "selected": selection.selected.tolist()}, schema=SELECTION_SCHEMA)


__all__ = ["FRONTIER_SCHEMA", "REL_GAP", "SELECTION_SCHEMA", "Explanation", "Problem",
           "Selection", "Status", "blocking", "explain", "extra_budget", "frontier",
           "frontier_budgets", "greedy", "infeasibility", "selection_frame", "solve",
           "violations"]
