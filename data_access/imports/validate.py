"""Rules that need no database: headers, every cell's type and range, and each row's own
consistency (an end before its start, a gate without its type...). References, duplicates and
cycles are checked in plan.py, where the database is known."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from data_access.imports import values as v
from data_access.imports.parse import RawTable, normalise_header
from data_access.imports.problems import Problem
from data_access.imports.templates import TEMPLATES, Column, Template
from data_access.imports.xlsx import FormulaWithoutValue

Progress = Callable[[str, int, int], None]


@dataclass
class Record:
    """One row that passed the checks of this module: typed values by template column."""

    row: int
    values: dict[str, object]


def header_names(kind: str | None) -> frozenset[str]:
    """Normalised names a header row of ``kind`` (any kind when None) may contain."""
    templates = [TEMPLATES[kind]] if kind else list(TEMPLATES.values())
    return frozenset(n for t in templates for c in t.columns for n in (c.name, *c.aliases))


def _lookup(template: Template) -> dict[str, Column]:
    return {name: c for c in template.columns for name in (c.name, *c.aliases)}


def detect_kind(table: RawTable) -> str:
    """The one template whose required columns all appear in the header (else ValueError)."""
    found = {normalise_header(h) for h in table.headers}
    fits = []
    for t in TEMPLATES.values():
        names = _lookup(t)
        present = {names[h].name for h in found if h in names}
        if set(t.required) <= present:
            fits.append((len(present), t.kind))
    fits.sort(reverse=True)
    if not fits:
        raise ValueError("the columns do not match any template: choose the kind "
                         f"({', '.join(TEMPLATES)}) and check the header against its template")
    if len(fits) > 1 and fits[0][0] == fits[1][0]:
        raise ValueError(f"the columns fit several templates ({fits[0][1]}, {fits[1][1]}): "
                         f"choose the kind")
    return fits[0][1]


def map_headers(table: RawTable, template: Template) -> tuple[dict[str, int], list[Problem]]:
    """Template column -> index in the row; missing, duplicated and unknown headers reported."""
    names = _lookup(template)
    where: dict[str, int] = {}
    problems: list[Problem] = []
    row = table.header_row
    for index, header in enumerate(table.headers):
        key = normalise_header(header)
        if not key:
            problems.append(Problem.warn("blank_header", f"column {index + 1} has no header: "
                                         f"ignored", row=row))
        elif key not in names:
            problems.append(Problem.warn("unknown_column", f"column {header!r} is not in the "
                                         f"{template.kind} template: ignored", row=row,
                                         column=header))
        elif names[key].name in where:
            problems.append(Problem("duplicate_column", f"column {names[key].name!r} appears "
                                    f"twice (columns {where[names[key].name] + 1} and "
                                    f"{index + 1})", row=row, column=header))
        else:
            where[names[key].name] = index
    for name in template.required:
        if name not in where:
            problems.append(Problem("missing_column", f"required column {name!r} is missing "
                                    f"from the header", row=row, column=name))
    return where, problems


def convert(column: Column, raw: object, *, decimal_comma: bool, excel: bool) -> object:
    """The checked value of one cell (None when empty); CellError when it cannot be read."""
    if isinstance(raw, FormulaWithoutValue):
        raise v.CellError("formula_without_value", f"the formula {raw[:40]} has no saved value: "
                                                   f"open and save the file in Excel or "
                                                   f"LibreOffice, or paste values")
    if v.blank(raw):
        return None
    if isinstance(raw, str) and v.clean_text(raw) in v.EXCEL_ERRORS:
        raise v.CellError("formula_error", f"the spreadsheet shows the error {v.clean_text(raw)}, "
                                           f"not a value")
    kind = column.type
    if kind in ("key", "text", "ref"):
        return v.text(raw, column.max_len)
    if kind == "longtext":
        return v.text(raw, column.max_len, multiline=True)
    if kind == "choice":
        return v.choice(raw, column.allowed)
    if kind == "bool":
        return v.boolean(raw)
    if kind == "date":
        return v.date(raw, excel=excel)
    if kind == "month":
        return v.month(raw, excel=excel)
    if kind == "int":
        out: float = v.integer(raw, decimal_comma=decimal_comma)
    elif kind == "percent":
        out = v.percent(raw, decimal_comma=decimal_comma)
    else:
        out = v.number(raw, decimal_comma=decimal_comma)
        out = round(out, 2) if kind == "money" else out
    _check_range(column, out)
    return out


def _check_range(column: Column, value: float) -> None:
    low, high = column.low, column.high
    if low == 0 and value < 0:
        raise v.CellError("negative", f"must not be negative ({value:g})")
    if (low is not None and value < low) or (high is not None and value > high):
        raise v.CellError("out_of_range", f"{value:g} is outside {low:g} to {high:g}")


def check_table(table: RawTable, template: Template, *,
                progress: Progress | None = None) -> tuple[list[Record], list[Problem]]:
    """Typed records of the rows without error, and every problem found."""
    where, problems = map_headers(table, template)
    problems = [*table.notes, *problems]
    if any(p.is_error for p in problems):
        return [], problems
    records: list[Record] = []
    total = len(table.rows)
    for done, (row, cells) in enumerate(table.rows, start=1):
        values: dict[str, object] = {}
        found: list[Problem] = []
        for name, index in where.items():
            column = template.column(name)
            raw = cells[index] if index < len(cells) else None
            try:
                values[name] = convert(column, raw, decimal_comma=table.decimal_comma,
                                       excel=table.excel)
            except v.CellError as err:
                found.append(Problem(err.rule, str(err), row=row, column=name, value=v.shown(raw)))
                continue
            if values[name] is None and column.required:
                found.append(Problem("required", "a value is required", row=row, column=name))
        if not found:
            found = [Problem(rule, message, row=row, column=col, value=v.shown(values.get(col)))
                     for col, rule, message in
                     row_rules(template.kind, with_defaults(template.kind, values, create=True))]
        problems.extend(found)
        if not found:
            records.append(Record(row, values))
        if progress and (done % 5000 == 0 or done == total):
            progress("validate", done, total)
    return records, [p if p.kind else _with_kind(p, template.kind) for p in problems]


def _with_kind(problem: Problem, kind: str) -> Problem:
    from dataclasses import replace

    return replace(problem, kind=kind)


def _ordered(values: dict, start: str, end: str) -> list[tuple[str, str, str]]:
    a, b = values.get(start), values.get(end)
    if a is not None and b is not None and b < a:
        return [(end, "end_before_start", f"{end} {b.isoformat()} is before {start} "
                                          f"{a.isoformat()}")]
    return []


DEFAULTS: dict[str, dict[str, object]] = {
    "projects": {"bac": 0.0, "mandatory": False, "financial_value": 0.0, "strategic_fit": 3,
                 "urgency": 3, "compliance": 1, "risk_level": 3},
    "milestones": {"validation_state": "pending"},
    "costs": {"planned": 0.0},
    "risks": {"status": "open"},
    "dependencies": {"kind": "finish_to_start", "lag_days": 0},
}
"""Values of non-null columns left empty (or, for a new record, absent from the file)."""


def with_defaults(kind: str, values: dict, *, create: bool) -> dict:
    """``values`` with the defaults of empty cells; for a new record (``create``) also those of
    absent columns, and the derived ones (forecast = baseline, reported_on = period...)."""
    out = dict(values)
    for name, default in DEFAULTS.get(kind, {}).items():
        if out.get(name) is None and (create or name in out):
            out[name] = default
    derived = {"projects": (("forecast_start", "baseline_start"), ("forecast_end", "baseline_end")),
               "milestones": (("forecast_date", "baseline_date"),),
               "status_reports": (("reported_on", "period"),)}.get(kind, ())
    for name, source in derived:
        if out.get(name) is None and (create or name in out):
            out[name] = out.get(source)
    if kind == "milestones" and out.get("kind") is None and (create or "kind" in out):
        out["kind"] = "gate" if out.get("gate_type") else "milestone"
    return out


def row_rules(kind: str, values: dict) -> list[tuple[str, str, str]]:
    """(column, rule, message) for each inconsistency of one complete row."""
    out: list[tuple[str, str, str]] = []
    if kind == "projects":
        for pair in (("baseline_start", "baseline_end"), ("forecast_start", "forecast_end"),
                     ("actual_start", "actual_end")):
            out += _ordered(values, *pair)
        if values.get("actual_end") is not None and values.get("actual_start") is None:
            out.append(("actual_start", "required", "actual_start is needed when actual_end "
                                                     "is given"))
    elif kind == "milestones":
        if values.get("kind") == "gate" and not values.get("gate_type"):
            out.append(("gate_type", "gate_needs_type", "a gate needs its gate_type"))
        if values.get("kind") == "milestone" and values.get("gate_type"):
            out.append(("gate_type", "gate_type_on_milestone", "gate_type is only for kind gate"))
    elif kind == "risks":
        out += _ordered(values, "identified_on", "closed_on")
    elif kind == "assignments":
        if not values.get("person") and not values.get("role"):
            out.append(("role", "required", "give a role, a person, or both"))
    elif kind == "dependencies":
        pred, succ = values.get("predecessor"), values.get("successor")
        if pred and succ and v.norm_key(pred) == v.norm_key(succ):
            out.append(("successor", "self_dependency", "a project cannot depend on itself"))
    return out
