"""Demand for people (hours per project, role, person or nobody yet, month) and who manages what."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from data_access.demo.org import Staff
from data_access.demo.plan import ACTIVE, HOURS_PER_FTE, ON_HOLD, TROUBLED, Plan
from data_access.demo.timeline import date_series, expand, month_of, month_start
from data_access.demo.vocab_org import PM, ROLE_NAMES, ROLE_PEAK, ROLE_WIDTH, ROLES

LEAD_PROJECTS = 5
MAX_PER_MANAGER = 4
MEAN_CAPACITY = 135.0
OPEN_POSITION_SHARE = 0.25
MAX_SLOTS = 6


@dataclass
class Demand:
    """Hours per project, role and month (before they are split between people)."""

    project: np.ndarray
    role: np.ndarray
    month: np.ndarray  # month number
    hours: np.ndarray


def _profile(role: np.ndarray, x: np.ndarray) -> np.ndarray:
    """How busy a role is at life fraction x (a bump around its peak, mean about 1 over 0..1)."""
    peak, width = np.array(ROLE_PEAK)[role], np.array(ROLE_WIDTH)[role]
    bump = np.maximum(0.15, 1.0 - ((x - peak) / width) ** 2)
    grid = np.linspace(0.0, 1.0, 201)
    norm = np.array([np.maximum(0.15, 1.0 - ((grid - p) / w) ** 2).mean()
                     for p, w in zip(ROLE_PEAK, ROLE_WIDTH, strict=True)])
    return bump / norm[role]


def role_demand(plan: Plan) -> Demand:
    """Hours each project needs of each of its roles in every month it runs (or will run)."""
    window_start = np.where(plan.started, plan.actual_start, plan.baseline_start)
    window_end = np.where(plan.closed, plan.stop, plan.forecast_end)
    first, last = month_of(window_start), month_of(window_end - 1)
    proj, offset = expand(last - first + 1)
    month = first[proj] + offset
    m_start, m_end = month_start(month), month_start(month + 1)
    lo, hi = np.maximum(m_start, window_start[proj]), np.minimum(m_end, window_end[proj])
    share = (hi - lo) / (m_end - m_start)
    mid = (lo + hi) / 2.0
    on_hold = plan.hold_days[proj] > 0
    paused = on_hold & (mid >= plan.stop[proj]) & (mid < plan.today)
    shifted = np.where(on_hold & (mid >= plan.today), mid - plan.hold_days[proj], mid)
    x = np.where(plan.started[proj], (shifted - plan.actual_start[proj]) / plan.span[proj],
                 (mid - plan.baseline_start[proj]) / plan.duration[proj])
    share = np.where(paused, 0.0, share)
    row, role = np.nonzero(plan.fte[proj] > 0)
    p = proj[row]
    hours = plan.fte[p, role] * HOURS_PER_FTE * _profile(role, np.clip(x[row], 0, 1)) * share[row]
    hours = np.round(hours * 2.0) / 2.0
    keep = hours >= 1.0
    return Demand(p[keep], role[keep], month[row][keep], hours[keep])


def staff_counts(plan: Plan, demand: Demand, n_managers: int) -> np.ndarray:
    """People per role: the demand of open projects around today times the role's supply ratio."""
    now = month_of(np.array([plan.today]))[0]
    near = ~plan.closed[demand.project] & (np.abs(demand.month - now) <= 6)
    hours = np.bincount(demand.role[near], weights=demand.hours[near], minlength=len(ROLES))
    monthly = hours / 13.0
    ratio = np.array([r[3] for r in ROLES])
    counts = np.maximum(np.round(monthly / MEAN_CAPACITY * ratio), 4).astype(np.int64)
    counts[PM] = n_managers
    return counts


def managers(rng: np.random.Generator, plan: Plan) -> tuple[np.ndarray, np.ndarray]:
    """Project -> project-manager index, and each manager's department.

    Manager 0 (the demo's manager account) runs 5 projects in at least 2 departments, one of
    them in trouble; every other manager runs at most 4 projects of their own department.
    """
    running = plan.started & ~plan.closed & np.isin(plan.status, (ACTIVE, ON_HOLD))
    candidates = rng.permutation(np.flatnonzero(running))
    troubled = plan.health[candidates] == TROUBLED
    lead = [int(candidates[troubled][0] if troubled.any() else candidates[0])]
    others = candidates[~troubled & (candidates != lead[0])]
    other_dept = others[plan.department[others] != plan.department[lead[0]]]
    lead += [int(other_dept[0])] if other_dept.size else []
    lead += [int(c) for c in others[:LEAD_PROJECTS] if c not in lead][:LEAD_PROJECTS - len(lead)]
    manager = np.zeros(plan.n, dtype=np.int64)
    pm_department = [int(plan.department[lead[0]])]
    rest = np.setdiff1d(np.arange(plan.n), lead)
    for dept in np.unique(plan.department):
        own = rest[plan.department[rest] == dept]  # in id order, i.e. by start date
        k = -(-own.size // MAX_PER_MANAGER)
        manager[own] = len(pm_department) + np.arange(own.size) % max(k, 1)
        pm_department += [int(dept)] * k
    return manager, np.array(pm_department, dtype=np.int64)


def assignments(rng: np.random.Generator, plan: Plan, demand: Demand, staff: Staff,
                manager: np.ndarray) -> pl.DataFrame:
    """Split each project-role-month demand between 1..4 named people (or one open position)."""
    pairs, pair_of = np.unique(demand.project * len(ROLES) + demand.role, return_inverse=True)
    pair_project, pair_role = pairs // len(ROLES), pairs % len(ROLES)
    pools = [staff.pool(r) for r in range(len(ROLES))]
    sizes = np.array([p.size for p in pools])
    named = plan.started[pair_project]
    slots = np.clip(np.ceil(plan.fte[pair_project, pair_role] / 0.25), 1, MAX_SLOTS)
    slots = slots.astype(np.int64)
    slots = np.where(named & (pair_role != PM), np.minimum(slots, sizes[pair_role]), 1)
    base = rng.integers(0, np.iinfo(np.int32).max, pairs.size) % sizes[pair_role]
    open_slot = (named & ~plan.closed[pair_project] & (pair_role != PM)
                 & (rng.random(pairs.size) < OPEN_POSITION_SHARE))

    row, slot = expand(slots[pair_of])
    pair = pair_of[row]
    role = pair_role[pair]
    offsets = np.cumsum(sizes) - sizes
    flat_pool = np.concatenate(pools)
    person = flat_pool[offsets[role] + (base[pair] + slot) % sizes[role]] + 1
    person = np.where(role == PM, manager[pair_project[pair]] + 1, person)
    now = month_of(np.array([plan.today]))[0]
    last_slot = slot == slots[pair] - 1
    vacant = ~named[pair] | (open_slot[pair] & last_slot & (demand.month[row] >= now))
    vacant &= role != PM
    hours = np.round(demand.hours[row] / slots[pair] * 2.0) / 2.0
    keep = hours > 0
    frame = pl.DataFrame({
        "id": np.arange(1, int(keep.sum()) + 1, dtype=np.int64),
        "project_id": (demand.project[row] + 1)[keep],
        "person_id": pl.Series(np.where(vacant, 0, person)[keep], dtype=pl.Int64),
        "role": pl.Series(ROLE_NAMES).gather(role[keep]),
        "month": date_series("month", month_start(demand.month[row][keep])),
        "hours": hours[keep],
    })
    return frame.with_columns(pl.when(pl.col("person_id") > 0).then("person_id").alias("person_id"))
