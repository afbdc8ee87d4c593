"""The menu: which pages each role gets, grouped in sections (components.access)."""

from __future__ import annotations

import pytest

from components.access import PAGES, menu_for, pages_for

MENUS = [
    ("viewer", {"Dashboards": ["Executive overview"]}),
    ("manager", {"Dashboards": ["Executive overview", "Portfolio", "Project", "Risk heatmap"],
                 "Follow-up": ["Status report"], "Records": ["Lessons learned"]}),
    ("executive", {"Dashboards": ["Executive overview", "Portfolio", "Project",
                                  "Strategic alignment", "Risk heatmap"],
                   "Decide": ["Resource arbitration", "What-if prioritisation", "Governance",
                              "Steering committee"],
                   "Follow-up": ["Corrective actions"],
                   "Records": ["Lessons learned", "Audit trail"]}),
    ("pmo", {"Dashboards": ["Executive overview", "Portfolio", "Project", "Strategic alignment",
                            "Risk heatmap"],
             "Decide": ["Resource arbitration", "What-if prioritisation", "Governance",
                        "Steering committee"],
             "Follow-up": ["Status report", "Gate review", "Corrective actions"],
             "Records": ["Lessons learned", "Audit trail"],
             "Administration": ["Import", "Method standards"]}),
]


@pytest.mark.parametrize(("role", "menu"), MENUS)
def test_each_role_gets_its_pages_grouped_by_section(role, menu):
    got = menu_for(role)
    assert {section: [s.title for s in specs] for section, specs in got.items()} == menu
    assert list(got) == list(menu)                       # sections in menu order
    assert [s for specs in got.values() for s in specs] == pages_for(role)


def test_a_section_is_one_run_of_the_page_table():
    """Sections never interleave in PAGES, so the menu order is the table's order."""
    order = [spec.section for spec in PAGES]
    runs = [s for i, s in enumerate(order) if i == 0 or order[i - 1] != s]
    assert len(runs) == len(set(runs)) == 5
