"""Factories of small input frames with keyword overrides (shared by the analytics tests).

Frames use the data_access contract dtypes (schemas.py), so the tests exercise what the app passes.
"""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from analytics.inputs import checked
from data_access.queries import schemas as s

AS_OF = date(2026, 11, 15)


def make_project(**overrides) -> dict:
    row = dict(id=1, code="P001", name="Project one", department_id=1, department_code="FIN",
               department="Finance", sponsor="Sam", manager_id=1, manager="Alice",
               methodology="waterfall", phase="execution", status="active",
               baseline_start=date(2026, 1, 1), baseline_end=date(2026, 12, 31),
               forecast_start=date(2026, 1, 1), forecast_end=date(2026, 12, 31),
               actual_start=None, actual_end=None, bac=1200.0, mandatory=False,
               financial_value=0.0, strategic_fit=3, urgency=3, compliance=1, risk_level=3)
    return row | overrides


def make_cost(**overrides) -> dict:
    return dict(project_id=1, month=date(2026, 1, 1), planned=100.0, actual=None) | overrides


def make_progress(**overrides) -> dict:
    return dict(project_id=1, as_of=date(2026, 1, 31), percent_complete=0.0) | overrides


def make_milestone(**overrides) -> dict:
    row = dict(id=1, project_id=1, name="Design", kind="milestone", gate_type=None,
               baseline_date=date(2026, 6, 1), forecast_date=date(2026, 6, 1), actual_date=None,
               validation_state="pending")
    row |= overrides
    if row["kind"] == "gate" and row["gate_type"] is None:
        row["gate_type"] = "G2_go"
    return row


def make_risk(**overrides) -> dict:
    return dict(id=1, project_id=1, title="Supplier late", category="supplier", probability=3,
                impact=3, cost_impact=None, owner="Bob", mitigation=None, due_date=None,
                status="open", identified_on=date(2026, 1, 10), closed_on=None) | overrides


def make_report(**overrides) -> dict:
    return dict(id=1, project_id=1, period=date(2026, 10, 1), reported_on=date(2026, 11, 2),
                schedule_rag="green", cost_rag="green", scope_rag="green", quality_rag="green",
                comment=None, percent_complete=None, forecast_end=None, eac=None) | overrides


def make_threshold_rows(**overrides: tuple[float, float]) -> list[dict]:
    """The seeded thresholds; override one as metric=(amber, red)."""
    base = {"cpi": (0.95, 0.90, False), "spi": (0.95, 0.90, False),
            "eac_overrun": (0.05, 0.10, True), "risk_score": (12.0, 20.0, True),
            "milestone_slip_days": (15.0, 45.0, True)}
    for metric, (amber, red) in overrides.items():
        base[metric] = (amber, red, base[metric][2])
    return [dict(metric=m, amber=a, red=r, higher_is_worse=h) for m, (a, r, h) in base.items()]


def frame(schema: dict, rows: list[dict] | tuple[dict, ...] = ()) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=schema)


def projects(*rows: dict) -> pl.DataFrame:
    return frame(s.PROJECTS, rows)


def costs(*rows: dict) -> pl.DataFrame:
    return frame(s.COSTS, rows)


def progress(*rows: dict) -> pl.DataFrame:
    return frame(s.PROGRESS, rows)


def milestones(*rows: dict) -> pl.DataFrame:
    return frame(s.MILESTONES, rows)


def risks(*rows: dict) -> pl.DataFrame:
    return frame(s.RISKS, rows)


def reports(*rows: dict) -> pl.DataFrame:
    return frame(s.STATUS_REPORTS, rows)


def thresholds(**overrides: tuple[float, float]) -> pl.DataFrame:
    return frame(s.THRESHOLDS, make_threshold_rows(**overrides))


def portfolio(*, projects_=(), costs_=(), progress_=(), milestones_=(), risks_=(), reports_=()):
    """Keyword arguments of analytics.overview.overview for the given rows."""
    return dict(projects=projects(*projects_), costs=costs(*costs_), progress=progress(*progress_),
                milestones=milestones(*milestones_), risks=risks(*risks_),
                status_reports=reports(*reports_), thresholds=thresholds())


def assert_finite(df: pl.DataFrame) -> None:
    """No NaN and no inf in any float column (nulls are fine)."""
    for name, dtype in df.schema.items():
        if dtype.is_float():
            bad = df.select((pl.col(name).is_nan() | pl.col(name).is_infinite()).any()).item()
            assert not bad, f"column {name} holds NaN or inf"


@pytest.mark.parametrize("name, factory, row", [
    ("projects", projects, make_project()), ("costs", costs, make_cost()),
    ("progress", progress, make_progress()), ("milestones", milestones, make_milestone()),
    ("risks", risks, make_risk()), ("status_reports", reports, make_report()),
])
def test_factory_frames_meet_the_analytics_input_contract(name, factory, row):
    lazy = checked(name, factory(row))
    assert lazy.collect().height == 1


def test_threshold_override_changes_only_that_metric():
    rows = {r["metric"]: r for r in make_threshold_rows(cpi=(0.9, 0.8))}
    cpi = rows["cpi"]
    assert (cpi["amber"], cpi["red"], cpi["higher_is_worse"]) == (0.9, 0.8, False)
    assert (rows["spi"]["amber"], rows["spi"]["red"]) == (0.95, 0.90)
