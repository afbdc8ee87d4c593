"""Profiling helpers of bench/kpis.py: the KPI set's plans by group, and CPU time per group."""

from __future__ import annotations

import datetime as dt
import gc
import statistics
import time
from collections.abc import Callable
from unittest import mock

import polars as pl

from analytics.alignment import alignment
from analytics.capacity import capacity_by_person, capacity_by_role, capacity_by_team
from analytics.earned_schedule import add_earned_schedule
from analytics.evm import project_kpis, rollup
from analytics.kpis import KpiInputs, kpi_set
from analytics.risk import risk_matrix

TODAY = dt.date(2026, 11, 25)  # the demo data's "today" and the KPI status date


def core_plans(inputs: KpiInputs) -> list[pl.LazyFrame]:
    """The baseline's scope with the analytics functions kpi_set uses (EVM + ES, roll-ups,
    capacity, risk matrix, alignment), for a like-for-like figure."""
    projects = inputs.projects.lazy()
    ids = projects.select(pl.col("id").alias("project_id"))
    assignments = inputs.assignments.lazy().join(ids, on="project_id", how="semi")
    evm = project_kpis(projects, inputs.costs, inputs.progress, as_of=TODAY)
    return [add_earned_schedule(evm, inputs.costs, as_of=TODAY),
            rollup(evm, ["department_code", "department"]), rollup(evm, []),
            capacity_by_role(assignments, inputs.people),
            capacity_by_team(assignments, inputs.people),
            capacity_by_person(assignments, inputs.people),
            risk_matrix(inputs.risks, as_of=TODAY, projects=projects),
            alignment(projects, inputs.contributions.lazy().join(ids, on="project_id",
                                                                 how="semi"), inputs.objectives)]


def kpi_set_plans(inputs: KpiInputs) -> dict[str, pl.LazyFrame]:
    """The lazy plans kpi_set hands to pl.collect_all, named after the KpiSet (or Overview)
    table with the same columns (for --profile)."""
    captured: list[list[pl.LazyFrame]] = []

    def capture(plans, **kwargs):
        captured.append(list(plans))
        return real_collect_all(plans, **kwargs)

    real_collect_all = pl.collect_all
    with mock.patch.object(pl, "collect_all", capture):
        kpis = kpi_set(inputs, as_of=TODAY)
    tables = {f"overview.{name}": frame for name, frame in vars(kpis.overview).items()
              if isinstance(frame, pl.DataFrame)}
    tables |= {name: frame for name, frame in vars(kpis).items()
               if isinstance(frame, pl.DataFrame)}
    out = {}
    for i, plan in enumerate(captured[0]):
        columns = plan.collect_schema().names()
        name = next((n for n, f in tables.items() if f.columns == columns and n not in out),
                    f"plan {i}")
        out[name] = plan
    return out


#: profile groups: a name -> the KpiSet tables (plans) it stands for
GROUPS = {
    "overview (9 tables)": ("overview.",),
    "alerts (drift)": ("alerts",),
    "capacity (3 views)": ("capacity_by_",),
    "projects (EVM, ES, health, alignment, gates)": ("projects",),
    "gates": ("gates",),
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


def profile(inputs: KpiInputs, runs: int = 5) -> dict:
    """Where kpi_set's CPU time goes: each group of tables collected by itself (one collect_all
    of its plans: what the group costs alone, shared sub-plans included), every plan at once,
    and a what-if: kpi_set with its two shared plans (project KPIs + earned schedule, health)
    cached."""
    plans = kpi_set_plans(inputs)
    groups = {group: [p for n, p in plans.items() if n.startswith(prefixes)]
              for group, prefixes in GROUPS.items()}
    alone = {group: _median_cpu_seconds(lambda group_plans=group_plans:
                                        pl.collect_all(group_plans), runs)
             for group, group_plans in groups.items()}
    everything = _median_cpu_seconds(lambda: pl.collect_all(list(plans.values())), runs)
    import analytics.kpis as kpis_module

    def cached(fn):
        return lambda *args, **kwargs: fn(*args, **kwargs).cache()

    plain = _median_cpu_seconds(lambda: kpi_set(inputs, as_of=TODAY), runs)
    with (mock.patch.object(kpis_module, "add_earned_schedule",
                            cached(kpis_module.add_earned_schedule)),
          mock.patch.object(kpis_module, "project_health", cached(kpis_module.project_health))):
        what_if = _median_cpu_seconds(lambda: kpi_set(inputs, as_of=TODAY), runs)
    return {"group_alone": alone, "collect_all": everything, "kpi_set": plain,
            "kpi_set_shared_plans_cached": what_if}


# --------------------------------------------------------------------------- comparison
