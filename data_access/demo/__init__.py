"""A deterministic demo portfolio: ``generate(scale, seed, today)`` -> one polars frame per table.

Pure (no database): the frames' columns are exactly the tables' columns, ids are assigned here
and foreign keys agree, so :func:`data_access.bulk.insert_frames` can write them in order.
The same (scale, seed, today) always gives the same frames.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from data_access.demo import finance, org, projects, reports, resources, risks, schedule
from data_access.demo.config import SCALES, ScaleSpec, scale_spec
from data_access.demo.plan import make_plan
from data_access.demo.timeline import day_number
from data_access.settings import today as settings_today

TABLES = (
    "departments", "objectives", "people", "projects", "project_objectives", "dependencies",
    "milestones", "deliverables", "progress", "cost_entries", "assignments", "risks",
    "status_reports", "lessons",
)
"""Every table the generator fills, in an order that satisfies the foreign keys."""

__all__ = ["SCALES", "TABLES", "DemoData", "ScaleSpec", "generate"]


@dataclass(frozen=True)
class DemoData(Mapping[str, pl.DataFrame]):
    """Table name -> frame, in :data:`TABLES` order, plus how it was made."""

    scale: str
    seed: int
    today: dt.date
    frames: dict[str, pl.DataFrame] = field(repr=False)

    def __getitem__(self, table: str) -> pl.DataFrame:
        return self.frames[table]

    def __iter__(self) -> Iterator[str]:
        return iter(self.frames)

    def __len__(self) -> int:
        return len(self.frames)

    def counts(self) -> dict[str, int]:
        """Rows per table."""
        return {name: frame.height for name, frame in self.frames.items()}


def generate(scale: str = "demo", seed: int = 42, today: dt.date | None = None) -> DemoData:
    """The demo portfolio of ``scale`` ('demo', 'S', 'M' or 'L') placed around ``today``."""
    spec = scale_spec(scale)
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    today = today or settings_today()
    if not isinstance(today, dt.date) or isinstance(today, dt.datetime):
        raise ValueError(f"today must be a datetime.date, got {today!r}")
    rng = np.random.default_rng(seed)
    t = day_number(today)
    stamp = dt.datetime.combine(today, dt.time(6, 0), tzinfo=dt.UTC)

    plan = make_plan(rng, spec, t)
    demand = resources.role_demand(plan)
    manager, manager_departments = resources.managers(rng, plan)
    counts = resources.staff_counts(plan, demand, manager_departments.size)
    staff = org.hire(rng, spec, counts, manager_departments, plan.department)
    people = org.people(rng, spec, staff, stamp)
    served = projects.contributions(rng, spec, plan.n)
    project_frame = projects.projects(rng, spec, plan, manager, served, stamp)
    milestones = schedule.milestones(rng, plan, stamp)
    gates = milestones.filter(pl.col("kind") == "gate")
    frames = {
        "departments": org.departments(spec, stamp),
        "objectives": org.objectives(spec, stamp),
        "people": people,
        "projects": project_frame,
        "project_objectives": served,
        "dependencies": projects.dependencies(rng, plan.n),
        "milestones": milestones,
        "deliverables": schedule.deliverables(rng, gates, t, stamp),
        "progress": schedule.progress(plan),
        "cost_entries": finance.cost_entries(rng, plan, stamp),
        "assignments": resources.assignments(rng, plan, demand, staff, manager),
        "risks": risks.risks(rng, plan, project_frame["name"], people["name"], manager, stamp),
        "status_reports": reports.status_reports(rng, plan, stamp),
        "lessons": reports.lessons(rng, plan, stamp),
    }
    assert tuple(frames) == TABLES
    return DemoData(scale=spec.name, seed=seed, today=today, frames=frames)
