"""Schedule: milestones and stage gates with their deliverables, and progress over time."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, CheckConstraint, Date, Float, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from data_access.models.base import Base, ExternalKeyMixin, VersionedMixin
from data_access.models.enums import GATE_TYPES, MILESTONE_KINDS, VALIDATION_STATES, check_in


class Milestone(ExternalKeyMixin, VersionedMixin, Base):
    """A milestone, or a stage gate when ``kind`` is 'gate' (then ``gate_type`` says which)."""

    __tablename__ = "milestones"
    __table_args__ = (
        CheckConstraint(check_in("kind", MILESTONE_KINDS), name="kind_known"),
        CheckConstraint(f"gate_type IS NULL OR {check_in('gate_type', GATE_TYPES)}", name="gate_type_known"),
        CheckConstraint("kind = 'milestone' OR gate_type IS NOT NULL", name="gate_has_type"),
        CheckConstraint(check_in("validation_state", VALIDATION_STATES), name="validation_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16), default="milestone")
    gate_type: Mapped[str | None] = mapped_column(String(16))
    baseline_date: Mapped[date] = mapped_column(Date)
    forecast_date: Mapped[date] = mapped_column(Date)
    actual_date: Mapped[date | None] = mapped_column(Date)
    validation_state: Mapped[str] = mapped_column(String(16), default="pending")


class Deliverable(VersionedMixin, Base):
    """A deliverable a gate requires (``required``) and whether it has been validated."""

    __tablename__ = "deliverables"
    __table_args__ = (UniqueConstraint("milestone_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    milestone_id: Mapped[int] = mapped_column(ForeignKey("milestones.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    required: Mapped[bool] = mapped_column(Boolean, default=True)
    validated: Mapped[bool] = mapped_column(Boolean, default=False)
    validated_on: Mapped[date | None] = mapped_column(Date)


class Progress(Base):
    """Percent complete of a project as of a date (0..100); the key is (project, as_of)."""

    __tablename__ = "progress"
    __table_args__ = (
        UniqueConstraint("project_id", "as_of"),
        CheckConstraint("percent_complete >= 0 AND percent_complete <= 100", name="percent_0_100"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    as_of: Mapped[date] = mapped_column(Date)
    percent_complete: Mapped[float] = mapped_column(Float)
