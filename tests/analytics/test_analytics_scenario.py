"""Scenario parameters: the dict form round-trips; bad values are dropped with a notice."""

from __future__ import annotations

import pytest

from analytics.scenario import DEFAULT_WEIGHTS, ScenarioParams, default_budget


def test_round_trip_through_the_dict_form():
    params = ScenarioParams(weights={"alignment": 10, "financial": 0, "risk": 5, "urgency": 50,
                                     "compliance": 35}, budget=1_500_000.5,
                            budget_per_year={2028: 9.0, 2027: 700_000.0}, horizon_years=3,
                            capacity_pct=None, ponr_pct=70, forced_in=("B", "A"),
                            forced_out=("C",), exclusive=(("E", "D"),), time_limit=0.5)
    again, notices = ScenarioParams.from_dict(params.to_dict())
    assert notices == []
    assert again.to_dict() == params.to_dict()
    assert again.exclusive == (("D", "E"),) and again.forced_in == ("A", "B")


@pytest.mark.parametrize("data, notice", [
    ({"weights": {"alignment": 0, "financial": 0}}, "weights ignored: at least one weight"),
    ({"weights": {"beauty": 5}}, "unknown criterion 'beauty'"),
    ({"weights": {"risk": 101}}, "weight of risk must be between 0 and 100"),
    ({"budget": -1}, "budget ignored: a budget cannot be negative"),
    ({"budget": "inf"}, "budget ignored: 'inf' is not a finite number"),
    ({"budget": "12k"}, "budget ignored: '12k' is not a number"),
    ({"budget_per_year": {"1800": 5}}, "year '1800' out of range"),
    ({"horizon_years": 9}, "horizon years ignored: must be one of 1, 2, 3 years"),
    ({"capacity_pct": 500}, "capacity pct ignored: must be between 0 and 200 %"),
    ({"forced_in": "A,B"}, "forced in ignored: expected a list of project codes"),
    ({"exclusive": [["A", "A"]]}, "'A' and 'A' are not two different projects"),
    ({"exclusive": [["A", "B", "C"]]}, "is not a pair of project codes"),
    ({"time_limit": 60}, "time limit ignored: must be between 0.05 and 10 seconds"),
])
def test_bad_values_keep_the_default_and_say_why(data, notice):
    params, notices = ScenarioParams.from_dict(data)
    assert len(notices) == 1 and notice in notices[0]
    assert params == ScenarioParams()


def test_a_project_forced_both_ways_stays_forced_in():
    params, notices = ScenarioParams.from_dict({"forced_in": ["A"], "forced_out": ["A", "B"]})
    assert params.forced_in == ("A",) and params.forced_out == ("B",)
    assert notices == ["1 project(s) were both forced in and out: kept in only"]


@pytest.mark.parametrize("total, expected", [(0.0, None), (99_999.0, None),
                                             (1_000_000.0, 800_000.0), (27_499_999.0, 21_900_000.0)])
def test_default_budget_is_80_percent_rounded_down_to_100k(total, expected):
    # 27,499,999 x 0.8 = 21,999,999.2 -> 21,900,000
    assert default_budget(total) == expected


def test_default_weights_are_the_documented_ones():
    assert dict(ScenarioParams().weights) == DEFAULT_WEIGHTS == {
        "alignment": 30, "financial": 25, "risk": 15, "urgency": 15, "compliance": 15}
