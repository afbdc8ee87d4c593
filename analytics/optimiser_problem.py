"""The 0/1 portfolio-selection problem, its result, and constraint checks in plain words.

Model (see the reference's "Prioritisation"): maximise Σ v_i x_i subject to
Σ_i c_it x_i <= B_t per budget period t, Σ_i Σ_t c_it x_i <= B (total), Σ_i r_ik x_i <= Cap_k per
role k, x_j <= x_i when j needs i, x_i + x_j <= 1 when exclusive, x_i = 1 forced in (mandatory
or by the user), x_i = 0 forced out, x binary. np.inf as a cap means "no cap".
Values, costs and demands are finite and >= 0, so the forced-in projects with their
prerequisites (the "forced closure") are feasible on their own exactly when
:func:`infeasibility` finds nothing: the checks below are complete, not heuristics.
A cap holds within a relative tolerance of 1e-6 (lhs <= cap + 1e-6 × max(1, cap)).
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

import numpy as np

TOLERANCE = 1e-6
Status = Literal["optimal", "time_limit", "infeasible", "greedy"]


def money(amount: float) -> str:
    """1250000.4 -> '1,250,000'."""
    return f"{amount:,.0f}"


def hours(amount: float) -> str:
    """1200 -> '1,200 h'."""
    return f"{amount:,.0f} h"


def slack(cap: np.ndarray | float) -> np.ndarray | float:
    """The tolerance a cap allows: 1e-6 × max(1, |cap|) (inf stays inf)."""
    return TOLERANCE * np.maximum(1.0, np.abs(cap))


def _array(name: str, raw: object, shape: tuple[int, ...], *, allow_inf: bool) -> np.ndarray:
    try:
        a = np.array(raw, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must hold numbers only") from None
    if a.size == 0 and 0 in shape:
        a = a.reshape(shape)
    if a.shape != shape:
        raise ValueError(f"{name} must have shape {shape}, got {a.shape}")
    if np.isnan(a).any() or (not allow_inf and np.isinf(a).any()):
        raise ValueError(f"{name} must be finite" + (" or inf" if allow_inf else "")
                         + f", got {a[~np.isfinite(a)][0]!r}")
    if (a < 0).any():
        raise ValueError(f"{name} must be >= 0, got {a[a < 0][0]!r}")
    a.setflags(write=False)
    return a


@dataclass(frozen=True, eq=False)
class Problem:
    """A selection problem; arrays are validated, converted to float and made read-only."""

    codes: tuple[str, ...]
    value: np.ndarray
    cost: np.ndarray
    periods: tuple[str, ...]
    budget_per_period: np.ndarray
    budget_total: float
    demand: np.ndarray
    roles: tuple[str, ...]
    capacity: np.ndarray
    requires: tuple[tuple[int, int], ...] = ()
    exclusive: tuple[tuple[int, int], ...] = ()
    forced_in: frozenset[int] = frozenset()
    forced_out: frozenset[int] = frozenset()

    def __post_init__(self) -> None:
        put = object.__setattr__
        put(self, "codes", tuple(str(c) for c in self.codes))
        put(self, "periods", tuple(str(p) for p in self.periods))
        put(self, "roles", tuple(str(r) for r in self.roles))
        n, t, k = len(self.codes), len(self.periods), len(self.roles)
        put(self, "value", _array("value", self.value, (n,), allow_inf=False))
        put(self, "cost", _array("cost", self.cost, (n, t), allow_inf=False))
        put(self, "budget_per_period",
            _array("budget_per_period", self.budget_per_period, (t,), allow_inf=True))
        put(self, "budget_total",
            float(_array("budget_total", self.budget_total, (), allow_inf=True)))
        put(self, "demand", _array("demand", self.demand, (n, k), allow_inf=False))
        put(self, "capacity", _array("capacity", self.capacity, (k,), allow_inf=True))
        put(self, "requires", tuple((int(j), int(i)) for j, i in self.requires))
        put(self, "exclusive", tuple((int(i), int(j)) for i, j in self.exclusive))
        put(self, "forced_in", frozenset(int(i) for i in self.forced_in))
        put(self, "forced_out", frozenset(int(i) for i in self.forced_out))
        for name, pairs in (("requires", self.requires), ("exclusive", self.exclusive)):
            for a, b in pairs:
                if not (0 <= a < n and 0 <= b < n):
                    raise ValueError(f"{name} pair ({a}, {b}) refers to a project outside "
                                     f"0..{n - 1}")
        for i, j in self.exclusive:
            if i == j:
                raise ValueError(f"{self.codes[i]} cannot exclude itself")
        for name, forced in (("forced_in", self.forced_in), ("forced_out", self.forced_out)):
            outside = sorted(i for i in forced if not 0 <= i < n)
            if outside:
                raise ValueError(f"{name} refers to project {outside[0]}, outside 0..{n - 1}")

    @property
    def n(self) -> int:
        return len(self.codes)

    @cached_property
    def total_cost(self) -> np.ndarray:
        """Σ_t c_it per project, (n,)."""
        return self.cost.sum(axis=1)

    @cached_property
    def prerequisites(self) -> tuple[tuple[int, ...], ...]:
        """prerequisites[j] = the projects j needs (self-requirements dropped: always met)."""
        out: list[list[int]] = [[] for _ in range(self.n)]
        for j, i in dict.fromkeys(self.requires):
            if i != j:
                out[j].append(i)
        return tuple(tuple(p) for p in out)

    @cached_property
    def dependents(self) -> tuple[tuple[int, ...], ...]:
        """dependents[i] = the projects that need i."""
        out: list[list[int]] = [[] for _ in range(self.n)]
        for j, prereqs in enumerate(self.prerequisites):
            for i in prereqs:
                out[i].append(j)
        return tuple(tuple(d) for d in out)

    @cached_property
    def partners(self) -> tuple[tuple[int, ...], ...]:
        """partners[i] = the projects exclusive with i."""
        out: list[set[int]] = [set() for _ in range(self.n)]
        for i, j in self.exclusive:
            out[i].add(j)
            out[j].add(i)
        return tuple(tuple(sorted(p)) for p in out)

    @cached_property
    def forced_closure(self) -> dict[int, int | None]:
        """Forced-in projects and, transitively, their prerequisites: {project: who needs it}."""
        reason: dict[int, int | None] = {i: None for i in sorted(self.forced_in)}
        queue = deque(reason)
        while queue:
            j = queue.popleft()
            for i in self.prerequisites[j]:
                if i not in reason:
                    reason[i] = j
                    queue.append(i)
        return reason

    def why_forced(self, i: int) -> str:
        """'PRJ-1 is forced in' or 'PRJ-3 is needed by PRJ-5 (forced in)' for a closure member."""
        chain = []
        j = self.forced_closure[i]
        while j is not None:
            chain.append(j)
            j = self.forced_closure[j]
        if not chain:
            return f"{self.codes[i]} is forced in"
        via = "".join(f" via {self.codes[c]}" for c in chain[:-1])
        return f"{self.codes[i]} is needed by {self.codes[chain[-1]]} (forced in){via}"


@dataclass(frozen=True, eq=False)
class Selection:
    """A selection and how it was obtained; ``message`` says it in plain English."""

    selected: np.ndarray
    total_value: float
    total_cost: float
    status: Status
    gap: float | None
    bound: float | None
    seconds: float
    message: str

    @property
    def count(self) -> int:
        return int(self.selected.sum())


def make_selection(problem: Problem, selected: np.ndarray, *, status: Status,
                   gap: float | None, bound: float | None, seconds: float,
                   message: str) -> Selection:
    """A Selection with its totals computed from ``selected``."""
    chosen = np.asarray(selected, dtype=bool).copy()
    chosen.setflags(write=False)
    return Selection(selected=chosen, total_value=float(problem.value[chosen].sum()),
                     total_cost=float(problem.total_cost[chosen].sum()), status=status,
                     gap=gap, bound=bound, seconds=seconds, message=message)


def _selected_mask(problem: Problem, selected: np.ndarray) -> np.ndarray:
    mask = np.asarray(selected)
    if mask.shape != (problem.n,):
        raise ValueError(f"selected must have shape ({problem.n},), got {mask.shape}")
    return mask.astype(bool)


def usage(problem: Problem, mask: np.ndarray) -> tuple[np.ndarray, float, np.ndarray]:
    """(cost per period, total cost, demand per role) of the projects in ``mask``."""
    per_period = problem.cost[mask].sum(axis=0)
    return per_period, float(per_period.sum()), problem.demand[mask].sum(axis=0)


def over_caps(problem: Problem, per_period: np.ndarray, total: float,
              demand: np.ndarray) -> list[tuple[str, str, float, float]]:
    """Broken caps as (kind, label, used, cap), kind in 'period', 'total', 'role'."""
    out = []
    for t, label in enumerate(problem.periods):
        cap = problem.budget_per_period[t]
        if per_period[t] > cap + slack(cap):
            out.append(("period", label, float(per_period[t]), float(cap)))
    if total > problem.budget_total + slack(problem.budget_total):
        out.append(("total", "total", total, problem.budget_total))
    for k, label in enumerate(problem.roles):
        cap = problem.capacity[k]
        if demand[k] > cap + slack(cap):
            out.append(("role", label, float(demand[k]), float(cap)))
    return out


def infeasibility(problem: Problem) -> str | None:
    """Why no selection can exist ('Infeasible: ...'), or None when the forced closure fits."""
    codes, closure = problem.codes, problem.forced_closure
    reasons = [f"{codes[i]} is forced both in and out"
               for i in sorted(problem.forced_in & problem.forced_out)]
    reasons += [f"{problem.why_forced(i)} but it is forced out"
                for i in closure if i in problem.forced_out and i not in problem.forced_in]
    for i, j in dict.fromkeys(tuple(sorted(p)) for p in problem.exclusive):
        if i in closure and j in closure:
            reasons.append(f"{codes[i]} and {codes[j]} exclude each other but both must be "
                           f"selected ({problem.why_forced(i)}; {problem.why_forced(j)})")
    mask = np.zeros(problem.n, dtype=bool)
    mask[list(closure)] = True
    who = ("the forced-in projects alone" if len(closure) == len(problem.forced_in)
           else "the forced-in projects and their prerequisites alone")
    for kind, label, used, cap in over_caps(problem, *usage(problem, mask)):
        if kind == "period":
            reasons.append(f"{who} cost {money(used)} in {label}, over its budget of {money(cap)}")
        elif kind == "total":
            reasons.append(f"{who} cost {money(used)} in total, over the total budget of "
                           f"{money(cap)}")
        else:
            reasons.append(f"{who} need {hours(used)} of {label}, over its capacity of "
                           f"{hours(cap)}")
    return "Infeasible: " + "; ".join(reasons) + "." if reasons else None


def violations(problem: Problem, selected: np.ndarray) -> list[str]:
    """Every constraint ``selected`` breaks, in words (empty: feasible)."""
    mask = _selected_mask(problem, selected)
    codes, out = problem.codes, []
    out += [f"{codes[i]} is forced in but not selected"
            for i in sorted(problem.forced_in) if not mask[i]]
    out += [f"{codes[i]} is forced out but selected"
            for i in sorted(problem.forced_out) if mask[i]]
    for j, prereqs in enumerate(problem.prerequisites):
        if mask[j]:
            out += [f"{codes[j]} needs {codes[i]}, which is not selected"
                    for i in prereqs if not mask[i]]
    for i, j in dict.fromkeys(tuple(sorted(p)) for p in problem.exclusive):
        if mask[i] and mask[j]:
            out.append(f"{codes[i]} and {codes[j]} exclude each other but both are selected")
    for kind, label, used, cap in over_caps(problem, *usage(problem, mask)):
        if kind == "period":
            out.append(f"budget {label}: {money(used)} is over its cap of {money(cap)}")
        elif kind == "total":
            out.append(f"total budget: {money(used)} is over its cap of {money(cap)}")
        else:
            out.append(f"role {label}: {hours(used)} is over its capacity of {hours(cap)}")
    return out


def shortfalls(problem: Problem, mask: np.ndarray,
               i: int) -> list[tuple[str, str, float]]:
    """Caps broken if i joined ``mask`` alone: (kind, label, amount short), kind as over_caps."""
    per_period, total, demand = usage(problem, mask)
    return [(kind, label, used - cap) for kind, label, used, cap in
            over_caps(problem, per_period + problem.cost[i],
                      total + float(problem.total_cost[i]), demand + problem.demand[i])]


def blocking(problem: Problem, selected: np.ndarray, i: int) -> list[str]:
    """What keeps project i out if it joined ``selected`` alone ([] when i is selected)."""
    mask = _selected_mask(problem, selected)
    if not 0 <= i < problem.n:
        raise ValueError(f"project index {i} is outside 0..{problem.n - 1}")
    if mask[i]:
        return []
    codes, out = problem.codes, []
    if i in problem.forced_out:
        out.append("forced out")
    out += [f"needs {codes[p]} (not selected)" for p in problem.prerequisites[i] if not mask[p]]
    out += [f"excludes {codes[p]} (selected)" for p in problem.partners[i] if mask[p]]
    for kind, label, short in shortfalls(problem, mask, i):
        if kind == "period":
            out.append(f"budget {label}: {money(short)} short")
        elif kind == "total":
            out.append(f"total budget: {money(short)} short")
        else:
            out.append(f"role {label}: {hours(short)} short")
    return out or ["lower value per cost than the selected projects"]


def gap_of(value: float, bound: float | None) -> float | None:
    """Relative proven gap (bound − value) / value (>= 0; inf when value is 0 < bound)."""
    if bound is None or not math.isfinite(bound):
        return None
    excess = max(0.0, bound - value)
    if excess <= TOLERANCE * max(1.0, abs(value)):
        return 0.0
    return excess / value if value > 0 else math.inf


__all__ = ["Problem", "Selection", "Status", "blocking", "gap_of", "infeasibility",
           "make_selection", "money", "hours", "over_caps", "shortfalls", "usage", "violations"]
