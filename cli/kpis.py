"""``pmo kpis``: the KPI set at one grain, computed by exactly the code the pages use."""

from __future__ import annotations

import datetime as dt
import sys

import polars as pl
import typer
from rich.console import Console
from rich.table import Table

from analytics.kpis import GRAINS, KpiInputs, kpi_set
from cli.errors import clean_errors, fail
from data_access.engine import get_engine
from data_access.queries.portfolio import load_kpi_frames
from data_access.scope import SYSTEM
from data_access.settings import today as settings_today

FORMATS = ("table", "json", "csv")
MONEY = {"bac", "pv", "ev", "ac", "eac", "vac", "cv", "sv", "etc", "eac_cpi", "eac_atypical",
         "eac_composite"}
TABLE_COLUMNS = ("bac", "pv", "ev", "ac", "cpi", "spi", "eac", "vac", "tcpi_bac")


def _cell(column: str, value: object) -> str:
    if value is None:
        return "—"
    if column in MONEY:
        return f"{value:,.0f}"
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def _print_table(frame: pl.DataFrame, key: str, title: str) -> None:
    columns = [c for c in (("code", "name") if key == "project" else (key,)) if c in frame.columns]
    columns += [c for c in TABLE_COLUMNS if c in frame.columns]
    columns += ["spi_t"] if "spi_t" in frame.columns else []
    table = Table(*columns, title=title)
    for row in frame.select(columns).iter_rows(named=True):
        table.add_row(*(_cell(c, row[c]) for c in columns))
    Console(width=None if sys.stdout.isatty() else 200).print(table)


@clean_errors
def kpis(
    ctx: typer.Context,
    by: str = typer.Option("project", help="project, department or objective"),
    as_of: str | None = typer.Option(None, "--as-of", help="status date YYYY-MM-DD (default today)"),
    fmt: str = typer.Option("table", "--format", help="table, json or csv"),
    department: list[str] = typer.Option([], "--department", help="department code (repeatable)"),
) -> None:
    """Print earned value (and earned schedule per project) at the chosen grain
    (`pmo kpis refresh` keeps the KPI store fresh)."""
    if ctx.invoked_subcommand is not None:
        return
    if by not in GRAINS:
        fail(f"unknown --by {by!r}: choose one of {', '.join(GRAINS)}")
    if fmt not in FORMATS:
        fail(f"unknown --format {fmt!r}: choose one of {', '.join(FORMATS)}")
    try:
        status_date = dt.date.fromisoformat(as_of) if as_of else settings_today()
    except ValueError:
        fail(f"--as-of must be a date as YYYY-MM-DD, not {as_of!r}")
    frames = load_kpi_frames(get_engine(), SYSTEM)
    kset = kpi_set(KpiInputs.from_mapping(frames), as_of=status_date,
                   department_codes=department or None)
    table = kset.table(by)
    if fmt == "json":
        sys.stdout.write(table.write_json() + "\n")
    elif fmt == "csv":
        sys.stdout.write(table.write_csv())
    else:
        _print_table(table, by, f"KPIs by {by} at {status_date.isoformat()}")
