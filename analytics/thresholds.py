"""Health thresholds: parse the thresholds frame and turn a metric into a RAG label and words.

Boundary rule (one rule for every metric): a value AT a threshold belongs to the worse band.
For a metric where lower is worse (CPI, SPI): red when value <= red, amber when value <= amber,
else green. For a metric where higher is worse (EAC overrun, slip days, risk score): red when
value >= red, amber when value >= amber, else green. Values are compared at the precision they
are shown with (CPI/SPI 2 decimals, EAC overrun 0.1 %, days and scores whole), so the colour
never contradicts the words. The words say "below"/"above" when the value is strictly past the
threshold and "at or below"/"at or above" when it sits exactly on it.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from analytics.exprs import fmt_fixed

#: metric -> (display scale, decimals, unit suffix)
DISPLAY = {
    "cpi": (1.0, 2, ""),
    "spi": (1.0, 2, ""),
    "eac_overrun": (100.0, 1, "%"),
    "milestone_slip_days": (1.0, 0, ""),
    "risk_score": (1.0, 0, ""),
}
REQUIRED_METRICS = tuple(DISPLAY)


@dataclass(frozen=True)
class Threshold:
    """One metric's amber and red limits and its direction."""

    metric: str
    amber: float
    red: float
    higher_is_worse: bool

    @property
    def _display(self) -> tuple[float, int, str]:
        return DISPLAY.get(self.metric, (1.0, 2, ""))

    def shown(self, value: pl.Expr) -> pl.Expr:
        """value × scale rounded to the displayed decimals (half away from zero)."""
        scale, decimals, _ = self._display
        return (value * scale).round(decimals, mode="half_away_from_zero")

    def limit(self, band: str) -> float:
        """The amber or red limit in display units, rounded like the values."""
        scale, decimals, _ = self._display
        return round(getattr(self, band) * scale, decimals)

    def limit_text(self, band: str) -> str:
        """The amber or red limit as shown, e.g. '0.90' or '10.0%'."""
        _, decimals, suffix = self._display
        return f"{self.limit(band):.{decimals}f}{suffix}"

    def shown_text(self, value: pl.Expr) -> pl.Expr:
        """The value as shown, e.g. '0.82' or '12.5%'."""
        _, decimals, suffix = self._display
        return pl.concat_str(fmt_fixed(self.shown(value), decimals), pl.lit(suffix))

    def _at_or_worse(self, shown: pl.Expr, band: str) -> pl.Expr:
        lim = self.limit(band)
        return shown >= lim if self.higher_is_worse else shown <= lim

    def rag(self, value: pl.Expr) -> pl.Expr:
        """'red' when at or worse than red, 'amber' when at or worse than amber, else 'green'."""
        shown = self.shown(value)
        return (pl.when(shown.is_null()).then(None)
                .when(self._at_or_worse(shown, "red")).then(pl.lit("red"))
                .when(self._at_or_worse(shown, "amber")).then(pl.lit("amber"))
                .otherwise(pl.lit("green")))

    def comparison(self, value: pl.Expr) -> pl.Expr:
        """Words comparing value with the limit of its band: 'below 0.90', 'at or above 20'."""
        shown = self.shown(value)
        worse, better = ("above", "below") if self.higher_is_worse else ("below", "above")
        expr = pl.when(shown.is_null()).then(None)
        for band in ("red", "amber"):
            lim, text = self.limit(band), self.limit_text(band)
            expr = (expr.when(shown == lim).then(pl.lit(f"at or {worse} {text}"))
                    .when(self._at_or_worse(shown, band)).then(pl.lit(f"{worse} {text}")))
        return expr.otherwise(pl.lit(f"{better} {self.limit_text('amber')}"))


def parse_thresholds(frame: pl.DataFrame) -> dict[str, Threshold]:
    """metric -> Threshold from a (metric, amber, red, higher_is_worse) frame, validated."""
    if isinstance(frame, pl.LazyFrame):  # a tiny configuration table
        frame = frame.collect()
    if not isinstance(frame, pl.DataFrame):
        raise TypeError(f"thresholds must be a polars DataFrame, got {type(frame).__name__}")
    missing_cols = {"metric", "amber", "red", "higher_is_worse"} - set(frame.columns)
    if missing_cols:
        raise ValueError(f"thresholds frame lacks columns: {', '.join(sorted(missing_cols))}")
    out: dict[str, Threshold] = {}
    for row in frame.iter_rows(named=True):
        metric = row["metric"]
        if metric in out:
            raise ValueError(f"threshold for metric {metric!r} appears more than once")
        if row["amber"] is None or row["red"] is None or row["higher_is_worse"] is None:
            raise ValueError(
                f"threshold for metric {metric!r} has an empty amber, red or direction")
        t = Threshold(metric, float(row["amber"]), float(row["red"]), bool(row["higher_is_worse"]))
        if (t.red < t.amber) if t.higher_is_worse else (t.red > t.amber):
            raise ValueError(
                f"threshold for metric {metric!r}: red {t.red} is less severe than amber {t.amber}")
        out[metric] = t
    missing = [m for m in REQUIRED_METRICS if m not in out]
    if missing:
        raise ValueError(f"thresholds frame lacks metrics: {', '.join(missing)}")
    return out
