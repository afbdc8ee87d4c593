"""bench/scale.py's pure helpers: summaries, cells, verdicts, spacing, ratios (nothing timed)."""

from __future__ import annotations

import pytest

from bench import scale


def test_summary_is_median_min_max_and_count():
    assert scale.summary([3.0, 1.0, 2.0]) == {"median": 2.0, "min": 1.0, "max": 3.0, "n": 3}
    assert scale.summary([]) == {"median": None, "min": None, "max": None, "n": 0}


def test_cell_shows_median_and_range_or_a_dash():
    assert scale.cell(scale.summary([0.1, 0.3, 0.2])) == "0.200 (0.100-0.300)"
    assert scale.cell(scale.summary([120.4, 130.6]), "{:.0f}") == "126 (120-131)"
    assert scale.cell(scale.summary([])) == "-"


@pytest.mark.parametrize(("value", "limit", "expected"), [
    (0.05, 0.1, "PASS"), (0.1, 0.1, "PASS"), (0.11, 0.1, "FAIL"), (None, 0.1, "n/a")])
def test_verdict_passes_at_or_below_the_limit(value, limit, expected):
    assert scale.verdict(value, limit) == expected


def test_spread_picks_evenly_spaced_items():
    assert scale.spread(list(range(10)), 5) == [0, 2, 4, 6, 8]
    assert scale.spread([1, 2], 5) == [1, 2]
    assert scale.spread(list(range(7)), 3) == [0, 2, 4]


def test_ratio_is_none_without_both_figures():
    assert scale.ratio(1.0, 4.0) == 0.25
    assert scale.ratio(None, 4.0) is None
    assert scale.ratio(1.0, None) is None
    assert scale.ratio(1.0, 0.0) is None


def test_targets_compare_l_with_s_and_the_old_path():
    def result(scale_: str, new: float, old: float, rss: float, pct: float) -> dict:
        def path(cold: float, rss_: float) -> dict:
            return {"cold": scale.summary([cold]), "rss_mb": scale.summary([rss_])}
        return {"backend": "postgresql", "scale": scale_, "visible_pct": pct,
                "paths": {"new": path(new, rss), "old": path(old, rss)}}

    out = scale.targets([result("S", 0.2, 1.0, 250, 5.0), result("L", 0.5, 10.0, 310, 0.5)])
    got = {row["target"]: (row["value"], row["verdict"]) for row in out}
    assert got["overview cold at L / today's path at L"] == (0.05, "PASS")
    assert got["overview cold at L / overview cold at S"] == (2.5, "PASS")
    assert got["peak RSS serving the overview at L (MB)"] == (310, "FAIL")
    assert got["status report visible at L, % of a full refresh"] == (0.5, "PASS")
