"""A two-project portfolio for the steering, snapshot and trend tests, every figure by hand.

AS_OF = 2026-11-15.
P1 (FIN, BAC 1200): planned 400 in Jan, Feb, Mar; actual 300 + 500; 50 % done
  -> PV 1200, AC 800, EV 600, CPI 0.75 (red: below 0.90), SPI 0.5, EAC 1200 / 0.75 = 1600,
  VAC -400, eac_overrun = 1600 / 1200 - 1 = 1/3 (red: 10 % or more) -> overall red;
  one open risk P4 x I5 = 20 with cost impact 1000 -> exposure 4/5 x 1000 = 800.
P2 (IT, BAC 1000): planned 500 + 500, actual 500 + 400; 100 % done -> PV 1000, AC 900,
  EV 1000, CPI 10/9, SPI 1, EAC 900, VAC 100; one open risk P2 x I2, cost 500 -> exposure 200,
  one risk closed before AS_OF (not live); a gate forecast and baselined on 2026-11-01, not
  passed -> 14 days overdue.
Portfolio: BAC 2200, PV 2200, EV 1600, AC 1700, EAC 2500, VAC -300, CPI 16/17, SPI 16/22.
"""

from __future__ import annotations

from datetime import date

from analytics.kpis import KpiInputs, KpiSet, kpi_set
from data_access.queries import schemas as s
from test_analytics_factories import (AS_OF, costs, frame, make_cost, make_milestone,
                                      make_progress, make_project, make_risk, milestones,
                                      progress, projects, reports, risks, thresholds)

P1 = make_project(id=1, code="P1", name="Ledger", department_code="FIN", department="Finance",
                  bac=1200.0)
P2 = make_project(id=2, code="P2", name="Network", department_id=2, department_code="IT",
                  department="IT", bac=1000.0)
COSTS = [make_cost(project_id=1, month=date(2026, m, 1), planned=400.0, actual=a)
         for m, a in ((1, 300.0), (2, 500.0), (3, None))]
COSTS += [make_cost(project_id=2, month=date(2026, m, 1), planned=500.0, actual=a)
          for m, a in ((1, 500.0), (2, 400.0))]
PROGRESS = [make_progress(project_id=1, as_of=date(2026, 3, 31), percent_complete=50.0),
            make_progress(project_id=2, as_of=date(2026, 2, 28), percent_complete=100.0)]
RISKS = [make_risk(id=1, project_id=1, probability=4, impact=5, cost_impact=1000.0),
         make_risk(id=2, project_id=2, probability=2, impact=2, cost_impact=500.0),
         make_risk(id=3, project_id=2, probability=5, impact=5, cost_impact=9000.0,
                   status="closed", closed_on=date(2026, 10, 1))]
GATE = make_milestone(id=10, project_id=2, name="G3 Go live", kind="gate", gate_type="G3_go",
                      baseline_date=date(2026, 11, 1), forecast_date=date(2026, 11, 1))
DEPARTMENTS = frame(s.DEPARTMENTS, [dict(id=1, code="FIN", name="Finance"),
                                    dict(id=2, code="IT", name="IT")])


def inputs() -> KpiInputs:
    return KpiInputs(projects=projects(P1, P2), costs=costs(*COSTS), progress=progress(*PROGRESS),
                     milestones=milestones(GATE), risks=risks(*RISKS),
                     status_reports=reports(), thresholds=thresholds())


def small_kset(as_of: date = AS_OF) -> KpiSet:
    return kpi_set(inputs(), as_of=as_of)
