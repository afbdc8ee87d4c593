"""A prioritisation scenario <-> the link's query parameters (pure: no streamlit here).

Every parameter is always written, so a shared link reproduces the scenario exactly, whatever
the defaults of the day:
w_alignment=30&w_financial=25&...&budget=18000000&ybudget=2027:9000000,2028:9000000&years=2
&cap=100&ponr=50&in=PRJ-00012,PRJ-00019&out=PRJ-00031&excl=PRJ-00002+PRJ-00007&limit=1
(``cap=off`` / ``ponr=off`` switch a rule off; ``budget=none`` is no total cap).
Reading never raises: a value it cannot read is dropped, the default kept, and a notice says so.
"""

from __future__ import annotations

from collections.abc import Mapping

from analytics.scenario import CRITERION_KEYS, ScenarioParams

KEYS = (*(f"w_{k}" for k in CRITERION_KEYS), "budget", "ybudget", "years", "cap", "ponr", "in",
        "out", "excl", "limit")
OFF = "off"
NONE = "none"


def _number_text(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.2f}"


def to_query(params: ScenarioParams) -> dict[str, str]:
    """The query parameters naming ``params`` (every key of KEYS, in that order)."""
    query = {f"w_{k}": str(int(params.weights.get(k, 0))) for k in CRITERION_KEYS}
    query["budget"] = NONE if params.budget is None else _number_text(params.budget)
    query["ybudget"] = ",".join(f"{y}:{_number_text(v)}"
                                for y, v in sorted(params.budget_per_year.items()))
    query["years"] = str(params.horizon_years)
    query["cap"] = OFF if params.capacity_pct is None else str(params.capacity_pct)
    query["ponr"] = OFF if params.ponr_pct is None else str(params.ponr_pct)
    query["in"] = ",".join(sorted(params.forced_in))
    query["out"] = ",".join(sorted(params.forced_out))
    query["excl"] = ",".join(sorted("+".join(sorted(pair)) for pair in params.exclusive))
    query["limit"] = f"{params.time_limit:g}"
    return query


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def from_query(query: Mapping[str, str]) -> tuple[ScenarioParams, list[str]]:
    """(params, notices) from the link's parameters; absent keys keep their defaults."""
    data: dict = {}
    notices: list[str] = []
    weights = {k: query[f"w_{k}"] for k in CRITERION_KEYS if f"w_{k}" in query}
    if weights:
        defaults = ScenarioParams().weights
        data["weights"] = {k: weights.get(k, defaults[k]) for k in CRITERION_KEYS}
    if "budget" in query:
        data["budget"] = None if query["budget"].strip().lower() in (NONE, "") else query["budget"]
    if "ybudget" in query:
        caps = {}
        for item in _split(query["ybudget"]):
            year, _, amount = item.partition(":")
            caps[year] = amount
        data["budget_per_year"] = caps
    if "years" in query:
        data["horizon_years"] = query["years"]
    for key, name in (("cap", "capacity_pct"), ("ponr", "ponr_pct")):
        if key in query:
            data[name] = None if query[key].strip().lower() == OFF else query[key]
    for key, name in (("in", "forced_in"), ("out", "forced_out")):
        if key in query:
            data[name] = _split(query[key])
    if "excl" in query:
        pairs = []
        for item in _split(query["excl"]):
            a, sep, b = item.partition("+")
            if not sep:
                notices.append(f"exclusion {item[:40]!r} ignored: write it as CODE+CODE")
                continue
            pairs.append((a, b))
        data["exclusive"] = pairs
    if "limit" in query:
        data["time_limit"] = query["limit"]
    params, more = ScenarioParams.from_dict(data)
    return params, notices + more


def read_query(get_all) -> dict[str, str]:
    """The last value of each KEYS parameter present, from a ``get_all(key) -> list`` accessor."""
    query = {}
    for key in KEYS:
        values = get_all(key)
        if values:
            query[key] = str(values[-1])[:2000]
    return query
