"""Benchmark: seed a demo portfolio into SQLite and PostgreSQL, then time the DB-to-polars reads.

For each database and each strategy of ``data_access.reader.read_frame`` (sqlalchemy,
dbapi, connectorx, adbc on PostgreSQL) it loads the overview's frames plus assignments, once
to warm up and then in ``--runs`` rounds of one load per strategy in turn (interleaved, so that
every strategy sees the same machine load as the baseline), and reports the median, the rows
loaded and the ratio to the sqlalchemy baseline of the same run, with the machine's load
average. Every strategy's frames are compared with the baseline's.

    .venv/bin/python bench/db_read.py                 # scale M (5,000 projects), 5 runs
    .venv/bin/python bench/db_read.py --scale S --runs 3
    PMO_BENCH_PG_URL=postgresql://user@host:5432/postgres .venv/bin/python bench/db_read.py

Without PMO_BENCH_PG_URL a throwaway PostgreSQL server is started (as the ``postgres`` user when
run as root) in a temporary directory on a free loopback port, and stopped at the end. Results
go to stdout and to bench/results/db_read-<date>.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

import polars as pl
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from data_access import reader
from data_access.bulk import insert_frames
from data_access.demo import generate
from data_access.engine import create_pmo_engine
from data_access.migrate import upgrade
from data_access.queries import portfolio as q
from data_access.scope import SYSTEM

try:  # python -m bench.db_read
    from bench import loadavg
except ImportError:  # python bench/db_read.py: bench/ itself is on sys.path
    import loadavg

ROOT = Path(__file__).resolve().parent.parent

FRAMES: dict[str, Callable] = {
    "projects": q.projects_query, "costs": q.costs_query, "progress": q.progress_query,
    "milestones": q.milestones_query, "risks": q.risks_query,
    "status_reports": q.status_reports_query, "assignments": q.assignments_query,
}
# connectorx on SQLite is measured for the record only: the app never uses it there (it links a
# second SQLite library into the process; see data_access/reader.py).
STRATEGIES = {"sqlite": ("sqlalchemy", "dbapi", "connectorx"),
              "postgresql": ("sqlalchemy", "dbapi", "connectorx", "adbc")}
PG_OPTIONS = {"listen_addresses": "127.0.0.1", "fsync": "off", "synchronous_commit": "off",
              "full_page_writes": "off", "shared_buffers": "256MB", "max_wal_size": "2GB"}
console = Console(width=None if sys.stdout.isatty() else 150)


# --------------------------------------------------------------------------- PostgreSQL server


def _as_postgres(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


@contextmanager
def throwaway_postgres() -> Iterator[str]:
    """initdb + pg_ctl start in a temporary directory; yields the server URL; always stops it."""
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    pg_bin = Path(shutil.which("pg_ctl") or candidates[-1]).parent
    base = Path(tempfile.mkdtemp(prefix="pmo-bench-pg-", dir="/tmp"))
    if os.geteuid() == 0:
        shutil.chown(base, "postgres", "postgres")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    options = " ".join(f"-c {k}={v}" for k, v in PG_OPTIONS.items())
    options += f" -p {port} -c unix_socket_directories={base}"
    data = base / "data"
    try:
        subprocess.run(_as_postgres([str(pg_bin / "initdb"), "-D", str(data), "--auth=trust",
                                     "--username=postgres", "--encoding=UTF8", "--locale=C",
                                     "--no-sync"]), check=True, capture_output=True)
        subprocess.run(_as_postgres([str(pg_bin / "pg_ctl"), "-D", str(data), "-l",
                                     str(base / "server.log"), "-o", options, "-w", "start"]),
                       check=True, capture_output=True)
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        if (data / "postmaster.pid").exists():
            subprocess.run(_as_postgres([str(pg_bin / "pg_ctl"), "-D", str(data), "-m", "fast",
                                         "-w", "stop"]), capture_output=True)
        shutil.rmtree(base, ignore_errors=True)


@contextmanager
def fresh_pg_database(server_url: str) -> Iterator[str]:
    """A new, empty database on ``server_url``, dropped afterwards."""
    admin = create_engine(make_url(server_url).set(drivername="postgresql+psycopg"),
                          isolation_level="AUTOCOMMIT")
    name = f"pmo_bench_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')  # a generated name, not user input
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


# --------------------------------------------------------------------------- seeding and reading


def seed(url: str, data, label: str) -> float:
    """Migrate and bulk-insert ``data`` with a progress bar; seconds spent inserting."""
    engine = create_pmo_engine(url)
    upgrade(engine)
    total = sum(data.counts().values())
    columns = (TextColumn(f"seeding {label:<10}"), BarColumn(), MofNCompleteColumn(),
               TextColumn("{task.description}"), TimeElapsedColumn())
    done: dict[str, int] = {}
    with Progress(*columns, console=console, transient=False) as bar:
        task = bar.add_task("", total=total)

        def report(table: str, rows: int, _of: int) -> None:
            done[table] = rows
            bar.update(task, completed=sum(done.values()), description=table)

        start = time.perf_counter()
        insert_frames(engine, data, progress=report)
        seconds = time.perf_counter() - start
    engine.dispose()
    return seconds


def load_all(engine, strategy: str) -> dict[str, pl.DataFrame]:
    return {name: reader.read_frame(engine, *query(SYSTEM), strategy=strategy)
            for name, query in FRAMES.items()}


def timed_load(engine, strategy: str, per_frame: dict[str, list[float]]) -> float:
    """One timed load of every frame with ``strategy`` (asked for explicitly); seconds."""
    start = time.perf_counter()
    for name, query in FRAMES.items():
        t0 = time.perf_counter()
        reader.read_frame(engine, *query(SYSTEM), strategy=strategy)
        per_frame[name].append(time.perf_counter() - t0)
    return time.perf_counter() - start


def measure(url: str, strategies: tuple[str, ...], runs: int, loads: list[dict]) -> list[dict]:
    """Per strategy (the first is the baseline): a warm-up load (its frames compared with the
    baseline's), then ``runs`` rounds of one timed load of every strategy in turn. A strategy
    that fails is reported with its error and leaves the rounds. The load average before each
    round and after the last is appended to ``loads``."""
    out: dict[str, dict] = {}
    engines = {}
    base_frames: dict[str, pl.DataFrame] | None = None
    try:
        for strategy in strategies:
            console.print(f"  warm-up read with {strategy} ...")
            engines[strategy] = create_pmo_engine(url)
            try:
                frames = load_all(engines[strategy], strategy)
            except Exception as exc:  # reported in the table and the JSON, never hidden
                out[strategy] = {"strategy": strategy, "error": f"{type(exc).__name__}: {exc}"}
                engines.pop(strategy).dispose()
                continue
            if strategy == strategies[0]:
                base_frames = frames
            out[strategy] = {"strategy": strategy, "used": {name: strategy for name in FRAMES},
                             "runs": [], "per_frame": {name: [] for name in FRAMES},
                             "rows": sum(f.height for f in frames.values()),
                             "differences": differences(base_frames, frames)
                             if base_frames is not None and frames is not base_frames else []}
            del frames
        console.print(f"  {runs} rounds of one timed load per strategy: {', '.join(engines)}")
        for _ in range(runs):
            loads.append(loadavg.snapshot())
            for strategy, engine in list(engines.items()):
                m = out[strategy]
                try:
                    m["runs"].append(timed_load(engine, strategy, m["per_frame"]))
                except Exception as exc:
                    out[strategy] = {"strategy": strategy,
                                     "error": f"{type(exc).__name__}: {exc}"}
                    engines.pop(strategy).dispose()
        loads.append(loadavg.snapshot())
    finally:
        for engine in engines.values():
            engine.dispose()
    results = []
    for strategy in strategies:
        m = out[strategy]
        if "error" not in m:
            m["median"] = statistics.median(m["runs"])
            m["frame_medians"] = {k: statistics.median(v) for k, v in m.pop("per_frame").items()}
        results.append(m)
    base = results[0] if "error" not in results[0] else None
    for m in results:
        if "error" not in m:
            m["ratio"] = m["median"] / base["median"] if base else None
    return results


def differences(baseline: dict[str, pl.DataFrame], other: dict[str, pl.DataFrame]) -> list[str]:
    """Frames whose content or dtypes differ from the sqlalchemy baseline (rows in any order)."""
    out = []
    for name, frame in baseline.items():
        theirs = other[name]
        if frame.schema != theirs.schema:
            out.append(f"{name}: dtypes {dict(theirs.schema)} != {dict(frame.schema)}")
        elif not frame.sort(frame.columns).equals(theirs.sort(theirs.columns)):
            out.append(f"{name}: values differ")
    return out


def bench_database(label: str, url: str, data, runs: int) -> dict:
    result = {"database": label, "seed_seconds": seed(url, data, label), "strategies": []}
    engine = create_pmo_engine(url)
    with engine.connect() as conn:
        version = "sqlite_version()" if label == "sqlite" else "current_setting('server_version')"
        result["version"] = conn.exec_driver_sql(f"SELECT {version}").scalar()
    engine.dispose()
    console.print(f"  reading {label}: {loadavg.line('start')}")
    loads: list[dict] = []
    result["strategies"] = measure(url, STRATEGIES[label], runs, loads)
    result["load_average"] = loads  # before each round and after the last
    result["load_1m_range"] = loadavg.span(*loads) if loads else None
    console.print(f"  reading {label}: {loadavg.line('end')}")
    return result


def report(results: list[dict], meta: dict) -> None:
    table = Table(title=f"DB -> polars, scale {meta['scale']} ({meta['rows_generated']:,} rows "
                        f"seeded), median of {meta['runs']} interleaved runs after 1 warm-up")
    numbers = ("seed s", "median s", "rows", "x sqlalchemy", "load avg 1 min")
    for col in ("database", "seed s", "load avg 1 min", "strategy", "really used", "median s",
                "rows", "x sqlalchemy", "check"):
        table.add_column(col, justify="right" if col in numbers else "left")
    for r in results:
        for i, m in enumerate(r["strategies"]):
            seed_cell = f"{r['seed_seconds']:.1f}" if i == 0 else ""
            load_cell = (r["load_1m_range"] or "-") if i == 0 else ""
            if "error" in m:
                table.add_row(r["database"], seed_cell, load_cell, m["strategy"], "-", "FAILED",
                              "-", "-", m["error"][:80])
                continue
            fallbacks = [f for f, s in m["used"].items() if s != m["strategy"]]
            used = m["strategy"] if not fallbacks else f"sqlalchemy for {', '.join(fallbacks)}"
            ratio = f"{m['ratio']:.2f}" if m["ratio"] is not None else "-"
            check = "same frames" if not m["differences"] else "; ".join(m["differences"])[:80]
            table.add_row(r["database"], seed_cell, load_cell, m["strategy"], used,
                          f"{m['median']:.3f}", f"{m['rows']:,}", ratio, check)
    console.print(table)
    console.print(loadavg.line("report"))
    frames = Table(title="median seconds per frame")
    frames.add_column("database / strategy")
    for name in FRAMES:
        frames.add_column(name, justify="right")
    for r in results:
        for m in r["strategies"]:
            if "error" not in m:
                frames.add_row(f"{r['database']} / {m['strategy']}",
                               *(f"{m['frame_medians'][n]:.3f}" for n in FRAMES))
    console.print(frames)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="M", help="demo, S, M or L (default M)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    args = parser.parse_args(argv)

    start = time.perf_counter()
    data = generate(args.scale, args.seed)
    meta = {"scale": data.scale, "seed": args.seed, "today": data.today.isoformat(),
            "runs": args.runs, "generate_seconds": time.perf_counter() - start,
            "rows_generated": sum(data.counts().values()), "counts": data.counts(),
            "python": platform.python_version(), "polars": pl.__version__,
            "machine": f"{platform.machine()}, {os.cpu_count()} CPUs", "pg_options": PG_OPTIONS,
            "load_average_start": loadavg.snapshot()}
    console.print(loadavg.line("start", meta["load_average_start"]))
    console.print(f"generated scale {data.scale}: {meta['rows_generated']:,} rows "
                  f"in {meta['generate_seconds']:.1f} s")
    results = []
    with tempfile.TemporaryDirectory(prefix="pmo-bench-") as tmp:
        sqlite_url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        results.append(bench_database("sqlite", sqlite_url, data, args.runs))
    external = os.environ.get("PMO_BENCH_PG_URL")
    with nullcontext(external) if external else throwaway_postgres() as server:
        with fresh_pg_database(server) as url:
            results.append(bench_database("postgresql", url, data, args.runs))
    meta["load_average_end"] = loadavg.snapshot()
    report(results, meta)
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"db_read-{dt.date.today().isoformat()}.json"
    path.write_text(json.dumps({"meta": meta, "results": results}, indent=2))
    console.print(f"results written to {path}")
    console.print(loadavg.line("end", meta["load_average_end"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
