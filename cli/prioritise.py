"""``pmo prioritise``: the what-if selection, computed by exactly the code the page uses
(analytics.prioritise.run), with the page's defaults (budget: 80 % of every candidate's cost;
weights: the PMO's method standard, else the built-in ones)."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import typer
from rich.console import Console
from rich.table import Table

from analytics.prioritise import ScenarioResult, run
from analytics.scenario import CRITERION_KEYS, ScenarioParams, default_budget
from cli.errors import clean_errors, fail
from data_access.engine import get_engine
from data_access.queries.portfolio import load_kpi_frames
from data_access.scope import SYSTEM
from data_access.settings import today as settings_today
from data_access.standards import current_standard

FORMATS = ("table", "json")


@contextmanager
def _stdout_to_stderr() -> Iterator[None]:
    """HiGHS may print solver chatter straight to file descriptor 1: keep it off our output."""
    sys.stdout.flush()
    try:
        saved = os.dup(1)
    except OSError:          # no real descriptor (e.g. a test runner's captured stream)
        yield
        return
    try:
        os.dup2(2, 1)
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def parse_weights(text: str, defaults: dict[str, int] | None = None) -> dict[str, int]:
    """'alignment=40,financial=30' -> the five weights (unnamed criteria keep their default)."""
    weights = dict(defaults or ScenarioParams().weights)
    for item in (part.strip() for part in text.split(",") if part.strip()):
        name, sep, value = item.partition("=")
        name = name.strip().lower()
        if not sep or name not in CRITERION_KEYS:
            fail(f"--weights: {item!r} is not NAME=VALUE with NAME one of {', '.join(CRITERION_KEYS)}")
        try:
            weights[name] = int(value)
        except ValueError:
            fail(f"--weights: the weight of {name} must be a whole number 0-100, not {value!r}")
    return weights


def parse_budget(text: str | None) -> float | None:
    if text is None or text.strip().lower() == "none":
        return None
    try:
        amount = float(text.replace(",", "").replace("_", ""))
    except ValueError:
        fail(f"--budget must be an amount like 18000000 (or 'none'), not {text!r}")
    return amount


def _print_table(result: ScenarioResult) -> None:
    table = Table("rank", "code", "score", "cost", "selected", "greedy", "why",
                  title=f"Prioritisation {result.span.label} at {result.as_of.isoformat()}")
    for row in result.table.iter_rows(named=True):
        table.add_row(str(row["rank"]), row["code"], f"{row['score']:.2f}", f"{row['cost']:,.0f}",
                      "yes" if row["selected"] else "no", "yes" if row["selected_greedy"] else "no",
                      row["reason"])
    console = Console(width=None if sys.stdout.isatty() else 200)
    console.print(table)
    t = result.totals
    console.print(f"Total score {t['total_score']:.2f} for {t['selected']} of {t['candidates']} "
                  f"projects, cost {t['total_cost']:,.0f}; greedy ranking {t['greedy_score']:.2f} "
                  f"({t['greedy_loss_pct']:.1f} % less). {result.exact.message}")


@clean_errors
def prioritise(
    budget: str | None = typer.Option(None, help="total budget over the horizon; 'none' = no cap "
                                                 "(default: 80 % of every candidate's cost)"),
    weights: str = typer.Option("", help="NAME=VALUE,... with NAME in " + ", ".join(CRITERION_KEYS)),
    years: int = typer.Option(2, help="budget years planned after the status date's year (1-3)"),
    capacity: str = typer.Option("100", help="% of each role's capacity that may be planned, or off"),
    as_of: str | None = typer.Option(None, "--as-of", help="status date YYYY-MM-DD (default today)"),
    time_limit: float = typer.Option(1.0, "--time-limit", help="solver time limit in seconds"),
    fmt: str = typer.Option("table", "--format", help="table or json"),
) -> None:
    """Print every candidate's code, score, cost and whether the optimal portfolio selects it."""
    if fmt not in FORMATS:
        fail(f"unknown --format {fmt!r}: choose one of {', '.join(FORMATS)}")
    try:
        status_date = dt.date.fromisoformat(as_of) if as_of else settings_today()
    except ValueError:
        fail(f"--as-of must be a date as YYYY-MM-DD, not {as_of!r}")
    engine = get_engine()
    standard = current_standard(engine, "prioritisation").weights
    raw = {"weights": parse_weights(weights, standard), "horizon_years": years,
           "time_limit": time_limit,
           "capacity_pct": None if capacity.strip().lower() == "off" else capacity}
    params, problems = ScenarioParams.from_dict(raw)
    if problems:
        fail("; ".join(problems))
    frames = load_kpi_frames(engine, SYSTEM)
    if budget is None:
        with _stdout_to_stderr():
            unbounded = run(frames, as_of=status_date, params=params)
        params = params.with_(budget=default_budget(float(unbounded.table["cost"].sum())))
    else:
        params, problems = ScenarioParams.from_dict({**params.to_dict(),
                                                     "budget": parse_budget(budget)})
        if problems:
            fail("; ".join(problems))
    with _stdout_to_stderr():
        result = run(frames, as_of=status_date, params=params)
    if fmt == "json":
        rows = result.table.select("code", "score", "cost", "selected", "selected_greedy",
                                   "reason").to_dicts()
        sys.stdout.write(json.dumps({"as_of": status_date.isoformat(), "parameters": params.to_dict(),
                                     "totals": result.totals, "projects": rows}) + "\n")
    else:
        _print_table(result)
