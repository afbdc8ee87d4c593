"""One what-if prioritisation run, shared by the page and ``pmo prioritise``: score the
candidates, build the 0/1 model (budget per year and in total, role capacity over the horizon,
dependencies, exclusions, mandatory and forced projects), solve it exactly and greedily, and say
for every project why it is in or out.

value_i = score_i (0..100, see analytics.scoring); the exact selection maximises Σ value_i x_i.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import numpy as np
import polars as pl

from analytics import optimiser
from analytics.alignment import alignment
from analytics.candidates import (Horizon, candidates, costs_by_year, demand_by_role, horizon,
                                  role_capacity)
from analytics.scenario import CRITERION_KEYS, ScenarioParams
from analytics.scoring import criteria, scores

Frame = pl.DataFrame | pl.LazyFrame
RESULT_COLUMNS = ("project_id", "code", "name", "department_code", "status", "phase",
                  "percent_complete", "score", *(f"contrib_{k}" for k in CRITERION_KEYS),
                  "cost", "cost_estimated", "hours", "mandatory_reason", "forced", "selected",
                  "selected_greedy", "rank", "reason")


@dataclass(frozen=True)
class ScenarioResult:
    params: ScenarioParams
    as_of: date
    span: Horizon
    table: pl.DataFrame              # RESULT_COLUMNS, best score first
    costs: pl.DataFrame              # (code, year, cost, selected)
    capacity: pl.DataFrame           # (role, capacity_hours, demand_all, demand_selected, demand_greedy)
    problem: optimiser.Problem
    exact: optimiser.Selection
    greedy: optimiser.Selection
    notices: tuple[str, ...]

    @property
    def totals(self) -> dict:
        """Headline numbers of both selections (plain values, JSON-ready)."""
        t = self.table
        exact, greedy = self.exact.total_value, self.greedy.total_value
        loss = (exact - greedy) / exact * 100.0 if exact > 0 else 0.0
        return {
            "candidates": t.height, "selected": int(t["selected"].sum()),
            "total_score": round(exact, 6), "total_cost": round(self.exact.total_cost, 2),
            "greedy_selected": int(t["selected_greedy"].sum()),
            "greedy_score": round(greedy, 6), "greedy_cost": round(self.greedy.total_cost, 2),
            "greedy_loss_pct": round(loss, 4), "status": self.exact.status,
            "gap": self.exact.gap,
        }

    def summary(self) -> dict:
        """What a saved scenario keeps of its result: totals and the selected codes."""
        return {"totals": self.totals, "as_of": self.as_of.isoformat(),
                "selected": self.table.filter("selected")["code"].sort().to_list()}


def _known(codes: tuple[str, ...], index: Mapping[str, int], what: str,
           notices: list[str]) -> list[int]:
    unknown = [c for c in codes if c not in index]
    if unknown:
        notices.append(f"{len(unknown)} project(s) {what} are not candidates you can see here "
                       "and were ignored")
    return [index[c] for c in codes if c in index]


def _pairs(frame: pl.DataFrame, index: Mapping[int, int]) -> list[tuple[int, int]]:
    return [(index[s], index[p]) for p, s in frame.select("predecessor_id", "successor_id").rows()
            if p in index and s in index]


def build_problem(table: pl.DataFrame, yearly: pl.DataFrame, demand: pl.DataFrame,
                  capacity: pl.DataFrame, dependencies: pl.DataFrame, span: Horizon,
                  params: ScenarioParams) -> tuple[optimiser.Problem, list[str]]:
    """The 0/1 model of the candidates in ``table`` (its row order is the model's index)."""
    notices: list[str] = []
    codes = tuple(table["code"].to_list())
    by_code = {c: i for i, c in enumerate(codes)}
    by_id = {pid: i for i, pid in enumerate(table["project_id"].to_list())}
    years = span.years
    cost = np.zeros((len(codes), len(years)))
    for pid, year, amount in yearly.select("project_id", "year", "cost").rows():
        if pid in by_id and year in years:
            cost[by_id[pid], years.index(year)] += amount
    roles = tuple(sorted(capacity["role"].to_list()))
    hours = np.zeros((len(codes), len(roles)))
    for pid, role, h in demand.select("project_id", "role", "hours").rows():
        if pid in by_id and role in roles:
            hours[by_id[pid], roles.index(role)] += h
    cap_by_role = dict(capacity.select("role", "capacity_hours").rows())
    caps = np.array([cap_by_role[r] if params.capacity_pct is not None else np.inf
                     for r in roles], dtype=float)
    per_year = np.array([params.budget_per_year.get(y, np.inf) for y in years], dtype=float)
    stray = sorted(set(params.budget_per_year) - set(years))
    if stray:
        notices.append(f"budget caps for {', '.join(map(str, stray))} are outside the "
                       f"{span.label} horizon and were ignored")
    forced_in = set(_known(params.forced_in, by_code, "forced in", notices))
    forced_in |= {i for i, r in enumerate(table["mandatory_reason"].to_list()) if r}
    forced_out = set(_known(params.forced_out, by_code, "forced out", notices)) - forced_in
    exclusive = [(by_code[a], by_code[b]) for a, b in params.exclusive
                 if a in by_code and b in by_code]
    if len(exclusive) < len(params.exclusive):
        notices.append(f"{len(params.exclusive) - len(exclusive)} exclusion(s) name projects that "
                       "are not candidates here and were ignored")
    problem = optimiser.Problem(
        codes=codes, value=table["score"].to_numpy().astype(float), cost=cost,
        periods=tuple(str(y) for y in years), budget_per_period=per_year,
        budget_total=np.inf if params.budget is None else float(params.budget),
        demand=hours, roles=roles, capacity=caps, requires=tuple(_pairs(dependencies, by_id)),
        exclusive=tuple(exclusive), forced_in=frozenset(forced_in),
        forced_out=frozenset(forced_out))
    return problem, notices


def _reasons(problem: optimiser.Problem, table: pl.DataFrame, exact: optimiser.Selection,
             forced_by_user: set[str]) -> list[str]:
    out = []
    for i, (code, why) in enumerate(table.select("code", "mandatory_reason").rows()):
        if why:
            out.append(why)
        elif code in forced_by_user:
            out.append("Forced in" if exact.selected[i] else "Forced out")
        elif exact.status == "infeasible":
            out.append("No feasible selection")
        elif exact.selected[i]:
            out.append("Selected: part of the best total score")
        else:
            out.append("Out: " + "; ".join(optimiser.blocking(problem, exact.selected, i)))
    return out


def run(frames: Mapping[str, Frame], *, as_of: date, params: ScenarioParams) -> ScenarioResult:
    """Score, select (exact and greedy) and explain the candidates of ``frames`` at as_of."""
    span = horizon(as_of, params.horizon_years)
    projects = frames["projects"]
    lazy = {
        "table": candidates(projects, frames["costs"], frames["progress"], frames["assignments"],
                            as_of=as_of, span=span, ponr_pct=params.ponr_pct),
        "align": alignment(projects, frames["contributions"], frames["objectives"]),
        "yearly": costs_by_year(projects, frames["costs"], span),
        "demand": demand_by_role(frames["assignments"], span),
        "capacity": role_capacity(frames["people"], span, params.capacity_pct or 100),
    }
    got = dict(zip(lazy, pl.collect_all(list(lazy.values())), strict=True))
    table = got["table"]
    scored = (scores(criteria(table.rename({"project_id": "id"}), got["align"]), params.weights)
              .collect())
    table = (table.join(scored.select("project_id", "score",
                                      *(f"contrib_{k}" for k in CRITERION_KEYS)),
                        on="project_id", how="left")
             .sort(["score", "code"], descending=[True, False]))
    problem, notices = build_problem(table, got["yearly"], got["demand"], got["capacity"],
                                     frames["dependencies"].lazy().collect(), span, params)
    greedy = optimiser.greedy(problem)
    exact = optimiser.solve(problem, time_limit=params.time_limit, baseline=greedy)
    forced = set(params.forced_in) | set(params.forced_out)
    forced_col = ["in" if c in params.forced_in else "out" if c in params.forced_out else None
                  for c in table["code"].to_list()]
    table = (table.with_columns(
                pl.Series("forced", forced_col, dtype=pl.String),
                pl.Series("selected", exact.selected.astype(bool)),
                pl.Series("selected_greedy", greedy.selected.astype(bool)),
                pl.int_range(1, pl.len() + 1).cast(pl.Int64).alias("rank"))
             .with_columns(pl.Series("reason", _reasons(problem, table, exact, forced)))
             .select(RESULT_COLUMNS))
    chosen = table.select("project_id", "code", "selected", "selected_greedy")
    yearly = (got["yearly"].join(chosen, on="project_id")
              .group_by("code", "year", "selected").agg(pl.col("cost").sum()).sort("code", "year"))
    capacity = (got["demand"].join(chosen, on="project_id")
                .group_by("role")
                .agg(pl.col("hours").sum().alias("demand_all"),
                     pl.col("hours").filter("selected").sum().alias("demand_selected"),
                     pl.col("hours").filter("selected_greedy").sum().alias("demand_greedy"))
                .join(got["capacity"], on="role", how="full", coalesce=True)
                .with_columns(pl.col("demand_all", "demand_selected", "demand_greedy",
                                     "capacity_hours").fill_null(0.0))
                .select("role", "capacity_hours", "demand_all", "demand_selected", "demand_greedy")
                .sort("role"))
    return ScenarioResult(params=params, as_of=as_of, span=span, table=table, costs=yearly,
                          capacity=capacity, problem=problem, exact=exact, greedy=greedy,
                          notices=tuple(notices))
