"""Reporting periods: the months the PMO has closed (their status reports are then locked)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from data_access.models.base import Base, VersionedMixin


class ReportingPeriod(VersionedMixin, Base):
    """One reporting month (``period`` is its first day); closed when ``closed_at`` is set.

    Reopening keeps the row (``closed_at`` back to NULL) so that the audit log and the
    version column tell the whole story.
    """

    __tablename__ = "reporting_periods"
    __table_args__ = (
        UniqueConstraint("period"),
        CheckConstraint("(closed_at IS NULL) = (closed_by IS NULL)",
                        name="closed_by_with_closed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[date] = mapped_column(Date)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_by: Mapped[str | None] = mapped_column(String(64))
