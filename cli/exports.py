"""``pmo export xlsx|csv|pptx`` (the KPI set, a table of it, the steering pack) and
``pmo snapshot`` (freeze the KPI set at a date; safe from cron: re-running a date replaces it)."""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
from pathlib import Path

import typer

from analytics.kpis import KpiInputs, KpiSet, kpi_set
from analytics.snapshots import snapshot_rows
from analytics.steering import kpi_tables, steering_pack
from cli.errors import clean_errors, fail
from data_access.actions import actions_in_scope
from data_access.engine import get_engine
from data_access.exports import csv_bytes, xlsx_bytes
from data_access.migrate import is_up_to_date
from data_access.queries.portfolio import load_kpi_frames
from data_access.scope import SYSTEM, Scope
from data_access.settings import get_settings, today as settings_today
from data_access.snapshots import take_snapshot
from data_access.steering_pptx import pack_bytes, scope_label
from data_access.users import current_user

SNAPSHOT_ACTOR = "pmo snapshot"
export_app = typer.Typer(help="Export the KPI set (XLSX, CSV) or the steering pack (PPTX).",
                         no_args_is_help=True)

AS_OF = typer.Option(None, "--as-of", help="status date YYYY-MM-DD (default today)")
OUT = typer.Option(..., "--out", help="file to write (replaced atomically if it exists)")
USER = typer.Option(None, "--user", help="export only what this user may see (default: "
                                         "the whole portfolio)")


def _date(value: str | None, option: str = "--as-of") -> dt.date:
    if value is None:
        return settings_today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        fail(f"{option} must be a date as YYYY-MM-DD, not {value!r}")


def _scope(username: str | None) -> Scope:
    if username is None:
        return SYSTEM
    user = current_user(get_engine(), username)
    if user is None:
        fail(f"no enabled user named {username!r}")
    return user.scope


def _kpis(as_of: dt.date, scope: Scope) -> tuple[KpiSet, dict]:
    frames = load_kpi_frames(get_engine(), scope)
    return kpi_set(KpiInputs.from_mapping(frames), as_of=as_of), frames


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, then rename it over ``path``: a
    reader (or a crash) never sees half a file."""
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise OSError(f"cannot write {path}: folder {folder} does not exist")
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _done(path: Path, data: bytes, what: str) -> None:
    write_atomically(path, data)
    typer.echo(f"wrote {path} ({what}, {len(data):,} bytes)")


@export_app.command("xlsx")
@clean_errors
def export_xlsx(out: Path = OUT, as_of: str | None = AS_OF, user: str | None = USER) -> None:
    """The KPI set as a workbook, one sheet per table (formula-safe)."""
    kset, _ = _kpis(_date(as_of), _scope(user))
    tables = kpi_tables(kset)
    _done(out, xlsx_bytes(tables), f"{len(tables)} sheets")


@export_app.command("csv")
@clean_errors
def export_csv(table: str = typer.Option(..., "--table", help="a table of the KPI set"),
               out: Path = typer.Option(..., "--out", help="file to write, or - for stdout"),
               as_of: str | None = AS_OF, user: str | None = USER) -> None:
    """One table of the KPI set as CSV (UTF-8 with BOM, formula-safe)."""
    kset, _ = _kpis(_date(as_of), _scope(user))
    tables = kpi_tables(kset)
    if table not in tables:
        fail(f"unknown --table {table!r}: choose one of {', '.join(tables)}")
    data = csv_bytes(tables[table], bom=str(out) != "-")
    if str(out) == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    _done(out, data, f"{tables[table].height:,} rows")


@export_app.command("pptx")
@clean_errors
def export_pptx(out: Path = OUT, as_of: str | None = AS_OF, user: str | None = USER) -> None:
    """The steering-committee pack as an editable PowerPoint file (native charts)."""
    scope = _scope(user)
    kset, frames = _kpis(_date(as_of), scope)
    pack = steering_pack(kset, thresholds=frames["thresholds"],
                         actions=actions_in_scope(get_engine(), scope))
    label = scope_label(scope.role, scope.department_ids, frames["departments"])
    data = pack_bytes(pack, scope=label, currency_symbol=get_settings().currency_symbol)
    _done(out, data, f"{pack.in_trouble.height} projects in trouble")


@clean_errors
def snapshot(as_of: str | None = typer.Option(
        None, "--as-of", help="status date YYYY-MM-DD (default today); a past date is computed "
                              "from today's data as of that date")) -> None:
    """Freeze the KPI set (portfolio, departments, projects) at a date; re-running the same date
    replaces that date's snapshot in one transaction (safe from cron)."""
    day = _date(as_of)
    if day > settings_today():
        fail(f"--as-of {day.isoformat()} is in the future: a snapshot freezes what is known today")
    engine = get_engine()
    if not is_up_to_date(engine):
        fail("the database schema is not up to date: run `pmo init` first")
    kset, frames = _kpis(day, SYSTEM)
    rows = snapshot_rows(kset, frames["risks"], frames["departments"])
    counts = take_snapshot(engine, rows, as_of=day, actor=SNAPSHOT_ACTOR)
    replaced = f", replacing {counts['replaced']:,}" if counts["replaced"] else ""
    typer.echo(f"snapshot {day.isoformat()}: {counts['rows']:,} rows{replaced}")


def register(app: typer.Typer) -> None:
    """Add ``export`` (xlsx, csv, pptx) and ``snapshot`` to the ``pmo`` command."""
    app.add_typer(export_app, name="export")
    app.command("snapshot")(snapshot)
