"""The parameters of a what-if prioritisation scenario, and their plain-dict form (URL, database).

A scenario is everything the selection depends on besides the data: the criteria weights, the
budget caps, the horizon, how much of each role's capacity may be planned, the point of no
return of projects in flight, the projects forced in or out and the mutually exclusive pairs.
``from_dict`` never raises on bad values: it keeps the defaults for what it cannot read and
says, in plain words, what it dropped (a stale or hand-edited link must not break the page).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

CRITERION_KEYS = ("alignment", "financial", "risk", "urgency", "compliance")
DEFAULT_WEIGHTS = {"alignment": 30, "financial": 25, "risk": 15, "urgency": 15, "compliance": 15}
HORIZON_YEARS = (1, 2, 3)
MAX_CODES = 500
MAX_TIME_LIMIT = 10.0


def default_budget(total_cost: float) -> float | None:
    """80 % of what every candidate would cost, rounded down to 100,000 (None when nothing costs)."""
    budget = (total_cost * 0.8) // 100_000 * 100_000
    return budget if budget > 0 else None


@dataclass(frozen=True)
class ScenarioParams:
    """What-if settings; weights are slider values 0..100 (normalised when scoring)."""

    weights: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    budget: float | None = None                        # cap on the horizon's total cost
    budget_per_year: Mapping[int, float] = field(default_factory=dict)
    horizon_years: int = 2                             # the budget years after the status date's
    capacity_pct: int | None = 100                     # share of role capacity; None: not capped
    ponr_pct: int | None = 50                          # in flight past this % complete: mandatory
    forced_in: tuple[str, ...] = ()
    forced_out: tuple[str, ...] = ()
    exclusive: tuple[tuple[str, str], ...] = ()
    time_limit: float = 1.0

    def with_(self, **changes: Any) -> ScenarioParams:
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (keys and order stable): what the URL and the database store."""
        return {
            "weights": {k: int(self.weights.get(k, 0)) for k in CRITERION_KEYS},
            "budget": self.budget,
            "budget_per_year": {str(y): v for y, v in sorted(self.budget_per_year.items())},
            "horizon_years": self.horizon_years,
            "capacity_pct": self.capacity_pct,
            "ponr_pct": self.ponr_pct,
            "forced_in": sorted(self.forced_in),
            "forced_out": sorted(self.forced_out),
            "exclusive": sorted(sorted(pair) for pair in self.exclusive),
            "time_limit": self.time_limit,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> tuple[ScenarioParams, list[str]]:
        """(params, notices): every unreadable value replaced by its default and named."""
        notices: list[str] = []
        base = cls()
        values: dict[str, Any] = {}
        readers = {"weights": _weights, "budget": _money, "budget_per_year": _year_caps,
                   "horizon_years": _horizon, "capacity_pct": _percent_or_none,
                   "ponr_pct": _percent_or_none, "forced_in": _codes, "forced_out": _codes,
                   "exclusive": _pairs, "time_limit": _time_limit}
        for name, reader in readers.items():
            if name not in data:
                continue
            try:
                values[name] = reader(data[name])
            except (TypeError, ValueError) as exc:
                notices.append(f"{name.replace('_', ' ')} ignored: {exc}")
        params = replace(base, **values)
        clash = sorted(set(params.forced_in) & set(params.forced_out))
        if clash:
            notices.append(f"{len(clash)} project(s) were both forced in and out: kept in only")
            params = replace(params, forced_out=tuple(c for c in params.forced_out
                                                      if c not in clash))
        return params, notices


def _number(value: Any) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{str(value)[:40]!r} is not a number") from None
    if not math.isfinite(number):
        raise ValueError(f"{value!r} is not a finite number")
    return number


def _weights(value: Any) -> dict[str, int]:
    if not isinstance(value, Mapping):
        raise TypeError("expected criterion: weight pairs")
    unknown = sorted(set(value) - set(CRITERION_KEYS))
    if unknown:
        raise ValueError(f"unknown criterion {unknown[0]!r} (known: {', '.join(CRITERION_KEYS)})")
    weights = {k: int(round(_number(value.get(k, 0)))) for k in CRITERION_KEYS}
    bad = [k for k, w in weights.items() if not 0 <= w <= 100]
    if bad:
        raise ValueError(f"weight of {bad[0]} must be between 0 and 100")
    if not any(weights.values()):
        raise ValueError("at least one weight must be above 0")
    return weights


def _money(value: Any) -> float | None:
    if value is None:
        return None
    amount = _number(value)
    if amount < 0:
        raise ValueError("a budget cannot be negative")
    return amount


def _year_caps(value: Any) -> dict[int, float]:
    if not isinstance(value, Mapping):
        raise TypeError("expected year: amount pairs")
    caps = {}
    for year, amount in value.items():
        y = int(year)
        if not 1900 < y < 2200:
            raise ValueError(f"year {year!r} out of range")
        caps[y] = _money(amount)
    return caps


def _horizon(value: Any) -> int:
    years = int(value)
    if years not in HORIZON_YEARS:
        raise ValueError(f"must be one of {', '.join(map(str, HORIZON_YEARS))} years")
    return years


def _percent_or_none(value: Any) -> int | None:
    if value is None:
        return None
    pct = int(round(_number(value)))
    if not 0 <= pct <= 200:
        raise ValueError("must be between 0 and 200 %")
    return pct


def _codes(value: Any) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, (list, tuple)):
        raise TypeError("expected a list of project codes")
    codes = tuple(dict.fromkeys(str(c).strip() for c in value if str(c).strip()))
    if len(codes) > MAX_CODES:
        raise ValueError(f"more than {MAX_CODES} project codes")
    return codes


def _pairs(value: Any) -> tuple[tuple[str, str], ...]:
    if isinstance(value, str) or not isinstance(value, (list, tuple)):
        raise TypeError("expected a list of project-code pairs")
    pairs = set()
    for pair in value:
        if isinstance(pair, str) or len(pair) != 2:
            raise ValueError(f"{pair!r} is not a pair of project codes")
        a, b = (str(c).strip() for c in pair)
        if not a or not b or a == b:
            raise ValueError(f"{a!r} and {b!r} are not two different projects")
        pairs.add(tuple(sorted((a, b))))
    if len(pairs) > MAX_CODES:
        raise ValueError(f"more than {MAX_CODES} pairs")
    return tuple(sorted(pairs))


def _time_limit(value: Any) -> float:
    seconds = _number(value)
    if not 0.05 <= seconds <= MAX_TIME_LIMIT:
        raise ValueError(f"must be between 0.05 and {MAX_TIME_LIMIT:g} seconds")
    return seconds
