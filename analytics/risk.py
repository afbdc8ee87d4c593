"""Risk exposure on the 5 x 5 probability x impact matrix, the portfolio's top risks, the matrix
itself, changes between two snapshots of the register and overdue mitigations.

Money exposure: a probability level p on the 1..5 scale is read as the fraction p / 5
(1 -> 20 %, 5 -> 100 %), and exposure = p / 5 × cost_impact (pmo-reference, "Risk matrix":
probability as a fraction × cost impact); null when the cost impact is unknown, and such a risk
adds 0 to a sum of exposures.
Colour bands by score (monotone in the score, Cox 2008): 1-4 low, 5-9 medium, 10-16 high,
20-25 critical (17-19 are not products of two levels 1..5; they would be critical).
A risk is live while open or mitigating (see :func:`is_live` for a status date).
"""

from __future__ import annotations

from datetime import date

import polars as pl

from analytics.exprs import days_between
from analytics.inputs import checked_date

Frame = pl.DataFrame | pl.LazyFrame

#: Risk statuses that still threaten the project.
ACTIVE_RISK_STATUSES = ("open", "mitigating")
LEVELS = (1, 2, 3, 4, 5)
#: (band, highest score in it), from the mildest band up
BANDS = (("low", 4), ("medium", 9), ("high", 16), ("critical", 25))
MATRIX_COLUMNS = ("probability", "impact", "score", "band", "band_rank", "risks",
                  "money_exposure")
#: change kinds of risk_changes, in display order
CHANGE_KINDS = ("new", "closed", "score_up", "score_down", "unchanged")
CHANGE_COLUMNS = ("risk_id", "project_id", "title", "change", "status_before", "status_after",
                  "score_before", "score_after", "score_delta")
OVERDUE_COLUMNS = ("risk_id", "project_id", "project_code", "project_name", "title", "category",
                   "owner", "status", "score", "due_date", "days_overdue")

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


def band_rank(score_: pl.Expr | str = "score") -> pl.Expr:
    """Band index of a score: 0 low (1-4), 1 medium (5-9), 2 high (10-16), 3 critical (17-25)."""
    value = pl.col(score_) if isinstance(score_, str) else score_
    expr = pl.when(value.is_null()).then(None)
    for rank, (_, top) in enumerate(BANDS[:-1]):
        expr = expr.when(value <= top).then(pl.lit(rank, dtype=pl.Int8))
    return expr.otherwise(pl.lit(len(BANDS) - 1, dtype=pl.Int8)).alias("band_rank")


def band(score_: pl.Expr | str = "score") -> pl.Expr:
    """Band label of a score: low 1-4, medium 5-9, high 10-16, critical 17-25."""
    rank = band_rank(score_)
    expr = pl.when(rank.is_null()).then(None)
    for i, (name, _) in enumerate(BANDS):
        expr = expr.when(rank == i).then(pl.lit(name))
    return expr.alias("band")


def _only_projects(risks: Frame, projects: Frame | None) -> pl.LazyFrame:
    lazy = risks.lazy()
    if projects is None:
        return lazy
    return lazy.join(projects.lazy().select(pl.col("id").alias("project_id")), on="project_id",
                     how="semi")


def risk_matrix(risks: Frame, *, as_of: date | None = None,
                projects: Frame | None = None) -> pl.LazyFrame:
    """The 25 cells P × I: score, band, live risks, Σ money_exposure (0 when none); MATRIX_COLUMNS.

    With ``projects``, only risks of those projects count. Sorted by probability, impact.
    """
    cells = pl.LazyFrame({"probability": [p for p in LEVELS for _ in LEVELS],
                          "impact": [i for _ in LEVELS for i in LEVELS]},
                         schema={"probability": pl.Int64, "impact": pl.Int64})
    counts = (_only_projects(risks, projects).filter(is_live(as_of))
              .group_by("probability", "impact")
              .agg(pl.len().cast(pl.Int64).alias("risks"),
                   money_exposure().sum().cast(pl.Float64)))
    return (cells.join(counts.with_columns(pl.col("probability", "impact").cast(pl.Int64)),
                       on=["probability", "impact"], how="left")
            .with_columns(pl.col("risks").fill_null(0), pl.col("money_exposure").fill_null(0.0),
                          score())
            .with_columns(band(), band_rank())
            .sort("probability", "impact")
            .select(MATRIX_COLUMNS))


def _snapshot(risks: Frame, as_of: date | None, suffix: str) -> pl.LazyFrame:
    return risks.lazy().select(
        pl.col("id").alias("risk_id"), pl.col("project_id").alias(f"project_id{suffix}"),
        pl.col("title").alias(f"title{suffix}"), pl.col("status").alias(f"status{suffix}"),
        pl.when(is_live(as_of)).then(score()).alias(f"score{suffix}"))


def _kind_order() -> pl.LazyFrame:
    return pl.LazyFrame({"change": list(CHANGE_KINDS), "_order": list(range(len(CHANGE_KINDS)))},
                        schema={"change": pl.String, "_order": pl.Int64})


def change_kind() -> pl.Expr:
    """new (live only after), closed (live only before), score_up/_down/unchanged (live in both)."""
    before, after = pl.col("score_before"), pl.col("score_after")
    return (pl.when(before.is_null()).then(pl.lit("new"))
            .when(after.is_null()).then(pl.lit("closed"))
            .when(after > before).then(pl.lit("score_up"))
            .when(after < before).then(pl.lit("score_down"))
            .otherwise(pl.lit("unchanged")).alias("change"))


def risk_changes(before: Frame, after: Frame, *, before_as_of: date | None = None,
                 after_as_of: date | None = None) -> pl.LazyFrame:
    """Risks live in either snapshot, matched by id: change kind and score_delta; CHANGE_COLUMNS.

    score_before/score_after: P × I where the risk is live in that snapshot, else null (closed,
    occurred or gone from the register); score_delta = after − before with a missing side
    counting 0, so the deltas add up to the change in total live score. A closed risk that
    reopens counts as new. Risks live in neither snapshot are left out. Sorted by change kind
    (CHANGE_KINDS order), then |score_delta| descending, then risk_id.
    """
    order = _kind_order()
    return (
        _snapshot(before, before_as_of, "_before")
        .join(_snapshot(after, after_as_of, "_after"), on="risk_id", how="full", coalesce=True)
        .filter(pl.col("score_before").is_not_null() | pl.col("score_after").is_not_null())
        .with_columns(
            pl.coalesce("project_id_after", "project_id_before").alias("project_id"),
            pl.coalesce("title_after", "title_before").alias("title"),
            (pl.col("score_after").fill_null(0) - pl.col("score_before").fill_null(0))
            .alias("score_delta"),
            change_kind())
        .join(order, on="change", how="left")
        .sort(pl.col("_order"), pl.col("score_delta").abs(), pl.col("risk_id"),
              descending=[False, True, False])
        .select(CHANGE_COLUMNS)
    )


def risk_change_summary(changes: pl.LazyFrame) -> pl.LazyFrame:
    """(change, risks, score_delta): count and Σ score_delta per kind, every kind (0 when none)."""
    order = _kind_order()
    counts = changes.group_by("change").agg(pl.len().cast(pl.Int64).alias("risks"),
                                            pl.col("score_delta").sum().cast(pl.Int64))
    return (order.join(counts, on="change", how="left")
            .with_columns(pl.col("risks", "score_delta").fill_null(0))
            .sort("_order").select("change", "risks", "score_delta"))


def days_overdue(as_of: date) -> pl.Expr:
    """days_overdue = as_of − due_date in days (positive when the due date has passed)."""
    return days_between(pl.col("due_date"), pl.lit(as_of, dtype=pl.Date)).alias("days_overdue")


def overdue_mitigations(risks: Frame, projects: Frame, as_of: date) -> pl.LazyFrame:
    """Live risks at as_of whose due_date < as_of, most overdue first (then score desc, id).

    Only risks of projects in ``projects`` count. Output: OVERDUE_COLUMNS.
    """
    as_of = checked_date(as_of)
    project_cols = projects.lazy().select(
        pl.col("id").alias("project_id"), pl.col("code").alias("project_code"),
        pl.col("name").alias("project_name"))
    return (
        risks.lazy()
        .filter(is_live(as_of) & (pl.col("due_date") < as_of))
        .join(project_cols, on="project_id", how="inner")
        .with_columns(pl.col("id").alias("risk_id"), score(), days_overdue(as_of))
        .sort(["days_overdue", "score", "risk_id"], descending=[True, True, False])
        .select(OVERDUE_COLUMNS)
    )
