"""``pmo kpis refresh [--all]``: bring the KPI store up to date (what an upgrade runs)."""

from __future__ import annotations

import datetime as dt

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy import Engine

from cli.errors import clean_errors, fail
from data_access.engine import get_engine
from data_access.migrate import is_up_to_date
from kpi_refresh import RefreshResult, refresh


def refresh_with_progress(engine: Engine, *, everything: bool,
                          as_of: dt.date | None = None) -> RefreshResult:
    """Refresh with a progress bar; prints what was done, and each project that failed."""
    columns = (TextColumn("{task.description:<18}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())
    with Progress(*columns, transient=False) as bar:
        task = bar.add_task("KPI store", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        result = refresh(engine, everything=everything, as_of=as_of, progress=progress)
    if not result.refreshed and not result.failures:
        typer.echo(f"KPI store up to date (status date {result.as_of}, data version "
                   f"{result.data_version})")
    else:
        kind = "every project" if result.full else "the projects changed"
        typer.echo(f"KPI store refreshed: {result.refreshed:,} project(s), {kind}, status date "
                   f"{result.as_of}, data version {result.data_version}")
    for code, why in result.failures.items():
        typer.secho(f"not refreshed: {code}: {why}", err=True, fg=typer.colors.RED)
    return result


@clean_errors
def kpi_refresh(
    everything: bool = typer.Option(False, "--all", help="recompute every project"),
    as_of: str | None = typer.Option(None, "--as-of", help="status date YYYY-MM-DD (default today)"),
) -> None:
    """Recompute the stored KPIs of the projects changed since the last refresh (all with --all)."""
    try:
        status_date = dt.date.fromisoformat(as_of) if as_of else None
    except ValueError:
        fail(f"--as-of must be a date as YYYY-MM-DD, not {as_of!r}")
    engine = get_engine()
    if not is_up_to_date(engine):
        fail("the database schema is not up to date: run `pmo init` first")
    result = refresh_with_progress(engine, everything=everything, as_of=status_date)
    if result.failures:
        raise typer.Exit(1)
