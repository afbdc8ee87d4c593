"""Risk exposure (P x I and money), the portfolio's top risks, the 5 x 5 matrix, changes between
two snapshots of the register and overdue mitigations."""

from __future__ import annotations

from datetime import date, datetime

import polars as pl
import pytest

from analytics.risk import (CHANGE_COLUMNS, CHANGE_KINDS, MATRIX_COLUMNS, OVERDUE_COLUMNS,
                            TOP_RISK_COLUMNS, band, band_rank, money_exposure, overdue_mitigations,
                            risk_change_summary, risk_changes, risk_matrix, score, top_risks)

from test_analytics_factories import assert_finite, make_project, make_risk, projects, risks


@pytest.mark.parametrize("p, i, cost_impact, expected_score, expected_money", [
    (1, 1, 1000.0, 1, 200.0),          # 1/5 x 1000
    (5, 5, 1000.0, 25, 1000.0),        # 5/5 x 1000
    (2, 5, 50000.0, 10, 20000.0),      # 2/5 x 50000
    (3, 4, None, 12, None),            # unknown cost impact: no money exposure
    (4, 2, 0.0, 8, 0.0),
])
def test_exposure(p, i, cost_impact, expected_score, expected_money):
    df = risks(make_risk(probability=p, impact=i, cost_impact=cost_impact)).select(
        score(), money_exposure())
    assert_finite(df)
    got_score, got_money = df.row(0)
    assert got_score == expected_score
    assert got_money == (None if expected_money is None else pytest.approx(expected_money))


PROJECTS = projects(make_project(id=1, code="P001", name="One"),
                    make_project(id=2, code="P002", name="Two"))
RISKS = risks(
    make_risk(id=1, project_id=1, probability=4, impact=5, cost_impact=1000.0),  # 20; 4/5 x 1000
    make_risk(id=2, project_id=2, probability=5, impact=4, cost_impact=5000.0),  # 20; 5/5 x 5000
    make_risk(id=3, project_id=1, probability=5, impact=4, cost_impact=None),        # 20, null
    make_risk(id=4, project_id=2, probability=3, impact=3, status="mitigating"),     # 9
    make_risk(id=5, project_id=1, probability=5, impact=5, status="closed"),         # excluded
    make_risk(id=6, project_id=2, probability=5, impact=5, status="occurred"),       # excluded
    make_risk(id=7, project_id=99, probability=5, impact=5),  # project not in PROJECTS
    make_risk(id=8, project_id=1, probability=4, impact=5, cost_impact=1000.0),      # ties id 1
)


@pytest.mark.parametrize("n, expected_ids", [
    (10, [2, 1, 8, 3, 4]),  # score desc, then money desc (null last), then id
    (2, [2, 1]),
    (0, []),
])
def test_top_risks_order_and_cut(n, expected_ids):
    df = top_risks(RISKS, PROJECTS, n).collect()
    assert df.columns == list(TOP_RISK_COLUMNS)
    assert df["risk_id"].to_list() == expected_ids


def test_top_risks_carry_project_code_and_name():
    row = top_risks(RISKS, PROJECTS, 1).collect().row(0, named=True)
    assert (row["project_code"], row["project_name"], row["score"], row["money_exposure"]) == (
        "P002", "Two", 20, pytest.approx(5000.0))


@pytest.mark.parametrize("as_of, expected_ids", [
    # Identified 2026-03-01: not yet known on 2026-02-28; closed 2026-05-01: live before that.
    (date(2026, 2, 28), [2]),
    (date(2026, 4, 30), [1, 2]),
    (date(2026, 5, 1), [1]),
])
def test_top_risks_at_a_status_date(as_of, expected_ids):
    rs = risks(make_risk(id=1, probability=5, impact=5, identified_on=date(2026, 3, 1)),
               make_risk(id=2, probability=1, impact=1, status="closed",
                         identified_on=date(2026, 1, 1), closed_on=date(2026, 5, 1)))
    assert top_risks(rs, PROJECTS, 10, as_of=as_of).collect()["risk_id"].to_list() == expected_ids


def test_negative_n_is_refused():
    with pytest.raises(ValueError, match="n must be >= 0"):
        top_risks(RISKS, PROJECTS, -1)


def test_lazy_inputs_are_accepted():
    assert top_risks(RISKS.lazy(), PROJECTS.lazy(), 1).collect().height == 1
    assert isinstance(top_risks(RISKS, PROJECTS, 1), pl.LazyFrame)


@pytest.mark.parametrize("value, expected_band, expected_rank", [
    (1, "low", 0), (4, "low", 0), (5, "medium", 1), (9, "medium", 1), (10, "high", 2),
    (16, "high", 2), (20, "critical", 3), (25, "critical", 3), (None, None, None),
])
def test_band_edges(value, expected_band, expected_rank):
    df = pl.DataFrame({"score": [value]}, schema={"score": pl.Int64}).select(band(), band_rank())
    assert df.row(0) == (expected_band, expected_rank)


MATRIX_RISKS = risks(
    make_risk(id=1, probability=4, impact=5, cost_impact=1000.0),               # 4/5 x 1000 = 800
    make_risk(id=2, probability=4, impact=5, cost_impact=None),                 # counts, adds 0
    make_risk(id=3, probability=4, impact=5, cost_impact=500.0, status="closed"),   # not live
    make_risk(id=4, probability=2, impact=3, cost_impact=2000.0, status="mitigating"),  # 800
    make_risk(id=5, project_id=2, probability=1, impact=1, cost_impact=100.0),  # 1/5 x 100 = 20
)


def test_risk_matrix_has_25_cells_with_counts_and_money():
    df = risk_matrix(MATRIX_RISKS).collect()
    assert df.columns == list(MATRIX_COLUMNS)
    assert df.select("probability", "impact").rows() == [(p, i) for p in range(1, 6)
                                                         for i in range(1, 6)]
    assert_finite(df)
    filled = df.filter(pl.col("risks") > 0).select("probability", "impact", "score", "band",
                                                   "risks", "money_exposure").rows()
    assert filled == [(1, 1, 1, "low", 1, pytest.approx(20.0)),
                      (2, 3, 6, "medium", 1, pytest.approx(800.0)),
                      (4, 5, 20, "critical", 2, pytest.approx(800.0))]
    assert df["money_exposure"].sum() == pytest.approx(1620.0)  # zero-filled elsewhere


def test_risk_matrix_bands_are_monotone_in_the_score():
    df = risk_matrix(MATRIX_RISKS).collect().sort("score")
    assert df["band_rank"].is_sorted()  # a higher score never has a lower band
    assert df.group_by("band").agg(pl.col("score").min().alias("lo"), pl.col("score").max()
                                   .alias("hi")).sort("lo").rows() == [
        ("low", 1, 4), ("medium", 5, 9), ("high", 10, 16), ("critical", 20, 25)]


@pytest.mark.parametrize("kwargs, expected_cells", [
    (dict(), {(1, 1): 1, (2, 3): 1, (4, 5): 2}),
    (dict(projects=projects(make_project(id=2))), {(1, 1): 1}),
    (dict(projects=projects()), {}),
    # identified 2026-01-10 by default: nothing live on 2026-01-09; risk 3 closed later than that
    (dict(as_of=date(2026, 1, 9)), {}),
])
def test_risk_matrix_scope_and_status_date(kwargs, expected_cells):
    rs = MATRIX_RISKS
    if "as_of" in kwargs:
        rs = rs.with_columns(pl.when(pl.col("id") == 3).then(date(2026, 1, 1))
                             .otherwise(pl.col("identified_on")).alias("identified_on"),
                             pl.when(pl.col("id") == 3).then(date(2026, 2, 1))
                             .otherwise(pl.col("closed_on")).alias("closed_on"))
        expected_cells = {(4, 5): 1}  # risk 3: identified 2026-01-01, closed 2026-02-01
    df = risk_matrix(rs, **kwargs).collect().filter(pl.col("risks") > 0)
    assert {(p, i): n for p, i, n in df.select("probability", "impact", "risks").rows()} == (
        expected_cells)


def test_risk_matrix_of_an_empty_register_is_all_zero():
    df = risk_matrix(risks()).collect()
    assert (df.height, df["risks"].sum(), df["money_exposure"].sum()) == (25, 0, 0.0)


BEFORE = risks(
    make_risk(id=1, probability=3, impact=3),                   # 9
    make_risk(id=2, probability=2, impact=2),                   # 4
    make_risk(id=3, probability=4, impact=4),                   # 16
    make_risk(id=4, probability=5, impact=5),                   # 25
    make_risk(id=6, probability=5, impact=5, status="closed"),  # not live
    make_risk(id=7, probability=1, impact=5, status="closed"),  # not live
    make_risk(id=8, probability=2, impact=5, title="Gone"),     # 10, missing afterwards
)
AFTER = risks(
    make_risk(id=1, probability=4, impact=3),                   # 12: up by 3
    make_risk(id=2, probability=2, impact=1),                   # 2: down by 2
    make_risk(id=3, probability=4, impact=4, status="mitigating"),  # 16: unchanged
    make_risk(id=4, probability=5, impact=5, status="closed"),  # closed: -25
    make_risk(id=5, probability=3, impact=2),                   # new: +6
    make_risk(id=6, probability=5, impact=5, status="closed"),  # live in neither: left out
    make_risk(id=7, probability=1, impact=5, status="open"),    # reopened: new, +5
)


def test_risk_changes_hand_computed():
    df = risk_changes(BEFORE, AFTER).collect()
    assert df.columns == list(CHANGE_COLUMNS)
    assert df.select("risk_id", "change", "status_before", "status_after", "score_before",
                     "score_after", "score_delta").rows() == [
        (5, "new", None, "open", None, 6, 6),
        (7, "new", "closed", "open", None, 5, 5),
        (4, "closed", "open", "closed", 25, None, -25),
        (8, "closed", "open", None, 10, None, -10),  # gone from the register
        (1, "score_up", "open", "open", 9, 12, 3),
        (2, "score_down", "open", "open", 4, 2, -2),
        (3, "unchanged", "open", "mitigating", 16, 16, 0),
    ]
    assert df.filter(pl.col("risk_id") == 8)["title"].item() == "Gone"


def test_risk_change_summary_counts_every_kind():
    summary = risk_change_summary(risk_changes(BEFORE, AFTER)).collect()
    assert summary.rows() == [("new", 2, 11), ("closed", 2, -35), ("score_up", 1, 3),
                              ("score_down", 1, -2), ("unchanged", 1, 0)]
    # the deltas add up to the change in total live score: (12+2+16+6+5) - (9+4+16+25+10) = -23
    assert summary["score_delta"].sum() == -23


def test_risk_changes_between_two_status_dates_of_one_register():
    rs = risks(make_risk(id=1, identified_on=date(2026, 3, 1)),
               make_risk(id=2, status="closed", identified_on=date(2026, 1, 1),
                         closed_on=date(2026, 2, 15)))
    df = risk_changes(rs, rs, before_as_of=date(2026, 2, 1), after_as_of=date(2026, 4, 1))
    assert df.collect().select("risk_id", "change").rows() == [(1, "new"), (2, "closed")]


def test_risk_changes_of_empty_registers():
    changes = risk_changes(risks(), risks())
    df, summary = pl.collect_all([changes, risk_change_summary(changes)])
    assert (df.height, df.columns) == (0, list(CHANGE_COLUMNS))
    assert summary.rows() == [(kind, 0, 0) for kind in CHANGE_KINDS]


OVERDUE_AS_OF = date(2026, 6, 1)
OVERDUE_RISKS = risks(
    make_risk(id=1, due_date=date(2026, 5, 31), probability=3, impact=3),       # 1 day, score 9
    make_risk(id=2, due_date=date(2026, 3, 3), status="mitigating", owner="Eve"),
    # 2026-03-03 -> 06-01: 28 (rest of March) + 30 + 31 + 1 = 90 days
    make_risk(id=3, due_date=OVERDUE_AS_OF),                                    # due today: not yet
    make_risk(id=4, due_date=None),
    make_risk(id=5, due_date=date(2026, 1, 1), status="closed"),
    make_risk(id=6, project_id=99, due_date=date(2026, 1, 1)),                  # not in scope
    make_risk(id=7, project_id=2, due_date=date(2026, 5, 31), probability=4, impact=5),  # 1, 20
    make_risk(id=8, due_date=date(2026, 1, 1), identified_on=date(2026, 7, 1)),  # not yet known
)


def test_overdue_mitigations_most_overdue_first():
    df = overdue_mitigations(OVERDUE_RISKS, PROJECTS, OVERDUE_AS_OF).collect()
    assert df.columns == list(OVERDUE_COLUMNS)
    assert df.select("risk_id", "project_code", "owner", "score", "days_overdue").rows() == [
        (2, "P001", "Eve", 9, 90), (7, "P002", "Bob", 20, 1), (1, "P001", "Bob", 9, 1)]


def test_overdue_mitigations_checks_the_status_date():
    with pytest.raises(TypeError, match="as_of must be a datetime.date"):
        overdue_mitigations(OVERDUE_RISKS, PROJECTS, datetime(2026, 6, 1))


def test_overdue_mitigations_of_an_empty_register():
    df = overdue_mitigations(risks(), PROJECTS, OVERDUE_AS_OF).collect()
    assert (df.height, df.columns) == (0, list(OVERDUE_COLUMNS))
