"""``pmo export templates --out DIR [--format csv|xlsx] [--kind KIND ...] [--user NAME]``: the
current data in the import templates' columns, one file per kind (DIR/projects.csv...), so
that ``pmo import DIR/projects.csv`` (projects first) reads it back unchanged."""

from __future__ import annotations

from pathlib import Path

import typer

from cli.errors import clean_errors, fail
from cli.exports import write_atomically
from data_access.engine import get_engine
from data_access.exports import csv_bytes, xlsx_bytes
from data_access.imports.export_templates import template_frames
from data_access.imports.templates import KINDS, TEMPLATES
from data_access.scope import SYSTEM, Scope
from data_access.users import current_user

FORMATS = ("csv", "xlsx")


def template_file(kind: str, frame, fmt: str) -> bytes:
    """One kind's frame as the bytes of DIR/<kind>.<fmt> (formula-safe; one sheet per workbook,
    named after the template, since the import reads one sheet)."""
    if fmt == "csv":
        return csv_bytes(frame)
    return xlsx_bytes({TEMPLATES[kind].title: frame})


def _scope(username: str | None) -> Scope:
    if username is None:
        return SYSTEM
    user = current_user(get_engine(), username)
    if user is None:
        fail(f"no enabled user named {username!r}")
    return user.scope


@clean_errors
def export_templates(
    out: Path = typer.Option(..., "--out", help="folder to write <kind>.csv or <kind>.xlsx into "
                                               "(created if missing; files replaced)"),
    fmt: str = typer.Option("csv", "--format", help="csv or xlsx"),
    kind: list[str] = typer.Option(None, "--kind", help="only this kind (repeatable): "
                                                        + ", ".join(KINDS)),
    user: str | None = typer.Option(None, "--user", help="export only what this user may see "
                                                         "(default: the whole portfolio)"),
) -> None:
    """The data as import templates, one file per kind: an export -> import round trip gives
    identical data (import projects first)."""
    if fmt not in FORMATS:
        fail(f"unknown --format {fmt!r}: choose csv or xlsx")
    kinds = list(dict.fromkeys(kind or KINDS))
    unknown = [k for k in kinds if k not in TEMPLATES]
    if unknown:
        fail(f"unknown --kind {unknown[0]!r}: choose one of {', '.join(KINDS)}")
    if out.exists() and not out.is_dir():
        fail(f"--out {out} is a file: give a folder")
    frames = template_frames(get_engine(), _scope(user), kinds)
    out.mkdir(exist_ok=True)
    for name, frame in frames.items():
        path = out / f"{name}.{fmt}"
        write_atomically(path, template_file(name, frame, fmt))
        typer.echo(f"wrote {path} ({frame.height:,} rows)")


def register_templates(app: typer.Typer) -> None:
    """Add ``templates`` to a typer app (the lead registers it on ``pmo export``)."""
    app.command("templates")(export_templates)
