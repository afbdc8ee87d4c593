"""The KPI store's analytics over random portfolios (hypothesis): the rows of a portfolio
computed in batches equal the rows computed at once (so a refresh of the projects a write
touched gives what a full rebuild gives), and the overview rebuilt from per-group sums of those
rows equals the overview of the KPI set."""

from __future__ import annotations

import datetime as dt
import random

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from analytics.kpi_rows import STORE_TABLES, overview_from_store, store_rows
from analytics.kpis import KpiInputs, kpi_set
from data_access.engine import create_pmo_engine
from data_access.queries.portfolio import load_kpi_frames
from data_access.scope import SYSTEM
from fixtures.imports.seeded import seeded_sqlite  # noqa: F401  (fixture)

FRAMES = ("projects", "costs", "progress", "milestones", "deliverables", "risks",
          "status_reports", "objectives", "contributions", "thresholds")
KEYS = {"projects": ["project_id"], "alerts": ["project_id", "alert"],
        "top_risks": ["risk_id"], "gates": ["kind", "milestone_id"]}


@pytest.fixture(scope="module")
def frames(seeded_sqlite) -> dict[str, pl.DataFrame]:
    engine = create_pmo_engine(f"sqlite:///{seeded_sqlite}")
    try:
        loaded = load_kpi_frames(engine, SYSTEM)
    finally:
        engine.dispose()
    return {name: loaded[name] for name in FRAMES}


def only(frames: dict[str, pl.DataFrame], ids: list[int]) -> dict[str, pl.DataFrame]:
    """The frames of a portfolio made of the projects ``ids``."""
    kept = pl.Series(ids, dtype=pl.Int64)
    out = dict(frames)
    out["projects"] = frames["projects"].filter(pl.col("id").is_in(kept.implode()))
    for name in ("costs", "progress", "milestones", "risks", "status_reports", "contributions"):
        out[name] = frames[name].filter(pl.col("project_id").is_in(kept.implode()))
    milestones = out["milestones"]["id"].implode()
    out["deliverables"] = frames["deliverables"].filter(pl.col("milestone_id").is_in(milestones))
    return out


def rows_of(frames: dict[str, pl.DataFrame], as_of: dt.date) -> dict[str, pl.DataFrame]:
    kset = kpi_set(KpiInputs.from_mapping(frames, full=False), as_of=as_of)
    return store_rows(kset, frames["projects"], frames["risks"], frames["milestones"],
                      risks_per_project=10)


def sorted_rows(rows: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    return {name: rows[name].sort(KEYS[name]) for name in STORE_TABLES}


def sums(projects: pl.DataFrame, by: list[str]) -> pl.DataFrame:
    """What the store's SQL sums give (data_access.queries.kpis.sums_query), in polars."""
    unknown = lambda c: (pl.col(c).is_null() & pl.col("bac").is_not_null()).sum()  # noqa: E731
    aggs = [pl.len().cast(pl.Int64).alias("projects"),
            (pl.col("status") == "active").sum().cast(pl.Int64).alias("active"),
            *(pl.col(c).sum() for c in ("bac", "pv", "ev", "ac")),
            *(pl.when(unknown(c) > 0).then(None).otherwise(pl.col(c).sum()).alias(c)
              for c in ("eac", "eac_composite")),
            unknown("eac").cast(pl.Int64).alias("eac_unknown")]
    return (projects.group_by(by).agg(aggs).sort(by, nulls_last=True) if by
            else projects.select(aggs))


@settings(max_examples=20, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(data=st.data(), day=st.dates(dt.date(2026, 1, 15), dt.date(2027, 3, 31)),
       batches=st.integers(2, 5))
def test_batches_give_the_rows_of_the_whole_and_the_overview(frames, data, day, batches):
    all_ids = frames["projects"]["id"].to_list()
    ids = sorted(data.draw(st.sets(st.sampled_from(all_ids), min_size=1, max_size=len(all_ids)),
                           label="portfolio"))
    portfolio = only(frames, ids)
    whole = rows_of(portfolio, day)
    order = list(ids)
    random.Random(data.draw(st.integers(0, 2**32), label="shuffle")).shuffle(order)
    parts = [order[i::batches] for i in range(batches) if order[i::batches]]
    pieces = [rows_of(only(frames, part), day) for part in parts]
    batched = {name: pl.concat([p[name] for p in pieces], how="vertical_relaxed")
               for name in STORE_TABLES}
    for name, frame in sorted_rows(batched).items():
        assert_frame_equal(frame, sorted_rows(whole)[name], check_dtypes=False)

    expected = kpi_set(KpiInputs.from_mapping(portfolio, full=False), as_of=day).overview
    stored = whole["projects"]
    health = stored.group_by("overall_rag").agg(pl.len().cast(pl.Int64).alias("projects"))
    reads = {
        "totals": sums(stored, []),
        "by_department": sums(stored, ["department_code", "department"]),
        "by_status": stored.group_by("status").agg(pl.len().cast(pl.Int64).alias("projects")),
        "by_health": health,
        "in_trouble": stored.filter(pl.col("overall_rag") == "red")
                            .sort("cpi", "code", nulls_last=True)
                            .select("project_id", "code", "name", "department", "manager",
                                    "status", "bac", "eac", "vac", "cpi", "spi",
                                    pl.col("overall_reason").alias("reasons")),
        "top_risks": whole["top_risks"].sort(["score", "money_exposure", "risk_id"],
                                             descending=[True, True, False],
                                             nulls_last=True).head(10),
        "gates_due": whole["gates"].filter(pl.col("kind") == "due")
                                   .sort("forecast_date", "project_code", "gate")
                                   .drop("kind").rename({"days": "days_until_due"}),
        "overdue_gates": whole["gates"].filter(pl.col("kind") == "overdue")
                                       .sort(["days", "project_code", "gate"],
                                             descending=[True, False, False])
                                       .drop("kind").rename({"days": "days_overdue"}),
    }
    served = overview_from_store(reads, as_of=day)
    for name in ("totals", "by_status", "by_health", "by_department", "in_trouble", "top_risks",
                 "gates_due", "overdue_gates"):
        assert_frame_equal(getattr(served, name), getattr(expected, name), check_exact=False,
                           rel_tol=1e-9, abs_tol=1e-6)
