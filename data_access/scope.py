"""Who may see what: a user's scope, turned into a WHERE clause on projects.

executive / pmo: everything, or only their departments when the user has any;
manager: the projects they manage (and those of their departments, if scoped);
viewer: the portfolio overview (all departments unless scoped).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, and_, false, or_, true

from data_access.models import Project
from data_access.models.enums import ROLES


@dataclass(frozen=True)
class Scope:
    username: str
    role: str
    department_ids: frozenset[int] = field(default_factory=frozenset)
    person_id: int | None = None
    project_ids: frozenset[int] | None = None
    """Only these projects (a background job's batch), within what the role may see."""

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r}: a scope needs one of {', '.join(ROLES)}")

    @property
    def cache_key(self) -> str:
        """A small string naming exactly what this scope may read (for cache keys)."""
        deps = ",".join(str(d) for d in sorted(self.department_ids)) or "*"
        person = self.person_id if self.role == "manager" else "-"
        key = f"{self.role}|{deps}|{person}"
        if self.project_ids is not None:
            key += "|" + ",".join(str(p) for p in sorted(self.project_ids))
        return key

    def project_clause(self) -> ColumnElement[bool]:
        """A WHERE clause on ``projects`` keeping the rows this scope may read."""
        clause = self._role_clause()
        if self.project_ids is None:
            return clause
        return and_(clause, Project.id.in_(sorted(self.project_ids)))

    def _role_clause(self) -> ColumnElement[bool]:
        by_dept = Project.department_id.in_(sorted(self.department_ids)) if self.department_ids else None
        if self.role == "manager":
            own = Project.manager_id == self.person_id if self.person_id is not None else false()
            return or_(own, by_dept) if by_dept is not None else own
        if self.role in ("executive", "pmo", "viewer"):
            return by_dept if by_dept is not None else true()
        return false()

    def allows_department(self, department_id: int) -> bool:
        return not self.department_ids or department_id in self.department_ids


SYSTEM = Scope(username="system", role="pmo")
"""Unrestricted scope for the CLI and background jobs acting on the whole database."""
