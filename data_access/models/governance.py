"""Governance: status reports, lessons learned, scenarios and health thresholds."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, CheckConstraint, Date, DateTime, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from data_access.models.base import Base, ExternalKeyMixin, Money, VersionedMixin, utcnow
from data_access.models.enums import LESSON_CATEGORIES, PHASES, RAG, check_in


class StatusReport(VersionedMixin, Base):
    """A project manager's periodic report (one per project and period)."""

    __tablename__ = "status_reports"
    __table_args__ = (
        UniqueConstraint("project_id", "period"),
        *(CheckConstraint(check_in(f"{d}_rag", RAG), name=f"{d}_rag_known")
          for d in ("schedule", "cost", "scope", "quality")),
        CheckConstraint("percent_complete IS NULL OR (percent_complete >= 0 AND percent_complete <= 100)",
                        name="percent_0_100"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    period: Mapped[date] = mapped_column(Date)
    reported_on: Mapped[date] = mapped_column(Date)
    schedule_rag: Mapped[str] = mapped_column(String(8))
    cost_rag: Mapped[str] = mapped_column(String(8))
    scope_rag: Mapped[str] = mapped_column(String(8))
    quality_rag: Mapped[str] = mapped_column(String(8))
    comment: Mapped[str | None] = mapped_column(Text)
    percent_complete: Mapped[float | None] = mapped_column(Float)
    forecast_end: Mapped[date | None] = mapped_column(Date)
    eac: Mapped[float | None] = mapped_column(Money)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    locked: Mapped[bool] = mapped_column(Boolean, default=False)


class Lesson(ExternalKeyMixin, VersionedMixin, Base):
    __tablename__ = "lessons"
    __table_args__ = (
        CheckConstraint(check_in("category", LESSON_CATEGORIES), name="category_known"),
        CheckConstraint(check_in("phase", PHASES), name="phase_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id", ondelete="SET NULL"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    went_well: Mapped[str | None] = mapped_column(Text)
    went_badly: Mapped[str | None] = mapped_column(Text)
    recommendation: Mapped[str | None] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(24))
    phase: Mapped[str] = mapped_column(String(16))
    tags: Mapped[str | None] = mapped_column(String(300))
    recorded_on: Mapped[date] = mapped_column(Date)


class Scenario(VersionedMixin, Base):
    """A saved what-if: its parameters and result as JSON, owned by a user."""

    __tablename__ = "scenarios"
    # The id is the scenario's short link: never hand a deleted scenario's id to a new one
    # (SQLite reuses the highest rowid without AUTOINCREMENT; migration 0006).
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    parameters: Mapped[dict] = mapped_column(JSON, default=dict)
    result: Mapped[dict] = mapped_column(JSON, default=dict)
    is_baseline: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Threshold(VersionedMixin, Base):
    """A health threshold: a metric is amber below ``amber_below`` and red below ``red_below``.

    For metrics where higher is worse (``higher_is_worse``) read "above" for "below".
    """

    __tablename__ = "thresholds"
    __table_args__ = (UniqueConstraint("metric"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    metric: Mapped[str] = mapped_column(String(64))
    amber: Mapped[float] = mapped_column(Float)
    red: Mapped[float] = mapped_column(Float)
    higher_is_worse: Mapped[bool] = mapped_column(Boolean, default=False)
    description: Mapped[str | None] = mapped_column(Text)
