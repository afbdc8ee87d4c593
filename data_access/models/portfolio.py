"""The portfolio: projects, their contribution to objectives and their dependencies."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, CheckConstraint, Date, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from data_access.models.base import Base, ExternalKeyMixin, Money, VersionedMixin
from data_access.models.enums import DEPENDENCY_KINDS, METHODOLOGIES, PHASES, STATUSES, check_in


class Project(ExternalKeyMixin, VersionedMixin, Base):
    __tablename__ = "projects"
    __table_args__ = (
        CheckConstraint(check_in("methodology", METHODOLOGIES), name="methodology_known"),
        CheckConstraint(check_in("phase", PHASES), name="phase_known"),
        CheckConstraint(check_in("status", STATUSES), name="status_known"),
        CheckConstraint("bac >= 0", name="bac_non_negative"),
        CheckConstraint("baseline_end >= baseline_start", name="baseline_ordered"),
        CheckConstraint("forecast_end >= forecast_start", name="forecast_ordered"),
        CheckConstraint("urgency BETWEEN 1 AND 5", name="urgency_1_5"),
        CheckConstraint("compliance BETWEEN 1 AND 5", name="compliance_1_5"),
        CheckConstraint("risk_level BETWEEN 1 AND 5", name="risk_level_1_5"),
        CheckConstraint("strategic_fit BETWEEN 1 AND 5", name="strategic_fit_1_5"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), index=True)
    sponsor: Mapped[str | None] = mapped_column(String(200))
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    methodology: Mapped[str] = mapped_column(String(16))
    phase: Mapped[str] = mapped_column(String(16), index=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    baseline_start: Mapped[date] = mapped_column(Date)
    baseline_end: Mapped[date] = mapped_column(Date)
    forecast_start: Mapped[date] = mapped_column(Date)
    forecast_end: Mapped[date] = mapped_column(Date)
    actual_start: Mapped[date | None] = mapped_column(Date)
    actual_end: Mapped[date | None] = mapped_column(Date)
    bac: Mapped[float] = mapped_column(Money, default=0)
    mandatory: Mapped[bool] = mapped_column(Boolean, default=False)
    # Prioritisation criteria (issue 5 scores them; risk enters inverted).
    financial_value: Mapped[float] = mapped_column(Money, default=0)
    strategic_fit: Mapped[int] = mapped_column(Integer, default=3)
    urgency: Mapped[int] = mapped_column(Integer, default=3)
    compliance: Mapped[int] = mapped_column(Integer, default=1)
    risk_level: Mapped[int] = mapped_column(Integer, default=3)


class ProjectObjective(Base):
    """How strongly a project serves an objective: contribution in [0, 1]."""

    __tablename__ = "project_objectives"
    __table_args__ = (CheckConstraint("contribution >= 0 AND contribution <= 1", name="contribution_fraction"),)

    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True)
    objective_id: Mapped[int] = mapped_column(ForeignKey("objectives.id", ondelete="CASCADE"), primary_key=True)
    contribution: Mapped[float] = mapped_column(Float)


class Dependency(Base):
    """``successor`` needs ``predecessor`` (finish-to-start unless said otherwise)."""

    __tablename__ = "dependencies"
    __table_args__ = (
        UniqueConstraint("predecessor_id", "successor_id"),
        CheckConstraint("predecessor_id <> successor_id", name="not_self"),
        CheckConstraint(check_in("kind", DEPENDENCY_KINDS), name="kind_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    predecessor_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    successor_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(24), default="finish_to_start")
    lag_days: Mapped[int] = mapped_column(Integer, default=0)
