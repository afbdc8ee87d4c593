"""The hidden story of every project: phase, health, dates, staffing and the curves of its numbers.

Everything the tables show is derived from this plan, so that the numbers agree with each other:

- planned share of the budget at day t: ``scurve((t - baseline_start) / baseline_duration)``;
- percent complete at t: ``100 * scurve((min(t, stop) - actual_start) / span)`` where ``span``
  is the forecast duration of the work (``stretch`` times the baseline duration: late projects
  stretch);
- cumulative actual cost at t: ``EV(t) / cpi(t)``, cpi(t) drifting from 1 to the project's CPI.

``stop`` is when work stops: today for running projects, the hold date, or the actual end.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from data_access.demo.config import ScaleSpec
from data_access.demo.timeline import exact_counts, scurve, scurve_inverse, shuffled_labels
from data_access.demo.vocab_org import DEPARTMENTS, ROLE_FTE, ROLE_NEEDED, ROLES
from data_access.models.enums import METHODOLOGIES, PHASES, STATUSES

IDEA, FRAMING, EXECUTION, CLOSURE, CLOSED = range(5)
PROPOSED, ACTIVE, ON_HOLD, COMPLETED, CANCELLED = range(5)
HEALTHY, WATCH, TROUBLED = range(3)
PHASE_SHARES = (0.10, 0.12, 0.48, 0.08, 0.22)
METHOD_SHARES = (0.35, 0.25, 0.15, 0.25)
MEDIAN_MONTHS = (12.0, 18.0, 20.0, 15.0)  # by methodology
TROUBLED_SHARE = 0.08
MONTH_DAYS = 30.44
HOURS_PER_FTE = 140.0

assert PHASES[CLOSED] == "closed" and STATUSES[CANCELLED] == "cancelled" and len(METHODOLOGIES) == 4


@dataclass
class Plan:
    today: int
    department: np.ndarray
    methodology: np.ndarray
    phase: np.ndarray
    status: np.ndarray
    health: np.ndarray
    watch_kind: np.ndarray  # 0 cost, 1 schedule, 2 both (meaningful for WATCH)
    reason: np.ndarray  # which trouble reason the reports tell
    baseline_start: np.ndarray
    duration: np.ndarray  # baseline duration, days
    started: np.ndarray
    actual_start: np.ndarray  # baseline_start where not started (masked by ``started``)
    span: np.ndarray  # forecast duration of the work, days
    stop: np.ndarray
    hold_days: np.ndarray
    closed: np.ndarray
    cpi: np.ndarray
    fte: np.ndarray  # (projects, roles)
    bac: np.ndarray

    def reordered(self, order: np.ndarray) -> Plan:
        """The same plan with projects in ``order`` (project index k becomes id k + 1)."""
        arrays = {f.name: getattr(self, f.name)[order] for f in fields(self) if f.name != "today"}
        return Plan(today=self.today, **arrays)

    @property
    def n(self) -> int:
        return self.phase.size

    @property
    def baseline_end(self) -> np.ndarray:
        return self.baseline_start + self.duration

    @property
    def forecast_start(self) -> np.ndarray:
        return self.actual_start

    @property
    def forecast_end(self) -> np.ndarray:
        running = self.actual_start + self.span + self.hold_days
        return np.where(self.closed, self.stop, np.where(self.started, running, self.baseline_end))

    def percent(self, i: np.ndarray, t: np.ndarray) -> np.ndarray:
        """Percent complete of projects ``i`` at days ``t``."""
        tau = np.minimum(t, self.stop[i]) - self.actual_start[i]
        return np.where(self.started[i], 100.0 * scurve(tau / self.span[i]), 0.0)

    def planned_share(self, i: np.ndarray, t: np.ndarray) -> np.ndarray:
        """Share of the budget planned to be spent by day ``t`` (the PV curve over BAC)."""
        return scurve((t - self.baseline_start[i]) / self.duration[i])

    def cpi_at(self, i: np.ndarray, t: np.ndarray) -> np.ndarray:
        tau = np.clip(np.minimum(t, self.stop[i]) - self.actual_start[i], 0, None)
        ref = np.maximum(self.stop[i] - self.actual_start[i], 1)
        return 1.0 + (self.cpi[i] - 1.0) * np.clip(tau / ref, 0.0, 1.0) ** 0.6

    def actual_cost(self, i: np.ndarray, t: np.ndarray) -> np.ndarray:
        """Cumulative actual cost of projects ``i`` by day ``t``."""
        return self.bac[i] * self.percent(i, t) / 100.0 / self.cpi_at(i, t)

    def when(self, i: np.ndarray, x: np.ndarray) -> np.ndarray:
        """Forecast day at which projects ``i`` reach life fraction ``x`` (a hold pushes it out)."""
        day = self.actual_start[i] + np.round(x * self.span[i]).astype(np.int64)
        not_started = self.baseline_start[i] + np.round(x * self.duration[i]).astype(np.int64)
        held = (self.hold_days[i] > 0) & (day > self.stop[i])
        return np.where(self.started[i], day + np.where(held, self.hold_days[i], 0), not_started)


def _split(rng: np.random.Generator, status: np.ndarray, mask: np.ndarray, share: float,
           first: int, rest: int, *, at_least: int = 0) -> None:
    idx = rng.permutation(np.flatnonzero(mask))
    k = min(idx.size, max(at_least, round(share * idx.size)))
    status[idx[:k]] = first
    status[idx[k:]] = rest


def make_plan(rng: np.random.Generator, spec: ScaleSpec, today: int) -> Plan:
    n = spec.projects
    phase = shuffled_labels(rng, exact_counts(n, np.array(PHASE_SHARES), minimum=1))
    status = np.full(n, ACTIVE)
    _split(rng, status, phase == IDEA, 0.2, ACTIVE, PROPOSED)
    _split(rng, status, phase == FRAMING, 0.3, PROPOSED, ACTIVE, at_least=1)
    _split(rng, status, phase == EXECUTION, 0.1, ON_HOLD, ACTIVE, at_least=1)
    _split(rng, status, phase == CLOSED, 0.15, CANCELLED, COMPLETED, at_least=1)
    methodology = shuffled_labels(rng, exact_counts(n, np.array(METHOD_SHARES), minimum=1))
    weights = np.array([d[3] for d in DEPARTMENTS[:spec.departments]])
    department = shuffled_labels(rng, exact_counts(n, weights, minimum=1))
    months = np.exp(np.log(np.array(MEDIAN_MONTHS)[methodology]) + 0.4 * rng.standard_normal(n))
    duration = np.round(np.clip(months, 6, 48) * MONTH_DAYS).astype(np.int64)

    started = (phase >= FRAMING) & (status != PROPOSED)
    closed = phase == CLOSED
    health, watch_kind = _health(rng, phase, status, started)
    spi = np.where(health == TROUBLED, rng.uniform(0.70, 0.85, n),
                   np.where((health == WATCH) & (watch_kind >= 1), rng.uniform(0.905, 0.945, n),
                            rng.uniform(0.96, 1.03, n)))
    cpi = np.where(health == TROUBLED, rng.uniform(0.75, 0.85, n),
                   np.where((health == WATCH) & (watch_kind != 1), rng.uniform(0.905, 0.945, n),
                            rng.uniform(0.96, 1.06, n)))

    # Where each running project stands today (u: share of its forecast span behind it).
    u = np.select([phase == FRAMING, health == TROUBLED, phase == EXECUTION, phase == CLOSURE],
                  [rng.uniform(0.03, 0.15, n), rng.uniform(0.25, 0.6, n),
                   rng.uniform(0.18, 0.86, n), rng.uniform(0.885, 0.985, n)], 0.5)
    u = np.where(status == ON_HOLD, rng.uniform(0.2, 0.7, n), u)
    stop = np.where(status == ON_HOLD, today - rng.integers(30, 151, n), today)
    ratio = scurve(u) / spi
    v = np.where(ratio < 1, scurve_inverse(np.minimum(ratio, 1)), 1 + rng.uniform(0.02, 0.15, n))
    delay = np.minimum(rng.integers(0, 11, n), np.floor(0.05 * v * duration).astype(np.int64))
    stretch = np.clip((v * duration - delay) / (u * duration), 0.92, 3.0)
    span = np.round(stretch * duration).astype(np.int64)
    start = stop - np.round(v * duration).astype(np.int64)
    actual_start = start + delay

    # Closed projects: finished (or were cancelled) some time ago.
    end = today - rng.integers(20, spec.history_days + 1, n)
    k = np.select([health == TROUBLED, health == WATCH],
                  [rng.uniform(1.2, 1.6, n), rng.uniform(1.05, 1.2, n)], rng.uniform(0.95, 1.05, n))
    k_span = np.round(k * duration).astype(np.int64)
    worked = np.where(status == CANCELLED, np.round(rng.uniform(0.2, 0.7, n) * k_span), k_span)
    closed_start = end - worked.astype(np.int64)
    actual_start = np.where(closed, closed_start, actual_start)
    span = np.where(closed, np.where(status == CANCELLED, k_span, worked), span)
    start = np.where(closed, closed_start - delay, start)
    stop = np.where(closed, end, stop)

    # Not started: ideas start in the coming months, proposed framings started recently on paper.
    not_started = ~started
    start = np.where(not_started & (phase == IDEA), today + rng.integers(10, 151, n), start)
    start = np.where(not_started & (phase == FRAMING),
                     today - np.floor(rng.uniform(0, 0.08, n) * duration).astype(np.int64), start)
    actual_start = np.where(not_started, start, actual_start)
    span = np.where(not_started, duration, span)
    stop = np.where(not_started, start, stop)
    hold_days = np.where(status == ON_HOLD, today - stop, 0)

    fte, bac = _staffing(rng, methodology, duration)
    plan = Plan(today=today, department=department, methodology=methodology, phase=phase,
                status=status, health=health, watch_kind=watch_kind, reason=rng.integers(0, 6, n),
                baseline_start=start, duration=duration, started=started, actual_start=actual_start,
                span=span, stop=stop, hold_days=hold_days, closed=closed, cpi=cpi, fte=fte, bac=bac)
    return plan.reordered(np.argsort(plan.baseline_start, kind="stable"))  # ids follow start dates


def _health(rng: np.random.Generator, phase: np.ndarray, status: np.ndarray,
            started: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """About 8 % of active projects in real trouble (all in execution), ~22 % to watch."""
    n = phase.size
    health = np.full(n, HEALTHY)
    n_troubled = max(1, round(TROUBLED_SHARE * int(np.sum(status == ACTIVE))))
    candidates = rng.permutation(np.flatnonzero((phase == EXECUTION) & (status == ACTIVE)))
    health[candidates[:n_troubled]] = TROUBLED
    closed_troubled = (phase == CLOSED) & (rng.random(n) < TROUBLED_SHARE)
    health[closed_troubled] = TROUBLED
    watch = started & (health == HEALTHY) & (rng.random(n) < 0.22)
    health[watch] = WATCH
    return health, rng.integers(0, 3, n)


def _staffing(rng: np.random.Generator, methodology: np.ndarray,
              duration: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """FTE per role (columns of ROLES) and the budget at completion they cost."""
    n = methodology.size
    base = np.array([ROLE_FTE[m] for m in METHODOLOGIES])[methodology]
    needed = np.array([ROLE_NEEDED[m] for m in METHODOLOGIES])[methodology]
    size = np.clip(0.65 * np.exp(0.55 * rng.standard_normal(n)), 0.2, 2.0)
    fte = base * size[:, None] * np.exp(0.25 * rng.standard_normal((n, len(ROLES))))
    fte = np.where(rng.random((n, len(ROLES))) < needed, fte, 0.0)
    fte[:, 0] = 0.7 * base[:, 0] * np.clip(size / 0.65, 0.5, 1.3)  # every project has a manager
    fte = np.round(fte, 2)
    rates = np.array([r[2] for r in ROLES])
    labour = (fte * rates).sum(axis=1) * HOURS_PER_FTE * duration / MONTH_DAYS
    bac = np.round(labour * rng.uniform(1.1, 1.5, n) / 1000.0) * 1000.0
    return fte, np.maximum(bac, 20000.0)
