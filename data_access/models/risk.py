"""Project risks on the 5 x 5 probability x impact scale."""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from data_access.models.base import Base, ExternalKeyMixin, Money, VersionedMixin
from data_access.models.enums import RISK_CATEGORIES, RISK_STATUSES, check_in


class Risk(ExternalKeyMixin, VersionedMixin, Base):
    __tablename__ = "risks"
    __table_args__ = (
        CheckConstraint("probability BETWEEN 1 AND 5", name="probability_1_5"),
        CheckConstraint("impact BETWEEN 1 AND 5", name="impact_1_5"),
        CheckConstraint("cost_impact IS NULL OR cost_impact >= 0", name="cost_impact_non_negative"),
        CheckConstraint(check_in("status", RISK_STATUSES), name="status_known"),
        CheckConstraint(check_in("category", RISK_CATEGORIES), name="category_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(24))
    probability: Mapped[int] = mapped_column(Integer)
    impact: Mapped[int] = mapped_column(Integer)
    cost_impact: Mapped[float | None] = mapped_column(Money)
    owner: Mapped[str | None] = mapped_column(String(200))
    mitigation: Mapped[str | None] = mapped_column(Text)
    due_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="open")
    identified_on: Mapped[date] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
