"""Risk exposure on the 5 x 5 probability x impact matrix, and the portfolio's top risks.

Money exposure: a probability level p on the 1..5 scale is read as the fraction p / 5
(1 -> 20 %, 5 -> 100 %), and exposure = p / 5 × cost_impact (pmo-reference, "Risk matrix":
probability as a fraction × cost impact); null when the cost impact is unknown.
"""

from __future__ import annotations

from datetime import date

import polars as pl

Frame = pl.DataFrame | pl.LazyFrame

#: Risk statuses that still threaten the project.
ACTIVE_RISK_STATUSES = ("open", "mitigating")

TOP_RISK_COLUMNS = ("risk_id", "project_id", "project_code", "project_name", "title", "category",
                    "probability", "impact", "score", "cost_impact", "money_exposure", "owner",
                    "status", "due_date")


def score() -> pl.Expr:
    """score = probability × impact (1..25)."""
    return (pl.col("probability") * pl.col("impact")).alias("score")


def money_exposure() -> pl.Expr:
    """money_exposure = probability / 5 × cost_impact (null when cost_impact is null)."""
    return (pl.col("probability") / 5.0 * pl.col("cost_impact")).alias("money_exposure")


def is_live(as_of: date | None = None) -> pl.Expr:
    """open/mitigating; with as_of: identified_on <= as_of and (open/mitigating or closed later)."""
    active = pl.col("status").is_in(ACTIVE_RISK_STATUSES)
    if as_of is None:
        return active
    closed_later = (pl.col("closed_on") > as_of).fill_null(False)
    return (pl.col("identified_on") <= as_of) & (active | closed_later)


def risk_summary(risks: Frame, as_of: date) -> pl.LazyFrame:
    """Per project: risks_registered (identified by as_of), open_risks, max open score."""
    return (
        risks.lazy()
        .filter(pl.col("identified_on") <= as_of)
        .with_columns(score(), is_live(as_of).alias("live"))
        .group_by("project_id")
        .agg(
            pl.len().cast(pl.Int64).alias("risks_registered"),
            pl.col("live").sum().cast(pl.Int64).alias("open_risks"),
            pl.col("score").filter(pl.col("live")).max().alias("max_risk_score"),
        )
    )


def top_risks(risks: Frame, projects: Frame, n: int, *, as_of: date | None = None) -> pl.LazyFrame:
    """The n open or mitigating risks with the highest score, then money_exposure, then lowest id.

    Only risks of projects in ``projects`` count. Output: TOP_RISK_COLUMNS.
    """
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    project_cols = projects.lazy().select(
        pl.col("id").alias("project_id"), pl.col("code").alias("project_code"),
        pl.col("name").alias("project_name"))
    return (
        risks.lazy()
        .filter(is_live(as_of))
        .join(project_cols, on="project_id", how="inner")
        .with_columns(pl.col("id").alias("risk_id"), score(), money_exposure())
        .sort(["score", "money_exposure", "risk_id"], descending=[True, True, False],
              nulls_last=True)
        .head(n)
        .select(TOP_RISK_COLUMNS)
    )
