#!/usr/bin/env bash
# The one list of the system packages PMO Cockpit needs, and the one place that installs them.
#   bash deploy/system-packages.sh run    what `make run` needs (a venv, Java for .mpp imports)
#   bash deploy/system-packages.sh test   what `make test` and .ci/run need (also PostgreSQL,
#                                         Chromium, nginx, openssl, make)
# Prints what it found. When something is missing: as root it installs it with apt-get; as
# another user it prints ONE line to run and exits 1, so that nothing starts half-equipped.
# Called by the Makefile (run, test) and by .ci/run.
set -euo pipefail

purpose="${1:-test}"
PYTHON="${PYTHON:-python3}"

have_postgres() {  # initdb and pg_ctl, on PATH or in Debian's versioned directories
    { command -v initdb && command -v pg_ctl; } >/dev/null 2>&1 && return 0
    local d
    for d in /usr/lib/postgresql/*/bin; do
        [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && return 0
    done
    return 1
}

missing=()
need() {  # need PACKAGE CHECK...: PACKAGE is missing unless the check succeeds
    local package="$1"; shift
    "$@" >/dev/null 2>&1 || missing+=("$package")
}

# Both: a virtual environment for .venv, and Java for mpxj (.mpp/.xml/.xer imports).
need python3-venv "$PYTHON" -c "import ensurepip, venv"
need default-jre-headless command -v java
case "$purpose" in
    run) ;;
    test)
        need postgresql have_postgres                 # the suite's throwaway server, pg_dump
        need chromium test -x /usr/bin/chromium       # tests/e2e drive the system Chromium
        need nginx test -x /usr/sbin/nginx            # tests/deploy run deploy/nginx.conf
        need openssl command -v openssl               # a throwaway certificate for nginx
        need make command -v make
        ;;
    *)
        echo "usage: $0 run|test" >&2
        exit 2
        ;;
esac

if [ "${#missing[@]}" -eq 0 ]; then
    echo "system packages for '$purpose': all present"
    exit 0
fi

line="apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
    echo "error: 'make $purpose' needs system packages that are missing; install them with:" >&2
    echo "    sudo apt-get update && sudo $line" >&2
    exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "error: missing system packages (${missing[*]}) and no apt-get to install them;" \
         "install their equivalents with this system's package manager" >&2
    exit 1
fi
echo "installing system packages for '$purpose': ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q </dev/null
# shellcheck disable=SC2086  # the package names are words
apt-get install -y -q --no-install-recommends ${missing[*]} </dev/null
