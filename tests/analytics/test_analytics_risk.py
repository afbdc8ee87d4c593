"""Risk exposure (P x I and money) and the portfolio's top risks."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from analytics.risk import TOP_RISK_COLUMNS, money_exposure, score, top_risks

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
