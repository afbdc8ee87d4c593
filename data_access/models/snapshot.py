"""KPI snapshots: the KPI set frozen at a status date, per portfolio, department and project,
so that pages can show trends and the deltas since the last steering committee."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (CheckConstraint, Date, DateTime, Float, ForeignKey, Integer, String,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column

from data_access.models.base import Base, Money, utcnow
from data_access.models.enums import RAG, check_in

SNAPSHOT_GRAINS = ("portfolio", "department", "project")


class KpiSnapshot(Base):
    """One row of a snapshot: the main KPIs of the portfolio, a department or a project at
    ``as_of``. ``key`` is the project or department code ('portfolio' for the portfolio); the
    ids link back while the department or project exists (scope checks use them)."""

    __tablename__ = "kpi_snapshots"
    __table_args__ = (
        UniqueConstraint("as_of", "grain", "key"),
        CheckConstraint(check_in("grain", SNAPSHOT_GRAINS), name="grain_known"),
        CheckConstraint(check_in("overall_rag", RAG), name="overall_rag_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    as_of: Mapped[date] = mapped_column(Date, index=True)
    taken_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    taken_by: Mapped[str] = mapped_column(String(64))
    grain: Mapped[str] = mapped_column(String(16))
    key: Mapped[str] = mapped_column(String(64))
    name: Mapped[str | None] = mapped_column(String(200))
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="SET NULL"), index=True)
    project_id: Mapped[int | None] = mapped_column(
        ForeignKey("projects.id", ondelete="SET NULL"), index=True)
    projects: Mapped[int | None] = mapped_column(Integer)
    bac: Mapped[float | None] = mapped_column(Money)
    pv: Mapped[float | None] = mapped_column(Money)
    ev: Mapped[float | None] = mapped_column(Money)
    ac: Mapped[float | None] = mapped_column(Money)
    eac: Mapped[float | None] = mapped_column(Money)
    vac: Mapped[float | None] = mapped_column(Money)
    cpi: Mapped[float | None] = mapped_column(Float)
    spi: Mapped[float | None] = mapped_column(Float)
    spi_t: Mapped[float | None] = mapped_column(Float)
    percent_complete: Mapped[float | None] = mapped_column(Float)
    red_projects: Mapped[int | None] = mapped_column(Integer)
    open_risks: Mapped[int | None] = mapped_column(Integer)
    risk_exposure: Mapped[float | None] = mapped_column(Money)
    drift_alerts: Mapped[int | None] = mapped_column(Integer)
    overall_rag: Mapped[str | None] = mapped_column(String(8))
