"""What the prioritisation decides on: candidate projects, their cost per budget year and their
demand per role over the horizon, and each role's capacity.

Horizon: the ``years`` calendar years after the status date's year (planning 2027-2028 on
25 Nov 2026); money already planned in the current year is committed and not decided here.
Candidates: projects proposed, active or on hold with cost or staffing demand in the horizon
(a project ending before it is not part of the decision).
cost_y = Σ planned cost of the project's months in year y; a project with no cost plan at all
(an idea) is estimated as BAC spread evenly over its forecast months (``cost_estimated``).
demand_r = Σ assignment hours of role r in the horizon (staffed or not).
capacity_r = Σ monthly_capacity_hours of people in role r × months in the horizon × pct / 100.
Mandatory: flagged ``mandatory`` (regulatory), or active/on hold with latest % complete ≥ the
point of no return.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from analytics.evm import latest_progress
from analytics.inputs import checked, checked_date

Frame = pl.DataFrame | pl.LazyFrame

CANDIDATE_STATUSES = ("proposed", "active", "on_hold")
CANDIDATE_COLUMNS = ("project_id", "code", "name", "department_code", "status", "phase",
                     "percent_complete", "bac", "financial_value", "urgency", "compliance",
                     "risk_level", "mandatory_reason", "cost", "cost_estimated", "hours")


@dataclass(frozen=True)
class Horizon:
    """The budget years a scenario plans: [start, end) and one period per calendar year."""

    start: date
    end: date
    years: tuple[int, ...]

    @property
    def months(self) -> int:
        return 12 * len(self.years)

    @property
    def label(self) -> str:
        return str(self.years[0]) if len(self.years) == 1 else f"{self.years[0]}–{self.years[-1]}"


def horizon(as_of: date, years: int) -> Horizon:
    """The ``years`` calendar years following as_of's year."""
    checked_date(as_of)
    if years < 1:
        raise ValueError("the horizon needs at least one year")
    first = as_of.year + 1
    return Horizon(date(first, 1, 1), date(first + years, 1, 1),
                   tuple(range(first, first + years)))


def _months_between(start: pl.Expr, end: pl.Expr) -> pl.Expr:
    """Whole months from start's month to end's month, both included."""
    return (end.dt.year() - start.dt.year()) * 12 + end.dt.month() - start.dt.month() + 1


def costs_by_year(projects: Frame, costs: Frame, span: Horizon) -> pl.LazyFrame:
    """(project_id, year, cost, cost_estimated): planned cost per horizon year (see module doc)."""
    costs = checked("costs", costs)
    planned = (costs.filter((pl.col("month") >= span.start) & (pl.col("month") < span.end))
               .group_by("project_id", pl.col("month").dt.year().alias("year"))
               .agg(pl.col("planned").fill_null(0.0).sum().alias("cost"))
               .with_columns(pl.lit(False).alias("cost_estimated")))
    unplanned = (checked("projects", projects)
                 .join(costs.select("project_id").unique(), left_on="id", right_on="project_id",
                       how="anti")
                 .select(pl.col("id").alias("project_id"), "bac",
                         pl.col("forecast_start").dt.month_start().alias("first"),
                         pl.col("forecast_end").dt.month_start().alias("last"))
                 .with_columns(_months_between(pl.col("first"), pl.col("last")).alias("n"))
                 .with_columns(pl.date_ranges("first", "last", interval="1mo").alias("month"))
                 .explode("month")
                 .filter((pl.col("month") >= span.start) & (pl.col("month") < span.end))
                 .group_by("project_id", pl.col("month").dt.year().alias("year"))
                 .agg((pl.col("bac").fill_null(0.0) / pl.col("n")).sum().alias("cost"))
                 .with_columns(pl.lit(True).alias("cost_estimated")))
    return pl.concat([planned, unplanned]).with_columns(pl.col("year").cast(pl.Int32))


def demand_by_role(assignments: Frame, span: Horizon) -> pl.LazyFrame:
    """(project_id, role, hours): Σ assignment hours per project and role in the horizon."""
    return (checked("assignments", assignments)
            .filter((pl.col("month") >= span.start) & (pl.col("month") < span.end))
            .group_by("project_id", "role")
            .agg(pl.col("hours").fill_null(0.0).sum()))


def role_capacity(people: Frame, span: Horizon, pct: float) -> pl.LazyFrame:
    """(role, capacity_hours): Σ monthly capacity × horizon months × pct / 100 per role."""
    people = checked("people", people)
    if "active" in people.collect_schema():
        people = people.filter(pl.col("active").fill_null(True))
    return (people.filter(pl.col("role").is_not_null())
            .group_by("role")
            .agg((pl.col("monthly_capacity_hours").fill_null(0.0).sum() * span.months
                  * pct / 100.0).alias("capacity_hours")))


def mandatory_reason(ponr_pct: float | None) -> pl.Expr:
    """Why a project must stay in: regulatory flag, or in flight past the point of no return."""
    in_flight = pl.col("status").is_in(["active", "on_hold"])
    reason = pl.when(pl.col("mandatory").fill_null(False)).then(pl.lit("Mandatory (regulatory)"))
    if ponr_pct is not None:
        reason = reason.when(in_flight & (pl.col("percent_complete") >= ponr_pct)).then(
            pl.format("In flight, {}% complete (point of no return {}%)",
                      pl.col("percent_complete").round(0).cast(pl.Int64), pl.lit(int(ponr_pct))))
    return reason.otherwise(None).alias("mandatory_reason")


def candidates(projects: Frame, costs: Frame, progress: Frame, assignments: Frame, *,
               as_of: date, span: Horizon, ponr_pct: float | None) -> pl.LazyFrame:
    """CANDIDATE_COLUMNS: the open projects with cost or demand in the horizon, by code."""
    yearly = costs_by_year(projects, costs, span)
    cost = yearly.group_by("project_id").agg(pl.col("cost").sum(),
                                             pl.col("cost_estimated").any())
    hours = demand_by_role(assignments, span).group_by("project_id").agg(pl.col("hours").sum())
    return (checked("projects", projects)
            .filter(pl.col("status").is_in(CANDIDATE_STATUSES))
            .rename({"id": "project_id"})
            .join(latest_progress(progress, as_of), on="project_id", how="left")
            .join(cost, on="project_id", how="left")
            .join(hours, on="project_id", how="left")
            .with_columns(pl.col("cost", "hours", "percent_complete").fill_null(0.0),
                          pl.col("cost_estimated").fill_null(False))
            .filter((pl.col("cost") > 0) | (pl.col("hours") > 0))
            .with_columns(mandatory_reason(ponr_pct))
            .select(CANDIDATE_COLUMNS)
            .sort("code"))
