"""The KPI entry point on a two-project portfolio whose every figure is computed by hand."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from analytics.kpis import KpiInputs, KpiSet, kpi_set
from data_access.queries import schemas as s
from test_analytics_factories import (AS_OF, assert_finite, costs, frame, make_cost, make_progress,
                                      make_project, progress, projects, risks, reports, milestones,
                                      thresholds)

# P1 (FIN, BAC 1200): planned 400 in Jan, Feb, Mar; actual 300 + 500 (Mar not booked);
#   50 % done -> PV 1200, AC 800, EV 600, CPI 0.75, SPI 0.5, EAC 1200/0.75 = 1600.
# P2 (IT, BAC 1000): planned 500 + 500, actual 500 + 400; 100 % done -> PV 1000, AC 900,
#   EV 1000, CPI 1000/900, SPI 1.0, EAC 1000/(1000/900) = 900.
# Portfolio: BAC 2200, PV 2200, EV 1600, AC 1700 -> CPI 1600/1700 = 0.9412 (the average of the
#   two CPIs would be 0.9306: wrong), SPI 1600/2200 = 0.7273, EAC 2500, VAC -300.
P1 = make_project(id=1, code="P1", department_code="FIN", department="Finance", bac=1200.0)
P2 = make_project(id=2, code="P2", department_id=2, department_code="IT", department="IT",
                  bac=1000.0)
COSTS = [make_cost(project_id=1, month=date(2026, m, 1), planned=400.0, actual=a)
         for m, a in ((1, 300.0), (2, 500.0), (3, None))]
COSTS += [make_cost(project_id=2, month=date(2026, m, 1), planned=500.0, actual=a)
          for m, a in ((1, 500.0), (2, 400.0))]
PROGRESS = [make_progress(project_id=1, as_of=date(2026, 3, 31), percent_complete=50.0),
            make_progress(project_id=2, as_of=date(2026, 2, 28), percent_complete=100.0)]


def inputs(**overrides) -> KpiInputs:
    base = dict(
        projects=projects(P1, P2), costs=costs(*COSTS), progress=progress(*PROGRESS),
        milestones=milestones(), deliverables=frame(s.DELIVERABLES), risks=risks(),
        status_reports=reports(), thresholds=thresholds(),
        assignments=frame(s.ASSIGNMENTS, [dict(project_id=1, person_id=7, role="Developer",
                                              month=date(2026, 1, 1), hours=200.0)]),
        people=frame(s.PEOPLE, [dict(id=7, name="Dev", role="Developer", team="Core",
                                     department_id=1, monthly_capacity_hours=150.0)]),
        objectives=frame(s.OBJECTIVES, [dict(id=1, code="O1", name="Grow", weight=1.0,
                                             target_share=1.0)]),
        contributions=frame(s.CONTRIBUTIONS, [dict(project_id=1, objective_id=1, contribution=1.0)]),
    )
    return KpiInputs(**(base | overrides))


@pytest.fixture(scope="module")
def kset() -> KpiSet:
    return kpi_set(inputs(), as_of=AS_OF)


def row(df: pl.DataFrame, column: str, value) -> dict:
    return df.filter(pl.col(column) == value).row(0, named=True)


def test_project_figures(kset):
    p1, p2 = row(kset.projects, "code", "P1"), row(kset.projects, "code", "P2")
    assert (p1["pv"], p1["ac"], p1["ev"], p1["cpi"], p1["spi"], p1["eac"]) == pytest.approx(
        (1200, 800, 600, 0.75, 0.5, 1600))
    assert (p2["pv"], p2["ac"], p2["ev"], p2["cpi"], p2["spi"], p2["eac"]) == pytest.approx(
        (1000, 900, 1000, 10 / 9, 1.0, 900))
    assert p1["alignment_score"] == pytest.approx(100.0)
    assert p2["serves_no_objective"] is True


def test_portfolio_recomputes_ratios_from_sums(kset):
    t = kset.portfolio.row(0, named=True)
    assert (t["bac"], t["pv"], t["ev"], t["ac"], t["eac"], t["vac"]) == pytest.approx(
        (2200, 2200, 1600, 1700, 2500, -300))
    assert t["cpi"] == pytest.approx(1600 / 1700)
    assert t["spi"] == pytest.approx(1600 / 2200)


@pytest.mark.parametrize(("by", "keys", "cpis"), [
    ("department", ["Finance", "IT", "Portfolio"], [0.75, 10 / 9, 1600 / 1700]),
    # P1 serves O1 alone; P2 serves nothing and lands in "unaligned".
    ("objective", ["Grow", "unaligned", "Portfolio"], [0.75, 10 / 9, 1600 / 1700]),
])
def test_tables_by_grain_end_with_the_portfolio(kset, by, keys, cpis):
    table = kset.table(by)
    assert table[by].to_list() == keys
    assert table["cpi"].to_list() == pytest.approx(cpis)


def test_project_table_and_unknown_grain(kset):
    assert kset.table("project")["code"].to_list() == ["P1", "P2"]
    with pytest.raises(ValueError, match="unknown grain 'team'"):
        kset.table("team")


def test_capacity_is_part_of_the_set(kset):
    # 200 h demanded of the only Developer (150 h a month): load 200/150 = 133.3 %, 50 h over.
    jan = row(kset.capacity_by_role, "month", date(2026, 1, 1))
    assert (jan["role"], jan["demand_hours"], jan["capacity_hours"]) == ("Developer", 200.0, 150.0)
    assert jan["load_pct"] == pytest.approx(400 / 3)
    assert jan["over_hours"] == pytest.approx(50.0)


def test_department_filter_limits_every_table():
    kset = kpi_set(inputs(), as_of=AS_OF, department_codes=["IT"])
    assert kset.projects["code"].to_list() == ["P2"]
    assert kset.portfolio["cpi"][0] == pytest.approx(10 / 9)
    assert kset.capacity_by_role.filter(pl.col("demand_hours") > 0).is_empty()  # P1's demand left out


def test_every_table_is_free_of_nan_and_inf(kset):
    for name in ("projects", "departments", "objectives", "portfolio", "alerts", "gates",
                 "capacity_by_role", "capacity_by_team", "capacity_by_person", "risk_matrix",
                 "overdue_mitigations", "investment_mix", "without_objective"):
        assert_finite(getattr(kset, name))


def test_empty_portfolio_gives_empty_tables_not_errors():
    empty = inputs(projects=projects(), costs=costs(), progress=progress(),
                   assignments=frame(s.ASSIGNMENTS), contributions=frame(s.CONTRIBUTIONS))
    kset = kpi_set(empty, as_of=AS_OF)
    assert kset.projects.is_empty()
    assert kset.portfolio["projects"].to_list() == [0]
    assert kset.risk_matrix.height == 25  # the grid is always whole


def test_from_mapping_names_what_is_missing():
    with pytest.raises(ValueError, match="needs these frames too: people"):
        KpiInputs.from_mapping({k: v for k, v in vars(inputs()).items() if k != "people"})


def test_a_frame_missing_a_column_is_named():
    bad = inputs(people=frame(s.PEOPLE).drop("monthly_capacity_hours"))
    with pytest.raises(ValueError, match="people.*monthly_capacity_hours"):
        kpi_set(bad, as_of=AS_OF)


def test_the_overview_section_equals_the_overview_entry_point(kset):
    from polars.testing import assert_frame_equal

    from analytics.overview import overview

    i = inputs()
    direct = overview(i.projects, i.costs, i.progress, i.milestones, i.risks, i.status_reports,
                      i.thresholds, as_of=AS_OF)
    for name in ("totals", "by_status", "by_health", "by_department", "in_trouble", "top_risks",
                 "gates_due", "overdue_gates"):
        assert_frame_equal(getattr(kset.overview, name), getattr(direct, name))


def test_sections_without_their_frames_are_left_out():
    base = inputs()
    minimal = KpiInputs(projects=base.projects, costs=base.costs, progress=base.progress,
                        milestones=base.milestones, risks=base.risks,
                        status_reports=base.status_reports, thresholds=base.thresholds)
    kset = kpi_set(minimal, as_of=AS_OF)
    assert kset.capacity_by_role is None and kset.objectives is None and kset.gates is None
    assert kset.portfolio["cpi"][0] == pytest.approx(1600 / 1700)
    assert "alignment_score" not in kset.table("project").columns
    with pytest.raises(ValueError, match="objective grain needs"):
        kset.table("objective")


def test_portfolio_filter_keeps_the_projects_it_names():
    from analytics.filters import PortfolioFilter

    kset = kpi_set(inputs(), as_of=AS_OF, portfolio_filter=PortfolioFilter(objectives=("O1",)))
    assert kset.projects["code"].to_list() == ["P1"]          # only P1 serves O1
    assert kset.portfolio["cpi"][0] == pytest.approx(0.75)


@pytest.mark.parametrize("as_of", [
    date(2026, 2, 15),   # mid-month: as_of is not one of the alerts' month ends
    date(2026, 2, 28),   # a month end: the as_of point and a trend point share their date
])
def test_shared_frames_give_what_each_function_gives_alone(as_of):
    # kpi_set computes the earned schedule at as_of and at the alerts' month ends in one pass,
    # and the capacity views from one reduction of the assignments: same as each function alone.
    from analytics.capacity import capacity_by_person, capacity_by_role, capacity_by_team
    from analytics.drift import drift_alerts
    from analytics.earned_schedule import ES_COLUMNS, add_earned_schedule
    from analytics.evm import project_kpis

    given = inputs()
    kset = kpi_set(given, as_of=as_of)
    alone = add_earned_schedule(project_kpis(given.projects, given.costs, given.progress,
                                             as_of=as_of), given.costs, as_of=as_of).collect()
    columns = ["ev", "pv", "ac", "cpi", *ES_COLUMNS]
    assert kset.projects.select(columns).equals(alone.sort("code").select(columns))
    # P1: 400 planned in January + February's 400 × the share of February elapsed.
    february = 1.0 if as_of.day == 28 else 15 / 28
    assert kset.projects["pv"][0] == pytest.approx(400 + 400 * february)
    alerts = drift_alerts(given.projects, given.costs, given.progress, given.status_reports,
                          as_of=as_of, thresholds=given.thresholds).collect()
    assert kset.alerts.equals(alerts)
    for table, view in (("capacity_by_role", capacity_by_role),
                        ("capacity_by_team", capacity_by_team),
                        ("capacity_by_person", capacity_by_person)):
        expected = view(given.assignments, given.people).collect()
        assert getattr(kset, table).sort(pl.all()).equals(expected.sort(pl.all()))
    assert kset.capacity_by_role.rows() == [("Developer", date(2026, 1, 1), 200.0, 150.0,
                                             200 / 150 * 100, 50.0, 0.0, True)]
