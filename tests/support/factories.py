"""Fixture factories: ``make_<thing>(session, **overrides)`` inserts one valid row and returns it.

Defaults satisfy every CHECK constraint; anything can be overridden by keyword. A parent that is
not given is created on the fly (``make_cost(session)`` creates a department and a project).
Each factory flushes, so the returned object has its id; committing is the caller's business.
"""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from data_access.models import (
    Assignment, CostEntry, Deliverable, Department, Dependency, Lesson, Milestone, Objective,
    Person, Progress, Project, ProjectObjective, Risk, Scenario, StatusReport, User,
)

T = TypeVar("T")
_seq = itertools.count(1)


def _add(session: Session, obj: T) -> T:
    session.add(obj)
    session.flush()
    return obj


def _parent_id(session: Session, kw: dict[str, Any], name: str, factory, *,
               create: bool = True) -> None:
    """Turn ``kw[name]`` (an object) into ``kw[name + '_id']``; create one if neither is given."""
    key = f"{name}_id"
    if name in kw:
        parent = kw.pop(name)
        kw[key] = None if parent is None else parent.id
    elif key not in kw and create:
        kw[key] = factory(session).id


def make_department(session: Session, **kw: Any) -> Department:
    n = next(_seq)
    return _add(session, Department(**{"code": f"D{n:04d}", "name": f"Department {n}", **kw}))


def make_person(session: Session, **kw: Any) -> Person:
    n = next(_seq)
    _parent_id(session, kw, "department", make_department, create=False)
    values = {"name": f"Person {n}", "role": "Developer", "team": "Team A",
              "monthly_capacity_hours": 140.0, **kw}
    return _add(session, Person(**values))


def make_project(session: Session, **kw: Any) -> Project:
    n = next(_seq)
    _parent_id(session, kw, "department", make_department)
    _parent_id(session, kw, "manager", make_person, create=False)
    values = {
        "code": f"P{n:04d}", "name": f"Project {n}", "methodology": "agile", "phase": "execution",
        "status": "active", "baseline_start": date(2026, 1, 1), "baseline_end": date(2026, 12, 31),
        "forecast_start": date(2026, 1, 1), "forecast_end": date(2026, 12, 31), "bac": 100_000.0,
        "mandatory": False, "financial_value": 250_000.0, "strategic_fit": 3, "urgency": 3,
        "compliance": 1, "risk_level": 3, **kw,
    }
    return _add(session, Project(**values))


def make_cost(session: Session, **kw: Any) -> CostEntry:
    _parent_id(session, kw, "project", make_project)
    values = {"month": date(2026, 1, 1), "planned": 1_000.0, "actual": None, **kw}
    return _add(session, CostEntry(**values))


def make_progress(session: Session, **kw: Any) -> Progress:
    _parent_id(session, kw, "project", make_project)
    return _add(session, Progress(**{"as_of": date(2026, 1, 31), "percent_complete": 10.0, **kw}))


def make_milestone(session: Session, **kw: Any) -> Milestone:
    n = next(_seq)
    _parent_id(session, kw, "project", make_project)
    values = {"name": f"Milestone {n}", "kind": "milestone", "gate_type": None,
              "baseline_date": date(2026, 6, 30), "forecast_date": date(2026, 6, 30),
              "validation_state": "pending", **kw}
    return _add(session, Milestone(**values))


def make_deliverable(session: Session, **kw: Any) -> Deliverable:
    n = next(_seq)
    _parent_id(session, kw, "milestone", make_milestone)
    values = {"name": f"Deliverable {n}", "required": True, "validated": False, **kw}
    return _add(session, Deliverable(**values))


def make_risk(session: Session, **kw: Any) -> Risk:
    n = next(_seq)
    _parent_id(session, kw, "project", make_project)
    values = {"title": f"Risk {n}", "category": "technical", "probability": 3, "impact": 3,
              "status": "open", "identified_on": date(2026, 2, 1), **kw}
    return _add(session, Risk(**values))


def make_status_report(session: Session, **kw: Any) -> StatusReport:
    _parent_id(session, kw, "project", make_project)
    values = {"period": date(2026, 1, 1), "reported_on": date(2026, 2, 3),
              "schedule_rag": "green", "cost_rag": "green", "scope_rag": "green",
              "quality_rag": "green", "locked": False, **kw}
    return _add(session, StatusReport(**values))


def make_objective(session: Session, **kw: Any) -> Objective:
    n = next(_seq)
    values = {"code": f"O{n:04d}", "name": f"Objective {n}", "weight": 1.0, "target_share": 0.25,
              **kw}
    return _add(session, Objective(**values))


def make_contribution(session: Session, **kw: Any) -> ProjectObjective:
    _parent_id(session, kw, "project", make_project)
    _parent_id(session, kw, "objective", make_objective)
    return _add(session, ProjectObjective(**{"contribution": 0.5, **kw}))


def make_dependency(session: Session, **kw: Any) -> Dependency:
    _parent_id(session, kw, "predecessor", make_project)
    _parent_id(session, kw, "successor", make_project)
    return _add(session, Dependency(**{"kind": "finish_to_start", "lag_days": 0, **kw}))


def make_assignment(session: Session, **kw: Any) -> Assignment:
    _parent_id(session, kw, "project", make_project)
    _parent_id(session, kw, "person", make_person, create=False)
    values = {"role": "Developer", "month": date(2026, 1, 1), "hours": 80.0, **kw}
    return _add(session, Assignment(**values))


def make_lesson(session: Session, **kw: Any) -> Lesson:
    n = next(_seq)
    _parent_id(session, kw, "project", make_project, create=False)
    values = {"title": f"Lesson {n}", "category": "planning", "phase": "closure",
              "recorded_on": date(2026, 12, 15), **kw}
    return _add(session, Lesson(**values))


def make_user(session: Session, **kw: Any) -> User:
    """A user; ``departments=[dept, ...]`` scopes it, ``person=`` links a manager to a person."""
    n = next(_seq)
    _parent_id(session, kw, "person", make_person, create=False)
    values = {"username": f"user{n}", "display_name": f"User {n}",
              "password_hash": "$2b$12$" + "x" * 53,  # bcrypt-shaped, matches no password
              "role": "viewer", "departments": [], **kw}
    return _add(session, User(**values))


def make_scenario(session: Session, **kw: Any) -> Scenario:
    n = next(_seq)
    _parent_id(session, kw, "owner", make_user, create=False)
    values = {"name": f"Scenario {n}", "parameters": {}, "result": {}, "is_baseline": False, **kw}
    return _add(session, Scenario(**values))
