"""Profiling helpers of bench/kpis.py: the like-for-like core, the KPI set's plans by group,
and CPU time per group."""

from __future__ import annotations

import datetime as dt
import gc
import statistics
import time
from collections.abc import Callable
from unittest import mock

import polars as pl

from analytics.alignment import alignment
from analytics.capacity import capacity_demand, capacity_views
from analytics.earned_schedule import add_earned_schedule
from analytics.evm import project_kpis, rollup
from analytics.kpis import KpiInputs, kpi_set
from analytics.risk import risk_matrix

TODAY = dt.date(2026, 11, 25)  # the demo data's "today" and the KPI status date


def core(inputs: KpiInputs) -> list[pl.DataFrame]:
    """The baseline's scope (EVM + ES, roll-ups, capacity, risk matrix, alignment) computed
    with the analytics functions and the staging kpi_set uses (projects' EVM + ES and the
    assignments' reductions collected together first), for a like-for-like figure."""
    projects = inputs.projects.lazy().collect()
    in_scope = pl.col("project_id").is_in(projects.get_column("id").implode())
    projects = projects.lazy()
    first = [add_earned_schedule(project_kpis(projects, inputs.costs, inputs.progress,
                                              as_of=TODAY), inputs.costs, as_of=TODAY),
             *capacity_demand(inputs.assignments.lazy().filter(in_scope)).values()]
    kpis, *demand = (frame.lazy() for frame in pl.collect_all(first))
    views = capacity_views(dict(zip(("role", "person", "unstaffed"), demand, strict=True)),
                           inputs.people)
    return [kpis.collect(), *pl.collect_all([
        rollup(kpis, ["department_code", "department"]), rollup(kpis, []), *views.values(),
        risk_matrix(inputs.risks, as_of=TODAY, projects=projects),
        alignment(projects, inputs.contributions.lazy().filter(in_scope), inputs.objectives)])]


def kpi_set_plans(inputs: KpiInputs) -> tuple[list[list[pl.LazyFrame]], dict[str, pl.LazyFrame]]:
    """(the plans of kpi_set's first collects: the shared frames it materialises, the last
    collect's plans named after the KpiSet (or Overview) table with the same columns)."""
    captured: list[list[pl.LazyFrame]] = []

    def capture(plans, **kwargs):
        captured.append(list(plans))
        return real_collect_all(captured[-1], **kwargs)

    real_collect_all = pl.collect_all
    with mock.patch.object(pl, "collect_all", capture):
        kpis = kpi_set(inputs, as_of=TODAY)
    tables = {f"overview.{name}": frame for name, frame in vars(kpis.overview).items()
              if isinstance(frame, pl.DataFrame)}
    tables |= {name: frame for name, frame in vars(kpis).items()
               if isinstance(frame, pl.DataFrame)}
    out = {}
    for i, plan in enumerate(captured[-1]):
        columns = plan.collect_schema().names()
        name = next((n for n, f in tables.items() if f.columns == columns and n not in out),
                    f"plan {i}")
        out[name] = plan
    return captured[:-1], out


#: profile groups: a name -> the KpiSet tables (plans) it stands for
GROUPS = {
    "overview (9 tables)": ("overview.",),
    "alerts (drift)": ("alerts",),
    "capacity (3 views from the reductions)": ("capacity_by_",),
    "projects (joins: EVM, ES, health, alignment, gates)": ("projects",),
    "gates (already collected)": ("gates",),
    "objectives, investment mix, without objective": ("objectives", "investment_mix",
                                                        "without_objective"),
    "departments + portfolio": ("departments", "portfolio"),
    "risk matrix + overdue mitigations": ("risk_matrix", "overdue_mitigations"),
}


def _median_cpu_seconds(fn: Callable[[], object], runs: int) -> float:
    """Median CPU seconds of the process (every polars thread) over ``runs`` calls after one
    warm-up: less disturbed than wall time by other work on a shared machine."""
    fn()
    seconds = []
    for _ in range(runs):
        gc.collect()
        start = time.process_time()
        fn()
        seconds.append(time.process_time() - start)
    return statistics.median(seconds)


STAGES = ("shared 1: projects' EVM + ES, assignment reductions",
          "shared 2: health, gate compliance")


def profile(inputs: KpiInputs, runs: int = 5) -> dict:
    """Where kpi_set's CPU time goes: each collect of the shared frames kpi_set materialises
    first, then each group of the final tables collected by itself (one collect_all of its
    plans, reading the shared frames), every final plan at once, and kpi_set as a whole."""
    stages, plans = kpi_set_plans(inputs)
    shared = {name: _median_cpu_seconds(lambda stage=stage: pl.collect_all(stage), runs)
              for name, stage in zip(STAGES, stages, strict=True)}
    groups = {group: [p for n, p in plans.items() if n.startswith(prefixes)]
              for group, prefixes in GROUPS.items()}
    alone = {group: _median_cpu_seconds(lambda group_plans=group_plans:
                                        pl.collect_all(group_plans), runs)
             for group, group_plans in groups.items()}
    everything = _median_cpu_seconds(lambda: pl.collect_all(list(plans.values())), runs)
    whole = _median_cpu_seconds(lambda: kpi_set(inputs, as_of=TODAY), runs)
    return {"shared": shared, "group_alone": alone, "collect_all": everything, "kpi_set": whole,
            "floor": floor(inputs, runs)}


def _median_wall_seconds(fn: Callable[[], object], runs: int) -> float:
    fn()
    seconds = []
    for _ in range(runs):
        gc.collect()
        start = time.perf_counter()
        fn()
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds)


def floor(inputs: KpiInputs, runs: int = 5) -> dict:
    """Wall seconds (median) of what no version of kpi_set can avoid: kpi_set on an EMPTY
    portfolio (planning and starting its plans), the one reduction of the assignments to
    person × month (the largest group_by), and the three reductions collected together."""
    empty = KpiInputs(**{name: frame if frame is None or name == "thresholds" else frame.clear()
                         for name, frame in vars(inputs).items()})
    demand = capacity_demand(inputs.assignments)
    return {"empty_kpi_set": _median_wall_seconds(lambda: kpi_set(empty, as_of=TODAY), runs),
            "person_month_group_by": _median_wall_seconds(demand["person"].collect, runs),
            "assignment_reductions": _median_wall_seconds(
                lambda: pl.collect_all(list(demand.values())), runs)}
