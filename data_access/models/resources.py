"""Demand on people: hours per project, role (and optionally person) and month."""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Date, Float, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from data_access.models.base import Base


class Assignment(Base):
    """Hours a project needs of a role in a month, named to a person once staffed.

    The natural key (project, role, person, month) identifies a row on re-import.
    """

    __tablename__ = "assignments"
    __table_args__ = (
        CheckConstraint("hours >= 0", name="hours_non_negative"),
        Index("ix_assignments_project_month", "project_id", "month"),
        Index("ix_assignments_role_month", "role", "month"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    role: Mapped[str] = mapped_column(String(64))
    month: Mapped[date] = mapped_column(Date)
    hours: Mapped[float] = mapped_column(Float)
