"""Earned value per project at a status date, and roll-ups that sum money and recompute ratios.

Month convention: cost rows are monthly and ``month`` is the month's first day.
- PV accrues linearly through a month: at as_of = 2026-03-10 March's plan counts for 10/31 (the
  day itself included), so that PV is the plan *to the status date*, like EV (progress as of that
  date). Counting a whole month from its first day would make every project look a month late
  on the 1st.
- AC takes a month's actual as booked, once the month has started (``month <= as_of``): the
  actual of the current month is what has been booked so far.
Ratios (CPI, SPI, TCPI) are null, never inf or NaN: when their denominator is 0, and whenever
BAC is 0 (no budget: EV is 0 whatever the progress, so no ratio says anything).
EAC variants (pmo-reference): eac = eac_cpi = BAC/CPI; eac_atypical = AC + (BAC − EV);
eac_composite = AC + (BAC − EV)/(CPI × SPI). Before any money is spent (AC = 0) the BAC/CPI and
composite estimates fall back to BAC: there is no cost performance to extrapolate yet.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import polars as pl

from analytics.exprs import safe_div

Frame = pl.DataFrame | pl.LazyFrame

#: Columns project_kpis adds to the projects' own columns.
KPI_COLUMNS = ("pv", "ac", "percent_complete", "ev", "cv", "sv", "cpi", "spi", "eac", "vac",
               "eac_cpi", "eac_atypical", "eac_composite", "etc", "tcpi_bac", "tcpi_eac",
               "cancelled")
#: Money columns a roll-up sums (ratios are recomputed from these sums, never averaged).
SUMMED = ("bac", "pv", "ev", "ac")
#: Estimates a roll-up sums; a sum is null when a member with a budget has a null estimate.
SUMMED_ESTIMATES = ("eac", "eac_composite")
#: Output columns of rollup and rollup_by_objective after the group columns.
ROLLUP_COLUMNS = ("projects", "bac", "pv", "ev", "ac", "eac", "eac_unknown", "eac_composite",
                  "percent_complete", "cv", "sv", "cpi", "spi", "vac", "eac_cpi", "eac_atypical",
                  "etc", "tcpi_bac", "tcpi_eac")


def _date(as_of: date | pl.Expr) -> pl.Expr:
    return as_of if isinstance(as_of, pl.Expr) else pl.lit(as_of, dtype=pl.Date)


def _budgeted(expr: pl.Expr) -> pl.Expr:
    """expr where BAC is not 0, else null (no budget: no ratio)."""
    return pl.when(pl.col("bac") != 0).then(expr).otherwise(None)


def elapsed_share(as_of: date | pl.Expr) -> pl.Expr:
    """Share of a month elapsed at as_of = clip((as_of − month + 1 day) / days in month, 0, 1)."""
    days_in_month = (pl.col("month").dt.month_end() - pl.col("month")).dt.total_days() + 1
    elapsed = (_date(as_of) - pl.col("month")).dt.total_days() + 1
    return (elapsed / days_in_month).clip(0.0, 1.0)


def planned_value(as_of: date | pl.Expr) -> pl.Expr:
    """PV = Σ planned × elapsed share of its month at as_of (linear within a month)."""
    return (pl.col("planned") * elapsed_share(as_of)).sum().alias("pv")


def actual_cost(as_of: date | pl.Expr) -> pl.Expr:
    """AC = Σ actual over months whose first day <= as_of, a null actual counting 0."""
    return pl.col("actual").fill_null(0.0).filter(pl.col("month") <= _date(as_of)).sum().alias("ac")


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
    """CPI = EV / AC (null when AC = 0 or BAC = 0)."""
    return _budgeted(safe_div("ev", "ac")).alias("cpi")


def schedule_performance_index() -> pl.Expr:
    """SPI = EV / PV (null when PV = 0 or BAC = 0)."""
    return _budgeted(safe_div("ev", "pv")).alias("spi")


def estimate_at_completion() -> pl.Expr:
    """EAC = BAC / CPI; BAC when AC = 0 (nothing spent yet); null when CPI is 0 or null."""
    return (pl.when(pl.col("ac") == 0).then(pl.col("bac"))
            .otherwise(safe_div("bac", "cpi")).alias("eac"))


def eac_cpi() -> pl.Expr:
    """eac_cpi = BAC / CPI (the same as eac: typical variance continues)."""
    return pl.col("eac").alias("eac_cpi")


def eac_atypical() -> pl.Expr:
    """eac_atypical = AC + (BAC − EV) (the variance so far was a one-off)."""
    return (pl.col("ac") + pl.col("bac") - pl.col("ev")).alias("eac_atypical")


def eac_composite() -> pl.Expr:
    """eac_composite = AC + (BAC − EV)/(CPI × SPI); BAC when AC = 0; null if CPI × SPI is 0/null."""
    remaining = safe_div(pl.col("bac") - pl.col("ev"), pl.col("cpi") * pl.col("spi"))
    return (pl.when(pl.col("ac") == 0).then(pl.col("bac"))
            .otherwise(pl.col("ac") + remaining).alias("eac_composite"))


def estimate_to_complete() -> pl.Expr:
    """ETC = EAC − AC."""
    return (pl.col("eac") - pl.col("ac")).alias("etc")


def variance_at_completion() -> pl.Expr:
    """VAC = BAC − EAC."""
    return (pl.col("bac") - pl.col("eac")).alias("vac")


HALF_CENT = 0.005
"""Amounts are kept to the cent: a remainder below half a cent is rounding, not money left."""


def _tcpi(den: pl.Expr) -> pl.Expr:
    """(BAC − EV) / den, null when den < half a cent (no money left: no finite efficiency
    finishes; a remainder of 1e-9 left by adding the months in another order is no money)."""
    return _budgeted(pl.when(den >= HALF_CENT).then((pl.col("bac") - pl.col("ev")) / den))


def tcpi_bac() -> pl.Expr:
    """TCPI_bac = (BAC − EV) / (BAC − AC); null when BAC − AC < half a cent or BAC = 0."""
    return _tcpi(pl.col("bac") - pl.col("ac")).alias("tcpi_bac")


def tcpi_eac() -> pl.Expr:
    """TCPI_eac = (BAC − EV) / (EAC − AC); null when EAC − AC < half a cent or null, or BAC = 0."""
    return _tcpi(pl.col("eac") - pl.col("ac")).alias("tcpi_eac")


def percent_of_budget_earned() -> pl.Expr:
    """percent_complete = EV / BAC × 100 (budget-weighted, used by roll-ups)."""
    return (safe_div("ev", "bac") * 100.0).alias("percent_complete")


def is_cancelled() -> pl.Expr:
    """cancelled = status is 'cancelled' (computed like the others, flagged for the caller)."""
    return (pl.col("status") == "cancelled").fill_null(False).alias("cancelled")


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


def with_evm(frame: pl.LazyFrame) -> pl.LazyFrame:
    """frame (bac, status, pv, ac, percent_complete; null = none yet) + the KPI_COLUMNS."""
    return (
        frame
        .with_columns(pl.col("pv", "ac", "percent_complete").fill_null(0.0))
        .with_columns(earned_value())
        .with_columns(cost_variance(), schedule_variance(), cost_performance_index(),
                      schedule_performance_index())
        .with_columns(estimate_at_completion(), eac_atypical(), eac_composite())
        .with_columns(variance_at_completion(), eac_cpi(), estimate_to_complete(), tcpi_bac(),
                      tcpi_eac(), is_cancelled())
        .select(pl.all().exclude(KPI_COLUMNS), *KPI_COLUMNS)
    )


def project_kpis(projects: Frame, costs: Frame, progress: Frame, *, as_of: date) -> pl.LazyFrame:
    """Projects' columns + KPI_COLUMNS at as_of (percent_complete 0 when no progress row)."""
    return with_evm(
        projects.lazy()
        .join(cost_to_date(costs, as_of), left_on="id", right_on="project_id", how="left")
        .join(latest_progress(progress, as_of), left_on="id", right_on="project_id", how="left")
    )


def status_dates(dates: Sequence[date]) -> pl.LazyFrame:
    """One-column frame (status_date) of the given dates."""
    return pl.LazyFrame({"status_date": list(dates)}, schema={"status_date": pl.Date})


def project_kpis_at(projects: Frame, costs: Frame, progress: Frame,
                    dates: Sequence[date]) -> pl.LazyFrame:
    """project_kpis at each date at once: projects' columns + status_date + KPI_COLUMNS.

    One row per (project, date); vectorised by crossing costs and progress with the dates.
    """
    at, last = status_dates(dates), max(dates, default=date.min)
    keys = ["project_id", "status_date"]
    cost = (costs.lazy().filter(pl.col("month") <= last).join(at, how="cross").group_by(keys)
            .agg(planned_value(pl.col("status_date")), actual_cost(pl.col("status_date"))))
    done = (progress.lazy().filter(pl.col("as_of") <= last).join(at, how="cross")
            .filter(pl.col("as_of") <= pl.col("status_date")).group_by(keys)
            .agg(pl.col("percent_complete").sort_by("as_of").last()))
    return with_evm(
        projects.lazy().join(at, how="cross")
        .join(cost, left_on=["id", "status_date"], right_on=keys, how="left")
        .join(done, left_on=["id", "status_date"], right_on=keys, how="left")
    )


def _known_sum(column: str) -> pl.Expr:
    """Σ column, null when a member with a budget has a null value (the total is unknown)."""
    unknown = (pl.col(column).is_null() & pl.col("bac").is_not_null()).sum()
    return pl.when(unknown > 0).then(None).otherwise(pl.col(column).sum()).alias(column)


def rollup(kpis: Frame, by: list[str]) -> pl.LazyFrame:
    """Per ``by`` group (one row when by=[]): ΣBAC, ΣPV, ΣEV, ΣAC, ΣEAC; ratios from the sums.

    Output: *by, ROLLUP_COLUMNS. CPI = ΣEV/ΣAC, SPI = ΣEV/ΣPV, TCPI_bac = (ΣBAC − ΣEV)/(ΣBAC − ΣAC),
    TCPI_eac = (ΣBAC − ΣEV)/(ΣEAC − ΣAC) (an average of ratios is wrong). ΣEAC (and
    Σeac_composite) is null when a member with a budget has none (CPI 0: money spent, nothing
    earned), since the total is then unknown; ``eac_unknown`` counts those members for EAC.
    eac_atypical = ΣAC + ΣBAC − ΣEV equals the sum of the members' values. Groups sort by ``by``,
    nulls last. Needs bac, pv, ev, ac, eac, eac_composite.
    """
    eac_unknown = (pl.col("eac").is_null() & pl.col("bac").is_not_null()).sum().cast(pl.Int64)
    aggs = [
        pl.len().cast(pl.Int64).alias("projects"),
        *(pl.col(c).sum() for c in SUMMED),
        *(_known_sum(c) for c in SUMMED_ESTIMATES),
        eac_unknown.alias("eac_unknown"),
    ]
    lazy = kpis.lazy()
    summed = (lazy.group_by(by).agg(aggs).sort(by, nulls_last=True) if by
              else lazy.select(aggs))
    return rollup_ratios(summed, by)


def rollup_ratios(summed: Frame, by: list[str]) -> pl.LazyFrame:
    """*by, ROLLUP_COLUMNS from per-group sums (projects, ΣBAC, ΣPV, ΣEV, ΣAC, ΣEAC,
    Σeac_composite, eac_unknown): CPI = ΣEV/ΣAC, SPI = ΣEV/ΣPV and the rest as in rollup."""
    return (
        summed.lazy()
        .with_columns(percent_of_budget_earned(), cost_variance(), schedule_variance(),
                      cost_performance_index(), schedule_performance_index(),
                      variance_at_completion(), eac_cpi(), eac_atypical(),
                      estimate_to_complete(), tcpi_bac(), tcpi_eac())
        .select(*by, *ROLLUP_COLUMNS)
    )


def objective_weights(contributions: Frame) -> pl.LazyFrame:
    """(project_id, objective_id, weight): weight = contribution / Σ contributions of the project.

    Only positive contributions count (rows for the same pair are added up first).
    """
    return (
        contributions.lazy()
        .filter(pl.col("contribution") > 0)
        .group_by("project_id", "objective_id").agg(pl.col("contribution").sum())
        .with_columns((pl.col("contribution") / pl.col("contribution").sum().over("project_id"))
                      .alias("weight"))
        .select("project_id", "objective_id", "weight")
    )


def rollup_by_objective(kpis: Frame, contributions: Frame) -> pl.LazyFrame:
    """Per objective: the rollup of project amounts allocated by contribution share.

    Allocation rule: a project serving objectives o1..on with contributions c1..cn (> 0) puts
    the share ci / (c1 + ... + cn) of its BAC, PV, EV, AC, EAC and eac_composite into objective
    oi, so every amount is counted exactly once across objectives. A project with no positive
    contribution goes whole to the "unaligned" bucket (objective_id null, listed last). Ratios
    are recomputed from the allocated sums; ``projects`` counts the projects contributing to the
    objective (each once, whatever its share). Output: objective_id, ROLLUP_COLUMNS.
    """
    money = [*SUMMED, *SUMMED_ESTIMATES]
    return rollup(
        kpis.lazy()
        .join(objective_weights(contributions), left_on="id", right_on="project_id", how="left")
        .with_columns(pl.col("weight").fill_null(1.0))
        .with_columns(pl.col(c) * pl.col("weight") for c in money),
        ["objective_id"],
    )
