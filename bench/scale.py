"""Benchmark (issue 15): the executive overview's data work at scales S, M and L.

For each backend and scale it seeds a fresh database once (``data_access.bulk.seed_database``),
times full KPI-store refreshes (``kpi_refresh.refresh(everything=True)``), then in ``--runs``
interleaved rounds (new, old, new, old, ...) starts a FRESH Python process per path that does
the overview's data work twice and prints JSON: cold (first) and warm (second) seconds, measured
inside the child around the work only, rows fetched, peak RSS. Paths:

* new: ensure_fresh + read_overview + departments + overview_from_store (+ current_snapshot_rows)
* old (the baseline, before 153df91): load_portfolio + kpi_set(...).overview

Last, "status report visible": a unit of work updates one risk (marking its project stale), then
ensure_fresh + read_overview; timed from the write, against the full refresh's median.

    .venv/bin/python bench/scale.py --scales S --runs 2
    .venv/bin/python bench/scale.py --scales S,M,L --backends postgresql,sqlite --runs 5

Without --pg-url a throwaway PostgreSQL server is started (tests/support/postgres.py). SQLite
runs S and M only (L is skipped there, as issue 15 asks). Results: stdout and
bench/results/scale-<date>.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, func, select, update  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from analytics.kpi_rows import current_snapshot_rows, overview_from_store  # noqa: E402
from analytics.kpis import KpiInputs, kpi_set  # noqa: E402
from data_access.engine import create_pmo_engine  # noqa: E402
from data_access.queries.kpis import read_overview  # noqa: E402
from data_access.queries.portfolio import data_version, departments, load_portfolio  # noqa: E402
from data_access.scope import SYSTEM  # noqa: E402
from kpi_refresh import ensure_fresh, refresh  # noqa: E402

try:
    from bench import loadavg  # noqa: E402
except ImportError:  # the other engineer's helper may be missing: the bare figures
    loadavg = None

TARGETS = {"cold_L_vs_old": 0.1, "cold_L_vs_S": 3.0, "rss_L_mb": 300.0, "visible_pct": 1.0}
SQLITE_SCALES = ("S", "M")


# --------------------------------------------------------------------------- pure helpers


def load_line(label: str) -> str:
    if loadavg is not None:
        return loadavg.line(label)
    one, five, fifteen = os.getloadavg()
    return f"{label}: load average (1/5/15 min) {one:.2f} / {five:.2f} / {fifteen:.2f}"


def summary(values: list[float]) -> dict:
    """median, min and max of ``values`` (None for none)."""
    if not values:
        return {"median": None, "min": None, "max": None, "n": 0}
    return {"median": statistics.median(values), "min": min(values), "max": max(values),
            "n": len(values)}


def cell(s: dict, fmt: str = "{:.3f}") -> str:
    """'0.123 (0.101-0.150)' from a summary."""
    if s["median"] is None:
        return "-"
    return f"{fmt.format(s['median'])} ({fmt.format(s['min'])}-{fmt.format(s['max'])})"


def verdict(value: float | None, limit: float) -> str:
    return "n/a" if value is None else ("PASS" if value <= limit else "FAIL")


def spread(items: list, n: int) -> list:
    """``n`` items evenly spaced over ``items`` (all of them when fewer)."""
    if len(items) <= n:
        return list(items)
    step = len(items) / n
    return [items[int(i * step)] for i in range(n)]


def ratio(a: float | None, b: float | None) -> float | None:
    return None if a is None or not b else a / b


# --------------------------------------------------------------------------- the page's data work


def new_path(engine, day: dt.date) -> int:
    """The overview since 153df91; rows fetched."""
    state = ensure_fresh(engine, as_of=day)
    if state.as_of != day:
        raise RuntimeError(f"KPI store is for {state.as_of}, not {day}")
    reads = read_overview(engine, SYSTEM)
    depts = departments(engine, SYSTEM)
    overview_from_store(reads, as_of=day)
    current_snapshot_rows(reads, depts)
    return sum(f.height for f in reads.values()) + depts.height


def old_path(engine, day: dt.date) -> int:
    """The overview before 153df91 (views/overview.py then); rows fetched."""
    f = load_portfolio(engine, SYSTEM)
    kpi_set(KpiInputs(projects=f.projects, costs=f.costs, progress=f.progress,
                      milestones=f.milestones, risks=f.risks, status_reports=f.status_reports,
                      thresholds=f.thresholds), as_of=day).overview
    return sum(getattr(f, name).height for name in f.__dataclass_fields__)


PATHS = {"new": new_path, "old": old_path}


def max_rss_mb() -> float:
    """Peak RSS of this process in MB: VmHWM on Linux. ru_maxrss (KB on Linux) is only the
    fallback: Linux carries it over fork + exec, so a child reports its PARENT's peak when that
    is higher (here the parent that seeded L: 2.4 GB in every child)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(kind: str, url: str, day: dt.date) -> int:
    """One fresh process: the work twice (cold, warm); JSON on stdout."""
    out = {"rss_imports_mb": max_rss_mb()}
    engine = create_pmo_engine(url)
    for label in ("cold", "warm"):
        start = time.perf_counter()
        out["rows"] = PATHS[kind](engine, day)
        out[label] = time.perf_counter() - start
    out["rss_mb"] = max_rss_mb()
    engine.dispose()
    print(json.dumps(out))
    return 0


def run_child(kind: str, url: str, day: dt.date) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", kind, "--url", url,
           "--day", day.isoformat()]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=3600)
    if proc.returncode != 0:
        raise RuntimeError(f"child {kind} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------- databases


def seed(url: str, scale: str, day: dt.date) -> float:
    from data_access.bulk import seed_database
    from data_access.migrate import upgrade

    engine = create_pmo_engine(url)
    upgrade(engine)
    start, shown = time.perf_counter(), set()

    def progress(table: str, rows: int, of: int) -> None:
        if rows >= of and table not in shown:
            shown.add(table)
            print(f"    seeded {table:<22} {of:>10,} rows  {time.perf_counter() - start:7.1f} s",
                  flush=True)

    seed_database(engine, scale=scale, seed=42, today=day, progress=progress)
    engine.dispose()
    return time.perf_counter() - start


def pg_database(server_url: str) -> str:
    admin = create_engine(make_url(server_url).set(drivername="postgresql+psycopg"),
                          isolation_level="AUTOCOMMIT")
    name = f"pmo_scale_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')  # a generated name
    admin.dispose()
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


# --------------------------------------------------------------------------- measurements


def full_refreshes(engine, day: dt.date, n: int, budget_s: float = 300.0) -> list[float]:
    """``n`` timed full refreshes, fewer (at least one) once they have taken ``budget_s``."""
    times: list[float] = []
    for i in range(n):
        if times and sum(times) > budget_s:
            print(f"    full refresh: stopped after {len(times)} ({sum(times):.0f} s spent)")
            break
        start = time.perf_counter()
        result = refresh(engine, everything=True, as_of=day)
        times.append(time.perf_counter() - start)
        print(f"    full refresh {i + 1}/{n}: {times[-1]:.2f} s, {result.refreshed:,} projects"
              f"{'' if result.ok else ', FAILURES: ' + str(result.failures)[:300]}", flush=True)
    return times


def cold_warm(url: str, day: dt.date, runs: int) -> dict:
    got: dict[str, list[dict]] = {"new": [], "old": []}
    for i in range(runs):
        for kind in ("new", "old"):
            got[kind].append(run_child(kind, url, day))
            r = got[kind][-1]
            print(f"    round {i + 1}/{runs} {kind}: cold {r['cold']:.3f} s, warm {r['warm']:.3f}"
                  f" s, {r['rows']:,} rows, peak RSS {r['rss_mb']:.0f} MB", flush=True)
    return {kind: {"runs": rs, "cold": summary([r["cold"] for r in rs]),
                   "warm": summary([r["warm"] for r in rs]),
                   "rows": sorted({r["rows"] for r in rs}),
                   "rss_mb": summary([r["rss_mb"] for r in rs]),
                   "rss_imports_mb": summary([r["rss_imports_mb"] for r in rs])}
            for kind, rs in got.items()}


def status_visible(engine, day: dt.date, runs: int) -> dict:
    """Write one risk of a different project each run, then ensure_fresh + read_overview."""
    from analytics.milestones import LIVE_STATUSES
    from data_access.models import Project, Risk
    from data_access.models.kpi_store import kpi_projects, kpi_top_risks
    from data_access.uow import unit_of_work

    with engine.connect() as conn:  # live projects: only their risks are in the top risks
        firsts = conn.execute(select(Risk.project_id, func.min(Risk.id))
                              .join(Project, Project.id == Risk.project_id)
                              .where(Project.status.in_(LIVE_STATUSES))
                              .group_by(Risk.project_id).order_by(Risk.project_id)).all()
    one_each = [tuple(row) for row in firsts]
    out = []
    for pid, rid in spread(one_each, runs):
        start = time.perf_counter()
        with unit_of_work(engine, "bench") as uow:
            uow.session.execute(update(Risk).where(Risk.id == rid)
                                .values(probability=5, impact=5, status="open"))
            uow.audit("risk.update", entity="risk", entity_id=rid)
            uow.commit()
        wrote = time.perf_counter()
        ensure_fresh(engine, as_of=day)
        read_overview(engine, SYSTEM)
        end = time.perf_counter()
        version = data_version(engine)
        with engine.connect() as conn:
            stored = conn.execute(select(kpi_projects.c.data_version)
                                  .where(kpi_projects.c.project_id == pid)).scalar()
            in_top = conn.execute(select(kpi_top_risks.c.score).where(
                kpi_top_risks.c.project_id == pid, kpi_top_risks.c.risk_id == rid)).scalar()
        out.append({"project_id": pid, "risk_id": rid, "write": wrote - start,
                    "refresh_read": end - wrote, "total": end - start,
                    "visible": stored == version and in_top == 25})
        print(f"    status report, project {pid}: write {wrote - start:.3f} s + refresh/read "
              f"{end - wrote:.3f} s, visible: {out[-1]['visible']}", flush=True)
    return {"runs": out, "total": summary([r["total"] for r in out]),
            "all_visible": all(r["visible"] for r in out)}


def bench_one(backend: str, url: str, scale: str, day: dt.date, runs: int) -> dict:
    print(f"\n== {backend} {scale}: {load_line('start')}", flush=True)
    seconds = seed(url, scale, day)
    print(f"    seeded in {seconds:.1f} s", flush=True)
    engine = create_pmo_engine(url)
    n_refresh = 3 if scale == "L" else min(runs, 5)
    res = {"backend": backend, "scale": scale, "seed_seconds": seconds,
           "load_start": os.getloadavg(),
           "full_refresh": summary(full_refreshes(engine, day, n_refresh))}
    res["paths"] = cold_warm(url, day, runs)
    res["visible"] = status_visible(engine, day, runs)
    res["visible_pct"] = 100 * (ratio(res["visible"]["total"]["median"],
                                      res["full_refresh"]["median"]) or 0)
    res["load_end"] = os.getloadavg()
    engine.dispose()
    print(f"    {load_line('end')}", flush=True)
    return res


# --------------------------------------------------------------------------- report


def report(results: list[dict]) -> list[dict]:
    head = ("backend", "scale", "cold new s", "cold old s", "warm new s", "warm old s",
            "rows new", "rows old", "RSS new MB", "RSS old MB", "full refresh s",
            "visible s", "% refresh", "load 1m")
    print("\n| " + " | ".join(head) + " |\n|" + "---|" * len(head))
    for r in results:
        p = r["paths"]
        print("| " + " | ".join([
            r["backend"], r["scale"], cell(p["new"]["cold"]), cell(p["old"]["cold"]),
            cell(p["new"]["warm"]), cell(p["old"]["warm"]),
            "/".join(f"{x:,}" for x in p["new"]["rows"]),
            "/".join(f"{x:,}" for x in p["old"]["rows"]),
            cell(p["new"]["rss_mb"], "{:.0f}"), cell(p["old"]["rss_mb"], "{:.0f}"),
            cell(r["full_refresh"], "{:.2f}"), cell(r["visible"]["total"]),
            f"{r['visible_pct']:.2f}", f"{r['load_start'][0]:.2f}-{r['load_end'][0]:.2f}"]) + " |")
    return targets(results)


def targets(results: list[dict]) -> list[dict]:
    def med(backend: str, scale: str, path: str, what: str):
        r = next((r for r in results if (r["backend"], r["scale"]) == (backend, scale)), None)
        return None if r is None else r["paths"][path][what]["median"]

    out = []
    for backend in sorted({r["backend"] for r in results}):
        by = {r["scale"]: r for r in results if r["backend"] == backend}
        rows = [("overview cold at L / today's path at L", "cold_L_vs_old",
                 ratio(med(backend, "L", "new", "cold"), med(backend, "L", "old", "cold"))),
                ("overview cold at L / overview cold at S", "cold_L_vs_S",
                 ratio(med(backend, "L", "new", "cold"), med(backend, "S", "new", "cold"))),
                ("peak RSS serving the overview at L (MB)", "rss_L_mb",
                 med(backend, "L", "new", "rss_mb")),
                ("status report visible at L, % of a full refresh", "visible_pct",
                 by["L"]["visible_pct"] if "L" in by else None)]
        for text, key, value in rows:
            out.append({"backend": backend, "target": text, "value": value,
                        "limit": TARGETS[key], "verdict": verdict(value, TARGETS[key])})
            shown = "-" if value is None else f"{value:.3f}"
            print(f"{backend:<10} {text:<50} {shown:>9} <= {TARGETS[key]:<5} {out[-1]['verdict']}")
    return out


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="S,M,L")
    parser.add_argument("--backends", default="postgresql,sqlite")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--pg-url", default=os.environ.get("PMO_BENCH_PG_URL"))
    parser.add_argument("--child", choices=tuple(PATHS))
    parser.add_argument("--url")
    parser.add_argument("--day", default=dt.date.today().isoformat())
    args = parser.parse_args(argv)
    day = dt.date.fromisoformat(args.day)
    if args.child:
        return child(args.child, args.url, day)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # kill PID stops the server too
    scales, backends = args.scales.split(","), args.backends.split(",")
    meta = {"date": day.isoformat(), "runs": args.runs, "python": platform.python_version(),
            "machine": f"{platform.machine()}, {os.cpu_count()} CPUs",
            "load_start": os.getloadavg()}
    print(load_line("start"), flush=True)
    results, server = [], None
    with tempfile.TemporaryDirectory(prefix="pmo-scale-", dir="/dev/shm" if
                                     os.path.isdir("/dev/shm") else None) as tmp:
        try:
            for backend in backends:
                for scale in scales:
                    if backend == "sqlite" and scale not in SQLITE_SCALES:
                        print(f"\n== sqlite {scale}: skipped (issue 15: S and M on SQLite)")
                        continue
                    if backend == "sqlite":
                        url = f"sqlite:///{Path(tmp) / f'scale-{scale}.db'}"
                    else:
                        if args.pg_url is None and server is None:
                            from tests.support.postgres import PostgresServer
                            server = PostgresServer.start()
                        url = pg_database(args.pg_url or server.url)
                    results.append(bench_one(backend, url, scale, day, args.runs))
                    save(meta, results)
        finally:
            if server is not None:
                server.stop()
    meta["load_end"] = os.getloadavg()
    meta["targets"] = report(results)
    print(load_line("end"))
    print(f"results written to {save(meta, results)}")
    return 0


def save(meta: dict, results: list[dict]) -> Path:
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"scale-{meta['date']}.json"
    path.write_text(json.dumps({"meta": meta, "results": results}, indent=2, default=str))
    return path


if __name__ == "__main__":
    sys.exit(main())
