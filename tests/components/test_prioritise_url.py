"""The link <-> scenario codec: every parameter written, everything read back, bad values named."""

from __future__ import annotations

import pytest

from analytics.scenario import ScenarioParams
from components.prioritise_url import KEYS, from_query, read_query, to_query


def test_every_parameter_is_written_and_read_back():
    params = ScenarioParams(weights={"alignment": 0, "financial": 40, "risk": 10, "urgency": 25,
                                     "compliance": 25}, budget=18_000_000.0,
                            budget_per_year={2027: 9_500_000.0, 2028: 8_000_000.25},
                            horizon_years=2, capacity_pct=None, ponr_pct=None,
                            forced_in=("PRJ-2", "PRJ-1"), forced_out=("PRJ-9",),
                            exclusive=(("PRJ-5", "PRJ-4"),), time_limit=0.25)
    query = to_query(params)
    assert list(query) == list(KEYS)
    assert query == {"w_alignment": "0", "w_financial": "40", "w_risk": "10", "w_urgency": "25",
                     "w_compliance": "25", "budget": "18000000",
                     "ybudget": "2027:9500000,2028:8000000.25", "years": "2", "cap": "off",
                     "ponr": "off", "in": "PRJ-1,PRJ-2", "out": "PRJ-9", "excl": "PRJ-4+PRJ-5",
                     "limit": "0.25"}
    again, notices = from_query(query)
    assert notices == [] and again.to_dict() == params.to_dict()


def test_absent_keys_keep_defaults_and_a_partial_weight_set_fills_the_rest():
    params, notices = from_query({"w_risk": "60"})
    assert notices == []
    assert dict(params.weights) == {"alignment": 30, "financial": 25, "risk": 60, "urgency": 15,
                                    "compliance": 15}
    assert params.budget is None and params.capacity_pct == 100


@pytest.mark.parametrize("query, notice", [
    ({"excl": "PRJ-1"}, "write it as CODE+CODE"),
    ({"budget": "<script>"}, "budget ignored"),
    ({"years": "0"}, "horizon years ignored"),
    ({"ponr": "-3"}, "ponr pct ignored"),
    ({"limit": "nan"}, "time limit ignored"),
])
def test_bad_values_are_dropped_with_a_notice(query, notice):
    params, notices = from_query(query)
    assert any(notice in n for n in notices), notices
    assert params == ScenarioParams()


def test_read_query_keeps_the_last_value_and_bounds_its_length():
    values = {"in": ["A", "B"], "budget": ["1" * 5000], "unrelated": ["x"]}
    query = read_query(lambda key: values.get(key, []))
    assert query == {"in": "B", "budget": "1" * 2000}
