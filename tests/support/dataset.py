"""A small hand-made portfolio whose every count and sum is computed by hand in the tests.

Departments IT and FIN; people Alice (IT), Bob (FIN), Carol (no department);
projects (code: department, manager, bac):

    P-FIN-1  FIN  Bob    300.00     costs 10.00/10.00           milestone, assignment, contribution
    P-FIN-2  FIN  -      400.25     costs 20.00/-               closed risk
    P-IT-1   IT   Alice  1000.50    costs 100.10/90.05, 200/-   gate + 2 deliverables, risk,
                                                                 report, assignment, contribution
    P-IT-2   IT   Bob    2000.00    costs 50.00/60.00           report

dependencies P-IT-1 -> P-IT-2 and P-FIN-1 -> P-FIN-2; every project has one progress row
(P-IT-1 two).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Engine

from data_access.uow import unit_of_work
from support import factories as f


@dataclass(frozen=True)
class SmallPortfolio:
    departments: dict[str, int]   # code -> id
    people: dict[str, int]        # name -> id
    projects: dict[str, int]      # code -> id
    objectives: dict[str, int]    # code -> id


def build_small_portfolio(engine: Engine) -> SmallPortfolio:
    with unit_of_work(engine, "fixture") as uow:
        s = uow.session
        it = f.make_department(s, code="IT", name="Information Technology")
        fin = f.make_department(s, code="FIN", name="Finance")
        alice = f.make_person(s, name="Alice", department=it, role="Project manager", team="PMO")
        bob = f.make_person(s, name="Bob", department=fin, role="Project manager", team="PMO",
                            monthly_capacity_hours=120.0)
        carol = f.make_person(s, name="Carol", role="Architect", team="Core",
                              monthly_capacity_hours=160.0)
        it1 = f.make_project(s, code="P-IT-1", name="ERP upgrade", department=it, manager=alice,
                             bac=1000.50, mandatory=True, sponsor="CFO")
        it2 = f.make_project(s, code="P-IT-2", name="Network refresh", department=it, manager=bob,
                             bac=2000.0, methodology="waterfall")
        fin1 = f.make_project(s, code="P-FIN-1", name="Budget tool", department=fin, manager=bob,
                              bac=300.0, phase="framing", status="proposed")
        fin2 = f.make_project(s, code="P-FIN-2", name="Audit prep", department=fin, bac=400.25)

        for project, month, planned, actual in [
            (it1, date(2026, 1, 1), 100.10, 90.05), (it1, date(2026, 2, 1), 200.0, None),
            (it2, date(2026, 1, 1), 50.0, 60.0), (fin1, date(2026, 1, 1), 10.0, 10.0),
            (fin2, date(2026, 1, 1), 20.0, None),
        ]:
            f.make_cost(s, project=project, month=month, planned=planned, actual=actual)
        f.make_progress(s, project=it1, as_of=date(2026, 1, 31), percent_complete=10.0)
        f.make_progress(s, project=it1, as_of=date(2026, 2, 28), percent_complete=25.0)
        for project in (it2, fin1, fin2):
            f.make_progress(s, project=project, as_of=date(2026, 1, 31), percent_complete=5.0)

        gate = f.make_milestone(s, project=it1, name="Go", kind="gate", gate_type="G2_go")
        f.make_deliverable(s, milestone=gate, name="Business case", validated=True)
        f.make_deliverable(s, milestone=gate, name="Plan", validated=False)
        f.make_milestone(s, project=fin1, name="Prototype")

        f.make_risk(s, project=it1, title="Vendor late", probability=4, impact=5,
                    cost_impact=5000.0)
        f.make_risk(s, project=fin2, title="Auditor unavailable", probability=2, impact=2,
                    status="closed", closed_on=date(2026, 3, 1))
        f.make_status_report(s, project=it1, cost_rag="amber", comment="On <b>track</b>")
        f.make_status_report(s, project=it2, schedule_rag="red")
        f.make_assignment(s, project=it1, person=alice, hours=80.0)
        f.make_assignment(s, project=fin1, person=bob, hours=40.0)

        o1 = f.make_objective(s, code="O1", name="Grow", weight=2.0, target_share=0.6)
        o2 = f.make_objective(s, code="O2", name="Comply", weight=1.0, target_share=0.4)
        f.make_contribution(s, project=it1, objective=o1, contribution=0.8)
        f.make_contribution(s, project=fin1, objective=o2, contribution=0.5)
        f.make_dependency(s, predecessor=it1, successor=it2)
        f.make_dependency(s, predecessor=fin1, successor=fin2, lag_days=5)
        f.make_lesson(s, project=fin2, title="Book the auditors early")
        uow.audit("fixture.load", detail="small portfolio")
        uow.commit()
        return SmallPortfolio(
            departments={"IT": it.id, "FIN": fin.id},
            people={"Alice": alice.id, "Bob": bob.id, "Carol": carol.id},
            projects={p.code: p.id for p in (it1, it2, fin1, fin2)},
            objectives={"O1": o1.id, "O2": o2.id},
        )
