"""Saved-scenario test helpers shared by tests/data_access/test_scenarios*.py: one signed-in user
per role (``scenario_people``), and small readers of what was stored and audited."""

from __future__ import annotations

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from data_access import scenarios as sc
from data_access.models import AuditEntry, Scenario
from data_access.users import CurrentUser
from support.factories import make_user

ROLES = {"alice": "pmo", "bob": "pmo", "erin": "executive", "mona": "manager", "vic": "viewer"}


def scenario_people(engine: Engine) -> dict[str, CurrentUser]:
    """One signed-in user per role (two PMO users), built directly from factory rows."""
    with Session(engine) as s:
        rows = {name: make_user(s, username=name, display_name=name.title(), role=role)
                for name, role in ROLES.items()}
        s.commit()
        return {name: CurrentUser(id=u.id, username=u.username, display_name=u.display_name,
                                  role=u.role, department_ids=frozenset(), person_id=None,
                                  session_epoch=u.session_epoch) for name, u in rows.items()}


def counts(engine: Engine) -> tuple[int, int]:
    """(scenario rows, audit rows)."""
    with Session(engine) as s:
        return (s.scalar(select(func.count()).select_from(Scenario)),
                s.scalar(select(func.count()).select_from(AuditEntry)))


def audit_of(engine: Engine, action: str, entity_id: object) -> list[AuditEntry]:
    with Session(engine) as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.action == action,
                                                       AuditEntry.entity_id == str(entity_id))
                              .order_by(AuditEntry.id)))


def save(engine: Engine, user: CurrentUser, name: str = "Plan A", **kw) -> sc.ScenarioRecord:
    return sc.save_scenario(engine, user, name=name, parameters=kw.pop("parameters", {"budget": 1}),
                            result=kw.pop("result", {"selected": []}), **kw)


def baselines(engine: Engine) -> list[int]:
    with Session(engine) as s:
        return list(s.scalars(select(Scenario.id).where(Scenario.is_baseline.is_(True))))
