"""Entry point of ``pmo``: init, seed, users, secrets."""

from __future__ import annotations

import datetime as dt

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from cli import exports, imports, secrets, users
from cli.kpis import kpis
from cli.kpi_refresh import kpi_refresh, refresh_with_progress
from cli.prioritise import prioritise
from cli.template_export import register_templates
from cli.errors import clean_errors, fail
from data_access.bulk import is_empty, seed_database
from data_access.demo_accounts import ensure_demo_accounts
from data_access.engine import get_engine
from data_access.migrate import current_revision, head_revision, upgrade

app = typer.Typer(help="PMO Cockpit command line (acts on PMO_DATABASE_URL).", no_args_is_help=True,
                  pretty_exceptions_enable=False)
app.add_typer(users.app, name="users")
app.add_typer(secrets.app, name="secrets")
kpis_app = typer.Typer(help="KPIs, and the KPI store.", pretty_exceptions_enable=False)
kpis_app.callback(invoke_without_command=True)(kpis)
kpis_app.command("refresh")(kpi_refresh)
app.add_typer(kpis_app, name="kpis")
app.command("prioritise")(prioritise)
imports.register(app)
exports.register(app)
register_templates(exports.export_app)   # pmo export templates

SCALES = ("demo", "S", "M", "L")


@app.command()
@clean_errors
def init() -> None:
    """Create the database schema, or migrate it to the newest version; then bring the KPI
    store up to date (every project after the migration that creates it, or on a new day)."""
    engine = get_engine()
    before = current_revision(engine)
    upgrade(engine)
    after = head_revision()
    typer.echo("schema up to date" if before == after else f"schema migrated: {before or 'empty'} -> {after}")
    refresh_with_progress(engine, everything=False)  # an upgrade leaves the KPI store fresh


@app.command()
@clean_errors
def seed(
    scale: str = typer.Option("demo", help="demo (~60 projects), S (200), M (5,000) or L (50,000)"),
    seed_: int = typer.Option(42, "--seed", help="random seed (same seed, same portfolio)"),
    if_empty: bool = typer.Option(False, "--if-empty", help="do nothing when projects exist"),
    today: str | None = typer.Option(None, help="status date YYYY-MM-DD the story is built around"),
) -> None:
    """Fill an empty database with a generated portfolio (and the demo accounts)."""
    if scale not in SCALES:
        fail(f"unknown scale {scale!r}: choose one of {', '.join(SCALES)}")
    try:
        status_date = dt.date.fromisoformat(today) if today else None
    except ValueError:
        fail(f"--today must be a date as YYYY-MM-DD, not {today!r}")
    engine = get_engine()
    upgrade(engine)
    if not is_empty(engine):
        if if_empty:
            typer.echo("database already holds a portfolio: not seeding")
            return
        fail("the database already holds projects; seed an empty database")
    columns = (TextColumn("{task.description:<18}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, transient=False) as bar:
        tasks: dict[str, int] = {}

        def progress(table: str, done: int, total: int) -> None:
            if table not in tasks:
                tasks[table] = bar.add_task(table, total=total)
            bar.update(tasks[table], completed=done)

        counts = seed_database(engine, scale=scale, seed=seed_, today=status_date, progress=progress)
    typer.echo(f"seeded scale {scale}: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
    refresh_with_progress(engine, everything=True, as_of=status_date)
    for username, password in ensure_demo_accounts(engine):
        typer.echo(f"demo login: {username} / {password}")


if __name__ == "__main__":  # pragma: no cover
    app()
