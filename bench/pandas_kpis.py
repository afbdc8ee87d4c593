"""Plain-pandas baseline of the KPI set's numeric core, for bench/kpis.py (never used by the app).

Idiomatic vectorised pandas (groupby, merge, map; no Python loop over rows), written to give
the same numbers as ``analytics.kpis.kpi_set`` by following the conventions of analytics/:
- evm.py: PV linear within a month, AC as booked for months started, EV from the latest
  progress <= as_of; ratios NaN when their denominator is 0 or BAC is 0; EAC and
  eac_composite fall back to BAC while AC = 0; TCPI NaN when its denominator is <= 0;
  roll-ups sum money and recompute the ratios (ΣEAC unknown when a budgeted member has none).
- earned_schedule.py: origin, PV curve, ES interpolation, AT, SPI(t), SV(t), PD, IEAC(t).
- capacity.py: role, team and person views (UNSTAFFED / UNLISTED demand, horizon zero-filled).
- risk.py: the 5 × 5 matrix of live risks, counts and money exposure.
- alignment.py: alignment score and objectives served per project.
Null in polars is NaN (or NaT) here. Out of the baseline (kpi_set computes them, this does not):
every text output (health RAGs and reasons, drift alerts and their evidence, gate compliance
and missing deliverable names, es_note), objective roll-ups, investment mix, overdue
mitigations.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

UNSTAFFED, UNLISTED = "unstaffed", "unlisted"
ACTIVE_RISK_STATUSES = ("open", "mitigating")
LEVELS = range(1, 6)
EVM_COLUMNS = ["bac", "pv", "ac", "percent_complete", "ev", "cv", "sv", "cpi", "spi", "eac", "vac",
               "eac_cpi", "eac_atypical", "eac_composite", "etc", "tcpi_bac", "tcpi_eac"]
ES_COLUMNS = ["at", "es", "spi_t", "sv_t", "pd", "ieac_t"]
ROLLUP_COLUMNS = ["projects", "bac", "pv", "ev", "ac", "eac", "eac_unknown", "eac_composite",
                  "percent_complete", "cv", "sv", "cpi", "spi", "vac", "eac_cpi", "eac_atypical",
                  "etc", "tcpi_bac", "tcpi_eac"]
CAPACITY_COLUMNS = ["month", "demand_hours", "capacity_hours", "load_pct", "over_hours"]


def _div(num: pd.Series, den: pd.Series) -> pd.Series:
    """num / den, NaN where den is 0 or NaN."""
    return num / den.where(den != 0)


def _month_start(day: pd.Series) -> pd.Series:
    return day - pd.to_timedelta(day.dt.day - 1, unit="D")


def _month_index(origin: pd.Series, day: pd.Series) -> pd.Series:
    return (day.dt.year - origin.dt.year) * 12 + day.dt.month - origin.dt.month


def _month_time(origin: pd.Series, day: pd.Series) -> pd.Series:
    return _month_index(origin, day) + day.dt.day / day.dt.days_in_month


# --------------------------------------------------------------------------- EVM


def _cost_to_date(costs: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    month = costs["month"]
    share = (((as_of - month).dt.days + 1) / (month.dt.days_in_month - month.dt.day + 1)).clip(0, 1)
    return (costs.assign(pv=costs["planned"] * share,
                         ac=costs["actual"].fillna(0.0).where(month <= as_of))
            .groupby("project_id")[["pv", "ac"]].sum())


def _latest_progress(progress: pd.DataFrame, as_of: pd.Timestamp) -> pd.Series:
    return (progress[progress["as_of"] <= as_of]
            .sort_values(["project_id", "as_of"], kind="stable")
            .drop_duplicates("project_id", keep="last")
            .set_index("project_id")["percent_complete"])


def _with_evm(f: pd.DataFrame) -> pd.DataFrame:
    """f (bac, pv, ev, ac; eac and eac_composite when given) + the derived KPIs, in place."""
    bac, ev, ac = f["bac"], f["ev"], f["ac"]
    budgeted = bac != 0
    f["cv"] = ev - ac
    f["sv"] = ev - f["pv"]
    f["cpi"] = _div(ev, ac).where(budgeted)
    f["spi"] = _div(ev, f["pv"]).where(budgeted)
    if "eac" not in f:  # a project: estimates from its indices (a roll-up sums them)
        f["eac"] = bac.where(ac == 0, _div(bac, f["cpi"]))
        f["eac_composite"] = bac.where(ac == 0, ac + _div(bac - ev, f["cpi"] * f["spi"]))
    f["vac"] = bac - f["eac"]
    f["eac_cpi"] = f["eac"]
    f["eac_atypical"] = ac + bac - ev
    f["etc"] = f["eac"] - ac
    for name, den in (("tcpi_bac", bac - ac), ("tcpi_eac", f["eac"] - ac)):
        f[name] = ((bac - ev) / den.where(den > 0)).where(budgeted)
    return f


def project_evm(projects: pd.DataFrame, costs: pd.DataFrame, progress: pd.DataFrame,
                as_of: pd.Timestamp) -> pd.DataFrame:
    """Per project (index id): EVM_COLUMNS plus the columns later steps need."""
    f = (projects.set_index("id")[["department_code", "department", "bac", "baseline_start",
                                   "baseline_end", "actual_end"]]
         .join(_cost_to_date(costs, as_of))
         .join(_latest_progress(progress, as_of)))
    f[["pv", "ac", "percent_complete"]] = f[["pv", "ac", "percent_complete"]].fillna(0.0)
    f["ev"] = f["bac"] * f["percent_complete"] / 100.0
    return _with_evm(f)


def _rollup_ratios(sums: pd.DataFrame) -> pd.DataFrame:
    sums["eac"] = sums["eac"].where(sums["eac_unknown"] == 0)
    sums["eac_composite"] = sums["eac_composite"].where(sums.pop("_composite_unknown") == 0)
    sums["percent_complete"] = _div(sums["ev"], sums["bac"]) * 100.0
    return _with_evm(sums)[ROLLUP_COLUMNS]


def rollups(kpis: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(per department, portfolio total): Σ money, ratios recomputed from the sums."""
    f = kpis.assign(eac_unknown=kpis["eac"].isna() & kpis["bac"].notna(),
                    _composite_unknown=kpis["eac_composite"].isna() & kpis["bac"].notna())
    summed = ["bac", "pv", "ev", "ac", "eac", "eac_composite", "eac_unknown", "_composite_unknown"]
    by_department = (f.groupby(["department_code", "department"], dropna=False)[summed].sum()
                     .assign(projects=f.groupby(["department_code", "department"],
                                                dropna=False).size()))
    portfolio = f[summed].sum().to_frame().T.assign(projects=len(f))
    return (_rollup_ratios(by_department).reset_index(),
            _rollup_ratios(portfolio.astype(float)).reset_index(drop=True))


# --------------------------------------------------------------------------- earned schedule


def earned_schedule(kpis: pd.DataFrame, costs: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """Per project (index id): ES_COLUMNS (analytics.earned_schedule at as_of)."""
    plan = (costs.assign(planned=costs["planned"].fillna(0.0))
            .groupby(["project_id", "month"], dropna=False, as_index=False)["planned"].sum())
    plan = plan[plan["project_id"].isin(kpis.index)]
    first = _month_start(plan[plan["planned"] > 0].groupby("project_id")["month"].min())
    origin = pd.concat([_month_start(kpis["baseline_start"]), first.reindex(kpis.index)],
                       axis=1).min(axis=1)
    plan_k = _month_index(plan["project_id"].map(origin), plan["month"]) + 1
    # PV curve: (project, k, cumulative PV) from (k=0, PV 0) through every planned month
    rows = plan.assign(k=plan_k)[plan_k >= 1][["project_id", "k", "planned"]]
    zero = pd.DataFrame({"project_id": kpis.index, "k": 0.0, "planned": 0.0})
    curve = pd.concat([zero, rows], ignore_index=True).sort_values(["project_id", "k"],
                                                                    kind="stable")
    by_project = curve.groupby("project_id", sort=False)
    curve["cum_pv"] = by_project["planned"].cumsum()
    curve["next_k"] = by_project["k"].shift(-1)
    curve["next_cum_pv"] = by_project["cum_pv"].shift(-1)
    below = (curve[curve["cum_pv"] <= curve["project_id"].map(kpis["ev"])]
             .drop_duplicates("project_id", keep="last").set_index("project_id"))
    total_pv = plan.groupby("project_id")["planned"].sum().reindex(kpis.index)
    plan_end = (plan_k.where(plan["planned"] > 0).groupby(plan["project_id"]).max()
                .reindex(kpis.index))

    bac, ev = kpis["bac"], kpis["ev"]
    cum_pv, next_k, next_cum = (below[c].reindex(kpis.index)
                                for c in ("cum_pv", "next_k", "next_cum_pv"))
    end = kpis["actual_end"].where(kpis["actual_end"] < as_of, as_of)
    at = _month_time(origin, end).clip(lower=0.0)
    no_plan = origin.isna() | bac.isna() | (bac == 0) | ~(total_pv > 0)
    es = ((next_k - 1) + _div(ev - cum_pv, next_cum - cum_pv)).where(next_k.notna(), plan_end)
    es = es.where(cum_pv.notna() & ~no_plan)
    spi_t = _div(es, at)
    planned_duration = plan_end.fillna(_month_time(origin, kpis["baseline_end"]))
    return pd.DataFrame({"at": at, "es": es, "spi_t": spi_t, "sv_t": es - at,
                         "pd": planned_duration, "ieac_t": _div(planned_duration, spi_t)})


# --------------------------------------------------------------------------- capacity


def _staff(people: pd.DataFrame) -> pd.DataFrame:
    """people indexed by id with capacity_hours (0 for inactive people, null counting 0)."""
    hours = people["monthly_capacity_hours"].fillna(0.0)
    if "active" in people:
        hours = hours.where(people["active"].fillna(True).astype(bool), 0.0)
    return people.assign(capacity_hours=hours).set_index("id")


def _metrics(f: pd.DataFrame) -> pd.DataFrame:
    f["load_pct"] = _div(f["demand_hours"], f["capacity_hours"]) * 100.0
    f["over_hours"] = (f["demand_hours"] - f["capacity_hours"]).clip(lower=0.0)
    return f


def _grid(demand: pd.Series, capacity: pd.Series, key: str) -> pd.DataFrame:
    """Every key of either side × every month from the first to the last month of demand."""
    months = demand.index.get_level_values("month")
    if demand.empty:
        return pd.DataFrame(columns=[key, *CAPACITY_COLUMNS])
    horizon = pd.date_range(months.min(), months.max(), freq="MS", unit=months.unit)
    keys = demand.index.get_level_values(0).unique().union(capacity.index)
    grid = (demand.reindex(pd.MultiIndex.from_product([keys, horizon], names=[key, "month"]),
                           fill_value=0.0).rename("demand_hours").reset_index())
    grid["capacity_hours"] = grid[key].map(capacity).fillna(0.0)
    return _metrics(grid)[[key, *CAPACITY_COLUMNS]]


def capacity(assignments: pd.DataFrame, people: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Capacity vs demand per role × month, team × month and person × month."""
    staff = _staff(people)
    by_role = _grid(assignments.groupby(["role", "month"])["hours"].sum(),
                    staff.groupby("role")["capacity_hours"].sum(), "role")
    per_person = (assignments.groupby(["person_id", "month"], dropna=False, as_index=False)
                  ["hours"].sum().rename(columns={"hours": "demand_hours"}))
    staffed = per_person["person_id"].notna()
    team = per_person["person_id"].map(staff["team"]).fillna(UNLISTED).where(staffed, UNSTAFFED)
    by_team = _grid(per_person.groupby([team.rename("team"), "month"])["demand_hours"].sum(),
                    staff.groupby("team")["capacity_hours"].sum(), "team")
    by_person = per_person[staffed].merge(staff[["name", "role", "team", "capacity_hours"]],
                                          left_on="person_id", right_index=True, how="inner")
    return {"capacity_by_role": by_role, "capacity_by_team": by_team,
            "capacity_by_person": _metrics(by_person)[["person_id", "name", "role", "team",
                                                       *CAPACITY_COLUMNS]]}


# --------------------------------------------------------------------------- risk and alignment


def risk_matrix(risks: pd.DataFrame, project_ids: pd.Index, as_of: pd.Timestamp) -> pd.DataFrame:
    """The 25 cells probability × impact: score, live risks, Σ money exposure (0 when none)."""
    r = risks[risks["project_id"].isin(project_ids)]
    live = (r["identified_on"] <= as_of) & (r["status"].isin(ACTIVE_RISK_STATUSES)
                                            | (r["closed_on"] > as_of))
    r = r[live].assign(money_exposure=r["probability"] / 5.0 * r["cost_impact"])
    counts = r.groupby(["probability", "impact"]).agg(risks=("id", "size"),
                                                       money_exposure=("money_exposure", "sum"))
    cells = pd.MultiIndex.from_product([LEVELS, LEVELS], names=["probability", "impact"])
    matrix = counts.reindex(cells, fill_value=0).reset_index()
    matrix["score"] = matrix["probability"] * matrix["impact"]
    return matrix[["probability", "impact", "score", "risks", "money_exposure"]]


def alignment(contributions: pd.DataFrame, objectives: pd.DataFrame,
              project_ids: pd.Index) -> pd.DataFrame:
    """Per project (index id): alignment_score (0..100) and objectives_served."""
    c = contributions[contributions["project_id"].isin(project_ids)]
    served = c.groupby(["project_id", "objective_id"], as_index=False)["contribution"].sum()
    served["contribution"] = served["contribution"].clip(upper=1.0)
    weights = objectives.set_index("id")["weight"].fillna(0.0).rename("weight")
    served = served[served["contribution"] > 0].merge(weights, left_on="objective_id",
                                                      right_index=True, how="inner")
    per_project = (served.assign(weighted=served["weight"] * served["contribution"])
                   .groupby("project_id").agg(weighted=("weighted", "sum"),
                                              objectives_served=("objective_id", "size"))
                   .reindex(project_ids).fillna(0))
    total = weights.sum()
    score = per_project["weighted"] / total * 100.0 if total != 0 else 0.0
    return pd.DataFrame({"alignment_score": score,
                         "objectives_served": per_project["objectives_served"].astype("int64")},
                        index=project_ids)


# --------------------------------------------------------------------------- the set


def kpis(frames: dict[str, pd.DataFrame], as_of: dt.date) -> dict[str, pd.DataFrame]:
    """The numeric core of the KPI set at as_of, every project of ``frames``."""
    as_of = pd.Timestamp(as_of)
    projects = frames["projects"]
    ids = pd.Index(projects["id"], name="id")
    evm = project_evm(projects, frames["costs"], frames["progress"], as_of)
    per_project = evm.join(earned_schedule(evm, frames["costs"], as_of)).join(
        alignment(frames["contributions"], frames["objectives"], ids))
    departments, portfolio = rollups(evm)
    assignments = frames["assignments"]
    return {
        "projects": per_project[[*EVM_COLUMNS, *ES_COLUMNS, "alignment_score",
                                 "objectives_served"]].reset_index(names="project_id"),
        "departments": departments,
        "portfolio": portfolio,
        **capacity(assignments[assignments["project_id"].isin(ids)], frames["people"]),
        "risk_matrix": risk_matrix(frames["risks"], ids, as_of),
    }
