"""Resource arbitration: what-if scenarios (new assignments / people frames for
analytics.capacity) and the people behind one cell of the capacity heatmap.

- shift_project: every assignment month of one project moves by N calendar months
  (month' = month + N months; N < 0 moves earlier; other projects are untouched).
- cap_role: the total monthly capacity of one role becomes at most ``max_hours``; every person
  of the role keeps their share: capacity' = capacity × min(1, max_hours / Σ role capacity)
  (a role with no capacity, or already under the cap, is unchanged; a null capacity stays null).
- cell_people: the people whose hours make one (role or team) × month cell: hours = Σ their
  assignment hours in the cell (role view: assignments asking for that role; team view: people
  of that team); unstaffed hours form one row with a null person_id and name "unstaffed".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from analytics.capacity import UNLISTED, UNSTAFFED

Frame = pl.DataFrame | pl.LazyFrame


def _whole(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be a whole number, got {value!r}")
    return value


def shifted_month(months: int) -> pl.Expr:
    """month' = month + ``months`` calendar months (the first day of a month stays the first)."""
    return pl.col("month").dt.offset_by(f"{months}mo").alias("month")


def shift_project(assignments: Frame, project_id: int, months: int) -> pl.LazyFrame:
    """Assignments with the months of ``project_id`` moved by ``months`` (others unchanged)."""
    project_id, months = _whole(project_id, "project_id"), _whole(months, "months")
    lazy = assignments.lazy()
    if months == 0:
        return lazy
    moved = pl.when(pl.col("project_id") == project_id).then(shifted_month(months))
    return lazy.with_columns(moved.otherwise(pl.col("month")).alias("month"))


def cap_factor(counted: pl.Expr, max_hours: float) -> pl.Expr:
    """min(1, max_hours / Σ capacity of the counted people) (1 when they have no capacity)."""
    total = pl.col("monthly_capacity_hours").filter(counted).fill_null(0.0).sum()
    return (pl.when(total > max_hours).then(pl.lit(float(max_hours)) / total)
            .otherwise(pl.lit(1.0)))


def cap_role(people: Frame, role: str, max_hours: float) -> pl.LazyFrame:
    """People with the role's total monthly capacity capped at ``max_hours`` (pro rata)."""
    if not isinstance(role, str) or not role:
        raise TypeError(f"role must be a non-empty role name, got {role!r}")
    if isinstance(max_hours, bool) or not isinstance(max_hours, int | float) or not max_hours >= 0:
        raise ValueError(f"max_hours must be a number of hours >= 0, got {max_hours!r}")
    lazy = people.lazy()
    has_active = "active" in lazy.collect_schema()
    counted = pl.col("role") == role
    if has_active:  # inactive people have no capacity to cap (analytics.capacity counts them 0)
        counted = counted & pl.col("active").fill_null(True)
    return lazy.with_columns(
        pl.when(counted).then(pl.col("monthly_capacity_hours") * cap_factor(counted, max_hours))
        .otherwise(pl.col("monthly_capacity_hours")).alias("monthly_capacity_hours"))


@dataclass(frozen=True)
class Scenario:
    """A what-if: shift one project by ``shift_months`` and/or cap one role at ``cap_hours``."""

    project_id: int | None = None
    shift_months: int = 0
    role: str | None = None
    cap_hours: float | None = None

    @property
    def is_empty(self) -> bool:
        shifts = self.project_id is not None and self.shift_months != 0
        caps = self.role is not None and self.cap_hours is not None
        return not (shifts or caps)


def apply_scenario(assignments: Frame, people: Frame,
                   scenario: Scenario) -> tuple[pl.LazyFrame, pl.LazyFrame]:
    """(assignments, people) after the scenario, to feed analytics.capacity."""
    new_assignments, new_people = assignments.lazy(), people.lazy()
    if scenario.project_id is not None and scenario.shift_months != 0:
        new_assignments = shift_project(new_assignments, scenario.project_id,
                                        scenario.shift_months)
    if scenario.role is not None and scenario.cap_hours is not None:
        new_people = cap_role(new_people, scenario.role, scenario.cap_hours)
    return new_assignments, new_people


CELL_PEOPLE_COLUMNS = ("person_id", "name", "role", "team", "hours", "capacity_hours")


def cell_people(assignments: Frame, people: Frame, *, by: str, group: str,
                month: date) -> pl.LazyFrame:
    """CELL_PEOPLE_COLUMNS of one role or team × month: Σ hours per person, most hours first."""
    if by not in ("role", "team"):
        raise ValueError(f"by must be 'role' or 'team', got {by!r}")
    if not isinstance(month, date):
        raise TypeError(f"month must be a datetime.date, got {type(month).__name__}")
    staff = people.lazy().select(pl.col("id").alias("person_id"), "name",
                                 pl.col("role").alias("person_role"), "team",
                                 pl.col("monthly_capacity_hours").alias("capacity_hours"))
    rows = (assignments.lazy().filter(pl.col("month") == month.replace(day=1))
            .join(staff, on="person_id", how="left"))
    staffed = pl.col("person_id").is_not_null()
    keep = {"role": pl.col("role") == group,
            "team": (~staffed if group == UNSTAFFED
                     else staffed & pl.col("name").is_null() if group == UNLISTED
                     else pl.col("team") == group)}[by]
    name = (pl.when(pl.col("person_id").is_null()).then(pl.lit(UNSTAFFED))
            .otherwise(pl.col("name").fill_null(pl.lit(UNLISTED))))
    return (rows.filter(keep).with_columns(name.alias("name"))
            .group_by("person_id")
            .agg(pl.col("name").first(),
                 pl.col("person_role").first().fill_null(pl.col("role").first()).alias("role"),
                 pl.col("team").first(), pl.col("hours").sum(),
                 pl.col("capacity_hours").first())
            .sort(["hours", "name"], descending=[True, False])
            .select(CELL_PEOPLE_COLUMNS))
