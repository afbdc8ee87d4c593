"""``pmo import FILE [--dry-run] [--kind KIND] [--project CODE]``: a template CSV/XLSX or a
scheduling file (mpxj) checked, diffed and written all or nothing, with a progress bar."""

from __future__ import annotations

import getpass
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from cli.errors import clean_errors, fail
from data_access.engine import get_engine
from data_access.imports import (KINDS, ImportConflict, ImportRejected, Plan, dry_run as plan_only,
                                 import_batch, is_schedule, read_file)
from data_access.imports.mpp import JavaUnavailable
from data_access.scope import SYSTEM

MAX_SHOWN = 50


def register(app: typer.Typer) -> None:
    app.command("import")(import_file)


@contextmanager
def _progress() -> Iterator:
    columns = (TextColumn("{task.description:<10}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())
    with Progress(*columns, transient=True, console=Console(stderr=True)) as bar:
        tasks: dict[str, int] = {}

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        yield update


def _console() -> Console:
    return Console(width=None if sys.stdout.isatty() else 160, highlight=False)


def print_report(plan: Plan, console: Console) -> None:
    summary = Table("kind", "create", "update", "unchanged", "reject", title="Import plan")
    for kind, counts in plan.counts().items():
        summary.add_row(Text(kind), *(str(counts[a]) for a in ("create", "update", "unchanged",
                                                               "reject")))
    console.print(summary)
    if not plan.problems:
        return
    problems = Table("row", "column", "value", "rule", "message", title="Problems")
    for p in plan.problems[:MAX_SHOWN]:
        cells = ("" if p.row is None else str(p.row), p.column or "", p.value,
                 p.rule if p.is_error else f"{p.rule} (warning)", p.message)
        problems.add_row(*(Text(c) for c in cells))      # file text is never rich markup
    console.print(problems)
    if len(plan.problems) > MAX_SHOWN:
        console.print(f"... and {len(plan.problems) - MAX_SHOWN} more problems", markup=False)


@clean_errors
def import_file(
    file: Path = typer.Argument(..., help="a template .csv/.xlsx, or a scheduling file "
                                          "(.mpp, .xml, .xer...)"),
    dry_run: bool = typer.Option(False, "--dry-run", help="check and show the plan, write "
                                                          "nothing"),
    kind: str | None = typer.Option(None, help="template: " + ", ".join(KINDS) + " (default: "
                                               "recognised from the header)"),
    project: str | None = typer.Option(None, help="code or key of the project a scheduling "
                                                  "file maps into"),
) -> None:
    """Import a file: every problem is reported, and nothing is written if there is one."""
    if kind is not None and kind not in KINDS:
        fail(f"unknown --kind {kind!r}: choose one of {', '.join(KINDS)}")
    if is_schedule(file.name) and not project:
        fail("a scheduling file maps into one project: give --project CODE")
    if not file.is_file():
        fail(f"no such file: {file}")
    data = file.read_bytes()
    engine = get_engine()
    console = _console()
    try:
        with _progress() as progress:
            batch = read_file(data, file.name, kind=kind, project=project, progress=progress)
            if dry_run:
                plan = plan_only(engine, batch, SYSTEM, progress=progress)
            else:
                plan = import_batch(engine, batch, f"cli:{getpass.getuser()}"[:64], SYSTEM,
                                    progress=progress)
    except JavaUnavailable as exc:
        fail(str(exc))
    except ImportRejected as exc:
        print_report(exc.plan, console)
        fail(f"{len(exc.plan.errors)} problem(s): nothing was imported")
    except ImportConflict as exc:
        fail(str(exc))
    print_report(plan, console)
    totals = plan.totals()
    if not plan.ok:
        fail(f"{len(plan.errors)} problem(s): this file would not be imported")
    verb = "would import" if dry_run else "imported"
    console.print(f"{verb} {file.name}: {totals['create']} created, {totals['update']} updated, "
                  f"{totals['unchanged']} unchanged", markup=False)
