"""Which role may open which page: the single table app.py filters the menu with and every
page checks again itself."""

from __future__ import annotations

from dataclasses import dataclass

ALL_ROLES = frozenset({"executive", "pmo", "manager", "viewer"})


@dataclass(frozen=True)
class PageSpec:
    path: str
    title: str
    icon: str
    roles: frozenset[str]
    url_path: str
    default: bool = False
    editing: bool = False   # a form page: not run in meeting mode (see components/links.py)
    section: str = "Dashboards"  # the menu's group heading


EXEC_PMO = frozenset({"executive", "pmo"})
EXEC_PMO_MANAGER = frozenset({"executive", "pmo", "manager"})

PAGES: tuple[PageSpec, ...] = (  # in menu order, grouped by section
    PageSpec("views/overview.py", "Executive overview", ":material/dashboard:", ALL_ROLES,
             "overview", default=True),
    PageSpec("views/portfolio.py", "Portfolio", ":material/table_view:", EXEC_PMO_MANAGER,
             "portfolio"),
    PageSpec("views/project.py", "Project", ":material/folder_open:", EXEC_PMO_MANAGER, "project"),
    PageSpec("views/alignment.py", "Strategic alignment", ":material/target:", EXEC_PMO,
             "alignment"),
    PageSpec("views/risks.py", "Risk heatmap", ":material/grid_on:", EXEC_PMO_MANAGER, "risks"),
    PageSpec("views/resources.py", "Resource arbitration", ":material/groups:", EXEC_PMO,
             "resources", section="Decide"),
    PageSpec("views/prioritise.py", "What-if prioritisation", ":material/tune:", EXEC_PMO,
             "prioritise", section="Decide"),
    PageSpec("views/governance.py", "Governance", ":material/gavel:", EXEC_PMO, "governance",
             section="Decide"),
    PageSpec("views/steering.py", "Steering committee", ":material/groups:", EXEC_PMO,
             "steering", section="Decide"),
    PageSpec("views/status_report.py", "Status report", ":material/edit_note:",
             frozenset({"pmo", "manager"}), "status-report", editing=True, section="Follow-up"),
    PageSpec("views/gate_review.py", "Gate review", ":material/fact_check:", frozenset({"pmo"}),
             "gate_review", editing=True, section="Follow-up"),
    PageSpec("views/actions.py", "Corrective actions", ":material/build:", EXEC_PMO, "actions",
             section="Follow-up"),
    PageSpec("views/lessons.py", "Lessons learned", ":material/school:", EXEC_PMO_MANAGER,
             "lessons", section="Records"),
    PageSpec("views/audit.py", "Audit trail", ":material/history:", EXEC_PMO, "audit",
             section="Records"),
    PageSpec("views/imports.py", "Import", ":material/upload_file:", frozenset({"pmo"}),
             "imports", editing=True, section="Administration"),
    PageSpec("views/standards.py", "Method standards", ":material/rule:", frozenset({"pmo"}),
             "standards", editing=True, section="Administration"),
)

PAGE_ROLES = {spec.url_path: spec.roles for spec in PAGES}


def pages_for(role: str) -> list[PageSpec]:
    """The pages ``role`` may open, in menu order."""
    return [spec for spec in PAGES if role in spec.roles]


def menu_for(role: str) -> dict[str, list[PageSpec]]:
    """The pages ``role`` may open, grouped by menu section (sections in order of first page)."""
    menu: dict[str, list[PageSpec]] = {}
    for spec in pages_for(role):
        menu.setdefault(spec.section, []).append(spec)
    return menu
