"""``pmo users ...``: create and manage logins. Passwords come from a prompt or stdin only."""

from __future__ import annotations

import sys

import typer
from rich.console import Console
from rich.table import Table

from cli.errors import clean_errors, fail
from data_access import users as u
from data_access.engine import get_engine
from data_access.models.enums import ROLES

app = typer.Typer(help="Manage user accounts.", no_args_is_help=True)
ACTOR = "cli"


def _read_password(from_stdin: bool) -> str:
    if from_stdin or not sys.stdin.isatty():
        line = sys.stdin.readline()
        if not line:
            fail("no password on standard input")
        return line.rstrip("\r\n")
    first = typer.prompt("Password", hide_input=True)
    if typer.prompt("Repeat password", hide_input=True) != first:
        fail("the two passwords differ")
    return first


@app.command("add")
@clean_errors
def add(
    username: str,
    role: str = typer.Option(..., help=f"one of: {', '.join(ROLES)}"),
    department: list[str] = typer.Option([], "--department", help="department code (repeatable)"),
    name: str | None = typer.Option(None, help="display name"),
    email: str | None = typer.Option(None),
    person_id: int | None = typer.Option(None, help="the person a manager account manages as"),
    password_stdin: bool = typer.Option(False, help="read the password from standard input"),
) -> None:
    """Create a user; the password is prompted for (or read from stdin), never an argument."""
    u.check_username(username)
    password = _read_password(password_stdin)
    u.add_user(get_engine(), username=username, password=password, role=role, actor=ACTOR,
               display_name=name, department_codes=department, person_id=person_id, email=email)
    typer.echo(f"created user {username} ({role})")


@app.command("list")
@clean_errors
def list_() -> None:
    """List users with role, department scope and state."""
    table = Table("username", "name", "role", "departments", "disabled")
    for row in u.list_users(get_engine()):
        table.add_row(row["username"], row["display_name"], row["role"], row["departments"],
                      "yes" if row["disabled"] else "no")
    Console().print(table)


@app.command("set-role")
@clean_errors
def set_role(username: str, role: str) -> None:
    """Change a user's role (their open sessions are re-checked at once)."""
    u.set_role(get_engine(), username, role, actor=ACTOR)
    typer.echo(f"{username} is now {role}")


@app.command("disable")
@clean_errors
def disable(username: str) -> None:
    """Disable a login (its open sessions end on their next interaction)."""
    u.set_disabled(get_engine(), username, True, actor=ACTOR)
    typer.echo(f"{username} disabled")


@app.command("enable")
@clean_errors
def enable(username: str) -> None:
    u.set_disabled(get_engine(), username, False, actor=ACTOR)
    typer.echo(f"{username} enabled")


@app.command("set-password")
@clean_errors
def set_password(username: str, password_stdin: bool = typer.Option(False)) -> None:
    """Set a new password (prompted, or from stdin)."""
    u.set_password(get_engine(), username, _read_password(password_stdin), actor=ACTOR)
    typer.echo(f"password of {username} changed")
