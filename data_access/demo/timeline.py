"""Date arithmetic on numpy arrays of days since 1970-01-01, and the S-curve of work."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

EPOCH = dt.date(1970, 1, 1)
NA = np.iinfo(np.int64).min
"""Marker of a missing date in an int64 day array (becomes null in a frame)."""


def day_number(day: dt.date) -> int:
    return (day - EPOCH).days


def month_of(days: np.ndarray) -> np.ndarray:
    """Month number (months since 1970-01) of each day."""
    as_days = np.asarray(days, dtype="int64").astype("datetime64[D]")
    return as_days.astype("datetime64[M]").astype(np.int64)


def month_start(months: np.ndarray) -> np.ndarray:
    """Day number of the first day of each month number."""
    as_months = np.asarray(months, dtype="int64").astype("datetime64[M]")
    return as_months.astype("datetime64[D]").astype(np.int64)


def date_series(name: str, days: np.ndarray) -> pl.Series:
    """A polars Date series from day numbers; NA entries become null."""
    days = np.asarray(days, dtype=np.int64)
    values = pl.Series(name, days, dtype=pl.Int64)
    missing = days == NA
    if missing.any():
        values = values.scatter(np.flatnonzero(missing), None)
    return values.cast(pl.Int32).cast(pl.Date)


def scurve(x: np.ndarray) -> np.ndarray:
    """Cumulative share of work done at time fraction x: 3x^2 - 2x^3 (x clipped to 0..1)."""
    x = np.clip(x, 0.0, 1.0)
    return x * x * (3.0 - 2.0 * x)


def scurve_inverse(y: np.ndarray) -> np.ndarray:
    """The time fraction at which the S-curve reaches y (inverse of :func:`scurve`)."""
    y = np.clip(y, 0.0, 1.0)
    return 0.5 - np.sin(np.arcsin(1.0 - 2.0 * y) / 3.0)


def expand(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row -> (owner index, position within owner) for owners having ``counts`` rows each."""
    counts = np.asarray(counts, dtype=np.int64)
    owner = np.repeat(np.arange(counts.size), counts)
    starts = np.cumsum(counts) - counts
    return owner, np.arange(owner.size) - starts[owner]


def exact_counts(total: int, shares: np.ndarray, minimum: int = 0) -> np.ndarray:
    """Integer counts summing to ``total`` in proportion to ``shares`` (largest remainder)."""
    shares = np.asarray(shares, dtype=float) / np.sum(shares)
    raw = shares * total
    counts = np.maximum(np.floor(raw).astype(np.int64), minimum)
    while counts.sum() > total:
        counts[np.argmax(counts)] -= 1
    order = np.argsort(-(raw - np.floor(raw)), kind="stable")
    i = 0
    while counts.sum() < total:
        counts[order[i % counts.size]] += 1
        i += 1
    return counts


def shuffled_labels(rng: np.random.Generator, counts: np.ndarray) -> np.ndarray:
    """An array holding label k exactly counts[k] times, in random order."""
    return rng.permutation(np.repeat(np.arange(len(counts)), counts))


def keys(prefix: str, ids: np.ndarray, width: int) -> pl.Series:
    """External keys like ``RSK-000123``: ``prefix`` plus the zero-padded id."""
    return prefix + pl.Series(np.asarray(ids)).cast(pl.String).str.zfill(width)
