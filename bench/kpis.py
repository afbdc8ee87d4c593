"""Benchmark: the KPI set (``analytics.kpis.kpi_set``, polars) against a plain-pandas baseline.

For each scale (S 200, M 5,000, L 50,000 projects) it seeds the demo portfolio into a fresh
SQLite file (``data_access.bulk.seed_database``, progress bar), times the load of every KPI
frame (``load_kpi_frames``, default reader), then times ``kpi_set`` and the pandas baseline
``bench/pandas_kpis.py`` (one warm-up, then ``--runs`` runs; the pandas frames are converted
with ``.to_pandas()`` before timing). The pandas results are compared with the polars KpiSet;
the script exits 1 when they differ.

    .venv/bin/python bench/kpis.py                    # S, M, L (about 10 minutes)
    .venv/bin/python bench/kpis.py --scales S,M --runs 5
    .venv/bin/python bench/kpis.py --scales M --profile   # + where kpi_set spends its time

The pandas baseline computes only the numeric core (EVM, earned schedule, department and
portfolio roll-ups, capacity views, risk matrix, alignment score); kpi_set computes MORE (health
RAGs and reasons, drift alerts with evidence, gate compliance, objective roll-ups, investment
mix, overdue mitigations), which favours pandas. ``polars core`` times the same scope as the
baseline with the same analytics functions. Results: stdout and bench/results/kpis-<date>.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd
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

from analytics.evm import ROLLUP_COLUMNS
from analytics.kpis import KpiInputs, KpiSet, kpi_set
from data_access.bulk import seed_database
from data_access.engine import create_pmo_engine
from data_access.migrate import upgrade
from data_access.queries.portfolio import load_kpi_frames
from data_access import reader
from data_access.scope import SYSTEM
from data_access.settings import get_settings

try:  # python -m bench.kpis
    from bench import loadavg, pandas_kpis
    from bench.kpis_profile import GROUPS, STAGES, TODAY, core, profile
except ImportError:  # python bench/kpis.py: bench/ itself is on sys.path
    import loadavg
    import pandas_kpis
    from kpis_profile import GROUPS, STAGES, TODAY, core, profile

ROOT = Path(__file__).resolve().parent.parent

SEED = 42
SCALES = ("S", "M", "L")
DEFAULT_RUNS = {"S": 7, "M": 7, "L": 5}  # medians of at least 5
RELATIVE_TOLERANCE = 1e-6
# Money is summed in a different order (polars adds a project's months one after the other,
# pandas' groupby sum compensates rounding), so a difference of sums that should be 0 (SV of a
# finished project, ETC once EAC = AC) is ±1e-9 on one side and 0 on the other: values are also
# equal when they differ by at most 1e-6 (a millionth of a currency unit, hour or month).
ABSOLUTE_TOLERANCE = 1e-6
#: ratio -> its denominator (from a column getter): null when the denominator is <= 0, so a
#: denominator within rounding of 0 may make the ratio null on one side only (a "rounding flip")
ROUNDING_DENOMINATORS = {
    "tcpi_eac": lambda c: c("etc"),
    "tcpi_bac": lambda c: c("bac") - c("ac"),
}
TARGET_RATIO_M = 0.25  # issue 3: kpi_set at M in at most 0.25 × the pandas time
TARGET_L_OVER_M = 10.0  # issue 3: linear cost from M to L
PANDAS_FRAMES = ("projects", "costs", "progress", "risks", "assignments", "people", "objectives",
                 "contributions")
CAPACITY = ["demand_hours", "capacity_hours", "load_pct", "over_hours"]
#: compared table -> (KpiSet attribute, key columns, value columns)
COMPARED = {
    "projects": ("projects", ["project_id"],
                 [*pandas_kpis.EVM_COLUMNS, *pandas_kpis.ES_COLUMNS, "alignment_score",
                  "objectives_served"]),
    "departments": ("departments", ["department_code", "department"], list(ROLLUP_COLUMNS)),
    "portfolio": ("portfolio", [], list(ROLLUP_COLUMNS)),
    "capacity_by_role": ("capacity_by_role", ["role", "month"], CAPACITY),
    "capacity_by_team": ("capacity_by_team", ["team", "month"], CAPACITY),
    "capacity_by_person": ("capacity_by_person", ["person_id", "month"], CAPACITY),
    "risk_matrix": ("risk_matrix", ["probability", "impact"], ["score", "risks", "money_exposure"]),
}
OUT_OF_BASELINE = ("health RAGs and reasons, drift alerts and evidence, gate compliance and "
                   "missing deliverable names, es_note, objective roll-ups, investment mix, "
                   "overdue mitigations")
console = Console(width=None if sys.stdout.isatty() else 150)


# --------------------------------------------------------------------------- seeding and loading


def seed(url: str, scale: str) -> tuple[dict[str, int], float]:
    """Migrate and seed the demo portfolio of ``scale`` with a progress bar; (rows, seconds)."""
    engine = create_pmo_engine(url)
    upgrade(engine)
    columns = (TextColumn("  {task.description:<28}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())
    start = time.perf_counter()
    with Progress(*columns, console=console, transient=True) as bar:
        generating = bar.add_task(f"generating {scale} portfolio", total=None)
        tasks: dict[str, int] = {}

        def report(table: str, rows: int, of: int) -> None:
            if not bar.tasks[generating].finished:
                bar.update(generating, total=1, completed=1)
            if table not in tasks:
                tasks[table] = bar.add_task(f"seeding {table}", total=max(of, 1))
            bar.update(tasks[table], completed=rows if of else 1)

        counts = seed_database(engine, scale=scale, seed=SEED, today=TODAY, progress=report)
    seconds = time.perf_counter() - start
    engine.dispose()
    console.print(f"  seeded {sum(counts.values()):,} rows in {seconds:.1f} s "
                  f"(assignments {counts['assignments']:,})")
    return counts, seconds


def timed(fn: Callable[[], object], runs: int, *, warm_up: bool) -> tuple[list[float], object]:
    """(seconds of each timed run, the last result); one untimed call first when warm_up."""
    result = fn() if warm_up else None
    seconds = []
    for _ in range(runs):
        result = None  # let the previous result go before timing the next run
        gc.collect()
        start = time.perf_counter()
        result = fn()
        seconds.append(time.perf_counter() - start)
    return seconds, result


def interleaved(fns: dict[str, Callable[[], object]], runs: int,
                loads: list[dict] | None = None
                ) -> tuple[dict[str, list[float]], dict[str, object]]:
    """({name: seconds of each timed run}, {name: last result}): one warm-up call of each, then
    ``runs`` rounds calling each once in turn, so that every contender sees the same load on a
    shared machine (timing them one block after the other let a change of load between the
    blocks skew the ratio). The load average before each round and after the last is appended
    to ``loads`` when given."""
    results = {name: fn() for name, fn in fns.items()}
    seconds: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(runs):
        if loads is not None:
            loads.append(loadavg.snapshot())
        for name, fn in fns.items():
            results[name] = None  # let the previous result go before timing the next run
            gc.collect()
            start = time.perf_counter()
            results[name] = fn()
            seconds[name].append(time.perf_counter() - start)
    if loads is not None:
        loads.append(loadavg.snapshot())
    return seconds, results


# --------------------------------------------------------------------------- polars plans


def polars_tables(kpis: KpiSet) -> dict[str, pl.DataFrame]:
    return {name: getattr(kpis, attr).select(*keys, *cols)
            for name, (attr, keys, cols) in COMPARED.items()}


def differences(expected: pl.DataFrame, got: pd.DataFrame, keys: list[str],
                columns: list[str]) -> tuple[list[str], int]:
    """(problems, rounding flips): rows missing on either side and values not equal within the
    tolerances (null = NaN), and the number of null-versus-value pairs explained by rounding."""
    theirs = pl.from_pandas(got[[*keys, *columns]], nan_to_null=True).with_columns(
        pl.col(k).cast(expected.schema[k]) for k in keys)
    if not keys:
        expected, theirs = expected.with_row_index("_row"), theirs.with_row_index("_row")
        keys = ["_row"]
    joined = (expected.with_columns(pl.lit(True).alias("_polars"))
              .join(theirs.with_columns(pl.lit(True).alias("_pandas")), on=keys, how="full",
                    coalesce=True, suffix="_pd", nulls_equal=True))
    out = []
    for side, other in (("_polars", "_pandas"), ("_pandas", "_polars")):
        only = joined.filter(pl.col(other).is_null())
        if only.height:
            out.append(f"{only.height} rows only in {side[1:]}, e.g. "
                       f"{only.select(keys).head(3).to_dicts()}")
    both = joined.filter(pl.col("_polars") & pl.col("_pandas"))
    flips = 0
    for col in columns:
        a, b = pl.col(col).cast(pl.Float64), pl.col(f"{col}_pd").cast(pl.Float64)
        close = (a - b).abs() <= pl.max_horizontal(
            RELATIVE_TOLERANCE * pl.max_horizontal(a.abs(), b.abs()), pl.lit(ABSOLUTE_TOLERANCE))
        same = ((a.is_null() & b.is_null()) | (a == b) | close).fill_null(False)
        if col in ROUNDING_DENOMINATORS:
            den = ROUNDING_DENOMINATORS[col]
            near_zero = ((den(lambda c: pl.col(c)).abs() <= ABSOLUTE_TOLERANCE)
                         | (den(lambda c: pl.col(f"{c}_pd")).abs() <= ABSOLUTE_TOLERANCE))
            flip = (a.is_null() != b.is_null()) & near_zero.fill_null(False)
            flips += both.filter(~same & flip).height
            same = same | flip
        bad = both.filter(~same)
        if bad.height:
            out.append(f"{col}: {bad.height} values differ, e.g. "
                       f"{bad.select(*keys, col, f'{col}_pd').head(3).to_dicts()}")
    return out, flips


def compare(kpis: KpiSet, baseline: dict[str, pd.DataFrame]) -> tuple[dict[str, list[str]], int]:
    """(table -> problems, rounding flips accepted) of the baseline against the KpiSet."""
    expected, problems, flips = polars_tables(kpis), {}, 0
    for name, (_, keys, cols) in COMPARED.items():
        found, flipped = differences(expected[name], baseline[name], keys, cols)
        flips += flipped
        if found:
            problems[name] = found
    return problems, flips


# --------------------------------------------------------------------------- one scale


def bench_scale(scale: str, runs: int, load_runs: int, with_profile: bool) -> dict:
    console.rule(f"scale {scale}")
    result: dict = {"scale": scale, "runs": runs, "load_runs": load_runs}
    with tempfile.TemporaryDirectory(prefix="pmo-bench-kpis-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        result["seeded_rows"], result["seed_seconds"] = seed(url, scale)
        engine = create_pmo_engine(url)
        console.print(f"  loading the KPI frames ({load_runs} runs) ...")
        load_times, frames = timed(lambda: load_kpi_frames(engine, SYSTEM), load_runs,
                                   warm_up=False)
        engine.dispose()
    result["load_seconds"] = load_times
    result["load_median"] = statistics.median(load_times)
    result["rows_loaded"] = {name: f.height for name, f in frames.items()}
    result["projects"] = frames["projects"].height
    inputs = KpiInputs.from_mapping(frames)

    start = time.perf_counter()
    pandas_frames = {name: frames[name].to_pandas() for name in PANDAS_FRAMES}
    result["to_pandas_seconds"] = time.perf_counter() - start  # not part of any timing
    console.print(f"  kpi_set (polars), polars core, pandas baseline: a warm-up each, then {runs} "
                  f"rounds of one run of each ...")
    console.print(f"  {loadavg.line('compute start')}")
    loads: list[dict] = []
    seconds, last = interleaved({"polars": lambda: kpi_set(inputs, as_of=TODAY),
                                 "polars_core": lambda: core(inputs),
                                 "pandas": lambda: pandas_kpis.kpis(pandas_frames, TODAY)}, runs,
                                loads)
    result["load_average"] = loads  # before each round and after the last
    result["load_1m_range"] = loadavg.span(*loads)
    console.print(f"  {loadavg.line('compute end')}")
    for key, values in seconds.items():
        result[f"{key}_seconds"] = values
        result[f"{key}_best"] = min(values)
    kpis, baseline = last["polars"], last["pandas"]
    del last
    for key in ("polars", "polars_core", "pandas"):
        result[f"{key}_median"] = statistics.median(result[f"{key}_seconds"])
    result["ratio"] = result["polars_median"] / result["pandas_median"]
    result["core_ratio"] = result["polars_core_median"] / result["pandas_median"]
    result["best_ratio"] = result["polars_best"] / result["pandas_best"]
    result["best_core_ratio"] = result["polars_core_best"] / result["pandas_best"]
    result["differences"], result["rounding_flips"] = compare(kpis, baseline)
    if with_profile:
        console.print("  profiling kpi_set (CPU time of all threads, median of 5) ...")
        result["profile"] = profile(inputs)
        result["profile"]["floor"]["pandas_capacity"] = statistics.median(timed(
            lambda: pandas_kpis.capacity(pandas_frames["assignments"], pandas_frames["people"]),
            5, warm_up=True)[0])
    console.print(f"  load {result['load_median']:.3f} s, kpi_set {result['polars_median']:.3f} s"
                  f", polars core {result['polars_core_median']:.3f} s, pandas "
                  f"{result['pandas_median']:.3f} s, ratio {result['ratio']:.2f} (best runs "
                  f"{result['best_ratio']:.2f}, core {result['best_core_ratio']:.2f}); "
                  + ("same numbers" if not result["differences"] else "NUMBERS DIFFER")
                  + f"; 1-min load average {result['load_1m_range']} during the rounds")
    del frames, inputs, kpis, pandas_frames, baseline
    gc.collect()
    return result


# --------------------------------------------------------------------------- report


def report(results: list[dict]) -> None:
    table = Table(title=f"KPI set at {TODAY}: median seconds (compute: after 1 warm-up)")
    for col in ("scale", "projects", "rows loaded", "load", "kpi_set (polars)", "polars core",
                "pandas", "polars / pandas", "core / pandas", "best runs: full, core / pandas",
                "load avg 1 min", "check"):
        table.add_column(col, justify="left" if col in ("scale", "check") else "right")
    for r in results:
        check = (f"same numbers ({r['rounding_flips']} rounding flips)" if not r["differences"]
                 else "DIFFER: " + ", ".join(r["differences"]))
        table.add_row(r["scale"], f"{r['projects']:,}", f"{sum(r['rows_loaded'].values()):,}",
                      f"{r['load_median']:.3f}", f"{r['polars_median']:.3f}",
                      f"{r['polars_core_median']:.3f}", f"{r['pandas_median']:.3f}",
                      f"{r['ratio']:.2f}", f"{r['core_ratio']:.2f}",
                      f"{r['best_ratio']:.2f}, {r['best_core_ratio']:.2f}",
                      r["load_1m_range"], check)
    console.print(table)
    console.print(loadavg.line("report"))
    by_scale = {r["scale"]: r for r in results}
    if "M" in by_scale:
        ratio = by_scale["M"]["ratio"]
        verdict = "met" if ratio <= TARGET_RATIO_M else "NOT met"
        console.print(f"target kpi_set at M <= {TARGET_RATIO_M} × pandas: {ratio:.2f} ({verdict})")
    if "M" in by_scale and "L" in by_scale:
        lm = by_scale["L"]["polars_median"] / by_scale["M"]["polars_median"]
        lm_pd = by_scale["L"]["pandas_median"] / by_scale["M"]["pandas_median"]
        verdict = "met" if lm <= TARGET_L_OVER_M else "NOT met"
        console.print(f"target polars L/M cost <= {TARGET_L_OVER_M:g}: {lm:.2f} ({verdict}); "
                      f"pandas L/M {lm_pd:.2f}")
    for r in results:
        for name, problems in r["differences"].items():
            for p in problems:
                console.print(f"[red]{r['scale']} {name}: {p}[/red]")
        if "profile" in r:
            prof = r["profile"]
            table = Table(title=f"scale {r['scale']}: where kpi_set's time goes "
                                f"(median CPU s, all threads)")
            table.add_column("group of KpiSet tables")
            table.add_column("collected alone, CPU s", justify="right")
            for stage in STAGES:
                table.add_row(stage, f"{prof['shared'][stage]:.3f}")
            for group in GROUPS:
                table.add_row(group, f"{prof['group_alone'][group]:.3f}")
            console.print(table)
            console.print(f"  CPU s: every final plan in one collect_all "
                          f"{prof['collect_all']:.3f}; kpi_set {prof['kpi_set']:.3f}")
            low = prof["floor"]
            console.print(f"  floor, wall s: kpi_set on an empty portfolio "
                          f"{low['empty_kpi_set']:.3f}; person × month group_by of the "
                          f"assignments alone {low['person_month_group_by']:.3f}; the three "
                          f"assignment reductions {low['assignment_reductions']:.3f}; pandas "
                          f"capacity alone {low['pandas_capacity']:.3f}")
    console.print(f"Compared: every row and value of {', '.join(COMPARED)}; equal within "
                  f"{RELATIVE_TOLERANCE:g} relative or {ABSOLUTE_TOLERANCE:g} absolute, null = "
                  f"NaN; a rounding flip is a TCPI null on one side only because its denominator "
                  f"(ETC, or BAC − AC) is within {ABSOLUTE_TOLERANCE:g} of 0.")
    console.print(f"Not in the pandas baseline (kpi_set computes them; this favours pandas): "
                  f"{OUT_OF_BASELINE}. 'polars core' times the baseline's scope only.")


def _versions() -> dict:
    import sqlite3

    import numpy
    import pyarrow

    with open("/proc/meminfo") if Path("/proc/meminfo").exists() else open(os.devnull) as f:
        mem = next((line.split()[1] for line in f if line.startswith("MemTotal")), None)
    return {"python": platform.python_version(), "polars": pl.__version__,
            "pandas": pd.__version__, "numpy": numpy.__version__, "pyarrow": pyarrow.__version__,
            "sqlite": sqlite3.sqlite_version,
            "machine": f"{platform.machine()}, {os.cpu_count()} CPUs",
            "memory_gb": round(int(mem) / 2**20, 1) if mem else None,
            "polars_threads": pl.thread_pool_size(),
            "reader": f"{get_settings().reader} (SQLite: {reader.AUTO['sqlite']})"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default=",".join(SCALES), help="comma-separated: S,M,L")
    parser.add_argument("--runs", type=int, default=None,
                        help="timed compute runs per scale (default 7 at S and M, 5 at L)")
    parser.add_argument("--load-runs", type=int, default=5, help="timed loads per scale")
    parser.add_argument("--profile", action="store_true",
                        help="also profile kpi_set: CPU time of each group of its tables")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    args = parser.parse_args(argv)
    scales = [s.strip().upper() for s in args.scales.split(",") if s.strip()]
    unknown = [s for s in scales if s not in SCALES]
    if unknown or not scales:
        parser.error(f"--scales takes S, M and/or L, got {args.scales!r}")
    if (args.runs is not None and args.runs < 1) or args.load_runs < 1:
        parser.error("--runs and --load-runs must be at least 1")

    meta = {"as_of": TODAY.isoformat(), "seed": SEED, "tolerance": RELATIVE_TOLERANCE,
            "started": dt.datetime.now().isoformat(timespec="seconds"), **_versions(),
            "not_in_baseline": OUT_OF_BASELINE, "load_average_start": loadavg.snapshot()}
    console.print(f"polars {meta['polars']}, pandas {meta['pandas']}, python {meta['python']}, "
                  f"{meta['machine']}")
    console.print(loadavg.line("start", meta["load_average_start"]))
    start = time.perf_counter()
    results = [bench_scale(s, args.runs or DEFAULT_RUNS[s], args.load_runs, args.profile)
               for s in scales]
    meta["total_seconds"] = time.perf_counter() - start
    meta["load_average_end"] = loadavg.snapshot()
    report(results)
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"kpis-{dt.date.today().isoformat()}.json"
    path.write_text(json.dumps({"meta": meta, "results": results}, indent=2))
    console.print(f"results written to {path} (total {meta['total_seconds']:.0f} s)")
    console.print(loadavg.line("end", meta["load_average_end"]))
    if any(r["differences"] for r in results):
        console.print("[red]the pandas baseline and kpi_set give different numbers[/red]")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
