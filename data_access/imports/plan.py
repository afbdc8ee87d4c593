"""The dry-run diff: every record resolved against the database and classified as created,
updated, unchanged or rejected (by its key); references, duplicates, key clashes and cycles
are checked here. The same function plans the real import inside its transaction."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import Connection

from data_access.imports import existing as ex
from data_access.imports.batch import Batch, Part
from data_access.imports.problems import Problem
from data_access.imports.refs import RefError, Refs
from data_access.imports.validate import row_rules, with_defaults
from data_access.imports.values import norm_key, shown
from data_access.scope import Scope

ACTIONS = ("create", "update", "unchanged", "reject")
_REF_COLUMNS = {"project": "project_id", "predecessor": "predecessor_id",
                "successor": "successor_id", "department_code": "department_id",
                "manager": "manager_id", "person": "person_id", "key": "external_key"}


@dataclass
class Outcome:
    kind: str
    row: int
    key: str
    action: str
    changes: dict[str, tuple[object, object]] = field(default_factory=dict)


@dataclass
class Write:
    kind: str
    action: str                      # "create" or "update"
    values: dict[str, object]
    id: int | None = None
    version: int | None = None


@dataclass
class Plan:
    outcomes: list[Outcome] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    writes: list[Write] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def ok(self) -> bool:
        return not self.errors

    def counts(self) -> dict[str, dict[str, int]]:
        """{kind: {create, update, unchanged, reject}}; rows with an error count as rejected."""
        out: dict[str, dict[str, int]] = {}
        for o in self.outcomes:
            out.setdefault(o.kind, dict.fromkeys(ACTIONS, 0))[o.action] += 1
        return out

    def totals(self) -> dict[str, int]:
        out = dict.fromkeys(ACTIONS, 0)
        for per_kind in self.counts().values():
            for action, n in per_kind.items():
                out[action] += n
        return out


def build_plan(conn: Connection, batch: Batch, scope: Scope, *,
               progress: Callable[[str, int, int], None] | None = None) -> Plan:
    """The plan of ``batch`` against the database seen by ``conn`` (nothing is written)."""
    plan = Plan(problems=list(batch.problems))
    refs = Refs.load(conn, scope)
    for part in batch.parts:
        _plan_part(conn, part, refs, plan, progress)
    rejected_rows = {(p.kind, p.row) for p in batch.problems if p.is_error and p.row is not None}
    planned = {(o.kind, o.row) for o in plan.outcomes}
    for kind, row in sorted(rejected_rows - planned, key=lambda kr: (kr[0], kr[1] or 0)):
        plan.outcomes.append(Outcome(kind, row, "", "reject"))
    plan.outcomes.sort(key=lambda o: (o.kind, o.row))
    return plan


def _resolve(part: Part, values: dict, refs: Refs, row: int) -> tuple[dict, list[Problem]]:
    db: dict[str, object] = {}
    problems: list[Problem] = []
    person_role: str | None = None
    for name, value in values.items():
        target = _REF_COLUMNS.get(name, name)
        if value is None or name == "key" or name not in _REF_COLUMNS:
            db[target] = value
            continue
        try:
            if name in ("project", "predecessor", "successor"):
                db[target] = refs.project(value)["id"]
            elif name == "department_code":
                db[target] = refs.department(value)
            else:
                db[target], role = refs.person(value)
                if name == "person" and not values.get("role"):
                    person_role = role
        except RefError as err:
            problems.append(Problem(err.rule, str(err), row=row, column=name, value=shown(value),
                                    kind=part.kind))
    if person_role is not None:
        db["role"] = person_role
    return db, problems


def _plan_part(conn: Connection, part: Part, refs: Refs, plan: Plan, progress) -> None:
    resolved: list[tuple[int, dict, dict]] = []
    for record in part.records:
        db, problems = _resolve(part, record.values, refs, record.row)
        plan.problems.extend(problems)
        if problems:
            plan.outcomes.append(Outcome(part.kind, record.row, "", "reject"))
        else:
            resolved.append((record.row, record.values, db))
    current = ex.load_existing(conn, part.kind, [db for _, _, db in resolved], refs)
    seen: dict[tuple, int] = {}
    codes: dict[str, int] = {}
    new_edges: list[tuple[int, int, int]] = []
    for done, (row, values, db) in enumerate(resolved, start=1):
        key = ex.key_of(part.kind, db)
        label = ex.label(part.kind, values)
        problems = []
        if key in seen:
            problems.append(Problem("duplicate_key", f"the key {label!r} is already on row "
                                    f"{seen[key]} (keys are compared ignoring case and spaces)",
                                    row=row, column=part.key_column, value=label, kind=part.kind))
        seen.setdefault(key, row)
        before = ex.match(part.kind, key, db, current, refs)
        problems += _clashes(part, row, db, before, refs, codes)
        if problems:
            plan.problems.extend(problems)
            plan.outcomes.append(Outcome(part.kind, row, label, "reject"))
            continue
        merged = with_defaults(part.kind, values, create=before is None)
        check = {**(before or {}), **merged}
        broken = [Problem(rule, message, row=row, column=col, value=shown(check.get(col)),
                          kind=part.kind) for col, rule, message in row_rules(part.kind, check)]
        if broken:
            plan.problems.extend(broken)
            plan.outcomes.append(Outcome(part.kind, row, label, "reject"))
            continue
        db = {**db, **{k: v for k, v in merged.items()
                       if k not in _REF_COLUMNS and not (k == "role" and v is None)}}
        if part.kind == "dependencies" and before is None:
            new_edges.append((row, db["predecessor_id"], db["successor_id"]))
        plan.outcomes.append(_classify(part.kind, row, label, db, before, plan))
        if progress and (done % 5000 == 0 or done == len(resolved)):
            progress("plan", done, len(resolved))
    if new_edges:
        _check_cycles(part, new_edges, current, refs, plan)


def _clashes(part: Part, row: int, db: dict, before: dict | None, refs: Refs,
             codes: dict[str, int]) -> list[Problem]:
    """Keys or codes that already belong to another record, and locked reports."""
    out = []
    where = {"row": row, "kind": part.kind}
    if part.kind == "projects":
        code = norm_key(db["code"])
        owner = refs.by_code.get(code)
        if code in codes:
            out.append(Problem("duplicate_code", f"the code {db['code']!r} is already on row "
                               f"{codes[code]}", column="code", value=db["code"], **where))
        codes.setdefault(code, row)
        if owner is not None and (before is None or owner["id"] != before["id"]):
            out.append(Problem("code_taken", f"the code {db['code']!r} already belongs to the "
                               f"project with key {owner['external_key']!r}", column="code",
                               value=db["code"], **where))
        if before is not None and before["id"] not in refs.visible:
            out.append(Problem("outside_scope", "this project is outside your scope",
                               column="key", value=db["external_key"], **where))
    elif before is not None and "project_id" in db and before.get("project_id") != db["project_id"]:
        out.append(Problem("key_taken", f"the key {db['external_key']!r} already belongs to a "
                           f"record of another project", column="key",
                           value=db["external_key"], **where))
    if part.kind == "status_reports" and before is not None and before.get("locked"):
        if any(ex.differs(before.get(k), v) for k, v in db.items()):
            out.append(Problem("locked", "this status report is locked: it cannot be changed",
                               column="period", value=shown(db.get("period")), **where))
    return out


def _classify(kind: str, row: int, label: str, db: dict, before: dict | None,
              plan: Plan) -> Outcome:
    if before is None:
        plan.writes.append(Write(kind, "create", db))
        return Outcome(kind, row, label, "create")
    changes = {k: (before.get(k), v) for k, v in db.items() if ex.differs(before.get(k), v)}
    if not changes:
        return Outcome(kind, row, label, "unchanged")
    plan.writes.append(Write(kind, "update", {k: v for k, (_, v) in changes.items()},
                             id=before["id"], version=before.get("version")))
    return Outcome(kind, row, label, "update", changes)


def _check_cycles(part: Part, new_edges: list[tuple[int, int, int]], current: dict,
                  refs: Refs, plan: Plan) -> None:
    """A new edge p -> s closes a cycle when p is reachable from s: reject it, name the path."""
    graph: dict[int, set[int]] = {}
    for pred, succ in current:
        graph.setdefault(pred, set()).add(succ)
    for _, pred, succ in new_edges:
        graph.setdefault(pred, set()).add(succ)
    codes = {p["id"]: p["code"] for p in refs.projects}
    bad = set()
    for row, pred, succ in new_edges:
        path = _path(graph, succ, pred)
        if path:
            names = " -> ".join(codes.get(i, str(i)) for i in [pred, *path])
            plan.problems.append(Problem("circular_dependency", f"circular dependency: {names}",
                                         row=row, column="successor", value=codes.get(succ, ""),
                                         kind=part.kind))
            bad.add(row)
    if bad:
        plan.writes = [w for w in plan.writes if not (w.kind == part.kind and w.action == "create"
                       and any(w.values["predecessor_id"] == p and w.values["successor_id"] == s
                               for r, p, s in new_edges if r in bad))]
        for o in plan.outcomes:
            if o.kind == part.kind and o.row in bad:
                o.action = "reject"


def _path(graph: dict[int, set[int]], start: int, goal: int) -> list[int]:
    """Nodes from ``start`` to ``goal`` (inclusive), or [] when unreachable."""
    parent: dict[int, int | None] = {start: None}
    todo = [start]
    while todo:
        node = todo.pop()
        if node == goal:
            path = [node]
            while parent[path[-1]] is not None:
                path.append(parent[path[-1]])
            return path[::-1]
        for nxt in graph.get(node, ()):
            if nxt not in parent:
                parent[nxt] = node
                todo.append(nxt)
    return []

