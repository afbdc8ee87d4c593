#!/usr/bin/env python3
"""Online backup of the embedded SQLite database, safe while the app is running.

Uses SQLite's backup API (``sqlite3.Connection.backup``) in ONE step: the copy is a consistent
snapshot taken under a read transaction; in WAL mode the app's writers are not blocked meanwhile
(a plain ``cp`` of a live database can copy a torn file and misses the ``-wal`` file).
The copy is written to a temporary name, checked (``PRAGMA integrity_check``), synced and then
renamed, so a backup file that exists is complete. Only the ``--keep`` newest backups are kept.

    python deploy/sqlite_backup.py SOURCE.db BACKUP_DIR [--keep N]

Prints the path of the new backup; errors are one line on stderr and exit status 1.
Restore: stop the app, copy the backup over the database file (delete any ``-wal``/``-shm``
next to it), start the app.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sqlite3
import sys
from pathlib import Path

PREFIX = "pmo-"
SUFFIX = ".sqlite3"


class BackupError(Exception):
    """The backup could not be made; the message says why."""


def backup_name(now: dt.datetime) -> str:
    """``pmo-YYYYmmddTHHMMSSffffffZ.sqlite3``: sorts by time, unique to the microsecond."""
    return f"{PREFIX}{now.astimezone(dt.timezone.utc):%Y%m%dT%H%M%S%fZ}{SUFFIX}"


def backup(source: Path, target: Path, busy_timeout: float = 30.0) -> None:
    """Copy the live database ``source`` to the new file ``target`` (atomically)."""
    if not source.is_file():
        raise BackupError(f"{source} does not exist")
    partial = target.with_name(target.name + ".partial")
    # mode=rw: never create an empty database when the path is wrong.
    src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=rw", uri=True, timeout=busy_timeout)
    try:
        try:
            src.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"{source} is not a SQLite database: {exc}") from None
        dst = sqlite3.connect(partial)
        try:
            src.backup(dst, pages=-1)  # one step: a consistent snapshot, never restarted
            result = dst.execute("PRAGMA integrity_check").fetchone()[0]
            if result != "ok":
                raise BackupError(f"integrity check of the copy failed: {result}")
        finally:
            dst.close()
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        src.close()
    with open(partial, "rb+") as fh:
        os.fsync(fh.fileno())
    os.replace(partial, target)


def prune(directory: Path, keep: int) -> list[Path]:
    """Delete all but the ``keep`` newest backups in ``directory``; returns the deleted ones."""
    backups = sorted(p for p in directory.glob(f"{PREFIX}*{SUFFIX}") if p.is_file())
    doomed = backups[:-keep] if keep > 0 else backups
    for path in doomed:
        path.unlink()
    return doomed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Online backup of the embedded SQLite database.")
    parser.add_argument("source", type=Path, help="the live database, e.g. data/pmo.db")
    parser.add_argument("directory", type=Path, help="directory receiving the backups")
    parser.add_argument("--keep", type=int, default=14, help="newest backups kept (default 14)")
    args = parser.parse_args(argv)
    if args.keep < 1:
        print("error: --keep must be at least 1", file=sys.stderr)
        return 1
    os.umask(0o077)  # backups hold every user's data and password hashes: owner only
    try:
        args.directory.mkdir(parents=True, exist_ok=True)
        target = args.directory / backup_name(dt.datetime.now(dt.timezone.utc))
        backup(args.source, target)
        prune(args.directory, args.keep)
    except (BackupError, sqlite3.Error, OSError) as exc:
        print(f"error: sqlite backup of {args.source} failed: {exc}", file=sys.stderr)
        return 1
    print(target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
