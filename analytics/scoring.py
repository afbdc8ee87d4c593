"""Weighted scoring of projects for prioritisation, and weights from pairwise comparisons (AHP).

Criteria (each in [0, 1], higher is better; see :data:`CRITERIA`):
alignment = alignment_score / 100; financial = financial_value / max(financial_value);
risk = (5 − risk_level) / 4 (risk enters inverted); urgency = (urgency − 1) / 4;
compliance = (compliance − 1) / 4. A null or missing input counts 0; values outside their scale
are clipped into [0, 1], so a bad row can never dominate the ranking.
score = Σ_k 100 × w_k × criterion_k with Σ_k w_k = 1, so 0..100; contrib_<k> holds each term.

AHP (Saaty): weights = principal eigenvector of the reciprocal pairwise matrix, normalised to
sum 1; CI = (λ_max − n) / (n − 1); CR = CI / RI(n); consistent when CR < 0.10.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

Frame = pl.DataFrame | pl.LazyFrame

CRITERIA: tuple[tuple[str, str], ...] = (
    ("alignment", "Strategic alignment"),
    ("financial", "Financial value"),
    ("risk", "Risk (inverse)"),
    ("urgency", "Urgency"),
    ("compliance", "Compliance"),
)
CRITERION_KEYS: tuple[str, ...] = tuple(key for key, _ in CRITERIA)
CRITERIA_COLUMNS: tuple[str, ...] = ("project_id", *CRITERION_KEYS)
#: Saaty's random consistency index for n = 3..10 (n = 1, 2: 0, every 2x2 matrix is consistent).
RANDOM_INDEX: dict[int, float] = {3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32, 8: 1.41,
                                  9: 1.45, 10: 1.49}
CR_THRESHOLD = 0.10
AHP_MAX_N = 10
_RECIPROCAL_TOL = 1e-6


def contrib_column(key: str) -> str:
    """Name of the column holding criterion ``key``'s contribution to the score."""
    return f"contrib_{key}"


def _unit(expr: pl.Expr) -> pl.Expr:
    return expr.cast(pl.Float64).fill_null(0.0).fill_nan(0.0).clip(0.0, 1.0)


def alignment_criterion() -> pl.Expr:
    """alignment = alignment_score / 100 (missing → 0)."""
    return _unit(pl.col("alignment_score") / 100.0).alias("alignment")


def financial_criterion() -> pl.Expr:
    """financial = max(financial_value, 0) / max over the frame (0 when that max <= 0 or null)."""
    value = pl.col("financial_value").cast(pl.Float64).fill_nan(None).clip(lower_bound=0.0)
    top = value.max()
    return _unit(pl.when(top > 0).then(value / top).otherwise(0.0)).alias("financial")


def risk_criterion() -> pl.Expr:
    """risk = (5 − risk_level) / 4 (risk inverted: level 1 → 1, level 5 → 0)."""
    return _unit((5.0 - pl.col("risk_level")) / 4.0).alias("risk")


def urgency_criterion() -> pl.Expr:
    """urgency = (urgency − 1) / 4."""
    return _unit((pl.col("urgency") - 1.0) / 4.0).alias("urgency")


def compliance_criterion() -> pl.Expr:
    """compliance = (compliance − 1) / 4."""
    return _unit((pl.col("compliance") - 1.0) / 4.0).alias("compliance")


def criteria(projects: Frame, alignment: Frame) -> pl.LazyFrame:
    """CRITERIA_COLUMNS: one row per project of ``projects`` (its order), each criterion 0..1."""
    scores = (alignment.lazy()
              .select(pl.col("project_id"), pl.col("alignment_score").cast(pl.Float64))
              .group_by("project_id").agg(pl.col("alignment_score").max()))
    return (projects.lazy()
            .select(pl.col("id").alias("project_id"), "financial_value", "urgency",
                    "compliance", "risk_level")
            .join(scores, on="project_id", how="left", maintain_order="left")
            .select("project_id", alignment_criterion(), financial_criterion(),
                    risk_criterion(), urgency_criterion(), compliance_criterion()))


def normalise_weights(weights: Mapping[str, float]) -> dict[str, float]:
    """w_k / Σ w for every criterion key (a missing key counts 0); ValueError on a bad weight."""
    unknown = [key for key in weights if key not in CRITERION_KEYS]
    if unknown:
        raise ValueError(f"unknown criterion {unknown[0]!r}: expected one of "
                         f"{', '.join(CRITERION_KEYS)}")
    values: dict[str, float] = {}
    for key in CRITERION_KEYS:
        raw = weights.get(key, 0.0)
        try:
            value = float(raw)
        except (TypeError, ValueError):
            raise ValueError(f"weight of {key!r} must be a number, got {raw!r}") from None
        if not math.isfinite(value) or value < 0:
            raise ValueError(f"weight of {key!r} must be a finite number >= 0, got {raw!r}")
        values[key] = value
    total = math.fsum(values.values())
    if total <= 0:
        raise ValueError("at least one weight must be above 0")
    return {key: value / total for key, value in values.items()}


def contribution(key: str, weight: float) -> pl.Expr:
    """contrib_<key> = 100 × w_key × criterion_key (w normalised)."""
    return (100.0 * weight * pl.col(key).cast(pl.Float64)).alias(contrib_column(key))


def score() -> pl.Expr:
    """score = Σ_k contrib_<k> (0..100)."""
    return pl.sum_horizontal([pl.col(contrib_column(key)) for key in CRITERION_KEYS]).alias("score")


def scores(criteria: Frame, weights: Mapping[str, float]) -> pl.LazyFrame:
    """``criteria`` + contrib_<key> per criterion + score, with normalised ``weights``."""
    normalised = normalise_weights(weights)
    return (criteria.lazy()
            .with_columns([contribution(key, normalised[key]) for key in CRITERION_KEYS])
            .with_columns(score()))


@dataclass(frozen=True)
class AhpResult:
    """Weights from a pairwise matrix and Saaty's consistency measures."""

    weights: tuple[float, ...]
    lambda_max: float
    ci: float
    cr: float
    consistent: bool


def _cell(keys: Sequence[str] | None, i: int, j: int) -> str:
    if keys is not None:
        return f"cell ({keys[i]}, {keys[j]})"
    return f"cell [{i + 1}, {j + 1}]"


def _validated_matrix(matrix: np.ndarray | Sequence[Sequence[float]],
                      keys: Sequence[str] | None) -> np.ndarray:
    try:
        a = np.asarray(matrix, dtype=float)
    except (TypeError, ValueError):
        raise ValueError("the pairwise matrix must hold numbers only") from None
    if a.ndim != 2 or a.shape[0] != a.shape[1]:
        raise ValueError(f"the pairwise matrix must be square, got shape {a.shape}")
    n = a.shape[0]
    if not 2 <= n <= AHP_MAX_N:
        raise ValueError(f"the pairwise matrix must compare 2 to {AHP_MAX_N} criteria, got {n}")
    if keys is not None and len(keys) != n:
        raise ValueError(f"{len(keys)} keys for a {n}x{n} pairwise matrix")
    for i in range(n):
        for j in range(n):
            v = a[i, j]
            where = _cell(keys, i, j)
            if not math.isfinite(v) or v <= 0:
                raise ValueError(f"{where} must be a positive number, got {v!r}")
            if i == j and abs(v - 1.0) > _RECIPROCAL_TOL:
                raise ValueError(f"{where} is on the diagonal and must be 1, got {v:g}")
            if v < 1 / 9 - _RECIPROCAL_TOL or v > 9 + _RECIPROCAL_TOL:
                raise ValueError(f"{where} = {v:g} is outside Saaty's scale 1/9..9")
    for i in range(n):
        for j in range(i + 1, n):
            if abs(a[j, i] - 1.0 / a[i, j]) > _RECIPROCAL_TOL:
                raise ValueError(f"{_cell(keys, j, i)} = {a[j, i]:g} must be the reciprocal of "
                                 f"{_cell(keys, i, j)} = {a[i, j]:g} (1/{a[i, j]:g})")
    return a


def ahp(matrix: np.ndarray | Sequence[Sequence[float]], *,
        keys: Sequence[str] | None = None) -> AhpResult:
    """Principal-eigenvector weights (Σ = 1), λ_max, CI = (λ_max − n)/(n − 1), CR = CI / RI(n)."""
    a = _validated_matrix(matrix, keys)
    n = a.shape[0]
    eigenvalues, eigenvectors = np.linalg.eig(a)
    k = int(np.argmax(eigenvalues.real))
    lambda_max = float(eigenvalues[k].real)
    vector = np.abs(eigenvectors[:, k].real)
    weights = vector / vector.sum()
    if n <= 2:
        ci, cr = 0.0, 0.0
    else:
        ci = max(0.0, (lambda_max - n) / (n - 1))
        cr = ci / RANDOM_INDEX[n]
    return AhpResult(weights=tuple(float(w) for w in weights), lambda_max=lambda_max, ci=ci,
                     cr=cr, consistent=cr < CR_THRESHOLD)


def pairwise_matrix(keys: Sequence[str],
                    judgements: Mapping[tuple[str, str], float]) -> np.ndarray:
    """Matrix a with a[a, b] = v and a[b, a] = 1/v for each judgement (a, b) = v; else 1."""
    keys = list(keys)
    if len(set(keys)) != len(keys):
        raise ValueError("the compared keys must be distinct")
    index = {key: i for i, key in enumerate(keys)}
    a = np.ones((len(keys), len(keys)))
    given: dict[tuple[int, int], float] = {}
    for (left, right), raw in judgements.items():
        for key in (left, right):
            if key not in index:
                raise ValueError(f"unknown key {key!r} in judgement ({left}, {right})")
        if left == right:
            raise ValueError(f"judgement ({left}, {right}) compares a key with itself")
        try:
            value = float(raw)
        except (TypeError, ValueError):
            raise ValueError(f"judgement ({left}, {right}) must be a number, got {raw!r}") from None
        if not math.isfinite(value) or value <= 0:
            raise ValueError(f"judgement ({left}, {right}) must be a positive number, got {raw!r}")
        i, j = index[left], index[right]
        if (j, i) in given and abs(given[(j, i)] * value - 1.0) > _RECIPROCAL_TOL:
            raise ValueError(f"judgements ({left}, {right}) = {value:g} and ({right}, {left}) = "
                             f"{given[(j, i)]:g} contradict each other")
        given[(i, j)] = value
        a[i, j], a[j, i] = value, 1.0 / value
    return a
