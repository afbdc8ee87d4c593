"""``pmo secrets ensure``: a random cookie key in .streamlit/secrets.toml (never committed)."""

from __future__ import annotations

import os
import secrets as pysecrets
import tomllib
from pathlib import Path

import typer

from cli.errors import clean_errors, fail
from data_access.settings import PROJECT_ROOT, cookie_key_problem

app = typer.Typer(help="Manage local secrets.", no_args_is_help=True)
SECRETS_FILE = PROJECT_ROOT / ".streamlit" / "secrets.toml"


def existing_key(path: Path) -> str | None:
    if not path.exists():
        return None
    try:
        return tomllib.loads(path.read_text(encoding="utf-8")).get("auth", {}).get("cookie_key")
    except tomllib.TOMLDecodeError as exc:
        fail(f"{path} is not valid TOML ({exc}); fix or delete it")
    return None


@app.command("ensure")
@clean_errors
def ensure(path: Path = typer.Option(SECRETS_FILE, help="secrets file to create or check")) -> None:
    """Create a random 64-byte cookie key unless a valid one is already configured."""
    if os.environ.get("PMO_COOKIE_KEY"):
        problem = cookie_key_problem(os.environ["PMO_COOKIE_KEY"])
        if problem:
            fail(f"PMO_COOKIE_KEY: {problem}")
        typer.echo("cookie key: from PMO_COOKIE_KEY")
        return
    key = existing_key(path)
    if key is not None:
        problem = cookie_key_problem(key)
        if problem:
            fail(f"{path}: {problem}; delete the [auth] cookie_key line to regenerate it")
        typer.echo(f"cookie key: kept in {path}")
        return
    if path.exists():
        fail(f"{path} exists without [auth] cookie_key; add one or delete the file")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(f'[auth]\ncookie_key = "{pysecrets.token_urlsafe(64)}"\n')
    typer.echo(f"cookie key: generated in {path} (mode 600, git-ignored)")
