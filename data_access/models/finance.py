"""Money over time: planned and actual cost per project and month."""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from data_access.models.base import Base, Money, VersionedMixin


class CostEntry(VersionedMixin, Base):
    """Planned and actual cost of one project in one month (``month`` is its first day)."""

    __tablename__ = "cost_entries"
    __table_args__ = (
        UniqueConstraint("project_id", "month"),
        CheckConstraint("planned >= 0", name="planned_non_negative"),
        CheckConstraint("actual IS NULL OR actual >= 0", name="actual_non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    month: Mapped[date] = mapped_column(Date)
    planned: Mapped[float] = mapped_column(Money, default=0)
    actual: Mapped[float | None] = mapped_column(Money)
