"""One login per role for the demo portfolio (documented in the README; demo databases only)."""

from __future__ import annotations

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from data_access.models import Department, User
from data_access.users import add_user, busiest_manager

DEMO_PASSWORD_SUFFIX = "-demo-2026"


def demo_accounts(engine: Engine) -> list[dict]:
    """The demo accounts to create: username, role, display name, scope."""
    with Session(engine) as s:
        first_dept = s.scalar(select(Department.code).order_by(Department.id).limit(1))
    accounts = [
        {"username": "exec", "role": "executive", "display_name": "Eve Executive"},
        {"username": "pmo", "role": "pmo", "display_name": "Pat PMO"},
        {"username": "manager", "role": "manager", "display_name": "Max Manager",
         "person_id": busiest_manager(engine)},
        {"username": "viewer", "role": "viewer", "display_name": "Vic Viewer"},
    ]
    if first_dept:
        accounts.append({"username": "head", "role": "executive", "display_name": "Dana Department-Head",
                         "department_codes": [first_dept]})
    return accounts


def ensure_demo_accounts(engine: Engine) -> list[tuple[str, str]]:
    """Create the demo accounts that do not exist yet; returns (username, password) created."""
    created = []
    with Session(engine) as s:
        existing = set(s.scalars(select(User.username)))
    for account in demo_accounts(engine):
        if account["username"] in existing:
            continue
        password = account["username"] + DEMO_PASSWORD_SUFFIX
        add_user(engine, password=password, actor="system", **account)
        created.append((account["username"], password))
    return created
