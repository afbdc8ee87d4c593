"""The executive overview on a small hand-computed portfolio, with filters and empty inputs."""

from __future__ import annotations

from dataclasses import fields
from datetime import date, datetime

import pytest

from analytics.overview import (DEPARTMENT_COLUMNS, IN_TROUBLE_COLUMNS, PROJECT_HEALTH_COLUMNS,
                                TOTALS_COLUMNS, Overview, overview)

from test_analytics_factories import (AS_OF, assert_finite, make_cost, make_milestone,
                                      make_progress, make_project, make_risk, portfolio)

FIN = dict(department_code="FIN", department="Finance")
OPS = dict(department_code="OPS", department="Operations")
HR = dict(department_code="HR", department="People")

# Status date 2026-11-15.
# P001 FIN active    BAC 1200: PV 300+400 = 700, AC 250+500 = 750, 50 % -> EV 600, CPI 0.8,
#                    SPI 600/700 = 0.857, EAC 1200/0.8 = 1500 -> red (cost and schedule).
# P002 OPS active    BAC 1000: PV 500, AC 400, 50 % -> EV 500, CPI 1.25, SPI 1.0, EAC 800 -> green.
# P003 FIN completed BAC  800: PV 800, AC 900, 100 % -> EV 800, EAC 800/(800/900) = 900;
#                    not assessed.
# P004 OPS on_hold   BAC 2000: nothing planned, spent or done; EAC = BAC;
#                    open risk 4 x 4 = 16 -> amber.
# P005 HR  proposed  BAC  500: nothing; EAC = BAC (not assessed); open risk 5 x 5 = 25.
PORTFOLIO = portfolio(
    projects_=[
        make_project(id=1, code="P001", name="Ledger", bac=1200.0, **FIN),
        make_project(id=2, code="P002", name="Depot", bac=1000.0, **OPS),
        make_project(id=3, code="P003", name="Payroll", bac=800.0, status="completed", **FIN),
        make_project(id=4, code="P004", name="Fleet", bac=2000.0, status="on_hold", **OPS),
        make_project(id=5, code="P005", name="Hiring", bac=500.0, status="proposed", **HR),
    ],
    costs_=[
        make_cost(project_id=1, month=date(2026, 1, 1), planned=300.0, actual=250.0),
        make_cost(project_id=1, month=date(2026, 2, 1), planned=400.0, actual=500.0),
        make_cost(project_id=2, month=date(2026, 3, 1), planned=500.0, actual=400.0),
        make_cost(project_id=3, month=date(2026, 1, 1), planned=800.0, actual=900.0),
        make_cost(project_id=1, month=date(2026, 12, 1), planned=500.0, actual=None),  # future
    ],
    progress_=[
        make_progress(project_id=1, as_of=date(2026, 3, 1), percent_complete=50.0),
        make_progress(project_id=2, as_of=date(2026, 3, 1), percent_complete=50.0),
        make_progress(project_id=3, as_of=date(2026, 3, 1), percent_complete=100.0),
    ],
    milestones_=[
        make_milestone(id=1, project_id=2, name="G3 delivery", kind="gate",
                       baseline_date=date(2026, 11, 20), forecast_date=date(2026, 11, 20)),
        make_milestone(id=2, project_id=3, name="G4 closure", kind="gate",
                       baseline_date=date(2026, 11, 20), forecast_date=date(2026, 11, 20)),
        make_milestone(id=3, project_id=1, name="G2 go", kind="gate",
                       baseline_date=date(2026, 11, 1), forecast_date=date(2026, 11, 10)),
    ],
    risks_=[
        make_risk(id=1, project_id=4, probability=4, impact=4, cost_impact=1000.0),
        make_risk(id=2, project_id=5, probability=5, impact=5),
        make_risk(id=3, project_id=3, probability=5, impact=5),  # completed project: not listed
    ],
)

TOTAL_ROWS = {
    # projects, active, BAC, PV, EV, AC, EAC, CPI, SPI, VAC
    None: (5, 2, 5500.0, 2000.0, 1900.0, 2050.0, 5700.0, 1900 / 2050, 0.95, -200.0),
    ("OPS",): (2, 1, 3000.0, 500.0, 500.0, 400.0, 2800.0, 1.25, 1.0, 200.0),
    ("HR", "FIN"): (3, 1, 2500.0, 1500.0, 1400.0, 1650.0, 2900.0, 1400 / 1650, 1400 / 1500,
                    -400.0),
    (): (0, 0, 0.0, 0.0, 0.0, 0.0, 0.0, None, None, 0.0),
}


def approx_row(values):
    return tuple(pytest.approx(v) if isinstance(v, float) else v for v in values)


def run(codes=None, **kw) -> Overview:
    ov = overview(**(PORTFOLIO | kw), as_of=AS_OF,
                  department_codes=None if codes is None else list(codes))
    for f in fields(Overview):
        if f.name != "as_of":
            assert_finite(getattr(ov, f.name))
    return ov


@pytest.mark.parametrize("codes", list(TOTAL_ROWS))
def test_totals(codes):
    ov = run(codes)
    assert ov.totals.columns == list(TOTALS_COLUMNS)
    got = ov.totals.select("projects", "active", "bac", "pv", "ev", "ac", "eac", "cpi", "spi",
                           "vac").rows()
    assert got == [approx_row(TOTAL_ROWS[codes])]


@pytest.mark.parametrize("codes, by_status, by_health", [
    (None, [1, 2, 1, 1, 0], [1, 1, 1, 2]),
    (("OPS",), [0, 1, 1, 0, 0], [1, 1, 0, 0]),
    ((), [0, 0, 0, 0, 0], [0, 0, 0, 0]),
])
def test_counts_by_status_and_health(codes, by_status, by_health):
    ov = run(codes)
    assert ov.by_status.rows() == list(zip(
        ["proposed", "active", "on_hold", "completed", "cancelled"], by_status))
    assert ov.by_health.rows() == list(zip(["green", "amber", "red", "not assessed"], by_health))


def test_by_department_sums_and_recomputes():
    ov = run()
    assert ov.by_department.columns == list(DEPARTMENT_COLUMNS)
    # FIN = P001 + P003: BAC 2000, AC 1650, EAC 1500+900, PV 1500, EV 1400.
    assert ov.by_department.select(DEPARTMENT_COLUMNS[:10]).rows() == [
        approx_row(("FIN", "Finance", 2, 2000.0, 1650.0, 2400.0, 1500.0, 1400.0, 1400 / 1650,
                    1400 / 1500)),
        ("HR", "People", 1, 500.0, 0.0, 500.0, 0.0, 0.0, None, None),
        approx_row(("OPS", "Operations", 2, 3000.0, 400.0, 2800.0, 500.0, 500.0, 1.25, 1.0)),
    ]


def test_project_health_rows():
    ph = run().project_health
    assert ph.columns == list(PROJECT_HEALTH_COLUMNS)
    assert ph.select("code", "cost_rag", "schedule_rag", "risk_rag", "overall_rag").rows() == [
        ("P001", "red", "red", None, "red"),
        ("P002", "green", "green", None, "green"),
        ("P003", None, None, None, None),
        ("P004", None, None, "amber", "amber"),
        ("P005", None, None, None, None),
    ]
    p2 = ph.row(1, named=True)
    assert p2["cost_reason"] == "CPI 1.25 above 0.95; EAC under budget by 20.0% (below 5.0%)"
    assert p2["schedule_reason"] == ("SPI 1.00 above 0.95; "
                                     "Gate 'G3 delivery' on time (below 15)")
    assert ph.row(3, named=True)["overall_reason"] == "risk: Open risk scored 16 (above 12)"
    assert ph.row(4, named=True)["overall_reason"] == "not assessed (proposed)"


def test_in_trouble_lists_red_projects_with_reasons():
    it = run().in_trouble
    assert it.columns == list(IN_TROUBLE_COLUMNS)
    assert it.select("code", "reasons").rows() == [(
        "P001",
        "cost: CPI 0.80 below 0.90; EAC overruns budget by 25.0% (above 10.0%); "
        "schedule: SPI 0.86 below 0.90",
    )]


def test_in_trouble_is_sorted_by_cpi_worst_first():
    extra = PORTFOLIO["projects"].vstack(portfolio(projects_=[
        make_project(id=6, code="P006", name="Worse", bac=1000.0, **OPS)])["projects"])
    costs = PORTFOLIO["costs"].vstack(portfolio(costs_=[
        make_cost(project_id=6, month=date(2026, 1, 1), planned=100.0, actual=1000.0)])["costs"])
    # P006: EV 0 (no progress), AC 1000 -> CPI 0, so it comes before P001 (CPI 0.8).
    assert run(projects=extra, costs=costs).in_trouble["code"].to_list() == ["P006", "P001"]


@pytest.mark.parametrize("codes, risk_ids, gates", [
    (None, [2, 1], [("P002", "G3 delivery", 5)]),
    (("OPS",), [1], [("P002", "G3 delivery", 5)]),
    (("FIN",), [], []),
])
def test_top_risks_and_gates_follow_the_filter(codes, risk_ids, gates):
    ov = run(codes)
    assert ov.top_risks["risk_id"].to_list() == risk_ids
    assert ov.gates_due.select("project_code", "gate", "days_until_due").rows() == gates


def test_overdue_gates():
    assert run().overdue_gates.select("project_code", "gate", "days_overdue").rows() == [
        ("P001", "G2 go", 5)]


def test_top_n_limits_top_risks():
    assert run(top_n=1).top_risks["risk_id"].to_list() == [2]


def test_empty_inputs_give_zero_totals_and_empty_tables():
    ov = overview(**portfolio(), as_of=AS_OF)
    got = ov.totals.select("projects", "active", "bac", "ac", "eac", "cpi", "spi", "vac").rows()
    assert got == [(0, 0, 0.0, 0.0, 0.0, None, None, 0.0)]
    for name in ("by_department", "project_health", "in_trouble", "top_risks", "gates_due",
                 "overdue_gates"):
        assert getattr(ov, name).height == 0, name
    assert ov.by_status["projects"].sum() == 0 and ov.by_health["projects"].sum() == 0
    assert ov.as_of == AS_OF


def test_lazy_inputs_give_the_same_overview():
    lazy = {k: (v.lazy() if k != "thresholds" else v) for k, v in PORTFOLIO.items()}
    a, b = overview(**lazy, as_of=AS_OF), run()
    assert a.totals.equals(b.totals) and a.project_health.equals(b.project_health)


@pytest.mark.parametrize("change, error, message", [
    (dict(costs=PORTFOLIO["costs"].drop("actual")), ValueError,
     "costs frame lacks columns: actual"),
    (dict(progress=PORTFOLIO["progress"].with_columns(PORTFOLIO["progress"]["as_of"].cast(str))),
     ValueError, "progress frame has wrong column types: as_of must be date, got String"),
    (dict(risks=[1, 2]), TypeError, "risks must be a polars DataFrame or LazyFrame"),
    (dict(as_of=datetime(2026, 11, 15)), TypeError, "as_of must be a datetime.date"),
    (dict(as_of="2026-11-15"), TypeError, "as_of must be a datetime.date"),
    (dict(department_codes="FIN"), TypeError, "department_codes must be a list"),
    (dict(top_n=-1), ValueError, "top_n must be a whole number >= 0"),
    (dict(thresholds={"cpi": 0.9}), TypeError, "thresholds must be a polars DataFrame"),
    (dict(thresholds=PORTFOLIO["thresholds"].head(2)), ValueError,
     "thresholds frame lacks metrics"),
])
def test_bad_input_is_refused_with_a_clear_message(change, error, message):
    kwargs = PORTFOLIO | {"as_of": AS_OF} | change
    with pytest.raises(error, match=message):
        overview(**kwargs)
