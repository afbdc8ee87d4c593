"""Share links: the page's address with its parameters, behind a proxy prefix, meeting mode."""

from __future__ import annotations

import pytest

from components.links import share_url


@pytest.mark.parametrize("origin, base_path, page, query, meeting, expected", [
    ("http://h:8501/risks?x=1", "", "portfolio", {"department": ["Finance", "IT"]}, False,
     "http://h:8501/portfolio?department=Finance&department=IT"),
    ("https://pmo.example.com/cockpit/risks", "/cockpit/", "prioritise",
     {"w_risk": ["10"], "meeting": ["1"]}, False,
     "https://pmo.example.com/cockpit/prioritise?w_risk=10"),
    ("https://pmo.example.com/", "cockpit", "overview", {}, True,
     "https://pmo.example.com/cockpit/overview?meeting=1"),
    ("http://h:8501/", "", "project", {"project": ["PRJ 1&2"], "meeting": ["1"]}, True,
     "http://h:8501/project?project=PRJ+1%262&meeting=1"),
])
def test_share_url(origin, base_path, page, query, meeting, expected):
    assert share_url(origin, base_path, page, query, meeting=meeting) == expected
