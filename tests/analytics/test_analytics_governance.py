"""Governance: gate compliance per methodology, projects without a validated framing, the mix."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from analytics.governance import (METHODOLOGY_COMPLIANCE_COLUMNS, MIX_COLUMNS,
                                  WITHOUT_FRAMING_COLUMNS, compliance_by_methodology,
                                  methodology_mix, projects_without_framing)
from analytics.milestones import gate_compliance
from data_access.queries import schemas as s

from test_analytics_factories import frame, make_milestone, make_project, milestones, projects

GATE_COLS = {"project_id": pl.Int64, "methodology": pl.String, "gates_total": pl.Int64,
             "gates_passed": pl.Int64, "gates_compliant": pl.Int64,
             "missing_deliverables": pl.Int64, "bac": pl.Float64}


def per_project(*rows: tuple) -> pl.DataFrame:
    """Rows (id, methodology, total, passed, compliant, missing, bac) as KpiSet.projects has them."""
    return pl.DataFrame([dict(zip(GATE_COLS, r)) for r in rows], schema=GATE_COLS)


def test_compliance_by_methodology_sums_counts_and_divides_sums():
    got = compliance_by_methodology(per_project(
        (1, "waterfall", 5, 3, 4, 2, 100.0),
        (2, "waterfall", 5, 1, 2, 5, 50.0),
        (3, "agile", 4, 4, 4, 0, 10.0),
        (4, "hybrid", 0, 0, 0, 0, 10.0),      # no gates: rates unknown, not 0
        (5, None, 2, 1, 1, 1, 10.0),          # methodology not recorded
    )).collect()
    assert got.columns == list(METHODOLOGY_COMPLIANCE_COLUMNS)
    assert got.rows() == [
        ("agile", 1, 4, 4, 4, 0, 1.0, 1.0),
        ("hybrid", 1, 0, 0, 0, 0, None, None),
        ("unspecified", 1, 2, 1, 1, 1, 0.5, 0.5),
        ("waterfall", 2, 10, 4, 6, 7, 0.4, 0.6),   # (3+1)/(5+5), (4+2)/(5+5): never a mean of rates
    ]


def test_compliance_by_methodology_of_no_project_is_empty():
    assert compliance_by_methodology(per_project()).collect().is_empty()


def test_methodology_mix_counts_budgets_and_shares():
    got = methodology_mix(per_project(
        (1, "waterfall", 0, 0, 0, 0, 300.0),
        (2, "agile", 0, 0, 0, 0, 100.0),
        (3, "agile", 0, 0, 0, 0, None),       # unknown budget adds 0
        (4, "v_model", 0, 0, 0, 0, 400.0),
    )).collect()
    assert got.columns == list(MIX_COLUMNS)
    assert got.rows() == [
        ("agile", 2, 100.0, 0.5, 0.125),
        ("v_model", 1, 400.0, 0.25, 0.5),       # ties on count: by name
        ("waterfall", 1, 300.0, 0.25, 0.375),
    ]


def test_methodology_mix_without_budget_has_no_budget_share():
    got = methodology_mix(per_project((1, "agile", 0, 0, 0, 0, 0.0))).collect()
    assert got.rows() == [("agile", 1, 0.0, 1.0, None)]


D = date(2026, 2, 1)


def g1(id_: int, project_id: int, state: str, actual: date | None = D, **kw) -> dict:
    return make_milestone(id=id_, project_id=project_id, name="G1 Framing review", kind="gate",
                          gate_type="G1_framing", actual_date=actual, validation_state=state, **kw)


def framing_case(project_rows: list[dict], gate_rows: list[dict], deliverable_rows=()):
    ps = projects(*project_rows)
    compliance = gate_compliance(milestones(*gate_rows), frame(s.DELIVERABLES, deliverable_rows), ps)
    table = ps.rename({"id": "project_id"})
    return projects_without_framing(table, compliance.gates.collect()).collect()


@pytest.mark.parametrize("phase, status, gates, listed, state", [
    ("execution", "active", [g1(1, 1, "validated")], False, None),
    ("execution", "active", [g1(1, 1, "pending", actual=None)], True, "pending"),
    ("execution", "active", [g1(1, 1, "validated", actual=None)], True, "validated"),  # no date: not passed
    ("closure", "active", [g1(1, 1, "rejected")], True, "rejected"),
    ("closed", "completed", [g1(1, 1, "waived", actual=None)], True, "waived"),
    ("execution", "on_hold", [], True, "missing"),
    ("execution", "active", [make_milestone(id=1, kind="gate", gate_type="G2_go",
                                            actual_date=D, validation_state="validated")],
     True, "missing"),                                              # other gates do not count
    ("framing", "active", [], False, None),                        # still framing: not yet due
    ("idea", "proposed", [], False, None),
    ("closed", "cancelled", [], False, None),                      # cancelled: no longer governed
    # re-presented: the rejected first review, then a validated one
    ("execution", "active", [g1(1, 1, "rejected"), g1(2, 1, "validated",
                                                      baseline_date=date(2026, 7, 1))], False, None),
])
def test_projects_without_a_validated_framing(phase, status, gates, listed, state):
    got = framing_case([make_project(id=1, code="P001", phase=phase, status=status)], gates)
    assert got.columns == list(WITHOUT_FRAMING_COLUMNS)
    assert got["framing_state"].to_list() == ([state] if listed else [])


def test_the_latest_framing_review_and_its_missing_deliverables_are_shown():
    gates = [g1(1, 1, "rejected", baseline_date=date(2026, 1, 1)),
             g1(2, 1, "pending", actual=None, baseline_date=date(2026, 3, 1)),
             g1(3, 2, "validated")]
    deliverables = [
        dict(id=1, milestone_id=2, name="Risk register", required=True, validated=False),
        dict(id=2, milestone_id=2, name="Framing file", required=True, validated=False),
        dict(id=3, milestone_id=2, name="Business case", required=True, validated=True),
        dict(id=4, milestone_id=2, name="Stakeholder map", required=False, validated=False),
        dict(id=5, milestone_id=1, name="Provisional plan", required=True, validated=False),
    ]
    got = framing_case([make_project(id=2, code="P002"), make_project(id=1, code="P001", name="<b>x</b>"),
                        make_project(id=3, code="P000", methodology=None)],
                       gates, deliverables)
    assert got.select("code", "name", "methodology", "framing_state", "missing_names").rows() == [
        ("P000", "Project one", "unspecified", "missing", ""),
        ("P001", "<b>x</b>", "waterfall", "pending", "Framing file, Risk register"),
    ]
