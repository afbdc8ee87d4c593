"""Projects with their prioritisation criteria, contributions to objectives and dependencies."""

from __future__ import annotations

import numpy as np
import polars as pl

from data_access.demo.config import ScaleSpec
from data_access.demo.org import stamp
from data_access.demo.plan import CLOSED, TROUBLED, WATCH, Plan
from data_access.demo.timeline import NA, date_series, keys
from data_access.demo.vocab_org import DEPARTMENTS, OBJECTIVE_TARGET_SHARES
from data_access.demo.vocab_text import ACTIONS, BENEFITS, GENERIC_SUBJECTS, SUBJECTS, SUFFIXES
from data_access.models.enums import DEPENDENCY_KINDS, METHODOLOGIES, PHASES, STATUSES

SERVES_SHARES = (0.05, 0.45, 0.35, 0.15)  # a project serves 0, 1, 2 or 3 objectives
DEPENDENCIES_PER_PROJECT = 0.3


def contributions(rng: np.random.Generator, spec: ScaleSpec, n: int) -> pl.DataFrame:
    """project_objectives: 1..3 objectives per project (about 5 % none), contribution in [0, 1]."""
    shares = np.array(OBJECTIVE_TARGET_SHARES[spec.objectives])
    served = rng.choice(len(SERVES_SHARES), size=n, p=SERVES_SHARES)
    draw = rng.random((n, shares.size)) ** (1.0 / shares)  # weighted sampling without replacement
    ranked = np.argsort(-draw, axis=1, kind="stable")
    project, rank = np.nonzero(np.arange(shares.size)[None, :] < served[:, None])
    objective = ranked[project, rank]
    contribution = np.round(rng.uniform(0.2, 1.0, project.size) * 20.0) / 20.0
    return pl.DataFrame({"project_id": project + 1, "objective_id": objective + 1,
                         "contribution": contribution}, schema={"project_id": pl.Int64,
                                                                "objective_id": pl.Int64,
                                                                "contribution": pl.Float64})


def _names(rng: np.random.Generator, spec: ScaleSpec, plan: Plan) -> pl.Series:
    codes = [d[0] for d in DEPARTMENTS[:spec.departments]]
    pools = [SUBJECTS.get(code, GENERIC_SUBJECTS) for code in codes]
    subject_pool = pl.Series([s for pool in pools for s in pool])
    offsets = np.cumsum([len(p) for p in pools]) - np.array([len(p) for p in pools])
    sizes = np.array([len(p) for p in pools])
    dept = plan.department
    subject = subject_pool.gather(offsets[dept] + rng.integers(0, 1 << 30, plan.n) % sizes[dept])
    action = pl.Series(ACTIONS).gather(rng.integers(0, len(ACTIONS), plan.n))
    rank = pl.col("rank")
    suffix = rank.clip(0, len(SUFFIXES) - 1).replace_strict(dict(enumerate(SUFFIXES)),
                                                            return_dtype=pl.String)
    number = " " + (rank - len(SUFFIXES) + 4).cast(pl.String)  # then "... 4", "... 5", ...
    extra = pl.when(rank >= len(SUFFIXES)).then(number).otherwise(pl.lit(""))
    return (pl.DataFrame({"base": subject + " " + action})
            .with_columns(rank=pl.col("base").cum_count().over("base") - 1)
            .select(pl.col("base") + suffix + extra).to_series().alias("name"))


def projects(rng: np.random.Generator, spec: ScaleSpec, plan: Plan, manager: np.ndarray,
             served: pl.DataFrame, updated_at) -> pl.DataFrame:
    n = plan.n
    ids = np.arange(1, n + 1)
    names = _names(rng, spec, plan)
    mandatory = rng.random(n) < 0.10
    compliance = np.where(mandatory, 5, rng.choice(5, size=n, p=(0.4, 0.25, 0.2, 0.1, 0.05)) + 1)
    total = np.bincount(served["project_id"].to_numpy() - 1,
                        weights=served["contribution"].to_numpy(), minlength=n)
    fit = np.clip(np.round(1.0 + 2.0 * total + rng.normal(0, 0.5, n)), 1, 5).astype(np.int64)
    urgency = rng.choice(5, size=n, p=(0.1, 0.25, 0.35, 0.2, 0.1)) + 1
    big = plan.bac > np.median(plan.bac) * 2
    risk = np.select([plan.health == TROUBLED, plan.health == WATCH], [rng.integers(4, 6, n),
                     rng.integers(3, 5, n)], rng.integers(1, 4, n)) + big
    value = np.where(mandatory, plan.bac * rng.uniform(0.0, 0.5, n),
                     plan.bac * np.exp(np.log(1.3) + 0.6 * rng.standard_normal(n)))
    dept_names = pl.Series([d[1] for d in DEPARTMENTS[:spec.departments]]).gather(plan.department)
    benefit = pl.Series(BENEFITS).gather(rng.integers(0, len(BENEFITS), n))
    code = keys("PRJ-", ids, 5)
    frame = pl.DataFrame({"id": pl.Series(ids, dtype=pl.Int64), "name": names}).select(
        "id",
        code=code,
        name="name",
        description=pl.format("{} for {}, to {}.", pl.col("name"), dept_names.str.to_lowercase(),
                              benefit),
        department_id=pl.Series(plan.department + 1, dtype=pl.Int64),
        sponsor=pl.Series([d[2] for d in DEPARTMENTS[:spec.departments]]).gather(plan.department),
        manager_id=pl.Series(manager + 1, dtype=pl.Int64),
        methodology=pl.Series(METHODOLOGIES).gather(plan.methodology),
        phase=pl.Series(PHASES).gather(plan.phase),
        status=pl.Series(STATUSES).gather(plan.status),
        baseline_start=date_series("baseline_start", plan.baseline_start),
        baseline_end=date_series("baseline_end", plan.baseline_end),
        forecast_start=date_series("forecast_start", plan.forecast_start),
        forecast_end=date_series("forecast_end", plan.forecast_end),
        actual_start=date_series("actual_start", np.where(plan.started, plan.actual_start, NA)),
        actual_end=date_series("actual_end", np.where(plan.phase == CLOSED, plan.stop, NA)),
        bac=pl.Series(plan.bac, dtype=pl.Float64),
        mandatory=pl.Series(mandatory),
        financial_value=pl.Series(np.round(value / 1000.0) * 1000.0),
        strategic_fit=pl.Series(fit, dtype=pl.Int64),
        urgency=pl.Series(urgency, dtype=pl.Int64),
        compliance=pl.Series(compliance, dtype=pl.Int64),
        risk_level=pl.Series(np.clip(risk, 1, 5), dtype=pl.Int64),
    ).with_columns(external_key=pl.col("code"))
    return stamp(frame, updated_at)


def dependencies(rng: np.random.Generator, n: int) -> pl.DataFrame:
    """A DAG: each link goes from an earlier project (smaller id) to a later one; no duplicates."""
    k = round(DEPENDENCIES_PER_PROJECT * n)
    successor = rng.integers(1, n, k) if n > 1 else np.zeros(0, dtype=np.int64)
    window = np.minimum(successor, max(5, n // 6))
    predecessor = successor - 1 - np.floor(rng.random(successor.size) * window).astype(np.int64)
    _, first = np.unique(predecessor * n + successor, return_index=True)
    keep = np.sort(first)
    kind = rng.choice(len(DEPENDENCY_KINDS), size=keep.size, p=(0.8, 0.12, 0.08))
    lag = np.where(rng.random(keep.size) < 0.7, 0, rng.integers(5, 31, keep.size))
    return pl.DataFrame({
        "id": pl.Series(np.arange(1, keep.size + 1), dtype=pl.Int64),
        "predecessor_id": pl.Series(predecessor[keep] + 1, dtype=pl.Int64),
        "successor_id": pl.Series(successor[keep] + 1, dtype=pl.Int64),
        "kind": pl.Series(DEPENDENCY_KINDS).gather(kind),
        "lag_days": pl.Series(lag, dtype=pl.Int64),
    })
