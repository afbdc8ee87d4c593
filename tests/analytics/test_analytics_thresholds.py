"""RAG boundaries: a value exactly at a threshold falls in the worse band, compared as displayed."""

from __future__ import annotations

import polars as pl
import pytest

from analytics.exprs import fmt_fixed, rag_label, rag_rank
from analytics.thresholds import parse_thresholds

from test_analytics_factories import make_threshold_rows, thresholds

SEEDED = parse_thresholds(thresholds())


def judge(metric: str, value: float | None) -> tuple:
    t = SEEDED[metric]
    df = pl.DataFrame({"v": [value]}, schema={"v": pl.Float64})
    return df.select(t.rag(pl.col("v")), t.comparison(pl.col("v")).alias("c"),
                     t.shown_text(pl.col("v")).alias("s")).row(0)


@pytest.mark.parametrize("metric, value, rag, words, shown", [
    # CPI and SPI: amber 0.95, red 0.90, lower is worse.
    ("cpi", 1.10, "green", "above 0.95", "1.10"),
    ("cpi", 0.96, "green", "above 0.95", "0.96"),
    ("cpi", 0.9551, "green", "above 0.95", "0.96"),        # shown 0.96
    ("cpi", 0.95, "amber", "at or below 0.95", "0.95"),    # exactly at amber
    ("cpi", 0.9549, "amber", "at or below 0.95", "0.95"),  # shown 0.95: judged as shown
    ("cpi", 0.94, "amber", "below 0.95", "0.94"),
    ("cpi", 0.91, "amber", "below 0.95", "0.91"),
    ("cpi", 0.90, "red", "at or below 0.90", "0.90"),      # exactly at red
    ("cpi", 0.89, "red", "below 0.90", "0.89"),
    ("cpi", 0.82, "red", "below 0.90", "0.82"),
    ("cpi", 0.0, "red", "below 0.90", "0.00"),
    ("spi", 0.95, "amber", "at or below 0.95", "0.95"),
    ("spi", 0.9, "red", "at or below 0.90", "0.90"),
    ("spi", 0.93, "amber", "below 0.95", "0.93"),
    ("spi", 1.0, "green", "above 0.95", "1.00"),
    # EAC overrun: amber 5 %, red 10 %, higher is worse; shown in % with one decimal.
    ("eac_overrun", 0.125, "red", "above 10.0%", "12.5%"),
    ("eac_overrun", 0.10, "red", "at or above 10.0%", "10.0%"),
    ("eac_overrun", 0.0994, "amber", "above 5.0%", "9.9%"),
    ("eac_overrun", 0.05, "amber", "at or above 5.0%", "5.0%"),
    ("eac_overrun", 0.049, "green", "below 5.0%", "4.9%"),
    ("eac_overrun", 0.0, "green", "below 5.0%", "0.0%"),
    ("eac_overrun", -0.03, "green", "below 5.0%", "-3.0%"),
    # Milestone slip: amber 15 days, red 45 days.
    ("milestone_slip_days", 14, "green", "below 15", "14"),
    ("milestone_slip_days", 15, "amber", "at or above 15", "15"),
    ("milestone_slip_days", 16, "amber", "above 15", "16"),
    ("milestone_slip_days", 44, "amber", "above 15", "44"),
    ("milestone_slip_days", 45, "red", "at or above 45", "45"),
    ("milestone_slip_days", 52, "red", "above 45", "52"),
    ("milestone_slip_days", -3, "green", "below 15", "-3"),
    # Risk score: amber 12, red 20.
    ("risk_score", 10, "green", "below 12", "10"),
    ("risk_score", 12, "amber", "at or above 12", "12"),
    ("risk_score", 16, "amber", "above 12", "16"),
    ("risk_score", 20, "red", "at or above 20", "20"),
    ("risk_score", 25, "red", "above 20", "25"),
    # No value: no colour, no words.
    ("cpi", None, None, None, None),
    ("risk_score", None, None, None, None),
])
def test_boundaries(metric, value, rag, words, shown):
    assert judge(metric, value) == (rag, words, shown)


@pytest.mark.parametrize("rows, message", [
    (make_threshold_rows()[1:], "lacks metrics: cpi"),
    (make_threshold_rows() + make_threshold_rows()[:1], "'cpi' appears more than once"),
    (make_threshold_rows(cpi=(0.90, 0.95)), "'cpi': red 0.95 is less severe than amber 0.9"),
    (make_threshold_rows(risk_score=(20.0, 12.0)), "'risk_score': red 12.0 is less severe"),
    ([r | {"red": None} if r["metric"] == "spi" else r for r in make_threshold_rows()],
     "'spi' has an empty amber, red or direction"),
])
def test_bad_thresholds_are_refused_with_a_clear_message(rows, message):
    df = pl.DataFrame(rows, schema={"metric": pl.String, "amber": pl.Float64, "red": pl.Float64,
                                    "higher_is_worse": pl.Boolean})
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        parse_thresholds(df)


def test_thresholds_without_a_column_are_refused():
    with pytest.raises(ValueError, match="lacks columns: higher_is_worse"):
        parse_thresholds(thresholds().drop("higher_is_worse"))


def test_equal_amber_and_red_is_allowed_and_red_wins():
    t = parse_thresholds(thresholds(cpi=(0.9, 0.9)))["cpi"]
    df = pl.DataFrame({"v": [0.9, 0.91]})
    assert df.select(t.rag(pl.col("v"))).to_series().to_list() == ["red", "green"]


@pytest.mark.parametrize("value, decimals, text", [
    (0.8, 2, "0.80"), (0.005, 2, "0.01"), (12.25, 1, "12.3"), (-3.0, 1, "-3.0"),
    (-0.04, 1, "0.0"),  # no negative zero
    (52.0, 0, "52"), (1234.5, 0, "1235"), (None, 2, None),
])
def test_fmt_fixed(value, decimals, text):
    df = pl.DataFrame({"v": [value]}, schema={"v": pl.Float64})
    assert df.select(fmt_fixed(pl.col("v"), decimals)).item() == text


@pytest.mark.parametrize("label, rank", [("green", 0), ("amber", 1), ("red", 2), ("blue", None),
                                         (None, None)])
def test_rag_rank_and_label_round_trip(label, rank):
    df = pl.DataFrame({"l": [label]}, schema={"l": pl.String})
    got = df.select(rag_rank(pl.col("l")).alias("r"), rag_label(rag_rank(pl.col("l"))).alias("b"))
    assert got.row(0) == (rank, None if rank is None else label)
