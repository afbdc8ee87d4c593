"""Strategic alignment score, investment mix against targets, projects serving no objective."""

from __future__ import annotations

import polars as pl
import pytest

from analytics.alignment import (ALIGNMENT_COLUMNS, MIX_COLUMNS, UNALIGNED,
                                 WITHOUT_OBJECTIVE_COLUMNS, alignment, investment_mix,
                                 projects_without_objective)
from data_access.queries import schemas as s

from test_analytics_factories import assert_finite, frame, make_project, projects


def make_objective(**overrides) -> dict:
    return dict(id=1, code="GROW", name="Grow", weight=1.0, target_share=0.0) | overrides


def make_contribution(**overrides) -> dict:
    return dict(project_id=1, objective_id=1, contribution=1.0) | overrides


def objectives(*rows: dict) -> pl.DataFrame:
    return frame(s.OBJECTIVES, rows)


def contributions(*rows: dict) -> pl.DataFrame:
    return frame(s.CONTRIBUTIONS, rows)


OBJECTIVES = objectives(  # Σ weights = 3 + 1 + 0 = 4
    make_objective(id=1, code="GROW", weight=3.0, target_share=0.5),
    make_objective(id=2, code="CX", name="Customers", weight=1.0, target_share=0.3),
    make_objective(id=3, code="ESG", name="Sustainability", weight=0.0, target_share=0.12),
)
PROJECTS = projects(
    make_project(id=1, code="P1", bac=1000.0),
    make_project(id=2, code="P2", bac=600.0),
    make_project(id=3, code="P3", bac=400.0),
    make_project(id=4, code="P4", bac=500.0, status="cancelled"),
    make_project(id=5, code="P5", bac=300.0, status="completed"),
    make_project(id=6, code="P6", bac=200.0),
    make_project(id=7, code="P7", bac=None),
    make_project(id=8, code="P8", bac=100.0),
)
CONTRIBUTIONS = contributions(
    make_contribution(project_id=1, objective_id=1, contribution=1.0),
    make_contribution(project_id=1, objective_id=2, contribution=0.5),
    make_contribution(project_id=2, objective_id=2, contribution=0.4),
    make_contribution(project_id=2, objective_id=2, contribution=0.4),   # duplicate: 0.8
    make_contribution(project_id=4, objective_id=1, contribution=1.0),
    make_contribution(project_id=5, objective_id=3, contribution=0.5),   # weight 0 objective
    make_contribution(project_id=6, objective_id=1, contribution=0.0),   # serves nothing
    make_contribution(project_id=7, objective_id=1, contribution=0.6),
    make_contribution(project_id=7, objective_id=2, contribution=0.9),
    make_contribution(project_id=7, objective_id=2, contribution=0.9),   # 1.8 capped at 1
    make_contribution(project_id=8, objective_id=99, contribution=1.0),  # unknown objective
)


def test_alignment_scores_hand_computed():
    df = alignment(PROJECTS, CONTRIBUTIONS, OBJECTIVES).collect()
    assert df.columns == list(ALIGNMENT_COLUMNS)
    assert_finite(df)
    assert df.select("code", "alignment_score", "objectives_served",
                     "serves_no_objective").rows() == [
        ("P1", pytest.approx(87.5), 2, False),   # (3 x 1.0 + 1 x 0.5) / 4 x 100
        ("P4", pytest.approx(75.0), 1, False),   # 3 x 1.0 / 4 (cancelled still scored)
        ("P7", pytest.approx(70.0), 2, False),   # (3 x 0.6 + 1 x 1.0) / 4
        ("P2", pytest.approx(20.0), 1, False),   # 1 x 0.8 / 4
        ("P3", 0.0, 0, True),                    # no contribution
        ("P5", 0.0, 1, False),                   # serves an objective of weight 0
        ("P6", 0.0, 0, True),                    # contribution 0
        ("P8", 0.0, 0, True),                    # objective 99 is unknown
    ]


def test_alignment_with_all_weights_zero_is_zero_not_null():
    objs = OBJECTIVES.with_columns(pl.lit(0.0).alias("weight"))
    df = alignment(PROJECTS, CONTRIBUTIONS, objs).collect()
    assert df["alignment_score"].to_list() == [0.0] * 8


def test_investment_mix_hand_computed():
    # P4 cancelled: out. P1 1000 split 1.0 : 0.5 -> GROW 2000/3, CX 1000/3; P2 600 -> CX;
    # P5 300 -> ESG; P7 null bac -> 0 for GROW and CX; P3 400 + P6 200 + P8 100 -> unaligned 700.
    # Total 2600: CX 2800/3 / 2600 = 14/39, ESG 3/26, GROW 10/39, unaligned 7/26.
    df = investment_mix(PROJECTS, CONTRIBUTIONS, OBJECTIVES).collect()
    assert df.columns == list(MIX_COLUMNS)
    assert_finite(df)
    assert df.rows() == [
        (2, "CX", "Customers", 3, pytest.approx(2800 / 3), pytest.approx(14 / 39), 0.3,
         pytest.approx(14 / 39 - 0.3), "over"),        # +5.9 points
        (3, "ESG", "Sustainability", 1, pytest.approx(300.0), pytest.approx(3 / 26), 0.12,
         pytest.approx(3 / 26 - 0.12), "on_target"),    # -0.5 points
        (1, "GROW", "Grow", 2, pytest.approx(2000 / 3), pytest.approx(10 / 39), 0.5,
         pytest.approx(10 / 39 - 0.5), "under"),        # -24.4 points
        (None, UNALIGNED, "Serves no objective", 3, pytest.approx(700.0), pytest.approx(7 / 26),
         0.0, pytest.approx(7 / 26), "over"),
    ]
    assert df["actual_share"].sum() == pytest.approx(1.0)


@pytest.mark.parametrize("bac_a, target_a, expected", [
    (35.0, 0.30, "on_target"),  # 0.35 - 0.30 is 0.04999999999999999 in floats: exactly 5 points
    (25.0, 0.30, "on_target"),  # -5 points
    (36.0, 0.30, "over"),       # +6 points
    (24.0, 0.30, "under"),      # -6 points
])
def test_mix_status_tolerance_is_five_points_inclusive(bac_a, target_a, expected):
    objs = objectives(make_objective(id=1, code="A", target_share=target_a),
                      make_objective(id=2, code="B", target_share=1.0 - target_a))
    prjs = projects(make_project(id=1, code="PA", bac=bac_a),
                    make_project(id=2, code="PB", bac=100.0 - bac_a))
    contribs = contributions(make_contribution(project_id=1, objective_id=1),
                             make_contribution(project_id=2, objective_id=2))
    df = investment_mix(prjs, contribs, objs).collect()
    assert df.filter(pl.col("code") == "A")["status"].item() == expected


def test_investment_mix_with_another_amount():
    prjs = PROJECTS.with_columns(pl.col("bac").alias("financial_value"), pl.lit(1.0).alias("bac"))
    df = investment_mix(prjs, CONTRIBUTIONS, OBJECTIVES, amount="financial_value").collect()
    assert df.filter(pl.col("code") == UNALIGNED)["invested"].item() == pytest.approx(700.0)


@pytest.mark.parametrize("amount", ["nope", "code"])
def test_investment_mix_refuses_a_bad_amount(amount):
    with pytest.raises(ValueError, match="amount must name a numeric column of projects"):
        investment_mix(PROJECTS, CONTRIBUTIONS, OBJECTIVES, amount=amount)


def test_investment_mix_without_projects_lists_objectives_unassessed():
    df = investment_mix(projects(), contributions(), OBJECTIVES).collect()
    assert df.select("code", "invested", "actual_share", "gap", "status").rows() == [
        ("CX", 0.0, None, None, None), ("ESG", 0.0, None, None, None),
        ("GROW", 0.0, None, None, None)]


@pytest.mark.parametrize("with_objectives, expected", [
    (False, ["P3", "P6"]),        # P8 contributes (to an objective the caller did not pass)
    (True, ["P3", "P6", "P8"]),   # objective 99 is unknown
])
def test_projects_without_objective(with_objectives, expected):
    kwargs = dict(objectives=OBJECTIVES) if with_objectives else {}
    df = projects_without_objective(PROJECTS, CONTRIBUTIONS, **kwargs).collect()
    assert df.columns == list(WITHOUT_OBJECTIVE_COLUMNS)
    assert df["code"].to_list() == expected


@pytest.mark.parametrize("lazy", [False, True])
def test_empty_inputs_give_empty_frames(lazy):
    p, c, o = projects(), contributions(), objectives()
    if lazy:
        p, c, o = p.lazy(), c.lazy(), o.lazy()
    outs = pl.collect_all([alignment(p, c, o), investment_mix(p, c, o),
                           projects_without_objective(p, c)])
    for df, columns in zip(outs, (ALIGNMENT_COLUMNS, MIX_COLUMNS, WITHOUT_OBJECTIVE_COLUMNS)):
        assert (df.height, df.columns) == (0, list(columns))
