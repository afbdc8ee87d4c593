"""Departments, strategic objectives and people (sized by the demand of the projects)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from data_access.demo.config import ScaleSpec
from data_access.demo.timeline import exact_counts, keys, shuffled_labels
from data_access.demo.vocab_org import (
    DEPARTMENTS,
    FIRST_NAMES,
    LAST_NAMES,
    OBJECTIVE_TARGET_SHARES,
    OBJECTIVES,
    PM,
    ROLES,
    TECH_HOMES,
    TECHNICAL,
)


def stamp(frame: pl.DataFrame, updated_at: pl.Series | object) -> pl.DataFrame:
    """Add the optimistic-locking columns every versioned table has (version 1, updated_at)."""
    return frame.with_columns(version=pl.lit(1, dtype=pl.Int64),
                              updated_at=pl.lit(updated_at, dtype=pl.Datetime("us", "UTC")))


def departments(spec: ScaleSpec, updated_at) -> pl.DataFrame:
    rows = DEPARTMENTS[:spec.departments]
    frame = pl.DataFrame({
        "id": pl.Series(range(1, len(rows) + 1), dtype=pl.Int64),
        "code": [r[0] for r in rows],
        "name": [r[1] for r in rows],
        "external_key": [f"DEPT-{r[0]}" for r in rows],
    })
    return stamp(frame, updated_at)


def sponsors(spec: ScaleSpec) -> list[str]:
    return [r[2] for r in DEPARTMENTS[:spec.departments]]


def objectives(spec: ScaleSpec, updated_at) -> pl.DataFrame:
    rows = OBJECTIVES[:spec.objectives]
    frame = pl.DataFrame({
        "id": pl.Series(range(1, len(rows) + 1), dtype=pl.Int64),
        "code": [r[0] for r in rows],
        "name": [r[1] for r in rows],
        "description": [r[2] for r in rows],
        "weight": [r[3] for r in rows],
        "target_share": list(OBJECTIVE_TARGET_SHARES[len(rows)]),
        "external_key": [f"OBJ-{r[0]}" for r in rows],
    })
    return stamp(frame, updated_at)


@dataclass
class Staff:
    """People by role: ``role[k]``, ``department[k]`` (index) of person ``k`` (id k + 1)."""

    role: np.ndarray
    department: np.ndarray
    capacity: np.ndarray

    def pool(self, role: int) -> np.ndarray:
        """Person indices holding ``role``, in id order."""
        return np.flatnonzero(self.role == role)


def hire(rng: np.random.Generator, spec: ScaleSpec, counts: np.ndarray,
         pm_departments: np.ndarray, project_department: np.ndarray) -> Staff:
    """``counts[r]`` people per role; project managers in ``pm_departments`` (given, in order).

    Technical people sit in IT (and R&D, Data, Security where the organisation has them);
    analysts and change managers sit where the projects are.
    """
    codes = [d[0] for d in DEPARTMENTS[:spec.departments]]
    homes = np.array([codes.index(c) for c in TECH_HOMES if c in codes])
    home_share = np.where(homes == codes.index("IT"), 6.0, 1.0)
    project_share = np.bincount(project_department, minlength=len(codes)).astype(float) + 0.5
    role, department = [], []
    for r, (name, *_rest) in enumerate(ROLES):
        k = int(counts[r])
        if r == PM:
            dept = np.asarray(pm_departments)
        elif name in TECHNICAL:
            dept = homes[shuffled_labels(rng, exact_counts(k, home_share))]
        else:
            dept = shuffled_labels(rng, exact_counts(k, project_share))
        role.append(np.full(k, r))
        department.append(np.sort(dept, kind="stable") if r != PM else dept)
    capacity = rng.integers(24, 31, int(counts.sum())) * 5.0  # 120..150 hours a month
    return Staff(np.concatenate(role), np.concatenate(department), capacity)


def people(rng: np.random.Generator, spec: ScaleSpec, staff: Staff, updated_at) -> pl.DataFrame:
    n = staff.role.size
    combos = len(FIRST_NAMES) * len(LAST_NAMES)
    pick = rng.choice(combos, size=n, replace=n > combos)
    first = pl.Series(FIRST_NAMES).gather(pick // len(LAST_NAMES))
    last = pl.Series(LAST_NAMES).gather(pick % len(LAST_NAMES))
    codes = pl.Series([d[0] for d in DEPARTMENTS[:spec.departments]]).gather(staff.department)
    families = pl.Series([r[1] for r in ROLES]).gather(staff.role)
    ids = pl.Series("id", np.arange(1, n + 1), dtype=pl.Int64)
    frame = pl.DataFrame({"id": ids, "first": first, "last": last, "code": codes,
                          "family": families})
    local = (pl.col("first") + "." + pl.col("last")).str.to_lowercase()
    frame = frame.select(
        "id",
        name=pl.col("first") + " " + pl.col("last"),
        email=pl.when(local.is_duplicated()).then(local + "." + pl.col("id").cast(pl.String))
        .otherwise(local) + "@example.com",
        role=pl.Series([r[0] for r in ROLES]).gather(staff.role),
        team=pl.col("code") + " " + pl.col("family"),
        department_id=pl.Series(staff.department + 1, dtype=pl.Int64),
        monthly_capacity_hours=pl.Series(staff.capacity, dtype=pl.Float64),
        active=pl.lit(True),
        external_key=keys("PER-", np.arange(1, n + 1), 6),
    )
    return stamp(frame, updated_at)
