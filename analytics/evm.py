"""Earned value per project at a status date, and roll-ups that sum money and recompute ratios.

Month convention: cost rows are monthly and ``month`` is the month's first day.
- PV accrues linearly through a month: at as_of = 2026-03-10 March's plan counts for 10/31 (the
  day itself included), so that PV is the plan *to the status date*, like EV (progress as of that
  date). Counting a whole month from its first day would make every project look a month late
  on the 1st.
- AC takes a month's actual as booked, once the month has started (``month <= as_of``): the
  actual of the current month is what has been booked so far.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from analytics.exprs import safe_div

Frame = pl.DataFrame | pl.LazyFrame

#: Columns project_kpis adds to the projects' own columns.
KPI_COLUMNS = ("pv", "ac", "percent_complete", "ev", "cv", "sv", "cpi", "spi", "eac", "vac")
#: Money columns a roll-up sums (ratios are recomputed from these sums, never averaged).
SUMMED = ("bac", "pv", "ev", "ac")


def elapsed_share(as_of: date) -> pl.Expr:
    """Share of a month elapsed at as_of = clip((as_of − month + 1 day) / days in month, 0, 1)."""
    days_in_month = (pl.col("month").dt.month_end() - pl.col("month")).dt.total_days() + 1
    elapsed = (pl.lit(as_of, dtype=pl.Date) - pl.col("month")).dt.total_days() + 1
    return (elapsed / days_in_month).clip(0.0, 1.0)


def planned_value(as_of: date) -> pl.Expr:
    """PV = Σ planned × elapsed share of its month at as_of (linear within a month)."""
    return (pl.col("planned") * elapsed_share(as_of)).sum().alias("pv")


def actual_cost(as_of: date) -> pl.Expr:
    """AC = Σ actual over months whose first day <= as_of, a null actual counting 0."""
    return pl.col("actual").fill_null(0.0).filter(pl.col("month") <= as_of).sum().alias("ac")


def earned_value() -> pl.Expr:
    """EV = BAC × percent_complete / 100."""
    return (pl.col("bac") * pl.col("percent_complete") / 100.0).alias("ev")


def cost_variance() -> pl.Expr:
    """CV = EV − AC."""
    return (pl.col("ev") - pl.col("ac")).alias("cv")


def schedule_variance() -> pl.Expr:
    """SV = EV − PV."""
    return (pl.col("ev") - pl.col("pv")).alias("sv")


def cost_performance_index() -> pl.Expr:
    """CPI = EV / AC (null when AC = 0)."""
    return safe_div("ev", "ac").alias("cpi")


def schedule_performance_index() -> pl.Expr:
    """SPI = EV / PV (null when PV = 0)."""
    return safe_div("ev", "pv").alias("spi")


def estimate_at_completion() -> pl.Expr:
    """EAC = BAC / CPI; BAC when AC = 0 (nothing spent yet); null when CPI is 0 or null."""
    return (pl.when(pl.col("ac") == 0).then(pl.col("bac"))
            .otherwise(safe_div("bac", "cpi")).alias("eac"))


def variance_at_completion() -> pl.Expr:
    """VAC = BAC − EAC."""
    return (pl.col("bac") - pl.col("eac")).alias("vac")


def percent_of_budget_earned() -> pl.Expr:
    """percent_complete = EV / BAC × 100 (budget-weighted, used by roll-ups)."""
    return (safe_div("ev", "bac") * 100.0).alias("percent_complete")


def latest_progress(progress: Frame, as_of: date) -> pl.LazyFrame:
    """(project_id, percent_complete) of each project's latest progress row dated <= as_of."""
    return (
        progress.lazy()
        .filter(pl.col("as_of") <= as_of)
        .group_by("project_id")
        .agg(pl.col("percent_complete").sort_by("as_of").last())
    )


def cost_to_date(costs: Frame, as_of: date) -> pl.LazyFrame:
    """(project_id, pv, ac) of each project at as_of (see the month convention above)."""
    return costs.lazy().group_by("project_id").agg(planned_value(as_of), actual_cost(as_of))


def project_kpis(projects: Frame, costs: Frame, progress: Frame, *, as_of: date) -> pl.LazyFrame:
    """Projects' columns + pv, ac, percent_complete (0 if none), ev, cv, sv, cpi, spi, eac, vac."""
    return (
        projects.lazy()
        .join(cost_to_date(costs, as_of), left_on="id", right_on="project_id", how="left")
        .join(latest_progress(progress, as_of), left_on="id", right_on="project_id", how="left")
        .with_columns(pl.col("pv", "ac", "percent_complete").fill_null(0.0))
        .with_columns(earned_value())
        .with_columns(cost_variance(), schedule_variance(), cost_performance_index(),
                      schedule_performance_index())
        .with_columns(estimate_at_completion())
        .with_columns(variance_at_completion())
    )


def rollup(kpis: Frame, by: list[str]) -> pl.LazyFrame:
    """Per ``by`` group (one row when by=[]): ΣBAC, ΣPV, ΣEV, ΣAC, ΣEAC; ratios from the sums.

    Output: *by, projects, bac, pv, ev, ac, eac, eac_unknown, percent_complete, cv, sv, cpi, spi,
    vac. CPI = ΣEV/ΣAC and SPI = ΣEV/ΣPV (an average of ratios is wrong). ΣEAC is null when a
    member with a budget has no EAC (CPI 0: money spent, nothing earned), since the total is then
    unknown; ``eac_unknown`` counts those members.
    """
    eac_unknown = (pl.col("eac").is_null() & pl.col("bac").is_not_null()).sum().cast(pl.Int64)
    aggs = [
        pl.len().cast(pl.Int64).alias("projects"),
        *(pl.col(c).sum() for c in SUMMED),
        pl.when(eac_unknown > 0).then(None).otherwise(pl.col("eac").sum()).alias("eac"),
        eac_unknown.alias("eac_unknown"),
    ]
    lazy = kpis.lazy()
    summed = lazy.group_by(by).agg(aggs).sort(by) if by else lazy.select(aggs)
    return (
        summed
        .with_columns(percent_of_budget_earned(), cost_variance(), schedule_variance(),
                      cost_performance_index(), schedule_performance_index(),
                      variance_at_completion())
    )
