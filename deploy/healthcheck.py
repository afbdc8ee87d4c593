#!/usr/bin/env python3
"""Health check for one PMO Cockpit replica: exit 0 when healthy, 1 (one line on stderr) when not.

Checks the database (``SELECT 1`` on ``PMO_DATABASE_URL``, or ``--url``) and, with ``--app-url``,
the Streamlit server's own endpoint (``http://127.0.0.1:8501/_stcore/health`` answers ``ok``).
A missing SQLite file is unhealthy (it is never created here). Passwords are never printed.

    python deploy/healthcheck.py [--url URL] [--app-url URL] [--timeout SECONDS]
"""

from __future__ import annotations

import argparse
import os
import sys
import urllib.error
import urllib.request
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError


class Unhealthy(Exception):
    """A check failed; the message is the one line printed."""


def _one_line(exc: BaseException) -> str:
    """The first line of the driver's own message (SQLAlchemy wraps it in a long text)."""
    inner = getattr(exc, "orig", None) or exc
    lines = [line.strip() for line in str(inner).splitlines() if line.strip()]
    return lines[0] if lines else type(inner).__name__


def _parse(raw: str) -> URL:
    try:
        url = make_url(raw)
    except ArgumentError:
        raise Unhealthy("PMO_DATABASE_URL is not a database URL (expected e.g. "
                        "postgresql://user:password@host/db or sqlite:///path/pmo.db)") from None
    backend = url.get_backend_name()
    if backend == "sqlite":
        if not url.database or url.database == ":memory:":
            raise Unhealthy("PMO_DATABASE_URL names no SQLite file")
        if not Path(url.database).is_file():
            raise Unhealthy(f"SQLite database {url.database} does not exist")
    elif backend == "postgresql":
        if url.drivername == "postgresql":
            url = url.set(drivername="postgresql+psycopg")
    else:
        raise Unhealthy(f"unsupported database backend {backend!r} (sqlite or postgresql)")
    return url


def check_database(raw_url: str, timeout: float) -> str:
    """``SELECT 1`` on ``raw_url``; returns a short description of what was checked."""
    url = _parse(raw_url)
    if url.get_backend_name() == "sqlite":
        connect_args: dict[str, object] = {"timeout": timeout}
    else:
        connect_args = {"connect_timeout": max(1, int(timeout))}
    shown = url.render_as_string(hide_password=True)
    try:
        engine = create_engine(url, connect_args=connect_args)
        try:
            with engine.connect() as conn:
                value = conn.execute(text("SELECT 1")).scalar_one()
        finally:
            engine.dispose()
    except SQLAlchemyError as exc:
        raise Unhealthy(f"database {shown} unreachable: {_one_line(exc)}") from None
    if value != 1:
        raise Unhealthy(f"database {shown} answered {value!r} to SELECT 1")
    return f"database {shown}"


def check_app(app_url: str, timeout: float) -> str:
    """GET ``app_url`` (Streamlit's /_stcore/health): 200 and body ``ok``."""
    try:
        with urllib.request.urlopen(app_url, timeout=timeout) as resp:  # noqa: S310 - operator URL
            body = resp.read(64).decode("utf-8", "replace").strip()
            status = resp.status
    except urllib.error.HTTPError as exc:
        raise Unhealthy(f"app {app_url} answered HTTP {exc.code}") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise Unhealthy(f"app {app_url} unreachable: {reason}") from None
    if status != 200 or body != "ok":
        raise Unhealthy(f"app {app_url} answered HTTP {status} {body!r}, expected 200 'ok'")
    return f"app {app_url}"


def _default_url() -> str:
    if os.environ.get("PMO_DATABASE_URL"):
        return os.environ["PMO_DATABASE_URL"]
    from data_access.settings import get_settings  # .env file and the built-in default

    return get_settings().database_url


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="database URL (default: PMO_DATABASE_URL)")
    parser.add_argument("--app-url",
                        help="also check this URL, e.g. http://127.0.0.1:8501/_stcore/health")
    parser.add_argument("--timeout", type=float, default=5.0, help="seconds per check (default 5)")
    args = parser.parse_args(argv)
    try:
        checked = [check_database(args.url or _default_url(), args.timeout)]
        if args.app_url:
            checked.append(check_app(args.app_url, args.timeout))
    except Unhealthy as exc:
        print(f"unhealthy: {exc}", file=sys.stderr)
        return 1
    print("healthy: " + ", ".join(checked))
    return 0


if __name__ == "__main__":
    sys.exit(main())
