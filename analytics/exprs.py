"""Small polars expression helpers shared by the analytics modules (no I/O, no domain rules)."""

from __future__ import annotations

import polars as pl

#: Red-amber-green labels from best to worst; a label's index is its severity rank.
RAG = ("green", "amber", "red")


def safe_div(num: pl.Expr | str, den: pl.Expr | str) -> pl.Expr:
    """num / den, null when den is 0 or null (never inf or NaN)."""
    num = pl.col(num) if isinstance(num, str) else num
    den = pl.col(den) if isinstance(den, str) else den
    return pl.when(den != 0).then(num / den).otherwise(None)


def days_between(start: pl.Expr, end: pl.Expr) -> pl.Expr:
    """end − start in whole days (Int64; positive when end is later)."""
    return (end - start).dt.total_days()


def fmt_fixed(value: pl.Expr, decimals: int) -> pl.Expr:
    """value as text with exactly ``decimals`` decimals (half away from zero), null stays null."""
    scaled = (value * 10**decimals).round(0, mode="half_away_from_zero").cast(pl.Int64, strict=False)
    magnitude = scaled.abs()
    if decimals == 0:
        body = magnitude.cast(pl.String)
    else:
        body = pl.concat_str(
            (magnitude // 10**decimals).cast(pl.String),
            pl.lit("."),
            (magnitude % 10**decimals).cast(pl.String).str.zfill(decimals),
        )
    return pl.when(scaled < 0).then(pl.concat_str(pl.lit("-"), body)).otherwise(body)


def rag_rank(label: pl.Expr) -> pl.Expr:
    """Severity rank of a RAG label: green 0, amber 1, red 2; anything else null."""
    return (pl.when(label == RAG[0]).then(pl.lit(0, dtype=pl.Int8))
            .when(label == RAG[1]).then(pl.lit(1, dtype=pl.Int8))
            .when(label == RAG[2]).then(pl.lit(2, dtype=pl.Int8)))


def rag_label(rank: pl.Expr) -> pl.Expr:
    """RAG label of a severity rank (inverse of :func:`rag_rank`); null stays null."""
    return (pl.when(rank == 0).then(pl.lit(RAG[0]))
            .when(rank == 1).then(pl.lit(RAG[1]))
            .when(rank == 2).then(pl.lit(RAG[2])))


def worst_rank(ranks: list[pl.Expr]) -> pl.Expr:
    """max of the severity ranks, ignoring nulls; null when all are null."""
    return pl.max_horizontal(ranks)
