"""Corrective actions: which are overdue at a date, and how many there are per status and project.

An action is overdue at ``as_of`` when it is still open or in progress and its due date is
strictly before ``as_of``; days_overdue = as_of − due_date (whole days).
"""

from __future__ import annotations

from datetime import date

import polars as pl

Frame = pl.DataFrame | pl.LazyFrame

ACTION_STATUSES = ("open", "in_progress", "done", "cancelled")
LIVE = ("open", "in_progress")
COUNT_COLUMNS = ("project_code", "total", *ACTION_STATUSES, "overdue")


def is_overdue(as_of: date) -> pl.Expr:
    """status in (open, in_progress) and due_date < as_of."""
    return (pl.col("status").is_in(LIVE) & (pl.col("due_date") < pl.lit(as_of))).alias("overdue")


def days_overdue(as_of: date) -> pl.Expr:
    """as_of − due_date in whole days (positive when late)."""
    return (pl.lit(as_of) - pl.col("due_date")).dt.total_days().alias("days_overdue")


def flag_overdue(actions: Frame, as_of: date) -> pl.LazyFrame:
    """``actions`` + overdue (bool) + days_overdue (null unless overdue)."""
    return actions.lazy().with_columns(is_overdue(as_of)).with_columns(
        pl.when(pl.col("overdue")).then(days_overdue(as_of)).otherwise(None)
        .cast(pl.Int64).alias("days_overdue"))


def overdue_actions(actions: Frame, as_of: date) -> pl.LazyFrame:
    """The overdue actions with days_overdue, the most overdue first (then by project code, id)."""
    return (flag_overdue(actions, as_of).filter(pl.col("overdue"))
            .sort("days_overdue", "project_code", "id", descending=[True, False, False]))


def counts_by_project(actions: Frame, as_of: date) -> pl.LazyFrame:
    """COUNT_COLUMNS: per project code the number of actions in all, per status and overdue."""
    return (flag_overdue(actions, as_of).group_by("project_code")
            .agg(pl.len().cast(pl.Int64).alias("total"),
                 *((pl.col("status") == s).sum().cast(pl.Int64).alias(s) for s in ACTION_STATUSES),
                 pl.col("overdue").sum().cast(pl.Int64).alias("overdue"))
            .sort("project_code").select(COUNT_COLUMNS))


def counts_by_status(actions: Frame, as_of: date) -> pl.LazyFrame:
    """status, count for every status (0 included), then 'overdue'."""
    flagged = flag_overdue(actions, as_of)
    return flagged.select(
        *((pl.col("status") == s).sum().cast(pl.Int64).alias(s) for s in ACTION_STATUSES),
        pl.col("overdue").sum().cast(pl.Int64).alias("overdue"),
    ).unpivot(variable_name="status", value_name="count")


def filter_actions(actions: Frame, as_of: date, *, statuses: list[str] | None = None,
                   projects: list[str] | None = None, sources: list[str] | None = None,
                   overdue_only: bool = False) -> pl.LazyFrame:
    """Flagged actions kept by status, project code and source kind (empty list or None: all)."""
    out = flag_overdue(actions, as_of)
    if statuses:
        out = out.filter(pl.col("status").is_in(statuses))
    if projects:
        out = out.filter(pl.col("project_code").is_in(projects))
    if sources:
        out = out.filter(pl.col("source_kind").is_in(sources))
    if overdue_only:
        out = out.filter(pl.col("overdue"))
    return out
