"""Project health per dimension: RAG, reason in words, overall = worst, 'no data' is not green."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from analytics.health import HEALTH_COLUMNS, project_health

from test_analytics_factories import (AS_OF, make_milestone, make_report, make_risk, milestones,
                                      reports, risks, thresholds)

KPI_SCHEMA = {"id": pl.Int64, "code": pl.String, "status": pl.String, "bac": pl.Float64,
              "ac": pl.Float64, "cpi": pl.Float64, "spi": pl.Float64, "eac": pl.Float64}


def make_kpis(**overrides) -> dict:
    """A healthy active project: CPI 1, SPI 1, EAC = BAC."""
    return dict(id=1, code="P001", status="active", bac=1000.0, ac=500.0, cpi=1.0, spi=1.0,
                eac=1000.0) | overrides


def health(kpis=(make_kpis(),), ms=(), rs=(), reps=(), as_of=AS_OF) -> list[dict]:
    df = project_health(pl.DataFrame(list(kpis), schema=KPI_SCHEMA), milestones(*ms), risks(*rs),
                        reports(*reps), thresholds(), as_of=as_of).collect()
    assert df.columns == [*KPI_SCHEMA, *HEALTH_COLUMNS]
    return df.sort("id").to_dicts()


@pytest.mark.parametrize("kpis, rag, reason", [
    (make_kpis(), "green", "CPI 1.00 above 0.95; EAC overruns budget by 0.0% (below 5.0%)"),
    (make_kpis(cpi=1.1, eac=900.0), "green",
     "CPI 1.10 above 0.95; EAC under budget by 10.0% (below 5.0%)"),
    # CPI green but EAC 1125 overruns 1000 by 12.5 %: the worse of the two wins.
    (make_kpis(cpi=0.97, eac=1125.0), "red", "EAC overruns budget by 12.5% (above 10.0%)"),
    (make_kpis(cpi=0.82, eac=1000.0), "red", "CPI 0.82 below 0.90"),
    # Both amber: both reasons are given.
    (make_kpis(cpi=0.95, eac=1050.0), "amber",
     "CPI 0.95 at or below 0.95; EAC overruns budget by 5.0% (at or above 5.0%)"),
    # Both red, from consistent EVM: EAC = 1000 / 0.8 = 1250, overrun 25 %.
    (make_kpis(cpi=0.8, eac=1250.0), "red",
     "CPI 0.80 below 0.90; EAC overruns budget by 25.0% (above 10.0%)"),
    # Money spent, nothing earned: CPI 0, EAC unknown; judged on CPI alone.
    (make_kpis(cpi=0.0, eac=None), "red", "CPI 0.00 below 0.90"),
    # Nothing spent yet: CPI null and EAC = BAC is an assumption, not data.
    (make_kpis(ac=0.0, cpi=None, eac=1000.0), None, "no data"),
    # Zero budget with spend: CPI 0 red, overrun has no denominator.
    (make_kpis(bac=0.0, cpi=0.0, eac=None), "red", "CPI 0.00 below 0.90"),
])
def test_cost_dimension(kpis, rag, reason):
    row = health([kpis])[0]
    assert (row["cost_rag"], row["cost_reason"]) == (rag, reason)


def slipped(name: str, days: int, **kw) -> dict:
    """A milestone whose forecast is ``days`` after its 2026-01-01 baseline."""
    base = date(2026, 1, 1)
    return make_milestone(name=name, baseline_date=base,
                          forecast_date=date.fromordinal(base.toordinal() + days), **kw)


@pytest.mark.parametrize("spi, ms, rag, reason", [
    # 2026-01-01 -> 2026-02-22 is 52 days.
    (1.0, [make_milestone(name="Design", baseline_date=date(2026, 1, 1),
                          forecast_date=date(2026, 2, 22))],
     "red", "Milestone 'Design' 52 days late (above 45)"),
    (0.93, [slipped("Build", 0)], "amber", "SPI 0.93 below 0.95"),
    (1.0, [slipped("Build", 0)], "green",
     "SPI 1.00 above 0.95; Milestone 'Build' on time (below 15)"),
    (0.95, [slipped("Test", 15)], "amber",
     "SPI 0.95 at or below 0.95; Milestone 'Test' 15 days late (at or above 15)"),
    (1.0, [slipped("Test", 14)], "green",
     "SPI 1.00 above 0.95; Milestone 'Test' 14 days late (below 15)"),
    (1.0, [slipped("Test", 45)], "red", "Milestone 'Test' 45 days late (at or above 45)"),
    (1.0, [slipped("Test", -3)], "green",
     "SPI 1.00 above 0.95; Milestone 'Test' 3 days early (below 15)"),
    # The worst of several milestones is the one judged.
    (1.0, [slipped("A", 10, id=1), slipped("B", 50, id=2), slipped("C", -5, id=3)], "red",
     "Milestone 'B' 50 days late (above 45)"),
    # The actual date replaces the forecast: forecast 30 days late, achieved 1 day late.
    (None, [slipped("G2", 30, kind="gate") | {"actual_date": date(2026, 1, 2)}], "green",
     "Gate 'G2' 1 day late (below 15)"),
    # Nothing planned yet (SPI null) and no milestones: no data, not green.
    (None, [], None, "no data"),
    (0.89, [], "red", "SPI 0.89 below 0.90"),
])
def test_schedule_dimension(spi, ms, rag, reason):
    row = health([make_kpis(spi=spi)], ms=ms)[0]
    assert (row["schedule_rag"], row["schedule_reason"]) == (rag, reason)


@pytest.mark.parametrize("rs, rag, reason", [
    # 4 x 5 = 20 open, 5 x 5 = 25 closed: the closed one does not count.
    ([make_risk(id=1, probability=4, impact=5), make_risk(id=2, probability=5, impact=5,
                                                          status="closed")],
     "red", "Open risk scored 20 (at or above 20)"),
    ([make_risk(probability=3, impact=4, status="mitigating")], "amber",
     "Open risk scored 12 (at or above 12)"),
    ([make_risk(probability=2, impact=5)], "green", "Open risk scored 10 (below 12)"),
    ([make_risk(probability=5, impact=5, status="occurred")], "green", "No open risks"),
    ([], None, "no data"),
    # Identified after the status date: not known yet.
    ([make_risk(probability=5, impact=5, identified_on=date(2026, 12, 1))], None, "no data"),
    # Closed after the status date: still open at the status date.
    ([make_risk(probability=5, impact=4, status="closed", closed_on=date(2026, 12, 1))], "red",
     "Open risk scored 20 (at or above 20)"),
])
def test_risk_dimension(rs, rag, reason):
    row = health(rs=rs)[0]
    assert (row["risk_rag"], row["risk_reason"]) == (rag, reason)


OCT = make_report(id=2, period=date(2026, 10, 1), reported_on=date(2026, 11, 2), scope_rag="amber",
                  quality_rag="red")
SEP = make_report(id=1, period=date(2026, 9, 1), reported_on=date(2026, 10, 3), scope_rag="green",
                  quality_rag="amber")


@pytest.mark.parametrize("reps, as_of, scope, quality", [
    ([SEP, OCT], AS_OF, ("amber", "reported amber in 2026-10 report"),
     ("red", "reported red in 2026-10 report")),
    # On 2026-11-01 the October report is not in yet.
    ([SEP, OCT], date(2026, 11, 1), ("green", "reported green in 2026-09 report"),
     ("amber", "reported amber in 2026-09 report")),
    ([], AS_OF, (None, "no data"), (None, "no data")),
])
def test_reported_scope_and_quality(reps, as_of, scope, quality):
    row = health(reps=reps, as_of=as_of)[0]
    assert (row["scope_rag"], row["scope_reason"]) == scope
    assert (row["quality_rag"], row["quality_reason"]) == quality


def test_overall_is_the_worst_dimension_with_its_reasons():
    row = health([make_kpis(cpi=0.82)], ms=[slipped("Design", 52)],
                 rs=[make_risk(probability=3, impact=4)], reps=[OCT | {"quality_rag": "green"}])[0]
    assert row["overall_rag"] == "red"
    assert row["overall_reason"] == ("cost: CPI 0.82 below 0.90; "
                                     "schedule: Milestone 'Design' 52 days late (above 45)")
    assert (row["risk_rag"], row["scope_rag"], row["quality_rag"]) == ("amber", "amber", "green")


@pytest.mark.parametrize("kpis, rs, reps, overall", [
    # Only an amber report and no other data: amber, not green.
    (make_kpis(ac=0.0, cpi=None, spi=None), [], [OCT | {"quality_rag": "amber"}], "amber"),
    # Nothing known at all: null ("not assessed"), never green.
    (make_kpis(ac=0.0, cpi=None, spi=None), [], [], None),
    (make_kpis(), [make_risk(probability=1, impact=1)], [SEP], "amber"),  # SEP quality amber
])
def test_overall_ignores_missing_dimensions_but_is_never_green_by_default(kpis, rs, reps, overall):
    row = health([kpis], rs=rs, reps=reps)[0]
    assert row["overall_rag"] == overall
    if overall is None:
        assert row["overall_reason"] == "no data"


@pytest.mark.parametrize("status, assessed", [
    ("active", True), ("on_hold", True), ("proposed", False), ("completed", False),
    ("cancelled", False),
])
def test_only_active_and_on_hold_projects_are_assessed(status, assessed):
    row = health([make_kpis(cpi=0.5, status=status)], rs=[make_risk(probability=5, impact=5)])[0]
    rags = [row[f"{d}_rag"] for d in ("cost", "schedule", "risk", "scope", "quality", "overall")]
    if assessed:
        assert (row["cost_rag"], row["overall_rag"]) == ("red", "red")
    else:
        assert rags == [None] * 6
        assert row["overall_reason"] == row["cost_reason"] == f"not assessed ({status})"


def test_worst_slip_and_open_risk_columns():
    row = health(ms=[slipped("A", 10, id=1), slipped("B", 20, id=2)],
                 rs=[make_risk(id=1, probability=2, impact=2), make_risk(id=2, status="closed")])[0]
    assert (row["worst_milestone"], row["worst_slip_days"]) == ("B", 20)
    assert (row["max_risk_score"], row["open_risks"]) == (4, 1)
    assert row["eac_overrun"] == pytest.approx(0.0)
