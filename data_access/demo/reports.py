"""Monthly status reports (RAG agreeing with the numbers, comments saying why) and lessons."""

from __future__ import annotations

import numpy as np
import polars as pl

from data_access.demo.org import stamp
from data_access.demo.plan import CLOSED, CLOSURE, TROUBLED, WATCH, Plan
from data_access.demo.timeline import date_series, expand, keys, month_of, month_start
from data_access.demo.vocab_text import (
    COST_REASONS,
    GREEN_COMMENTS,
    HOLD_REASONS,
    LESSON_TAGS,
    LESSONS,
    QUALITY_REASONS,
    SCHEDULE_REASONS,
    SCOPE_REASONS,
)
from data_access.models.enums import LESSON_CATEGORIES, PHASES

GREEN_FROM, AMBER_FROM = 0.95, 0.90  # the default cpi / spi thresholds of the migration


def _rag(index: np.ndarray) -> np.ndarray:
    return np.select([index >= GREEN_FROM, index >= AMBER_FROM], [0, 1], 2)


def _pick(pool: tuple[str, ...], index: np.ndarray) -> pl.Series:
    return pl.Series(pool).gather(np.asarray(index) % len(pool))


def status_reports(rng: np.random.Generator, plan: Plan, updated_at) -> pl.DataFrame:
    """One report per started project and month, up to today (or the project's end)."""
    t = plan.today
    last_day = np.where(plan.closed, plan.stop, t)
    first, last = month_of(plan.actual_start), month_of(last_day)
    proj, offset = expand(np.where(plan.started, last - first + 1, 0))
    k = proj.size
    period = month_start(first[proj] + offset)
    month_end = month_start(first[proj] + offset + 1) - 1
    day = np.minimum(month_end - rng.integers(0, 4, k), last_day[proj])
    day = np.maximum(day, np.maximum(period, plan.actual_start[proj]))

    bac = plan.bac[proj]
    pct = plan.percent(proj, day)
    ev, pv, ac = bac * pct / 100.0, bac * plan.planned_share(proj, day), plan.actual_cost(proj, day)
    cushion = 0.02 * bac  # early on a few days' delay is no reason to go red
    spi = (ev + cushion) / (pv + cushion)
    cpi = np.divide(ev, ac, out=np.ones(k), where=ac > 0)
    held = (plan.hold_days[proj] > 0) & (day >= plan.stop[proj])
    schedule = np.where(held, np.maximum(_rag(spi), 1), _rag(spi))
    cost = _rag(cpi)
    health = plan.health[proj]
    late_half = (day - plan.actual_start[proj]) > 0.4 * (last_day[proj] - plan.actual_start[proj])
    worry = np.select([health == TROUBLED, health == WATCH], [0.35, 0.15], 0.03) * late_half
    red_scope, red_quality = 0.3 * (health == TROUBLED), 0.4 * (health == TROUBLED)
    scope = np.where(rng.random(k) < worry, np.where(rng.random(k) < red_scope, 2, 1), 0)
    quality = np.where(rng.random(k) < worry, np.where(rng.random(k) < red_quality, 2, 1), 0)

    begin = plan.actual_start[proj]
    ran = np.clip((day - begin) / np.maximum(plan.stop[proj] - begin, 1), 0.0, 1.0)
    end = plan.baseline_end[proj]
    forecast_end = end + np.round((plan.forecast_end[proj] - end) * ran).astype(np.int64)
    weeks = np.maximum(1, np.round((forecast_end - end) / 7.0)).astype(np.int64)
    over = np.maximum(1, np.round((1.0 / np.maximum(cpi, 0.01) - 1.0) * 100.0)).astype(np.int64)
    reason = plan.reason[proj]
    rag = pl.Series(["green", "amber", "red"])
    frame = pl.DataFrame({
        "schedule_rag": rag.gather(schedule), "cost_rag": rag.gather(cost),
        "scope_rag": rag.gather(scope), "quality_rag": rag.gather(quality),
        "held": held, "weeks": weeks, "over": over,
        "why_schedule": _pick(SCHEDULE_REASONS, reason), "why_cost": _pick(COST_REASONS, reason),
        "why_scope": _pick(SCOPE_REASONS, reason), "why_quality": _pick(QUALITY_REASONS, reason),
        "why_hold": _pick(HOLD_REASONS, reason),
        "green": _pick(GREEN_COMMENTS, rng.integers(0, 60, k)),
        "held_since": date_series("held_since", plan.stop[proj]).dt.strftime("%d %B %Y"),
    }).with_columns(weeks=pl.when(pl.col("weeks") == 1).then(pl.lit("a week"))
                    .otherwise(pl.col("weeks").cast(pl.String) + " weeks"))
    c, s = pl.col("cost_rag"), pl.col("schedule_rag")
    comment = (
        pl.when("held").then(pl.format("On hold since {}: {}.", "held_since", "why_hold"))
        .when(c == "red").then(pl.format("Costs {}% over earned value: {}. Change request for more "
                                         "budget submitted.", "over", "why_cost"))
        .when(s == "red").then(pl.format("About {} late: {}. Re-plan and escalation to the "
                                         "sponsor requested.", "weeks", "why_schedule"))
        .when(c == "amber").then(pl.format("Spend {}% above earned value: {}. Watching closely.",
                                           "over", "why_cost"))
        .when(s == "amber").then(pl.format("Running about {} behind plan: {}. Recovery plan "
                                           "agreed.", "weeks", "why_schedule"))
        .when(pl.col("scope_rag") != "green")
        .then(pl.format("Scope under pressure: {}.", "why_scope"))
        .when(pl.col("quality_rag") != "green")
        .then(pl.format("Quality concerns: {}.", "why_quality"))
        .otherwise(pl.col("green"))
    )
    current = month_start(month_of(np.array([t])))[0]
    out = frame.select(
        id=pl.Series(np.arange(1, k + 1), dtype=pl.Int64),
        project_id=pl.Series(proj + 1, dtype=pl.Int64),
        period=date_series("period", period),
        reported_on=date_series("reported_on", day),
        schedule_rag="schedule_rag", cost_rag="cost_rag", scope_rag="scope_rag",
        quality_rag="quality_rag",
        comment=comment,
        percent_complete=pl.Series(np.round(pct, 1)),
        forecast_end=date_series("forecast_end", forecast_end),
        eac=pl.Series(np.round(bac / np.maximum(cpi, 0.01), 2)),
        author_id=pl.lit(None, dtype=pl.Int64),
        locked=pl.Series(period < current),
    )
    return stamp(out, updated_at)


def lessons(rng: np.random.Generator, plan: Plan, updated_at) -> pl.DataFrame:
    """1..3 lessons per closed project, one for some projects in closure."""
    count = np.where(plan.phase == CLOSED, rng.integers(1, 4, plan.n),
                     (plan.phase == CLOSURE) & (rng.random(plan.n) < 0.3))
    proj, _nth = expand(count)
    k = proj.size
    category = rng.integers(0, len(LESSON_CATEGORIES), k)
    texts = [[LESSONS[c][j] for c in LESSON_CATEGORIES] for j in range(4)]
    phase = rng.choice([PHASES.index(p) for p in ("framing", "execution", "closure")], size=k,
                       p=(0.3, 0.5, 0.2))
    recorded = np.where(plan.closed[proj], plan.stop[proj] + rng.integers(0, 31, k),
                        plan.today - rng.integers(0, 21, k))
    ids = np.arange(1, k + 1)
    frame = pl.DataFrame({
        "id": pl.Series(ids, dtype=pl.Int64),
        "project_id": pl.Series(proj + 1, dtype=pl.Int64),
        "title": _pick(tuple(texts[0]), category),
        "went_well": _pick(tuple(texts[1]), category),
        "went_badly": _pick(tuple(texts[2]), category),
        "recommendation": _pick(tuple(texts[3]), category),
        "category": _pick(LESSON_CATEGORIES, category),
        "phase": _pick(PHASES, phase),
        "tags": _pick(tuple(LESSON_TAGS[c] for c in LESSON_CATEGORIES), category),
        "recorded_on": date_series("recorded_on", np.minimum(recorded, plan.today)),
        "external_key": keys("LSN-", ids, 6),
    })
    return stamp(frame, updated_at)
