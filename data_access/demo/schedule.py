"""Stage gates and milestones, the deliverables gates require, and monthly progress."""

from __future__ import annotations

import numpy as np
import polars as pl

from data_access.demo.org import stamp
from data_access.demo.plan import CANCELLED, CLOSED, FRAMING, Plan
from data_access.demo.timeline import NA, date_series, expand, keys, month_of, month_start
from data_access.demo.vocab_text import GATE_DELIVERABLES, GATES, MILESTONES
from data_access.models.enums import METHODOLOGIES


def _catalogue() -> tuple[np.ndarray, list[str], list[str | None], np.ndarray, np.ndarray]:
    """Candidate milestones: methodology (-1: every project), name, gate type, position, is gate."""
    meth, names, gates, where = [], [], [], []
    for gate_type, name, x in GATES:
        meth.append(-1), names.append(name), gates.append(gate_type), where.append(x)
    for m, items in MILESTONES.items():
        for name, x in items:
            meth.append(METHODOLOGIES.index(m)), names.append(name)
            gates.append(None), where.append(x)
    return np.array(meth), names, gates, np.array(where), np.array([g is not None for g in gates])


def milestones(rng: np.random.Generator, plan: Plan, updated_at) -> pl.DataFrame:
    """Five gates G0..G4 for every project plus most of its methodology's milestones.

    Reached milestones carry their actual date (forecast = actual); the others are forecast along
    the project's stretched timeline. Small projects waive G1, a third of framings saw their G1
    rejected and re-presented within weeks, cancelled projects waive what they never reached.
    """
    meth, names, gate_types, where, is_gate = _catalogue()
    fits = (meth[None, :] == -1) | (meth[None, :] == plan.methodology[:, None])
    fits &= is_gate[None, :] | (rng.random(fits.shape) < 0.85)
    proj, item = np.nonzero(fits)
    x = where[item]
    gate = is_gate[item]
    t = plan.today
    baseline = plan.baseline_start[proj] + np.round(x * plan.duration[proj]).astype(np.int64)
    forecast = plan.when(proj, x)
    closed = plan.phase[proj] == CLOSED
    reached = plan.started[proj] & (forecast <= np.minimum(plan.stop[proj], t))
    closing = closed & (x == 1.0)  # a cancelled project still goes through its closure gate
    forecast = np.where(closing, plan.stop[proj], forecast)
    reached |= closing
    reached |= (~plan.started[proj]) & (x == 0.0) & (plan.phase[proj] == FRAMING)  # idea approved
    jitter = rng.integers(-3, 4, proj.size)
    actual = np.where(closing | (x == 0.0), forecast,
                      np.clip(forecast + jitter, plan.actual_start[proj], t))
    state = np.where(reached, "validated", "pending").astype(object)
    recent = reached & ~gate & (actual > t - 30) & (rng.random(proj.size) < 0.5)
    state[recent] = "pending"  # reached, not yet validated
    small = plan.bac[proj] < np.quantile(plan.bac, 0.15)
    waived = (gate & (x == GATES[1][2]) & small) | (~reached & (plan.status[proj] == CANCELLED))
    state[waived] = "waived"
    could_fail = gate & (x == GATES[1][2]) & reached & ~small & (plan.phase[proj] == FRAMING)
    rejected = could_fail & (rng.random(proj.size) < 0.35)
    rejected[np.flatnonzero(could_fail)[:1]] = True  # at least one framing file sent back
    state[rejected] = "rejected"
    actual_day = np.where(reached & ~waived & ~rejected, actual, NA)
    pending = actual_day == NA
    late = pending & ~waived & (forecast <= t)
    forecast = np.where(late, t + rng.integers(5, 29, proj.size), forecast)  # re-planned soon
    forecast = np.where(pending, forecast, actual)

    ids = np.arange(1, proj.size + 1)
    frame = pl.DataFrame({
        "id": pl.Series(ids, dtype=pl.Int64),
        "project_id": pl.Series(proj + 1, dtype=pl.Int64),
        "name": pl.Series(names).gather(item),
        "kind": pl.Series(np.where(gate, "gate", "milestone")),
        "gate_type": pl.Series(gate_types, dtype=pl.String).gather(item),
        "baseline_date": date_series("baseline_date", baseline),
        "forecast_date": date_series("forecast_date", forecast),
        "actual_date": date_series("actual_date", actual_day),
        "validation_state": pl.Series(state.astype(str)),
        "external_key": keys("MS-", ids, 7),
    })
    return stamp(frame, updated_at)


def deliverables(rng: np.random.Generator, gates: pl.DataFrame, today: int,
                 updated_at) -> pl.DataFrame:
    """2..4 deliverables per gate; a validated gate has every required one validated."""
    types = [g for g, _name, _x in GATES]
    gate_ids = gates["id"].to_numpy()
    kind = gates["gate_type"].replace_strict({g: i for i, g in enumerate(types)},
                                             return_dtype=pl.Int64).to_numpy()
    state = gates["validation_state"].to_numpy()
    actual = gates["actual_date"].cast(pl.Int32).fill_null(0).to_numpy().astype(np.int64)
    forecast = gates["forecast_date"].cast(pl.Int32).to_numpy().astype(np.int64)
    pool = pl.Series([d for g in types for d in GATE_DELIVERABLES[g]])
    type_sizes = np.array([len(GATE_DELIVERABLES[g]) for g in types])
    type_offsets = np.cumsum(type_sizes) - type_sizes
    sizes = type_sizes[kind]
    keep = np.minimum(rng.integers(2, 5, gate_ids.size), sizes)
    owner, slot = expand(sizes)
    order = np.argsort(owner * 10 + rng.random(owner.size), kind="stable")  # random within gate
    rank = np.empty(owner.size, dtype=np.int64)
    rank[order] = slot
    chosen = rank < keep[owner]
    owner, slot = owner[chosen], slot[chosen]
    name = pool.gather(type_offsets[kind[owner]] + slot)
    required = rng.random(owner.size) < 0.8
    st = state[owner]
    due_soon = forecast[owner] <= today + 30
    chance = np.where(due_soon, 0.5, 0.15)
    validated = np.select(
        [st == "validated", st == "waived", st == "rejected"],
        [required | (rng.random(owner.size) < 0.7), np.zeros(owner.size, bool),
         rng.random(owner.size) < 0.4],
        rng.random(owner.size) < chance)
    on = np.where(st == "validated", actual[owner] - rng.integers(1, 15, owner.size),
                  today - rng.integers(1, 31, owner.size))
    frame = pl.DataFrame({
        "id": pl.Series(np.arange(1, owner.size + 1), dtype=pl.Int64),
        "milestone_id": pl.Series(gate_ids[owner], dtype=pl.Int64),
        "name": pl.Series(name, dtype=pl.String),
        "required": pl.Series(required),
        "validated": pl.Series(validated),
        "validated_on": date_series("validated_on", np.where(validated, on, NA)),
    })
    return stamp(frame, updated_at)


def progress(plan: Plan) -> pl.DataFrame:
    """Percent complete at each month end since the start, and today (or at the actual end)."""
    last_day = np.where(plan.closed, plan.stop, plan.today)
    first, last = month_of(plan.actual_start), month_of(last_day)
    proj, offset = expand(np.where(plan.started, last - first + 1, 0))
    month = first[proj] + offset
    as_of = np.minimum(month_start(month + 1) - 1, last_day[proj])
    pct = np.round(plan.percent(proj, as_of), 1)
    return pl.DataFrame({
        "id": pl.Series(np.arange(1, proj.size + 1), dtype=pl.Int64),
        "project_id": pl.Series(proj + 1, dtype=pl.Int64),
        "as_of": date_series("as_of", as_of),
        "percent_complete": pct,
    })
