"""A throwaway PostgreSQL server for the test suite (standard library only).

Used by the pytest fixtures and by ``.ci/run``::

    python3 tests/support/postgres.py start    # prints PMO_TEST_POSTGRES_URL=..., ..._DIR=...
    python3 tests/support/postgres.py stop DIR

The server lives in a temporary directory, listens on 127.0.0.1 on a free port with trust
authentication, keeps its unix socket in that directory and is tuned for speed (no fsync:
the data is thrown away). PostgreSQL refuses to run as root, so as root every server command
runs as the ``postgres`` system user through ``runuser``.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

INSTALL_HINT = (
    "PostgreSQL server binaries (initdb, pg_ctl) were not found on PATH nor under "
    "/usr/lib/postgresql/*/bin. Install them (Debian/Ubuntu: `sudo apt-get install postgresql`), "
    "or point PMO_TEST_POSTGRES_URL at a server the tests may create databases on."
)
_FAST_OPTIONS = {
    "listen_addresses": "127.0.0.1",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "200",
    "shared_buffers": "32MB",
    "wal_level": "minimal",
    "max_wal_senders": "0",
    "max_wal_size": "256MB",
}
_SHM_MIN_FREE = 2 * 1024**3


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server could be found or started; the message says why and what to do."""


def find_bin_dir() -> Path:
    """The directory holding ``initdb`` and ``pg_ctl`` (PATH first, then the newest Debian one)."""
    initdb = shutil.which("initdb")
    if initdb and shutil.which("pg_ctl"):
        return Path(initdb).resolve().parent
    def major(initdb: str) -> int:
        version = Path(initdb).parent.parent.name
        return int(version) if version.isdigit() else 0

    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=major)
    for initdb in reversed(candidates):
        bin_dir = Path(initdb).parent
        if (bin_dir / "pg_ctl").exists():
            return bin_dir
    raise PostgresUnavailable(INSTALL_HINT)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_server_user(cmd: list[str]) -> list[str]:
    """Prefix ``cmd`` with ``runuser -u postgres --`` when running as root."""
    if os.geteuid() != 0:
        return cmd
    runuser = shutil.which("runuser")
    if runuser is None:
        raise PostgresUnavailable("running as root but `runuser` is missing (package util-linux)")
    try:
        import pwd

        pwd.getpwnam("postgres")
    except KeyError as exc:
        raise PostgresUnavailable(
            "running as root but there is no `postgres` system user to run the server as; "
            "`apt-get install postgresql` creates it") from exc
    return [runuser, "-u", "postgres", "--", *cmd]


def _run(cmd: list[str], what: str) -> None:
    proc = subprocess.run(_as_server_user(cmd), stdin=subprocess.DEVNULL, capture_output=True,
                          text=True, timeout=120)
    if proc.returncode != 0:
        raise PostgresUnavailable(f"{what} failed (exit {proc.returncode}): {' '.join(cmd)}\n"
                                  f"{proc.stdout}{proc.stderr}")


def _base_tmp_dir() -> str | None:
    """Where to create the server directory: memory when there is room (creating a database
    there is ten times faster than on disk), and somewhere the server user can reach."""
    shm = "/dev/shm"
    try:
        stat = os.statvfs(shm)
        if os.access(shm, os.W_OK | os.X_OK) and stat.f_bavail * stat.f_frsize >= _SHM_MIN_FREE:
            return shm
    except OSError:
        pass
    if os.geteuid() == 0:
        return "/tmp"  # TMPDIR may sit under /root, which the postgres user cannot traverse
    return None


@dataclass
class PostgresServer:
    """A running throwaway server; :meth:`stop` shuts it down and deletes its directory."""

    bin_dir: Path
    base_dir: Path
    port: int

    @property
    def data_dir(self) -> Path:
        return self.base_dir / "data"

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    @classmethod
    def start(cls, attempts: int = 3) -> PostgresServer:
        """initdb + pg_ctl start in a fresh temporary directory; retries on a port race."""
        bin_dir = find_bin_dir()
        base = Path(tempfile.mkdtemp(prefix="pmo-pg-", dir=_base_tmp_dir()))
        if os.geteuid() == 0:
            shutil.chown(base, "postgres", "postgres")
        server = cls(bin_dir, base, 0)
        try:
            _run([str(bin_dir / "initdb"), "-D", str(server.data_dir), "--auth=trust",
                  "--username=postgres", "--encoding=UTF8", "--locale=C", "--no-sync"], "initdb")
            last_error: Exception | None = None
            for _ in range(attempts):
                server.port = free_port()
                try:
                    server._pg_ctl_start()
                    return server
                except PostgresUnavailable as exc:  # most likely the port was taken meanwhile
                    last_error = exc
            raise PostgresUnavailable(
                f"could not start PostgreSQL after {attempts} attempts: {last_error}")
        except BaseException:
            shutil.rmtree(base, ignore_errors=True)
            raise

    def _pg_ctl_start(self) -> None:
        options = " ".join(f"-c {k}={v}" for k, v in _FAST_OPTIONS.items())
        options += f" -p {self.port} -c unix_socket_directories={self.base_dir}"
        log = self.base_dir / "server.log"
        try:
            _run([str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir), "-l", str(log),
                  "-o", options, "-w", "-t", "60", "start"], "pg_ctl start")
        except PostgresUnavailable as exc:
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise PostgresUnavailable(f"{exc}\nserver log:\n{tail}") from None

    def stop(self) -> None:
        """Fast shutdown, then delete the directory (never raises)."""
        stop_server(self.base_dir, self.bin_dir)


def stop_server(base_dir: Path, bin_dir: Path | None = None) -> None:
    """Stop the server whose directory is ``base_dir`` and delete that directory."""
    base_dir = Path(base_dir)
    try:
        bin_dir = bin_dir or find_bin_dir()
        if (base_dir / "data" / "postmaster.pid").exists():
            subprocess.run(_as_server_user([str(bin_dir / "pg_ctl"), "-D", str(base_dir / "data"),
                                            "-m", "fast", "-w", "stop"]),
                           stdin=subprocess.DEVNULL, capture_output=True, timeout=60)
    except (PostgresUnavailable, OSError, subprocess.SubprocessError) as exc:
        print(f"warning: stopping PostgreSQL in {base_dir}: {exc}", file=sys.stderr)
    finally:
        shutil.rmtree(base_dir, ignore_errors=True)


def main(argv: list[str]) -> int:
    if argv[:1] == ["start"]:
        try:
            server = PostgresServer.start()
        except PostgresUnavailable as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        print(f"PMO_TEST_POSTGRES_URL={server.url}")
        print(f"PMO_TEST_POSTGRES_DIR={server.base_dir}")
        return 0
    if argv[:1] == ["stop"] and len(argv) == 2:
        stop_server(Path(argv[1]))
        return 0
    print("usage: postgres.py start | stop DIR", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
