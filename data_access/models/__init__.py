"""Typed SQLAlchemy 2 models of the whole PMO domain; import them from here."""

from data_access.models.audit import AuditEntry, LoginAttempt
from data_access.models.base import Base
from data_access.models.finance import CostEntry
from data_access.models.governance import Lesson, Scenario, StatusReport, Threshold
from data_access.models.org import Department, Objective, Person, User, user_departments
from data_access.models.portfolio import Dependency, Project, ProjectObjective
from data_access.models.resources import Assignment
from data_access.models.risk import Risk
from data_access.models.schedule import Deliverable, Milestone, Progress
from data_access.models.snapshot import KpiSnapshot as KpiSnapshot  # issue 7: kpi_snapshots
from data_access.models.reporting import ReportingPeriod as ReportingPeriod  # issue 8: reporting periods
from data_access.models import kpi_store as kpi_store  # issue 15: the KPI store's tables
from data_access.models.workflow import CorrectiveAction, GateReview, MethodStandard  # issue 8: gates, actions, standards

__all__ = [
    "Assignment", "AuditEntry", "Base", "CostEntry", "Deliverable", "Department", "Dependency",
    "Lesson", "LoginAttempt", "Milestone", "Objective", "Person", "Progress", "Project",
    "ProjectObjective", "Risk", "Scenario", "StatusReport", "Threshold", "User", "user_departments",
    "ReportingPeriod",  # issue 8
    "CorrectiveAction", "GateReview", "MethodStandard",  # issue 8: gates
]
