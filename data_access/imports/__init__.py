"""Import of the documented CSV/XLSX templates and of native scheduling files (via mpxj).

``read_file`` parses and checks a file without the database (a :class:`Batch`); ``dry_run``
plans it against the database (created / updated / unchanged / rejected, every problem);
``import_batch`` writes it all or nothing with an ``import.batch`` audit entry.
"""

from __future__ import annotations

from collections.abc import Callable

from data_access.imports.apply import ImportConflict, ImportRejected, dry_run, import_batch
from data_access.imports.batch import Batch, Part, safe_name, sha256
from data_access.imports.plan import Plan
from data_access.imports.problems import FileRejected, Problem
from data_access.imports.templates import KINDS, TEMPLATES, template

__all__ = ["Batch", "FileRejected", "ImportConflict", "ImportRejected", "KINDS", "Plan",
           "Problem", "TEMPLATES", "dry_run", "import_batch", "is_schedule", "read_file",
           "template"]

Progress = Callable[[str, int, int], None]


def is_schedule(filename: str) -> bool:
    """Whether ``filename`` is a scheduling file read through mpxj (.mpp, .xer, MSPDI .xml...)."""
    from data_access.imports.mpp import SCHEDULE_SUFFIXES
    from data_access.imports.parse import suffix_of

    return suffix_of(filename) in SCHEDULE_SUFFIXES


def read_file(data: bytes, filename: str, *, kind: str | None = None, project: str | None = None,
              progress: Progress | None = None) -> Batch:
    """Parse and check ``data``; file-level failures become a problem of the batch."""
    from data_access.imports.parse import read_table
    from data_access.imports.validate import detect_kind, header_names

    batch = Batch(filename=safe_name(filename), sha256=sha256(data), source="", project=project)
    if is_schedule(filename):
        from data_access.imports.mpp import read_schedule

        batch.source = "schedule"
        if not project:
            raise ValueError("a scheduling file maps into one project: name it (its code or key)")
        try:
            tables = read_schedule(data, filename, project, progress=progress)
        except FileRejected as exc:
            batch.problems.append(exc.problem)
            return batch
        for part_kind, table in tables.items():
            _add(batch, part_kind, table, progress)
        return batch
    if kind is not None:
        template(kind)
    batch.source = "xlsx" if filename.lower().endswith((".xlsx", ".xlsm")) else "csv"
    try:
        table = read_table(data, filename, progress=progress, header_names=header_names(kind))
        kind = kind or detect_kind(table)
    except FileRejected as exc:
        batch.problems.append(exc.problem)
        return batch
    except ValueError as exc:
        batch.problems.append(Problem("unknown_template", str(exc)))
        return batch
    _add(batch, kind, table, progress)
    return batch


def _add(batch: Batch, kind: str, table, progress: Progress | None) -> None:
    from data_access.imports.validate import check_table

    records, problems = check_table(table, TEMPLATES[kind], progress=progress)
    batch.parts.append(Part(kind, records))
    batch.problems.extend(problems)
