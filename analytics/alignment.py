"""Strategic alignment: how well each project serves the weighted objectives, and where money goes.

Contributions: a (project, objective) contribution is in [0, 1]; duplicate rows of one pair are
summed, then capped at 1; only contributions > 0 to an objective of ``objectives`` count.
alignment_score = Σ_o (weight_o × contribution_po) / Σ_o weight_o × 100, the denominator over
ALL objectives, so 0..100 (100: serves every objective fully). Never null: a project serving no
objective scores 0 (and serves_no_objective is true); so does every project when all weights
are 0.
Investment mix (cancelled projects excluded: their money is not an investment any more): each
project's amount (``bac`` by default, a null amount counting 0) is split across the objectives
it serves in proportion to its contributions; projects serving none form the row UNALIGNED
(target 0). actual_share = invested / Σ invested; gap = actual_share − target_share (fractions:
0.05 = 5 percentage points); status 'over' when gap > +0.05, 'under' when gap < −0.05, else
'on_target' (a gap of exactly 5 points is on target; compared at 1e-9 so 0.35 − 0.30 is 0.05).
"""

from __future__ import annotations

import polars as pl

from analytics.exprs import safe_div

Frame = pl.DataFrame | pl.LazyFrame

UNALIGNED = "unaligned"
EXCLUDED_STATUSES = ("cancelled",)
MIX_TOLERANCE = 0.05
MIX_STATUSES = ("under", "on_target", "over")
ALIGNMENT_COLUMNS = ("project_id", "code", "name", "department_code", "status",
                     "alignment_score", "objectives_served", "serves_no_objective")
MIX_COLUMNS = ("objective_id", "code", "name", "projects", "invested", "actual_share",
               "target_share", "gap", "status")
WITHOUT_OBJECTIVE_COLUMNS = ("project_id", "code", "name", "department_code", "department",
                             "manager", "status", "bac")


def contributions_served(contributions: Frame, objectives: Frame) -> pl.LazyFrame:
    """(project_id, objective_id, contribution, weight): summed per pair, capped at 1, > 0 only."""
    weights = objectives.lazy().select(pl.col("id").alias("objective_id"),
                                       pl.col("weight").fill_null(0.0).cast(pl.Float64))
    return (contributions.lazy()
            .group_by("project_id", "objective_id")
            .agg(pl.col("contribution").sum().clip(upper_bound=1.0).cast(pl.Float64))
            .filter(pl.col("contribution") > 0)
            .join(weights, on="objective_id", how="inner"))


def alignment_score(total_weight: pl.Expr | str = "total_weight") -> pl.Expr:
    """alignment_score = Σ weight × contribution / Σ objective weights × 100 (0 when no weight)."""
    total = pl.col(total_weight) if isinstance(total_weight, str) else total_weight
    return (safe_div(pl.col("weighted"), total) * 100.0).fill_null(0.0).alias("alignment_score")


def alignment(projects: Frame, contributions: Frame, objectives: Frame) -> pl.LazyFrame:
    """ALIGNMENT_COLUMNS per project (every status), best aligned first, then by code."""
    served = (contributions_served(contributions, objectives)
              .group_by("project_id")
              .agg((pl.col("weight") * pl.col("contribution")).sum().alias("weighted"),
                   pl.len().cast(pl.Int64).alias("objectives_served")))
    total = objectives.lazy().select(pl.col("weight").fill_null(0.0).sum().cast(pl.Float64)
                                     .alias("total_weight"))
    return (projects.lazy()
            .select(pl.col("id").alias("project_id"), "code", "name", "department_code", "status")
            .join(served, on="project_id", how="left")
            .join(total, how="cross")
            .with_columns(pl.col("weighted").fill_null(0.0),
                          pl.col("objectives_served").fill_null(0))
            .with_columns(alignment_score(),
                          (pl.col("objectives_served") == 0).alias("serves_no_objective"))
            .sort(["alignment_score", "code"], descending=[True, False])
            .select(ALIGNMENT_COLUMNS))


def _amounts(projects: Frame, amount: str) -> pl.LazyFrame:
    lazy = projects.lazy()
    schema = lazy.collect_schema()
    if amount not in schema or not schema[amount].is_numeric():
        raise ValueError(f"amount must name a numeric column of projects, got {amount!r}")
    return (lazy.filter(~pl.col("status").is_in(EXCLUDED_STATUSES))
            .select(pl.col("id").alias("project_id"),
                    pl.col(amount).fill_null(0.0).cast(pl.Float64).alias("amount")))


def mix_status() -> pl.Expr:
    """'over' when gap > +5 points, 'under' when gap < −5 points, else 'on_target' (null: null)."""
    gap = pl.col("gap").round(9)
    return (pl.when(gap.is_null()).then(None)
            .when(gap > MIX_TOLERANCE).then(pl.lit("over"))
            .when(gap < -MIX_TOLERANCE).then(pl.lit("under"))
            .otherwise(pl.lit("on_target")).alias("status"))


def investment_mix(projects: Frame, contributions: Frame, objectives: Frame, *,
                   amount: str = "bac") -> pl.LazyFrame:
    """MIX_COLUMNS per objective (by code), then UNALIGNED when some project serves none."""
    amounts = _amounts(projects, amount)
    served = (contributions_served(contributions, objectives)
              .join(amounts, on="project_id", how="inner")
              .with_columns((pl.col("amount") * pl.col("contribution")
                             / pl.col("contribution").sum().over("project_id")).alias("invested")))
    per_objective = (objectives.lazy()
                     .select(pl.col("id").alias("objective_id"), "code", "name",
                             pl.col("target_share").fill_null(0.0).cast(pl.Float64))
                     .join(served.group_by("objective_id")
                           .agg(pl.len().cast(pl.Int64).alias("projects"),
                                pl.col("invested").sum()),
                           on="objective_id", how="left")
                     .with_columns(pl.col("projects").fill_null(0),
                                   pl.col("invested").fill_null(0.0))
                     .sort("code"))
    unaligned = (amounts.join(served, on="project_id", how="anti")
                 .select(pl.lit(None, dtype=pl.Int64).alias("objective_id"),
                         pl.lit(UNALIGNED).alias("code"),
                         pl.lit("Serves no objective").alias("name"),
                         pl.lit(0.0).alias("target_share"),
                         pl.len().cast(pl.Int64).alias("projects"),
                         pl.col("amount").sum().alias("invested"))
                 .filter(pl.col("projects") > 0))
    return (pl.concat([per_objective, unaligned], how="diagonal")
            .with_columns(safe_div(pl.col("invested"), pl.col("invested").sum())
                          .alias("actual_share"))
            .with_columns((pl.col("actual_share") - pl.col("target_share")).alias("gap"))
            .with_columns(mix_status())
            .select(MIX_COLUMNS))


def projects_without_objective(projects: Frame, contributions: Frame, *,
                               objectives: Frame | None = None) -> pl.LazyFrame:
    """WITHOUT_OBJECTIVE_COLUMNS of projects (every status) with no contribution > 0, by code.

    With ``objectives``, only contributions to those objectives count (as in :func:`alignment`).
    """
    if objectives is None:
        serving = (contributions.lazy().group_by("project_id", "objective_id")
                   .agg(pl.col("contribution").sum()).filter(pl.col("contribution") > 0))
    else:
        serving = contributions_served(contributions, objectives)
    return (projects.lazy()
            .with_columns(pl.col("id").alias("project_id"))
            .join(serving, on="project_id", how="anti")
            .sort("code")
            .select(WITHOUT_OBJECTIVE_COLUMNS))
