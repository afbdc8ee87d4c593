import polars as pl
import pytest

from analytics.filters import PortfolioFilter
from data_access.queries import schemas as s
from test_analytics_factories import make_project, projects, frame

PROJECTS = projects(
    make_project(id=1, code="A", department_code="FIN", phase="execution", status="active", manager="Ann"),
    make_project(id=2, code="B", department_code="IT", phase="framing", status="proposed", manager="Bob"),
    make_project(id=3, code="C", department_code="IT", phase="execution", status="on_hold", manager="Ann"),
)
OBJECTIVES = frame(s.OBJECTIVES, [dict(id=1, code="O1", name="Grow", weight=1.0, target_share=0.5),
                                  dict(id=2, code="O2", name="Comply", weight=1.0, target_share=0.5)])
CONTRIBUTIONS = frame(s.CONTRIBUTIONS, [dict(project_id=1, objective_id=1, contribution=0.5),
                                        dict(project_id=3, objective_id=2, contribution=1.0),
                                        dict(project_id=2, objective_id=2, contribution=0.0)])


@pytest.mark.parametrize(("f", "ids"), [
    (PortfolioFilter(), [1, 2, 3]),
    (PortfolioFilter(departments=("IT",)), [2, 3]),
    (PortfolioFilter(departments=("IT",), phases=("execution",)), [3]),
    (PortfolioFilter(statuses=("active", "proposed")), [1, 2]),
    (PortfolioFilter(managers=("Ann",)), [1, 3]),
    (PortfolioFilter(objectives=("O2",)), [3]),          # B's contribution of 0 does not count
    (PortfolioFilter(objectives=("O1", "O2"), departments=("FIN",)), [1]),
    (PortfolioFilter(departments=("NOPE",)), []),
])
def test_project_ids(f, ids):
    got = f.project_ids(PROJECTS, CONTRIBUTIONS, OBJECTIVES).collect()["project_id"].sort().to_list()
    assert got == ids


@pytest.mark.parametrize(("f", "text"), [
    (PortfolioFilter(), "All projects"),
    (PortfolioFilter(departments=("FIN", "IT")), "Projects in Finance or IT"),
    (PortfolioFilter(phases=("execution",), statuses=("on_hold",), managers=("Ann",)),
     "Projects in phase execution, with status on hold, managed by Ann"),
    (PortfolioFilter(objectives=("O1",)), "Projects serving Grow"),
])
def test_describe(f, text):
    labels = {"departments": {"FIN": "Finance", "IT": "IT"}, "objectives": {"O1": "Grow"}}
    assert f.describe(labels) == text
    assert PortfolioFilter().is_empty and not PortfolioFilter(phases=("x",)).is_empty
