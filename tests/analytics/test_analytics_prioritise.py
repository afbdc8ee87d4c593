"""One prioritisation run end to end on a tiny portfolio whose optimum is computed by hand."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from analytics.prioritise import RESULT_COLUMNS, run
from analytics.scenario import ScenarioParams
from data_access.queries import schemas as s
from test_analytics_factories import make_cost, make_project

AS_OF = date(2026, 11, 25)
ONLY_MONEY = {"alignment": 0, "financial": 100, "risk": 0, "urgency": 0, "compliance": 0}


def frames(dependencies: list[tuple[int, int]] = ()) -> dict[str, pl.DataFrame]:
    # scores with only the financial weight: 100 x value / max value -> A 100, B 90, C 90, D 50
    values = {1: ("A", 1000.0, 10.0), 2: ("B", 900.0, 5.0), 3: ("C", 900.0, 5.0),
              4: ("D", 500.0, 1.0)}
    projects = pl.DataFrame([make_project(id=i, code=c, status="proposed", financial_value=v)
                             for i, (c, v, _) in values.items()], schema=s.PROJECTS)
    costs = pl.DataFrame([make_cost(project_id=i, month=date(2027, 3, 1), planned=cost)
                          for i, (_, _, cost) in values.items()], schema=s.COSTS)
    return {
        "projects": projects, "costs": costs,
        "progress": pl.DataFrame(schema=s.PROGRESS),
        "assignments": pl.DataFrame([dict(project_id=2, person_id=1, role="Dev",
                                          month=date(2027, 3, 1), hours=30.0)], schema=s.ASSIGNMENTS),
        "people": pl.DataFrame([dict(id=1, name="Ann", role="Dev", team="T", department_id=1,
                                     monthly_capacity_hours=1.0)], schema=s.PEOPLE),
        "objectives": pl.DataFrame(schema=s.OBJECTIVES),
        "contributions": pl.DataFrame(schema=s.CONTRIBUTIONS),
        "dependencies": pl.DataFrame([dict(predecessor_id=p, successor_id=q, kind="finish_to_start",
                                           lag_days=0) for p, q in dependencies],
                                     schema=s.DEPENDENCIES),
    }


def selected(result) -> list[str]:
    return sorted(result.table.filter("selected")["code"].to_list())


def test_the_optimum_beats_the_waterline_on_a_known_case():
    # budget 11: optimum B + C + D = 90 + 90 + 50 = 230 (cost 11); greedy takes A (cost 10,
    # score 100), then B does not fit: the waterline stops there -> 100, loses 130/230 = 56.52 %
    result = run(frames(), as_of=AS_OF, params=ScenarioParams(weights=ONLY_MONEY, budget=11.0,
                                                               capacity_pct=None))
    assert list(result.table.columns) == list(RESULT_COLUMNS)
    assert result.table["code"].to_list() == ["A", "B", "C", "D"]        # best score first
    assert result.table["score"].to_list() == pytest.approx([100.0, 90.0, 90.0, 50.0])
    assert selected(result) == ["B", "C", "D"]
    assert result.table.filter("selected_greedy")["code"].to_list() == ["A"]
    totals = result.totals
    assert totals["total_score"] == pytest.approx(230.0)
    assert totals["greedy_loss_pct"] == pytest.approx(130 / 230 * 100, abs=1e-3)
    reason = result.table.filter(pl.col("code") == "A")["reason"][0]
    assert reason.startswith("Out: ") and "budget" in reason
    assert result.summary()["selected"] == ["B", "C", "D"]


def test_capacity_dependencies_and_forced_projects_shape_the_selection():
    # Dev capacity 1 h x 24 months = 24 h < B's 30 h -> B cannot be selected;
    # D needs A; C forced out -> with budget 11: A + D = 150 (cost 11)
    params = ScenarioParams(weights=ONLY_MONEY, budget=11.0, capacity_pct=100,
                            forced_out=("C",))
    result = run(frames(dependencies=[(1, 4)]), as_of=AS_OF, params=params)
    assert selected(result) == ["A", "D"]
    capacity = result.capacity.row(0, named=True)
    assert capacity == {"role": "Dev", "capacity_hours": 24.0, "demand_all": 30.0,
                        "demand_selected": 0.0, "demand_greedy": 0.0}
    reasons = dict(result.table.select("code", "reason").rows())
    assert reasons["C"] == "Forced out"
    assert "Dev" in reasons["B"]


def test_unknown_codes_in_the_scenario_are_ignored_with_a_notice():
    params = ScenarioParams(weights=ONLY_MONEY, forced_in=("ZZZ",), exclusive=(("A", "QQQ"),),
                            capacity_pct=None)
    result = run(frames(), as_of=AS_OF, params=params)
    assert result.notices == (
        "1 project(s) forced in are not candidates you can see here and were ignored",
        "1 exclusion(s) name projects that are not candidates here and were ignored")
    assert selected(result) == ["A", "B", "C", "D"]                   # no cap: everything
