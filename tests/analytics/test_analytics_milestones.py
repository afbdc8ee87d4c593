"""Milestone slip and stage gates coming due or overdue."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

import polars as pl

from analytics.milestones import (COMPLIANCE_COLUMNS, PROJECT_COMPLIANCE_COLUMNS, gate_compliance,
                                  gates_due, overdue_gates, project_compliance, slip_days,
                                  worst_slip)
from data_access.queries import schemas as s

from test_analytics_factories import frame, make_milestone, make_project, milestones, projects

AS_OF = date(2026, 6, 1)
PROJECTS = projects(make_project(id=1, code="P001", name="One"),
                    make_project(id=2, code="P002", name="Two", status="completed"),
                    make_project(id=3, code="P003", name="Three", status="proposed"))


@pytest.mark.parametrize("baseline, forecast, actual, expected", [
    (date(2026, 1, 1), date(2026, 2, 22), None, 52),
    (date(2026, 1, 1), date(2026, 1, 1), None, 0),
    (date(2026, 3, 1), date(2026, 2, 27), None, -2),
    (date(2026, 1, 1), date(2026, 3, 1), date(2026, 1, 11), 10),  # actual replaces forecast
    (date(2024, 2, 28), date(2024, 3, 1), None, 2),                 # leap day counted
])
def test_slip_days(baseline, forecast, actual, expected):
    df = milestones(make_milestone(baseline_date=baseline, forecast_date=forecast,
                                   actual_date=actual)).select(slip_days())
    assert df.item() == expected


def gate(id_: int, offset: int, **kw) -> dict:
    """A gate of project 1 forecast ``offset`` days after AS_OF."""
    return make_milestone(id=id_, name=f"G{id_}", kind="gate", baseline_date=AS_OF,
                          forecast_date=AS_OF + timedelta(days=offset), **kw)


@pytest.mark.parametrize("offset, due, overdue", [
    (-1, None, 1),   # yesterday: overdue by 1 day, not due
    (0, 0, None),    # today: due, day 0
    (1, 1, None),
    (30, 30, None),  # last day of the window
    (31, None, None),  # just outside
])
def test_gate_window_edges(offset, due, overdue):
    ms = milestones(gate(1, offset))
    got_due = gates_due(ms, PROJECTS, AS_OF, 30).collect()["days_until_due"].to_list()
    got_over = overdue_gates(ms, PROJECTS, AS_OF).collect()["days_overdue"].to_list()
    assert got_due == ([] if due is None else [due])
    assert got_over == ([] if overdue is None else [overdue])


@pytest.mark.parametrize("row, listed", [
    (gate(1, 5), True),
    (gate(1, 5, actual_date=AS_OF), False),                  # already passed
    (gate(1, 5) | {"kind": "milestone", "gate_type": None}, False),  # not a gate
    (gate(1, 5, project_id=2), False),                       # project completed
    (gate(1, 5, project_id=3), True),                        # proposed projects have gates ahead
    (gate(1, 5, project_id=99), False),                      # project not in scope
])
def test_which_gates_are_listed(row, listed):
    assert gates_due(milestones(row), PROJECTS, AS_OF).collect().height == int(listed)


def test_gates_due_columns_and_order():
    ms = milestones(gate(1, 20), gate(2, 3), gate(3, 3, project_id=3))
    df = gates_due(ms, PROJECTS, AS_OF).collect()
    assert df.select("gate", "project_code", "project_name", "days_until_due").rows() == [
        ("G2", "P001", "One", 3), ("G3", "P003", "Three", 3), ("G1", "P001", "One", 20)]
    assert df["slip_days"].to_list() == [3, 3, 20]  # forecast vs a baseline of AS_OF


def test_overdue_gates_most_overdue_first():
    ms = milestones(gate(1, -2), gate(2, -40), gate(3, 0))
    df = overdue_gates(ms, PROJECTS, AS_OF).collect()
    assert df.select("gate", "days_overdue").rows() == [("G2", 40), ("G1", 2)]


def test_negative_window_is_refused():
    with pytest.raises(ValueError, match="days must be >= 0"):
        gates_due(milestones(), PROJECTS, AS_OF, -1)


def test_worst_slip_ties_break_on_earliest_baseline():
    ms = milestones(
        make_milestone(id=1, name="Late", baseline_date=date(2026, 3, 1),
                       forecast_date=date(2026, 3, 11)),
        make_milestone(id=2, name="Earlier", baseline_date=date(2026, 2, 1),
                       forecast_date=date(2026, 2, 11)),
        make_milestone(id=3, name="Other project", project_id=2, baseline_date=date(2026, 2, 1),
                       forecast_date=date(2026, 1, 1)),
    )
    got = worst_slip(ms).collect().sort("project_id").rows()
    assert got == [(1, 2, "Earlier", "milestone", 10), (2, 1, "Other project", "milestone", -31)]


# --- Gate compliance -------------------------------------------------------------------------

def deliverable(id_: int, milestone_id: int, name: str, required: bool | None = True,
                validated: bool | None = False) -> dict:
    return dict(id=id_, milestone_id=milestone_id, name=name, required=required,
                validated=validated)


def cgate(id_: int, project_id: int, name: str, month: int, **kw) -> dict:
    return make_milestone(id=id_, project_id=project_id, name=name, kind="gate",
                          baseline_date=date(2026, month, 1), forecast_date=date(2026, month, 1),
                          **kw)


COMPLIANCE_MILESTONES = milestones(
    # P001 G1 passed: actual date and validated; both required deliverables validated.
    cgate(1, 1, "G1 framing", 2, actual_date=date(2026, 2, 3), validation_state="validated"),
    # P001 G2 ahead: 1 of 3 required validated.
    cgate(2, 1, "G2 go", 6),
    # P001 G3 held but rejected, requires nothing: compliant, not passed.
    cgate(3, 1, "G3 delivery", 4, actual_date=date(2026, 4, 2), validation_state="rejected"),
    # A plain milestone of P001 with a deliverable: not a gate, not listed.
    make_milestone(id=4, project_id=1, name="Design", kind="milestone"),
    # P002 G5 passed although its one required deliverable's validation is unknown (null).
    cgate(5, 2, "G5 closure", 3, actual_date=date(2026, 3, 5), validation_state="validated"),
    # A gate of a project outside the given projects.
    cgate(6, 99, "G9", 3),
)
DELIVERABLES = frame(s.DELIVERABLES, [
    deliverable(1, 1, "Charter", validated=True), deliverable(2, 1, "Budget", validated=True),
    deliverable(3, 1, "Memo", required=False),                  # optional: not counted
    deliverable(4, 2, "Risk log"), deliverable(5, 2, "Architecture"),
    deliverable(6, 2, "Plan", validated=True),
    deliverable(7, 2, "Notes", required=None),                   # unknown required: not counted
    deliverable(8, 4, "Mock-ups"),                               # of a milestone, not a gate
    deliverable(9, 5, "Sign-off", validated=None),               # unknown validation: missing
    deliverable(10, 99, "Orphan"),                               # unknown milestone
])
COMPLIANCE_PROJECTS = projects(make_project(id=1, code="P001", name="One"),
                               make_project(id=2, code="P002", name="Two", status="completed"),
                               make_project(id=3, code="P003", name="Three"))


def test_gate_compliance_per_gate():
    result = gate_compliance(COMPLIANCE_MILESTONES, DELIVERABLES, COMPLIANCE_PROJECTS)
    df = result.gates.collect()
    assert df.columns == list(COMPLIANCE_COLUMNS)
    # Sorted by project code then baseline date: G1 (Feb), G3 (Apr), G2 (Jun), then P002's G5.
    assert df.select("project_code", "gate", "required_deliverables", "validated_deliverables",
                     "missing_deliverables", "missing_names", "compliant", "passed").rows() == [
        ("P001", "G1 framing", 2, 2, 0, "", True, True),
        ("P001", "G3 delivery", 0, 0, 0, "", True, False),
        ("P001", "G2 go", 3, 1, 2, "Architecture, Risk log", False, False),  # sorted names
        ("P002", "G5 closure", 1, 0, 1, "Sign-off", False, True),
    ]


def test_gate_compliance_per_project():
    df = gate_compliance(COMPLIANCE_MILESTONES, DELIVERABLES, COMPLIANCE_PROJECTS).projects.collect()
    assert df.columns == list(PROJECT_COMPLIANCE_COLUMNS)
    # P001: 3 gates, 1 passed (G1; G3 was rejected), 2 compliant (G1, G3), 0 + 0 + 2 missing.
    # P002: 1 gate, passed, not compliant, 1 missing. P003: no gates at all.
    assert df.rows() == [(1, "P001", "One", 3, 1, 2, 2), (2, "P002", "Two", 1, 1, 0, 1),
                         (3, "P003", "Three", 0, 0, 0, 0)]


def test_project_compliance_from_collected_gates():
    # kpi_set collects the gates once and derives the per-project table from them: same rows.
    gates = gate_compliance(COMPLIANCE_MILESTONES, DELIVERABLES, COMPLIANCE_PROJECTS).gates
    df = project_compliance(gates.collect(), COMPLIANCE_PROJECTS).collect()
    assert df.rows() == [(1, "P001", "One", 3, 1, 2, 2), (2, "P002", "Two", 1, 1, 0, 1),
                         (3, "P003", "Three", 0, 0, 0, 0)]


def test_gate_compliance_without_deliverables_or_gates():
    result = gate_compliance(milestones(), frame(s.DELIVERABLES), COMPLIANCE_PROJECTS)
    assert result.gates.collect().height == 0
    assert result.projects.collect().select(pl.sum_horizontal(
        "gates_total", "gates_passed", "gates_compliant", "missing_deliverables")).to_series(
    ).to_list() == [0, 0, 0]
