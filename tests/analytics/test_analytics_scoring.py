"""Weighted scoring criteria and scores, weight normalisation, AHP weights and consistency."""

from __future__ import annotations

import math

import numpy as np
import polars as pl
import pytest

from analytics.scoring import (CRITERIA, CRITERIA_COLUMNS, CRITERION_KEYS, RANDOM_INDEX, ahp,
                               contrib_column, criteria, normalise_weights, pairwise_matrix,
                               scores)

from test_analytics_factories import make_project, projects


def alignment_frame(*pairs: tuple[int, float | None]) -> pl.DataFrame:
    return pl.DataFrame([dict(project_id=p, alignment_score=a) for p, a in pairs],
                        schema={"project_id": pl.Int64, "alignment_score": pl.Float64})


PROJECTS = projects(
    make_project(id=1, code="P1", financial_value=400.0, urgency=5, compliance=1, risk_level=1),
    make_project(id=2, code="P2", financial_value=100.0, urgency=1, compliance=5, risk_level=5),
    make_project(id=3, code="P3", financial_value=-50.0, urgency=3, compliance=3, risk_level=3),
    make_project(id=4, code="P4", financial_value=None, urgency=None, compliance=None,
                 risk_level=None),
    make_project(id=5, code="P5", financial_value=0.0, urgency=4, compliance=2, risk_level=2),
)
ALIGNMENT = alignment_frame((1, 80.0), (2, 0.0), (3, 100.0), (4, None))   # P5 missing
# project_id: (alignment, financial, risk, urgency, compliance), by hand:
EXPECTED = {
    1: (0.80, 400 / 400, (5 - 1) / 4, (5 - 1) / 4, (1 - 1) / 4),
    2: (0.00, 100 / 400, (5 - 5) / 4, (1 - 1) / 4, (5 - 1) / 4),
    3: (1.00, 0.0, 0.5, 0.5, 0.5),            # negative money counts 0
    4: (0.00, 0.0, 0.0, 0.0, 0.0),            # every null counts 0
    5: (0.00, 0.0, 0.75, 0.75, 0.25),         # no alignment row
}


def test_criteria_hand_computed_in_the_projects_order() -> None:
    out = criteria(PROJECTS, ALIGNMENT).collect()
    assert out.columns == list(CRITERIA_COLUMNS)
    assert out["project_id"].to_list() == [1, 2, 3, 4, 5]
    assert all(out.schema[key] == pl.Float64 for key in CRITERION_KEYS)
    for row in out.iter_rows(named=True):
        got = tuple(row[key] for key in CRITERION_KEYS)
        assert got == pytest.approx(EXPECTED[row["project_id"]]), row["project_id"]


@pytest.mark.parametrize("values, expected", [
    ([0.0, 0.0], [0.0, 0.0]),                # max 0 -> 0, never NaN
    ([-10.0, -5.0], [0.0, 0.0]),             # max < 0 -> 0
    ([None, None], [0.0, 0.0]),              # all null
    ([50.0, 200.0], [0.25, 1.0]),
])
def test_financial_criterion_edge_cases(values: list, expected: list[float]) -> None:
    frame = projects(*(make_project(id=k + 1, financial_value=v) for k, v in enumerate(values)))
    out = criteria(frame, alignment_frame()).collect()
    assert out["financial"].to_list() == pytest.approx(expected)


def test_criteria_clip_out_of_scale_values_and_duplicate_alignment_rows() -> None:
    frame = projects(make_project(id=1, urgency=9, compliance=0, risk_level=7))
    out = criteria(frame, alignment_frame((1, 150.0), (1, 20.0))).collect()
    assert out.height == 1
    assert out.row(0, named=True) == dict(project_id=1, alignment=1.0, financial=0.0, risk=0.0,
                                          urgency=1.0, compliance=0.0)


def test_criteria_of_no_project() -> None:
    assert criteria(projects(), alignment_frame()).collect().height == 0


@pytest.mark.parametrize("weights, expected", [
    ({"alignment": 1}, {"alignment": 1.0}),
    ({"alignment": 30, "financial": 25, "risk": 15, "urgency": 15, "compliance": 15},
     {"alignment": 0.30, "financial": 0.25, "risk": 0.15, "urgency": 0.15, "compliance": 0.15}),
    ({"risk": 2.0, "urgency": 6.0, "compliance": 0}, {"risk": 0.25, "urgency": 0.75}),
])
def test_normalise_weights(weights: dict, expected: dict) -> None:
    out = normalise_weights(weights)
    assert list(out) == list(CRITERION_KEYS)
    assert out == pytest.approx({key: expected.get(key, 0.0) for key in CRITERION_KEYS})
    assert math.fsum(out.values()) == pytest.approx(1.0)


@pytest.mark.parametrize("weights, message", [
    ({"alignment": 1, "beauty": 2}, "unknown criterion 'beauty'"),
    ({"alignment": -1, "risk": 3}, "weight of 'alignment' must be a finite number >= 0"),
    ({"risk": float("nan")}, "weight of 'risk'"),
    ({"urgency": float("inf")}, "weight of 'urgency'"),
    ({"financial": "lots"}, "weight of 'financial' must be a number"),
    ({"alignment": 0, "risk": 0}, "at least one weight must be above 0"),
    ({}, "at least one weight must be above 0"),
])
def test_normalise_weights_rejects(weights: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        normalise_weights(weights)


def test_scores_contributions_and_total() -> None:
    crit = criteria(PROJECTS, ALIGNMENT)
    out = scores(crit, {"alignment": 2, "financial": 1, "risk": 1}).collect()
    # w = 0.5, 0.25, 0.25; P1: 100 × (0.5×0.8 + 0.25×1 + 0.25×1) = 90
    # P2: 100 × 0.25 × 0.25 = 6.25; P3: 100 × (0.5 + 0.125) = 62.5; P4: 0; P5: 100 × 0.25 × 0.75
    assert out["score"].to_list() == pytest.approx([90.0, 6.25, 62.5, 0.0, 18.75])
    assert out[contrib_column("alignment")].to_list() == pytest.approx([40, 0, 50, 0, 0])
    assert out[contrib_column("urgency")].to_list() == [0.0] * 5
    summed = out.select(pl.sum_horizontal(contrib_column(k) for k, _ in CRITERIA))
    assert summed.to_series().to_list() == pytest.approx(out["score"].to_list())


def test_scores_span_0_to_100() -> None:
    best = projects(make_project(id=1, financial_value=5.0, urgency=5, compliance=5, risk_level=1),
                    make_project(id=2, financial_value=0.0, urgency=1, compliance=1, risk_level=5))
    out = scores(criteria(best, alignment_frame((1, 100.0))), {"risk": 1, "urgency": 3,
                                                                "alignment": 1, "financial": 1,
                                                                "compliance": 1}).collect()
    assert out["score"].to_list() == pytest.approx([100.0, 0.0])


def test_scores_reject_bad_weights_before_computing() -> None:
    with pytest.raises(ValueError, match="at least one weight"):
        scores(criteria(PROJECTS, ALIGNMENT), {"risk": 0})


# --- AHP ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("matrix, weights, lambda_max, cr", [
    # 2x2: weights 3/4, 1/4; every 2x2 reciprocal matrix is consistent
    ([[1, 3], [1 / 3, 1]], (0.75, 0.25), 2.0, 0.0),
    ([[1, 1], [1, 1]], (0.5, 0.5), 2.0, 0.0),
    # consistent 3x3 (a_ik = a_ij a_jk): weights 4:2:1, λ_max = n, CR 0
    ([[1, 2, 4], [1 / 2, 1, 2], [1 / 4, 1 / 2, 1]], (4 / 7, 2 / 7, 1 / 7), 3.0, 0.0),
    # consistent 4x4 from weights 0.4, 0.3, 0.2, 0.1 (a_ij = w_i / w_j)
    ([[0.4 / b for b in (0.4, 0.3, 0.2, 0.1)], [0.3 / b for b in (0.4, 0.3, 0.2, 0.1)],
      [0.2 / b for b in (0.4, 0.3, 0.2, 0.1)], [0.1 / b for b in (0.4, 0.3, 0.2, 0.1)]],
     (0.4, 0.3, 0.2, 0.1), 4.0, 0.0),
])
def test_ahp_exact_cases(matrix: list, weights: tuple, lambda_max: float, cr: float) -> None:
    out = ahp(matrix)
    assert out.weights == pytest.approx(weights, abs=1e-12)
    assert math.fsum(out.weights) == pytest.approx(1.0)
    assert out.lambda_max == pytest.approx(lambda_max, abs=1e-9)
    assert out.cr == pytest.approx(cr, abs=1e-9)
    assert out.consistent


def test_ahp_textbook_example() -> None:
    """The classic 3-criteria example (a12 = 3, a13 = 5, a23 = 3): published weights 0.637,
    0.258, 0.105, λ_max 3.039, CI 0.019, CR 0.033."""
    out = ahp([[1, 3, 5], [1 / 3, 1, 3], [1 / 5, 1 / 3, 1]])
    assert out.weights == pytest.approx((0.637, 0.258, 0.105), abs=5e-4)
    assert out.lambda_max == pytest.approx(3.039, abs=5e-4)
    assert out.ci == pytest.approx(0.019, abs=5e-4)
    assert out.cr == pytest.approx(0.033, abs=5e-4)
    assert out.ci == pytest.approx((out.lambda_max - 3) / 2)
    assert out.cr == pytest.approx(out.ci / RANDOM_INDEX[3])
    assert out.consistent


def test_ahp_inconsistent_judgements_flagged() -> None:
    """a > b (9), b > c (9) but c > a (9): a cycle, CR far above 0.10."""
    out = ahp([[1, 9, 1 / 9], [1 / 9, 1, 9], [9, 1 / 9, 1]])
    assert out.weights == pytest.approx((1 / 3, 1 / 3, 1 / 3))      # symmetric cycle
    # λ_max = 1 + 9 + 1/9 (the circulant's Perron root), CI = (λ − 3) / 2, CR = CI / 0.58
    lam = 1 + 9 + 1 / 9
    assert out.lambda_max == pytest.approx(lam)
    assert out.cr == pytest.approx((lam - 3) / 2 / 0.58)
    assert not out.consistent


def test_ahp_ten_criteria_uses_ri_149() -> None:
    matrix = np.ones((10, 10))
    matrix[0, 1], matrix[1, 0] = 2.0, 0.5
    out = ahp(matrix)
    assert len(out.weights) == 10
    assert out.cr == pytest.approx(out.ci / 1.49)


@pytest.mark.parametrize("matrix, message", [
    ([[1, 2, 3], [0.5, 1, 2]], r"square, got shape \(2, 3\)"),
    ([[1]], "2 to 10 criteria, got 1"),
    (np.ones((11, 11)), "2 to 10 criteria, got 11"),
    ([[1, -2], [-0.5, 1]], r"cell \[1, 2\] must be a positive number"),
    ([[1, 0], [0, 1]], r"cell \[1, 2\] must be a positive number"),
    ([[1, float("nan")], [1, 1]], r"cell \[1, 2\] must be a positive number"),
    ([[2, 1], [1, 1]], r"cell \[1, 1\] is on the diagonal and must be 1"),
    ([[1, 12], [1 / 12, 1]], r"cell \[1, 2\] = 12 is outside Saaty's scale"),
    ([[1, 3, 1], [1 / 3, 1, 1], [1, 2, 1]], r"cell \[3, 2\] = 2 must be the reciprocal of "
                                            r"cell \[2, 3\] = 1"),
    ([["a", 1], [1, 1]], "numbers only"),
])
def test_ahp_rejects(matrix: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ahp(matrix)


def test_ahp_names_cells_by_key() -> None:
    with pytest.raises(ValueError, match=r"cell \(risk, urgency\) = 10"):
        ahp([[1, 10], [0.1, 1]], keys=("risk", "urgency"))


def test_pairwise_matrix_fills_reciprocals_and_ones() -> None:
    keys = ("alignment", "financial", "risk")
    matrix = pairwise_matrix(keys, {("alignment", "financial"): 3, ("risk", "alignment"): 5})
    np.testing.assert_allclose(matrix, [[1, 3, 1 / 5], [1 / 3, 1, 1], [5, 1, 1]])


def test_pairwise_matrix_accepts_a_consistent_repeated_judgement() -> None:
    matrix = pairwise_matrix(("a", "b"), {("a", "b"): 4, ("b", "a"): 0.25})
    assert matrix.tolist() == [[1, 4], [0.25, 1]]


@pytest.mark.parametrize("keys, judgements, message", [
    (("a", "a"), {}, "distinct"),
    (("a", "b"), {("a", "z"): 3}, "unknown key 'z'"),
    (("a", "b"), {("a", "a"): 3}, "compares a key with itself"),
    (("a", "b"), {("a", "b"): 0}, "must be a positive number"),
    (("a", "b"), {("a", "b"): float("inf")}, "must be a positive number"),
    (("a", "b"), {("a", "b"): "x"}, "must be a number"),
    (("a", "b"), {("a", "b"): 3, ("b", "a"): 3}, "contradict each other"),
])
def test_pairwise_matrix_rejects(keys: tuple, judgements: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        pairwise_matrix(keys, judgements)
