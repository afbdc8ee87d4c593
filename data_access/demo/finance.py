"""Monthly planned and actual cost of every project (cost_entries)."""

from __future__ import annotations

import numpy as np
import polars as pl

from data_access.demo.org import stamp
from data_access.demo.plan import IDEA, Plan
from data_access.demo.timeline import date_series, expand, month_of, month_start


def _within(values: np.ndarray, owner: np.ndarray) -> np.ndarray:
    """Cumulative sum of ``values`` restarting at each new ``owner`` (rows grouped by owner)."""
    total = np.cumsum(values)
    first = np.r_[True, owner[1:] != owner[:-1]]
    group_start = np.maximum.accumulate(np.where(first, np.arange(values.size), 0))
    return total - (total - values)[group_start]


def cost_entries(rng: np.random.Generator, plan: Plan, updated_at) -> pl.DataFrame:
    """One row per project and month from its first to its last month of plan or spend.

    planned: the S-curve of the budget over the baseline months (it sums to BAC to the cent);
    actual: the actual-cost curve of the plan with monthly noise, rescaled so that it sums to
    the project's cumulative actual cost today (null before it started and in the future).
    """
    started = plan.started
    spent_until = np.where(plan.closed, plan.stop, plan.today)
    start, end = plan.baseline_start, plan.baseline_end - 1
    first_day = np.where(started, np.minimum(start, plan.actual_start), start)
    last_day = np.where(started, np.maximum(end, spent_until), end)
    first, last = month_of(first_day), month_of(last_day)
    proj, offset = expand(np.where(plan.phase != IDEA, last - first + 1, 0))
    month = first[proj] + offset
    m0, m1 = month_start(month), month_start(month + 1)

    bac_cents = plan.bac[proj] * 100.0
    planned = (np.round(bac_cents * plan.planned_share(proj, m1))
               - np.round(bac_cents * plan.planned_share(proj, m0))) / 100.0

    has_actual = (started[proj] & (month >= month_of(plan.actual_start)[proj])
                  & (m0 <= spent_until[proj]))
    end = np.minimum(m1, plan.today)
    raw = np.clip(plan.actual_cost(proj, end) - plan.actual_cost(proj, m0), 0.0, None)
    noisy = np.where(has_actual, raw * np.exp(0.12 * rng.standard_normal(proj.size)), 0.0)
    target = plan.actual_cost(np.arange(plan.n), np.full(plan.n, plan.today))
    sums = np.bincount(proj, weights=noisy, minlength=plan.n)
    scale = np.divide(target, sums, out=np.zeros(plan.n), where=sums > 0)
    cents = np.round(_within(noisy * scale[proj], proj) * 100.0)
    previous = np.where(np.r_[True, proj[1:] != proj[:-1]], 0.0, np.r_[0.0, cents[:-1]])
    actual = (cents - previous) / 100.0

    frame = pl.DataFrame({
        "id": pl.Series(np.arange(1, proj.size + 1), dtype=pl.Int64),
        "project_id": pl.Series(proj + 1, dtype=pl.Int64),
        "month": date_series("month", m0),
        "planned": planned,
        "actual": pl.Series(actual).scatter(np.flatnonzero(~has_actual), None),
    })
    return stamp(frame, updated_at)
