"""One clear line and a non-zero exit instead of a traceback."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable

import typer
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError


def fail(message: str, code: int = 1) -> None:
    typer.secho(f"error: {message}", err=True, fg=typer.colors.RED)
    raise typer.Exit(code)


def clean_errors(fn: Callable) -> Callable:
    """Turn expected failures into ``error: ...`` on stderr and exit status 1."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except typer.Exit:
            raise
        except OperationalError as exc:
            fail(f"cannot reach the database: {str(exc.orig).strip().splitlines()[0]}")
        except IntegrityError as exc:
            fail(f"the database refused the change: {str(exc.orig).strip().splitlines()[0]}")
        except SQLAlchemyError as exc:
            fail(f"database error: {str(exc).strip().splitlines()[0]}")
        except (ValueError, OSError) as exc:
            fail(str(exc))
        except KeyboardInterrupt:
            print("interrupted", file=sys.stderr)
            raise typer.Exit(130)

    return wrapper
