"""Overdue corrective actions and counts, on a small hand-made table with hand-computed results."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from analytics import actions as a

AS_OF = date(2026, 3, 10)


def actions(**over) -> pl.DataFrame:
    rows = {
        "id": [1, 2, 3, 4, 5, 6],
        "project_code": ["P2", "P1", "P1", "P1", "P2", "P3"],
        "status": ["open", "in_progress", "done", "open", "cancelled", "open"],
        "source_kind": ["risk", "drift_alert", "risk", "gate_condition", "other", "risk"],
        "due_date": [date(2026, 3, 1), date(2026, 2, 8), date(2026, 1, 1), date(2026, 3, 10),
                     date(2026, 1, 5), date(2026, 3, 9)],
        **over,
    }
    return pl.DataFrame(rows)


def test_overdue_is_live_and_strictly_past_due_most_overdue_first():
    # 2: in progress, due 8 Feb -> 30 days; 1: open, 1 Mar -> 9 days; 6: open, 9 Mar -> 1 day;
    # 4 is due on as_of (not overdue); 3 done and 5 cancelled never are.
    late = a.overdue_actions(actions(), AS_OF).collect()
    assert late.select("id", "days_overdue").rows() == [(2, 30), (1, 9), (6, 1)]


def test_ties_sort_by_project_then_id():
    frame = actions(due_date=[date(2026, 3, 1)] * 6, status=["open"] * 6)
    assert a.overdue_actions(frame, AS_OF).collect()["id"].to_list() == [2, 3, 4, 1, 5, 6]


def test_flags_keep_every_row():
    flagged = a.flag_overdue(actions(), AS_OF).collect()
    assert flagged["overdue"].to_list() == [True, True, False, False, False, True]
    assert flagged["days_overdue"].to_list() == [9, 30, None, None, None, 1]


def test_counts_by_project():
    counts = a.counts_by_project(actions(), AS_OF).collect()
    assert counts.columns == list(a.COUNT_COLUMNS)
    assert counts.rows() == [("P1", 3, 1, 1, 1, 0, 1), ("P2", 2, 1, 0, 0, 1, 1),
                             ("P3", 1, 1, 0, 0, 0, 1)]


def test_counts_by_status_include_zeros():
    frame = actions().filter(pl.col("status") != "cancelled")
    counts = dict(a.counts_by_status(frame, AS_OF).collect().rows())
    assert counts == {"open": 3, "in_progress": 1, "done": 1, "cancelled": 0, "overdue": 3}


def test_empty_input():
    empty = actions().clear()
    assert a.overdue_actions(empty, AS_OF).collect().height == 0
    assert dict(a.counts_by_status(empty, AS_OF).collect().rows())["overdue"] == 0


@pytest.mark.parametrize("kw, ids", [
    ({}, [1, 2, 3, 4, 5, 6]),
    ({"statuses": ["open"]}, [1, 4, 6]),
    ({"projects": ["P1"], "statuses": ["open", "done"]}, [3, 4]),
    ({"sources": ["risk"]}, [1, 3, 6]),
    ({"overdue_only": True, "projects": ["P2", "P3"]}, [1, 6]),
    ({"statuses": [], "projects": None}, [1, 2, 3, 4, 5, 6]),
])
def test_filters(kw, ids):
    assert a.filter_actions(actions(), AS_OF, **kw).collect()["id"].to_list() == ids
