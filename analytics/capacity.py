"""Capacity versus demand of people per role, team or person and month.

demand_hours = Σ assignment hours of the group in the month (unstaffed hours included);
capacity_hours = Σ monthly_capacity_hours of the group's active people: every person counts in
every month of the horizon (people without an ``active`` column are all active; a null
capacity counts 0).
- role view: demand by ``assignments.role`` (what the project asked for, staffed or not),
  capacity by ``people.role``; every role × every month of the horizon (zero-filled).
- team view: demand by the team of the assigned person; unstaffed hours (person_id null) form
  the group UNSTAFFED and hours of a person missing from ``people`` (outside the scope) the
  group UNLISTED, both without capacity; every team × every month of the horizon.
- person view: only staffed demand, one row per person and month with demand (people missing
  from ``people`` are left out: their capacity is unknown); rows in no particular order (sorting
  ~10^6 rows costs more than the view: sort the slice you show).
Horizon: every month from ``from_month`` (else the first month with demand) to ``to_month``
(else the last one). Month convention (as in analytics.evm): ``month`` is the month's first
day; ``from_month``/``to_month`` may be any day of their month.
Speed: the big frame is reduced by group_bys on its raw columns before any join: role × month,
staffed person × month (one packed Int64 key, about twice as fast as two keys, exact for ids
below 2^31) and unstaffed hours per month. The team view sums the person × month reduction per
team (one join with the small people lookup), so the three views need two passes over the big
frame, not three (``capacity_demand`` + ``capacity_views`` let a caller collect the reductions
once for all three views); nothing sorts or loops per row over it. Summing per person first
only re-associates the team sums (exact for hours in quarters of an hour, as stored).
"""

from __future__ import annotations

from datetime import date, datetime

import polars as pl

from analytics.exprs import safe_div

Frame = pl.DataFrame | pl.LazyFrame

UNSTAFFED = "unstaffed"
UNLISTED = "unlisted"
VIEWS = ("role", "team", "person")
#: view -> the key columns of its rows (before month)
KEYS = {"role": ("role",), "team": ("team",), "person": ("person_id", "name", "role", "team")}
METRIC_COLUMNS = ("month", "demand_hours", "capacity_hours", "load_pct", "over_hours",
                  "free_hours", "overloaded")
DRIVER_COLUMNS = ("month", "rank", "project_id", "project_code", "project_name", "hours",
                  "share_pct", "demand_hours", "capacity_hours", "load_pct")

_SHIFT = 2**32  # packed key = high × 2^32 + low (see _pack)
_UNSTAFFED_IDX, _UNLISTED_IDX = 0, 2**32 - 1


def load_pct() -> pl.Expr:
    """load_pct = demand_hours / capacity_hours × 100 (null when capacity_hours is 0)."""
    return (safe_div("demand_hours", "capacity_hours") * 100.0).alias("load_pct")


def over_hours() -> pl.Expr:
    """over_hours = max(demand_hours − capacity_hours, 0)."""
    return (pl.col("demand_hours") - pl.col("capacity_hours")).clip(0.0).alias("over_hours")


def free_hours() -> pl.Expr:
    """free_hours = max(capacity_hours − demand_hours, 0)."""
    return (pl.col("capacity_hours") - pl.col("demand_hours")).clip(0.0).alias("free_hours")


def overloaded() -> pl.Expr:
    """overloaded = demand_hours > capacity_hours (load_pct > 100, or demand on no capacity)."""
    return (pl.col("demand_hours") > pl.col("capacity_hours")).alias("overloaded")


def _metrics(frame: pl.LazyFrame) -> pl.LazyFrame:
    return frame.with_columns(load_pct(), over_hours(), free_hours(), overloaded())


def _month(value: object, name: str) -> date | None:
    if value is None:
        return None
    if not isinstance(value, date) or isinstance(value, datetime):
        raise TypeError(f"{name} must be a datetime.date or None, got {type(value).__name__}")
    return value.replace(day=1)


def _next_month(d: date) -> date:
    return date(d.year + d.month // 12, d.month % 12 + 1, 1)


def _range(from_month: object, to_month: object) -> tuple[date | None, date | None]:
    lo, hi = _month(from_month, "from_month"), _month(to_month, "to_month")
    if lo is not None and hi is not None and lo > hi:
        raise ValueError(f"from_month {from_month} is after to_month {to_month}")
    return lo, hi


def _in_range(lo: date | None, hi: date | None) -> pl.Expr:
    cond = pl.lit(True)
    if lo is not None:
        cond = cond & (pl.col("month") >= lo)
    if hi is not None:
        cond = cond & (pl.col("month") < _next_month(hi))
    return cond


def _assignments(assignments: Frame, lo: date | None, hi: date | None) -> pl.LazyFrame:
    lazy = assignments.lazy()
    return lazy if lo is None and hi is None else lazy.filter(_in_range(lo, hi))


def _people(people: Frame) -> pl.LazyFrame:
    """(person_id, name, role, team, capacity_hours): capacity 0 for inactive people."""
    lazy = people.lazy()
    has_active = "active" in lazy.collect_schema()
    active = pl.col("active").fill_null(True) if has_active else pl.lit(True)
    return lazy.select(
        pl.col("id").alias("person_id"), "name", "role", "team",
        pl.when(active).then(pl.col("monthly_capacity_hours").fill_null(0.0)).otherwise(0.0)
        .cast(pl.Float64).alias("capacity_hours"))


def _horizon(demand: pl.LazyFrame, lo: date | None, hi: date | None) -> pl.LazyFrame:
    """(month): every first day of a month from lo (else first demand) to hi (else last)."""
    start = pl.lit(lo, dtype=pl.Date) if lo is not None else pl.col("month").min()
    end = pl.lit(hi, dtype=pl.Date) if hi is not None else pl.col("month").max()
    return (demand.select(pl.date_ranges(start, end, "1mo").alias("month"))
            .explode("month").drop_nulls("month"))


def _grid(demand: pl.LazyFrame, capacity: pl.LazyFrame, key: str, lo: date | None,
          hi: date | None) -> pl.LazyFrame:
    """Every key of demand or capacity × every month of the horizon, with both sides, metrics.

    ``demand`` is read three times: cache() keeps it one computation in any enclosing plan
    (common-subplan elimination alone misses it once the grid is nested in a bigger plan).
    """
    demand = demand.cache()
    keys = pl.concat([demand.select(key), capacity.select(key)]).unique()
    return _metrics(
        keys.join(_horizon(demand, lo, hi), how="cross")
        .join(demand, on=[key, "month"], how="left")
        .join(capacity, on=key, how="left")
        .with_columns(pl.col("demand_hours", "capacity_hours").fill_null(0.0))
        .sort(key, "month")
    ).select(key, *METRIC_COLUMNS)


def capacity_by_role(assignments: Frame, people: Frame, *, from_month: date | None = None,
                     to_month: date | None = None) -> pl.LazyFrame:
    """(role, METRIC_COLUMNS) per role × month (demand by assignment role, capacity by people role).

    Every role of either side × every month of the horizon (zero-filled).
    """
    lo, hi = _range(from_month, to_month)
    return _role_view(_role_demand(_assignments(assignments, lo, hi)), people, lo, hi)


def _team_index(people: pl.LazyFrame) -> pl.LazyFrame:
    """(team, team_idx): a small integer per team, 0 and 2^32-1 kept for UNSTAFFED/UNLISTED."""
    teams = people.select("team").unique().with_columns(
        pl.int_range(1, pl.len() + 1, dtype=pl.UInt32).alias("team_idx"))
    special = pl.LazyFrame({"team": [UNSTAFFED, UNLISTED],
                            "team_idx": [_UNSTAFFED_IDX, _UNLISTED_IDX]},
                           schema={"team": pl.String, "team_idx": pl.UInt32})
    return pl.concat([teams, special])


def _team_rows(assignments: pl.LazyFrame, people: pl.LazyFrame,
               teams: pl.LazyFrame) -> pl.LazyFrame:
    """Assignment rows with team_idx (one join with the small person -> team lookup)."""
    lookup = people.select("person_id", "team").join(teams, on="team").select(
        "person_id", "team_idx")
    return (assignments.join(lookup, on="person_id", how="left")
            .with_columns(pl.when(pl.col("person_id").is_null()).then(pl.lit(_UNSTAFFED_IDX))
                          .otherwise(pl.col("team_idx").fill_null(_UNLISTED_IDX))
                          .cast(pl.UInt32).alias("team_idx")))


def _team_view(person_demand: pl.LazyFrame, unstaffed: pl.LazyFrame, people: Frame,
               lo: date | None, hi: date | None) -> pl.LazyFrame:
    """The team view from demand per staffed person × month and unstaffed demand per month."""
    staff = _people(people)
    teams = _team_index(staff)
    rows = pl.concat([person_demand, unstaffed.select(pl.lit(None, pl.Int64).alias("person_id"),
                                                      "month", "demand_hours")])
    demand = (_team_rows(rows, staff, teams)
              .group_by("team_idx", "month").agg(pl.col("demand_hours").sum())
              .join(teams, on="team_idx").drop("team_idx"))
    capacity = staff.group_by("team").agg(pl.col("capacity_hours").sum())
    return _grid(demand, capacity, "team", lo, hi)


def capacity_by_team(assignments: Frame, people: Frame, *, from_month: date | None = None,
                     to_month: date | None = None) -> pl.LazyFrame:
    """(team, METRIC_COLUMNS) per team × month; UNSTAFFED and UNLISTED demand have no capacity."""
    lo, hi = _range(from_month, to_month)
    rows = _assignments(assignments, lo, hi)
    return _team_view(_person_demand(rows), _unstaffed_demand(rows), people, lo, hi)


def _pack(high: str, low: pl.Expr) -> pl.Expr:
    """high × 2^32 + low as one Int64 key "_key" (exact for |high| < 2^31 and a 32-bit low)."""
    return (pl.col(high).cast(pl.Int64) * _SHIFT + low.cast(pl.Int64)).alias("_key")


def _unpack(high: str, low: str) -> list[pl.Expr]:
    """high and low (Int64) back from the packed "_key"."""
    low_value = (pl.col("_key") + 2**31) % _SHIFT - 2**31
    return [((pl.col("_key") - low_value) // _SHIFT).alias(high), low_value.alias(low)]


def _person_demand(rows: pl.LazyFrame) -> pl.LazyFrame:
    """(person_id, month, demand_hours) of the staffed rows: the one group_by over the big frame
    that the person and team views share (packed Int64 key, see the module docstring)."""
    return (rows.filter(pl.col("person_id").is_not_null())
            .group_by(_pack("person_id", pl.col("month").cast(pl.Int32)))
            .agg(pl.col("hours").sum().alias("demand_hours"))
            .select(*_unpack("person_id", "month"), "demand_hours")
            .with_columns(pl.col("month").cast(pl.Int32).cast(pl.Date)))


def _unstaffed_demand(rows: pl.LazyFrame) -> pl.LazyFrame:
    """(month, demand_hours) of the unstaffed rows (person_id null)."""
    return (rows.filter(pl.col("person_id").is_null())
            .group_by("month").agg(pl.col("hours").sum().alias("demand_hours")))


def _role_demand(rows: pl.LazyFrame) -> pl.LazyFrame:
    """(role, month, demand_hours) by the role the assignment asks for."""
    return (rows.group_by("role", "month").agg(pl.col("hours").sum().alias("demand_hours"))
            .with_columns(pl.col("role").cast(pl.String)))


def _role_view(role_demand: pl.LazyFrame, people: Frame, lo: date | None,
               hi: date | None) -> pl.LazyFrame:
    capacity = _people(people).group_by("role").agg(pl.col("capacity_hours").sum())
    return _grid(role_demand, capacity, "role", lo, hi)


def _person_view(person_demand: pl.LazyFrame, people: Frame) -> pl.LazyFrame:
    return (_metrics(person_demand.join(_people(people), on="person_id", how="inner"))
            .select(*KEYS["person"], *METRIC_COLUMNS))


def capacity_by_person(assignments: Frame, people: Frame, *, from_month: date | None = None,
                       to_month: date | None = None) -> pl.LazyFrame:
    """(person_id, name, role, team, METRIC_COLUMNS) per person × month with staffed demand."""
    lo, hi = _range(from_month, to_month)
    return _person_view(_person_demand(_assignments(assignments, lo, hi)), people)


def capacity_demand(assignments: Frame, *, from_month: date | None = None,
                    to_month: date | None = None) -> dict[str, pl.LazyFrame]:
    """The reductions of ``assignments`` the three views are built from: 'role' (role, month,
    demand_hours), 'person' (person_id, month, demand_hours; staffed rows) and 'unstaffed'
    (month, demand_hours; person_id null). Collect them once to share them (capacity_views)."""
    lo, hi = _range(from_month, to_month)
    rows = _assignments(assignments, lo, hi)
    return {"role": _role_demand(rows), "person": _person_demand(rows),
            "unstaffed": _unstaffed_demand(rows)}


def capacity_views(demand: dict[str, Frame], people: Frame, *, from_month: date | None = None,
                   to_month: date | None = None) -> dict[str, pl.LazyFrame]:
    """{'role', 'team', 'person'}: the capacity_by_<view> plans from ``demand`` (capacity_demand
    with the same months, ideally collected): the big frame is reduced once, not three times."""
    lo, hi = _range(from_month, to_month)
    role, person, unstaffed = (demand[k].lazy() for k in ("role", "person", "unstaffed"))
    return {"role": _role_view(role, people, lo, hi),
            "team": _team_view(person, unstaffed, people, lo, hi),
            "person": _person_view(person, people)}


def capacity(assignments: Frame, people: Frame, *, by: str = "role",
             from_month: date | None = None, to_month: date | None = None) -> pl.LazyFrame:
    """The capacity view ``by`` 'role', 'team' or 'person' (see capacity_by_<by>)."""
    views = {"role": capacity_by_role, "team": capacity_by_team, "person": capacity_by_person}
    if by not in views:
        raise ValueError(f"by must be one of {', '.join(VIEWS)}, got {by!r}")
    return views[by](assignments, people, from_month=from_month, to_month=to_month)


def overload_drivers(assignments: Frame, people: Frame, projects: Frame, *, by: str = "role",
                     from_month: date | None = None, to_month: date | None = None
                     ) -> pl.LazyFrame:
    """Per overloaded group-month, its projects: hours, share_pct = hours / demand_hours × 100.

    Output: KEYS[by], DRIVER_COLUMNS; rank 1 = most hours; sorted by group, month, rank (ties of
    hours by project_id). Project code and name are null for a project missing from ``projects``.
    """
    load = capacity(assignments, people, by=by, from_month=from_month, to_month=to_month)
    lo, hi = _range(from_month, to_month)
    rows = _assignments(assignments, lo, hi).select("project_id", "person_id", "role", "month",
                                                    "hours")
    over = (load.filter(pl.col("overloaded")).drop("over_hours", "free_hours", "overloaded")
            .sort(*KEYS[by], "month").with_row_index("_g"))
    match = {"role": "role", "team": "team_idx", "person": "person_id"}[by]
    if by == "team":
        staff = _people(people)
        teams = _team_index(staff)
        rows = _team_rows(rows, staff, teams)
        over = over.join(teams, on="team")
    over = over.cache()  # small; read twice
    names = projects.lazy().select(pl.col("id").alias("project_id"),
                                   pl.col("code").alias("project_code"),
                                   pl.col("name").alias("project_name"))
    return (rows.join(over.select(match, "month", "_g"), on=[match, "month"], how="inner")
            .group_by(_pack("_g", pl.col("project_id"))).agg(pl.col("hours").sum())
            .select(*_unpack("_g", "project_id"), "hours")
            .join(over.with_columns(pl.col("_g").cast(pl.Int64)), on="_g")
            .join(names, on="project_id", how="left")
            .with_columns((safe_div("hours", "demand_hours") * 100.0).alias("share_pct"))
            .sort("_g", "hours", "project_id", descending=[False, True, False])
            .with_columns(pl.int_range(1, pl.len() + 1, dtype=pl.UInt32).over("_g").alias("rank"))
            .select(*KEYS[by], *DRIVER_COLUMNS))
