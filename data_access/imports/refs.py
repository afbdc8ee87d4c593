"""What an import may refer to, read once per plan: departments, people and the projects the
importing user may see (by key and by code, compared ignoring case and spaces)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Connection, select

from data_access.imports.values import norm_key
from data_access.models import Department, Person, Project
from data_access.scope import Scope


class RefError(ValueError):
    def __init__(self, rule: str, message: str) -> None:
        super().__init__(message)
        self.rule = rule


@dataclass
class Refs:
    scope: Scope
    departments: dict[str, int] = field(default_factory=dict)
    people_by_key: dict[str, tuple[int, str]] = field(default_factory=dict)
    people_by_name: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    projects: list[dict] = field(default_factory=list)
    by_key: dict[str, dict] = field(default_factory=dict)
    by_code: dict[str, dict] = field(default_factory=dict)
    visible: set[int] = field(default_factory=set)

    @classmethod
    def load(cls, conn: Connection, scope: Scope) -> Refs:
        refs = cls(scope)
        for ident, code in conn.execute(select(Department.id, Department.code)):
            refs.departments[norm_key(code)] = ident
        for ident, key, name, role in conn.execute(
                select(Person.id, Person.external_key, Person.name, Person.role)):
            if key:
                refs.people_by_key[norm_key(key)] = (ident, role)
            refs.people_by_name.setdefault(norm_key(name), []).append((ident, role))
        t = Project.__table__
        refs.projects = [dict(r) for r in conn.execute(select(t)).mappings()]
        for row in refs.projects:
            if row["external_key"]:
                refs.by_key[norm_key(row["external_key"])] = row
            refs.by_code[norm_key(row["code"])] = row
        refs.visible = set(conn.execute(select(Project.id).where(scope.project_clause())).scalars())
        return refs

    def project(self, text: str) -> dict:
        """The visible project whose key (else code) is ``text``."""
        wanted = norm_key(text)
        row = self.by_key.get(wanted) or self.by_code.get(wanted)
        if row is None or row["id"] not in self.visible:
            raise RefError("unknown_project", f"no project with key or code {text!r}"
                                              + (" that you may import into"
                                                 if self.scope.department_ids else ""))
        return row

    def department(self, code: str) -> int:
        ident = self.departments.get(norm_key(code))
        if ident is None:
            known = ", ".join(sorted(self.departments)) or "none yet"
            raise RefError("unknown_department", f"no department with code {code!r} "
                                                 f"(known: {known.upper()})")
        if not self.scope.allows_department(ident):
            raise RefError("outside_scope", f"department {code!r} is outside your scope")
        return ident

    def person(self, text: str) -> tuple[int, str]:
        """(id, role) of the person whose key (else exact name) is ``text``."""
        wanted = norm_key(text)
        if wanted in self.people_by_key:
            return self.people_by_key[wanted]
        found = self.people_by_name.get(wanted, [])
        if len(found) > 1:
            raise RefError("ambiguous_person", f"{len(found)} people are named {text!r}: use "
                                               f"the person's key")
        if not found:
            raise RefError("unknown_person", f"no person with key or name {text!r}")
        return found[0]
