"""Benchmark: re-solving the prioritisation model after a slider move (solver part).

Random but realistic instances (seeded numpy): five criteria per project in [0, 1] and, per
"slider state", random criteria weights giving scores 0..100 (the values to maximise); costs
log-normal over 2 budget periods, each capped at ~40 % of the period's total cost; 8 roles, a
project needing 1 to 3 of them for hours ~ its cost / 150, each role's capacity ~60 % of its
total demand; n/20 "requires" pairs, n/50 exclusive pairs, 5 % mandatory projects (forced
in). For each size (200, 1,000 and 5,000 projects by default) and each of K slider states it
times ``analytics.optimiser.solve`` under ``--time-limit`` and ``greedy``, and reports the
median and max solve time, the median proven gap, and the greedy loss 1 − greedy / exact
(median and max), with the range of the machine's 1-minute load average while it ran (K >= 5
states give medians of at least 5).

    .venv/bin/python bench/prioritise.py                       # 200, 1000, 5000; K = 7
    .venv/bin/python bench/prioritise.py --sizes 1000 --states 20 --time-limit 0.15

Results: a markdown table on stdout and bench/results/prioritise-<date>.json. ``solver_rows``
is the solver part; bench/prioritise_page.py adds the page part: the whole page's median rerun
after a slider move at the demo scale beside a trivial streamlit page's, in the same run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import statistics
import time
from pathlib import Path

import numpy as np
import scipy

from analytics.optimiser import Problem, greedy, solve

try:  # python -m bench.prioritise
    from bench import loadavg
except ImportError:  # python bench/prioritise.py: bench/ itself is on sys.path
    import loadavg

RESULTS = Path(__file__).resolve().parent / "results"
ROLES = ("Architect", "Developer", "Analyst", "Tester", "Data", "Security", "Ops", "PM")


def instance_parts(n: int, seed: int) -> dict:
    """Everything of an instance but the values: costs, caps, demand, pairs, mandatory set."""
    rng = np.random.default_rng(seed)
    cost = rng.lognormal(mean=12.0, sigma=1.0, size=(n, 2))          # ~160k per year, skewed
    # labour is most of a project's cost: its hours ~ cost / 150 per hour (x 0.5..1.5), split
    # over 1 to 3 roles at random shares
    hours = cost.sum(axis=1) / 150.0 * rng.uniform(0.5, 1.5, size=n)
    demand = np.zeros((n, len(ROLES)))
    for j in range(n):
        roles = rng.choice(len(ROLES), size=rng.integers(1, 4), replace=False)
        demand[j, roles] = hours[j] * rng.dirichlet(np.ones(len(roles)))
    mandatory = frozenset(int(i) for i in rng.choice(n, size=max(1, n // 20), replace=False))
    requires: list[tuple[int, int]] = []
    while len(requires) < n // 20:
        j, i = (int(v) for v in rng.choice(n, size=2, replace=False))
        if j not in mandatory:                  # keeps the mandatory closure small and feasible
            requires.append((j, i))
    free = [k for k in range(n) if k not in mandatory and all(k != i for _, i in requires)]
    exclusive = [tuple(int(v) for v in rng.choice(free, size=2, replace=False))
                 for _ in range(n // 50)]
    return dict(codes=tuple(f"PRJ-{k:05d}" for k in range(n)), cost=cost,
                periods=("2027", "2028"), budget_per_period=cost.sum(axis=0) * 0.4,
                budget_total=np.inf, demand=demand, roles=ROLES,
                capacity=demand.sum(axis=0) * 0.6, requires=tuple(requires),
                exclusive=tuple(exclusive), forced_in=mandatory)


def slider_values(n: int, states: int, seed: int) -> list[np.ndarray]:
    """``states`` score vectors 0..100: fixed criteria per project, re-weighted per state."""
    rng = np.random.default_rng(seed + 1)
    criteria = rng.uniform(0.0, 1.0, size=(n, 5))
    out = []
    for _ in range(states):
        weights = rng.dirichlet(np.ones(5))
        out.append(100.0 * criteria @ weights)
    return out


def solver_rows(sizes: tuple[int, ...] = (200, 1000, 5000), states: int = 7,
                time_limit: float = 1.0, seed: int = 42) -> list[dict]:
    """One row per size: solve / greedy timings, gaps and greedy losses over ``states`` states."""
    rows = []
    for n in sizes:
        parts = instance_parts(n, seed)
        runs, loads = [], []
        for values in slider_values(n, states, seed):
            loads.append(loadavg.snapshot())
            problem = Problem(value=values, **parts)
            started = time.perf_counter()
            exact = solve(problem, time_limit=time_limit)
            seconds = time.perf_counter() - started
            waterline = greedy(problem)
            runs.append(dict(seconds=seconds, status=exact.status, gap=exact.gap,
                             exact=exact.total_value, greedy=waterline.total_value,
                             greedy_seconds=waterline.seconds,
                             loss=1 - waterline.total_value / exact.total_value
                             if exact.total_value > 0 else 0.0))
        loads.append(loadavg.snapshot())
        gaps = [r["gap"] for r in runs if r["gap"] is not None]
        rows.append(dict(
            n=n, states=states, time_limit=time_limit,
            median_s=statistics.median(r["seconds"] for r in runs),
            max_s=max(r["seconds"] for r in runs),
            optimal=sum(r["status"] == "optimal" for r in runs),
            median_gap=statistics.median(gaps) if gaps else None,
            max_gap=max(gaps) if gaps else None,
            no_bound=sum(r["gap"] is None for r in runs),
            greedy_median_s=statistics.median(r["greedy_seconds"] for r in runs),
            loss_median=statistics.median(r["loss"] for r in runs),
            loss_max=max(r["loss"] for r in runs),
            load_1m_range=loadavg.span(*loads), load_average=loads,
            runs=runs))
    return rows


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.2f} %"


def markdown(rows: list[dict]) -> str:
    head = ("| projects | states | limit (s) | solve median (s) | solve max (s) | optimal | "
            "median gap | max gap | greedy (s) | greedy loss median | greedy loss max | "
            "load avg 1 min |\n"
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    lines = [f"| {r['n']:,} | {r['states']} | {r['time_limit']:.2f} | {r['median_s']:.3f} | "
             f"{r['max_s']:.3f} | {r['optimal']}/{r['states']} | {_pct(r['median_gap'])} | "
             f"{_pct(r['max_gap'])} | {r['greedy_median_s']:.3f} | {_pct(r['loss_median'])} | "
             f"{_pct(r['loss_max'])} | {r['load_1m_range']} |" for r in rows]
    return "\n".join([head, *lines])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="200,1000,5000",
                        help="comma-separated project counts (default 200,1000,5000)")
    parser.add_argument("--states", type=int, default=7, help="slider states per size (K)")
    parser.add_argument("--time-limit", type=float, default=1.0, help="solve time limit, s")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--page-moves", type=int, default=7,
                        help="slider moves timed on the page (0: skip the page part)")
    args = parser.parse_args()
    sizes = tuple(int(s) for s in args.sizes.split(","))
    start = loadavg.snapshot()
    print(loadavg.line("start", start))
    rows = solver_rows(sizes, args.states, args.time_limit, args.seed)
    print(markdown(rows))
    print(loadavg.line("solver part done"))
    page = None
    if args.page_moves:
        from bench.prioritise_page import markdown as page_markdown
        from bench.prioritise_page import page_rows
        page = page_rows(args.page_moves, args.seed)
        print("\n" + page_markdown(page))
    end = loadavg.snapshot()
    print(loadavg.line("end", end))
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"prioritise-{dt.date.today().isoformat()}.json"
    path.write_text(json.dumps(dict(
        date=dt.datetime.now().isoformat(timespec="seconds"), args=vars(args),
        machine=dict(python=platform.python_version(), processor=platform.machine(),
                     numpy=np.__version__, scipy=scipy.__version__, cpus=loadavg.cpus()),
        load_average_start=start, load_average_end=end, solver=rows, page=page), indent=2))
    print(f"\nwritten to {path}")


if __name__ == "__main__":
    main()
