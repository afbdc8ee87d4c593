"""Project risks on the 5 x 5 scale: more low than high, severe where projects are in trouble."""

from __future__ import annotations

import numpy as np
import polars as pl

from data_access.demo.org import stamp
from data_access.demo.plan import CLOSED, TROUBLED, Plan
from data_access.demo.timeline import NA, date_series, expand, keys
from data_access.demo.vocab_text import MITIGATIONS, RISK_TITLES
from data_access.models.enums import RISK_CATEGORIES, RISK_STATUSES

RISKS_PER_PHASE = (1.0, 3.0, 5.0, 4.0, 5.0)  # idea, framing, execution, closure, closed
CATEGORY_SHARES = (0.22, 0.2, 0.15, 0.15, 0.08, 0.1, 0.1)
P_SHARES = (0.22, 0.32, 0.24, 0.14, 0.08)
I_SHARES = (0.2, 0.3, 0.27, 0.15, 0.08)


def _pick_text(pools: dict[str, tuple[str, ...]], category: np.ndarray,
               draw: np.ndarray) -> pl.Series:
    """Text number ``draw`` (modulo the pool size) from the pool of each row's category."""
    sizes = np.array([len(pools[c]) for c in RISK_CATEGORIES])
    offsets = np.cumsum(sizes) - sizes
    flat = pl.Series([t for c in RISK_CATEGORIES for t in pools[c]])
    return flat.gather(offsets[category] + draw % sizes[category])


def risks(rng: np.random.Generator, plan: Plan, project_names: pl.Series, person_names: pl.Series,
          manager: np.ndarray, updated_at) -> pl.DataFrame:
    t = plan.today
    troubled = plan.health == TROUBLED
    count = rng.poisson(np.array(RISKS_PER_PHASE)[plan.phase] + 4.0 * troubled)
    count = np.where(troubled, np.maximum(count, 3), count)
    proj, nth = expand(count)
    k = proj.size
    high = troubled[proj] & (nth < 2) & (plan.phase[proj] != CLOSED)  # why the project is red
    category = rng.choice(len(RISK_CATEGORIES), size=k, p=CATEGORY_SHARES)
    probability = np.where(high, rng.integers(4, 6, k), rng.choice(5, size=k, p=P_SHARES) + 1)
    impact = np.where(high, rng.integers(4, 6, k), rng.choice(5, size=k, p=I_SHARES) + 1)

    begin = np.where(plan.started, plan.actual_start, t - 60)[proj]
    end = np.where(plan.closed, plan.stop, t)[proj]
    identified = begin + np.floor(rng.random(k) * np.maximum(end - begin, 1)).astype(np.int64)
    identified = np.minimum(identified, t)
    closed_project = plan.closed[proj]
    running = rng.choice(4, size=k, p=(0.5, 0.35, 0.1, 0.05))
    status = np.where(closed_project, np.where(rng.random(k) < 0.75, 2, 3), running)
    status = np.where(~plan.started[proj] | high, 0, status)
    done = np.isin(status, (2, 3))
    closed_on = np.minimum(identified + rng.integers(10, 200, k), np.where(closed_project, end, t))
    closed_on = np.where(done, np.maximum(closed_on, identified), NA)

    with_cost = rng.random(k) < 0.5
    cost = np.round(plan.bac[proj] * rng.uniform(0.01, 0.12, k) * impact / 3.0 / 1000.0) * 1000.0
    owner_is_pm = rng.random(k) < 0.6
    owner = np.where(owner_is_pm, manager[proj], rng.integers(0, person_names.len(), k))
    mitigation = _pick_text(MITIGATIONS, category, rng.integers(0, 1 << 30, k))
    no_plan = (status == 0) & (rng.random(k) < 0.15)
    title = _pick_text(RISK_TITLES, category, rng.integers(0, 1 << 30, k))

    ids = np.arange(1, k + 1)
    frame = pl.DataFrame({
        "id": pl.Series(ids, dtype=pl.Int64),
        "project_id": pl.Series(proj + 1, dtype=pl.Int64),
        "title": title,
        "description": project_names.gather(proj) + ": " + title.str.to_lowercase() + ".",
        "category": pl.Series(RISK_CATEGORIES).gather(category),
        "probability": pl.Series(probability, dtype=pl.Int64),
        "impact": pl.Series(impact, dtype=pl.Int64),
        "cost_impact": pl.Series(cost).scatter(np.flatnonzero(~with_cost), None),
        "owner": person_names.gather(owner),
        "mitigation": mitigation.scatter(np.flatnonzero(no_plan), None),
        "due_date": date_series("due_date", identified + rng.integers(20, 121, k)),
        "status": pl.Series(RISK_STATUSES).gather(status),
        "identified_on": date_series("identified_on", identified),
        "closed_on": date_series("closed_on", closed_on),
        "external_key": keys("RSK-", ids, 6),
    })
    return stamp(frame, updated_at)
