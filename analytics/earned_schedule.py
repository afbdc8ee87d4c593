"""Earned schedule (Lipke): schedule performance in time units, from the cumulative PV curve.

Time axis, in months: period 0 starts on the first day of the month of ``baseline_start`` (or of
the first month with planned cost when that is earlier or baseline_start is null); period k ends
on the last day of the k-th month. A date d sits at t(d) = (whole months from the origin month to
d's month) + day(d) / days in d's month: the day itself counts, like PV's linear-in-month
convention (analytics.evm), so a project exactly on plan has ES = AT.
- PV_k = Σ planned of the months up to period k (PV_0 = 0); months without a cost row add 0.
- ES = C + (EV − PV_C) / (PV_{C+1} − PV_C), C the last period with PV_C <= EV; when EV reaches
  the whole planned value, ES = the period at which the plan reaches it (its planned end).
- AT = t(as_of), or t(actual_end) once the project has ended, clipped at 0 (before the start).
- SPI(t) = ES / AT; SV(t) = ES − AT; IEAC(t) = PD / SPI(t), all in months.
- PD = the period at which the planned value reaches its total (the end of the last month with
  planned > 0); with no planned value, the baseline's t(baseline_end).
Nulls, never NaN or inf: ES (and what depends on it) is null with no start date, BAC 0 or no
planned value; SPI(t) and IEAC(t) are null while AT = 0 (not started) or ES = 0. ``es_note`` says
why ES or SPI(t) is missing.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from analytics.evm import project_kpis
from analytics.exprs import safe_div

Frame = pl.DataFrame | pl.LazyFrame

ES_COLUMNS = ("at", "es", "spi_t", "sv_t", "pd", "ieac_t", "es_note")
_KEYS = ["id", "status_date"]


def month_index(origin: pl.Expr, day: pl.Expr) -> pl.Expr:
    """Whole months from origin's month to day's month = 12 × Δyear + Δmonth."""
    return ((day.dt.year().cast(pl.Int32) - origin.dt.year().cast(pl.Int32)) * 12
            + day.dt.month().cast(pl.Int32) - origin.dt.month().cast(pl.Int32))


def month_time(origin: pl.Expr, day: pl.Expr) -> pl.Expr:
    """t(day) = month_index(origin, day) + day of month / days in that month."""
    return month_index(origin, day) + day.dt.day() / day.dt.month_end().dt.day()


def actual_time() -> pl.Expr:
    """AT = max(t(min(status_date, actual_end)), 0) in months from the origin."""
    end = pl.min_horizontal("status_date", "actual_end")
    return month_time(pl.col("origin"), end).clip(lower_bound=0.0).alias("at")


def es_interpolated() -> pl.Expr:
    """ES = C + (EV − PV_C) / (PV_{C+1} − PV_C), C = next_k − 1 (the period before PV passes EV)."""
    step = safe_div(pl.col("ev") - pl.col("cum_pv"), pl.col("next_cum_pv") - pl.col("cum_pv"))
    return (pl.col("next_k") - 1) + step


def earned_schedule_expr() -> pl.Expr:
    """es = planned end when EV >= the whole PV, else the interpolation; null without a plan."""
    return (pl.when(pl.col("origin").is_null() | (pl.col("bac") == 0).fill_null(True)
                    | ~(pl.col("total_pv") > 0).fill_null(False)).then(None)
            .when(pl.col("cum_pv").is_null()).then(None)
            .when(pl.col("next_k").is_null()).then(pl.col("plan_end").cast(pl.Float64))
            .otherwise(es_interpolated()).alias("es"))


def spi_t() -> pl.Expr:
    """SPI(t) = ES / AT (null when AT = 0)."""
    return safe_div("es", "at").alias("spi_t")


def sv_t() -> pl.Expr:
    """SV(t) = ES − AT (months)."""
    return (pl.col("es") - pl.col("at")).alias("sv_t")


def planned_duration() -> pl.Expr:
    """PD = plan_end (months with planned value, from the origin), else t(baseline_end)."""
    return pl.coalesce(pl.col("plan_end").cast(pl.Float64),
                       month_time(pl.col("origin"), pl.col("baseline_end"))).alias("pd")


def ieac_t() -> pl.Expr:
    """IEAC(t) = PD / SPI(t) (months; null when SPI(t) is 0 or null)."""
    return safe_div("pd", "spi_t").alias("ieac_t")


def es_note() -> pl.Expr:
    """Why ES or SPI(t) is missing: no start date, no budget, no planned value, not started."""
    return (pl.when(pl.col("origin").is_null()).then(pl.lit("no start date"))
            .when((pl.col("bac") == 0).fill_null(True)).then(pl.lit("no budget"))
            .when(~(pl.col("total_pv") > 0).fill_null(False)).then(pl.lit("no planned value"))
            .when(pl.col("at") == 0).then(pl.lit("not started"))
            .otherwise(None).alias("es_note"))


def _monthly_plan(costs: Frame) -> pl.LazyFrame:
    """(project_id, month, planned) with a null planned as 0 and duplicate months added up."""
    return (costs.lazy().group_by("project_id", "month")
            .agg(pl.col("planned").fill_null(0.0).sum()))


def _origins(points: pl.LazyFrame, plan: pl.LazyFrame) -> pl.LazyFrame:
    """(project_id, origin): the earlier of baseline_start's month and the first planned month."""
    first = (plan.filter(pl.col("planned") > 0).group_by("project_id")
             .agg(pl.col("month").min().dt.month_start().alias("first_planned")))
    return (points.select(pl.col("id").alias("project_id"), "baseline_start").unique("project_id")
            .join(first, on="project_id", how="left")
            .select("project_id", pl.min_horizontal(pl.col("baseline_start").dt.month_start(),
                                                    "first_planned").alias("origin")))


def _periods(plan: pl.LazyFrame, origins: pl.LazyFrame) -> pl.LazyFrame:
    """(project_id, k, planned): each plan month as the period k = month_index + 1 it ends."""
    return (plan.join(origins, on="project_id", how="inner")
            .select("project_id", (month_index(pl.col("origin"), pl.col("month")) + 1).alias("k"),
                    "planned"))


def pv_curve(plan: pl.LazyFrame, origins: pl.LazyFrame) -> pl.LazyFrame:
    """(project_id, k, cum_pv, next_k, next_cum_pv): PV_k at each period ending a planned month.

    Starts with (k=0, PV 0); next_* are the following row's (null on the last row).
    """
    return _curve(_periods(plan, origins), origins)


def _curve(periods: pl.LazyFrame, origins: pl.LazyFrame) -> pl.LazyFrame:
    """pv_curve from _periods: cum_pv = Σ planned of periods 1..k, from a (k=0, PV 0) row."""
    rows = periods.filter(pl.col("k") >= 1)
    zero = origins.select("project_id", pl.lit(0, pl.Int32).alias("k"),
                          pl.lit(0.0).alias("planned"))
    same_project = pl.col("project_id").shift(-1) == pl.col("project_id")
    return (pl.concat([zero, rows]).sort("project_id", "k")
            .with_columns(pl.col("planned").cum_sum().over("project_id").alias("cum_pv"))
            .with_columns(pl.when(same_project).then(pl.col("k").shift(-1)).alias("next_k"),
                          pl.when(same_project).then(pl.col("cum_pv").shift(-1))
                          .alias("next_cum_pv"))
            .drop("planned"))


def _plan_extent(periods: pl.LazyFrame) -> pl.LazyFrame:
    """(project_id, total_pv, plan_end): Σ planned and the k of the last month planned > 0."""
    return (periods.group_by("project_id")
            .agg(pl.col("planned").sum().alias("total_pv"),
                 pl.col("k").filter(pl.col("planned") > 0).max().alias("plan_end")))


def earned_schedule_at(points: Frame, costs: Frame) -> pl.LazyFrame:
    """points (id, status_date, bac, ev, baseline_start, baseline_end, actual_end) + ES_COLUMNS.

    One output row per input row; vectorised (one join of the PV curve with the points, a filter
    and a group_by), so the cost is proportional to curve rows × status dates.
    """
    # Each of these is read more than once below: cache() computes it once in any enclosing
    # plan (common-subplan elimination alone misses them once nested in the KPI set's plan).
    pts = points.lazy().cache()
    plan = _monthly_plan(costs).cache()
    origins = _origins(pts, plan).cache()
    periods = _periods(plan, origins).cache()
    # C: the last curve row with PV <= EV (the one with the largest k: one plan row per month,
    # so k is unique within a project), per (project, status date).
    below = (_curve(periods, origins)
             .join(pts.select(pl.col("id").alias("project_id"), "status_date", "ev"),
                   on="project_id", how="inner")
             .filter(pl.col("cum_pv") <= pl.col("ev"))
             .group_by("project_id", "status_date")
             .agg(pl.col("cum_pv", "next_k", "next_cum_pv").get(pl.col("k").arg_max())))
    return (
        pts.join(origins, left_on="id", right_on="project_id", how="left")
        .join(_plan_extent(periods), left_on="id", right_on="project_id", how="left")
        .join(below, left_on=_KEYS, right_on=["project_id", "status_date"], how="left")
        .with_columns(actual_time(), earned_schedule_expr())
        .with_columns(spi_t(), sv_t(), planned_duration(), es_note())
        .with_columns(ieac_t())
        .drop("total_pv", "plan_end", "cum_pv", "next_k", "next_cum_pv", "origin")
    )


def add_earned_schedule(kpis: Frame, costs: Frame, *, as_of: date) -> pl.LazyFrame:
    """kpis (analytics.evm.project_kpis at as_of) + ES_COLUMNS at as_of."""
    return (earned_schedule_at(kpis.lazy().with_columns(pl.lit(as_of).alias("status_date")), costs)
            .drop("status_date"))


def earned_schedule(projects: Frame, costs: Frame, progress: Frame, *,
                    as_of: date) -> pl.LazyFrame:
    """Per project at as_of: project_id, code, cancelled, ev, spi (classic), ES_COLUMNS."""
    kpis = project_kpis(projects, costs, progress, as_of=as_of)
    return (add_earned_schedule(kpis, costs, as_of=as_of)
            .select(pl.col("id").alias("project_id"), "code", "cancelled", "ev", "spi",
                    *ES_COLUMNS))
