#!/usr/bin/env bash
# Back up the PMO Cockpit database named by PMO_DATABASE_URL, keeping the newest BACKUP_KEEP copies.
#
#   PostgreSQL: pg_dump in custom format (-Fc: compressed, restorable table by table with
#               pg_restore), written to a temporary name and renamed when complete.
#   SQLite:     deploy/sqlite_backup.py (SQLite's online backup API: safe while the app runs).
#
# Environment:
#   PMO_DATABASE_URL  the database (required; postgresql://... or sqlite:///...)
#   BACKUP_DIR        where backups go (default: ./backups)
#   BACKUP_KEEP       newest backups kept (default: 14)
#   PYTHON            Python 3 interpreter for the SQLite backup (default: python3)
#
# Restore (PostgreSQL): stop the replicas, then
#   pg_restore --clean --if-exists --no-owner --dbname "$URL" backups/pmo-YYYYmmddTHHMMSSZ.dump
# Run it from cron or a systemd timer, e.g. daily: 15 2 * * * /opt/pmo-cockpit/deploy/backup.sh
set -euo pipefail

die() { echo "error: backup: $*" >&2; exit 1; }

url="${PMO_DATABASE_URL:-}"
[ -n "$url" ] || die "PMO_DATABASE_URL is not set"
dir="${BACKUP_DIR:-./backups}"
keep="${BACKUP_KEEP:-14}"
case "$keep" in ''|*[!0-9]*|0) die "BACKUP_KEEP must be a whole number of at least 1, not '$keep'" ;; esac
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

mkdir -p "$dir"
umask 077  # dumps hold every user's data and password hashes

case "$url" in
  postgresql://*|postgresql+*://*|postgres://*)
    command -v pg_dump >/dev/null || die "pg_dump not found (install postgresql-client of the server's major version)"
    # libpq does not know SQLAlchemy's +driver suffix: plain postgresql://. The password in the
    # URL is visible to local users in `ps`; prefer a ~/.pgpass file (and no password in the URL).
    libpq_url="postgresql://${url#*://}"
    stamp="$(date -u +%Y%m%dT%H%M%SZ)"
    target="$dir/pmo-$stamp.dump"
    partial="$target.partial"
    trap 'rm -f "$partial"' EXIT
    pg_dump --format=custom --no-owner --dbname="$libpq_url" --file="$partial" \
      || die "pg_dump failed (see above); no backup written"
    pg_restore --list "$partial" >/dev/null || die "the dump is unreadable by pg_restore"
    mv "$partial" "$target"
    trap - EXIT
    # Retention: names sort by time; delete all but the newest $keep.
    ls -1 "$dir"/pmo-*.dump 2>/dev/null | sort | head -n "-$keep" | while IFS= read -r old; do
      rm -f -- "$old"
    done
    echo "$target"
    ;;
  sqlite:///*)
    db="${url#sqlite:///}"
    db="${db%%\?*}"
    "${PYTHON:-python3}" "$here/sqlite_backup.py" "$db" "$dir" --keep "$keep"
    ;;
  *)
    die "unsupported PMO_DATABASE_URL scheme (postgresql:// or sqlite:///)"
    ;;
esac
