"""PMO workflows: gate review decisions, corrective actions and the versioned method standards."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from data_access.models.base import Base, VersionedMixin, utcnow
from data_access.models.enums import METHODOLOGIES, PHASES, check_in

GATE_DECISIONS = ("go", "go_with_conditions", "no_go", "on_hold")
ACTION_SOURCES = ("drift_alert", "risk", "gate_condition", "other")
ACTION_STATUSES = ("open", "in_progress", "done", "cancelled")
STANDARD_SUBJECTS = (*METHODOLOGIES, "prioritisation")


class GateReview(Base):
    """A decision taken at a stage gate (append-only: a new review supersedes an older one)."""

    __tablename__ = "gate_reviews"
    __table_args__ = (
        CheckConstraint(check_in("decision", GATE_DECISIONS), name="decision_known"),
        CheckConstraint(check_in("phase_before", PHASES), name="phase_before_known"),
        CheckConstraint(check_in("next_phase", PHASES), name="next_phase_known"),
        CheckConstraint("decision <> 'go_with_conditions' OR conditions IS NOT NULL",
                        name="conditions_given"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    milestone_id: Mapped[int] = mapped_column(ForeignKey("milestones.id", ondelete="CASCADE"), index=True)
    decision: Mapped[str] = mapped_column(String(24))
    conditions: Mapped[str | None] = mapped_column(Text)
    decided_on: Mapped[date] = mapped_column(Date)
    decided_by: Mapped[str] = mapped_column(String(64))
    phase_before: Mapped[str] = mapped_column(String(16))
    next_phase: Mapped[str] = mapped_column(String(16))
    standard_version: Mapped[int | None] = mapped_column(Integer)
    evidence: Mapped[dict | None] = mapped_column(JSON)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CorrectiveAction(VersionedMixin, Base):
    """An action the PMO opens from a drift alert, a risk or a gate condition, followed to closure."""

    __tablename__ = "corrective_actions"
    __table_args__ = (
        CheckConstraint(check_in("source_kind", ACTION_SOURCES), name="source_kind_known"),
        CheckConstraint(check_in("status", ACTION_STATUSES), name="status_known"),
        CheckConstraint("due_date >= opened_on", name="due_after_opened"),
        CheckConstraint("closed_on IS NULL OR closed_on >= opened_on", name="closed_after_opened"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    source_kind: Mapped[str] = mapped_column(String(16))
    source_ref: Mapped[str | None] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(300))
    owner: Mapped[str] = mapped_column(String(200))
    due_date: Mapped[date] = mapped_column(Date, index=True)
    expected_effect: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    opened_on: Mapped[date] = mapped_column(Date)
    opened_by: Mapped[str] = mapped_column(String(64))
    closed_on: Mapped[date | None] = mapped_column(Date)
    closure_note: Mapped[str | None] = mapped_column(Text)


class MethodStandard(Base):
    """One version of a standard: a methodology's gates and required deliverables
    (``content = {"gates": [{"gate_type", "deliverables": [...]}]}``) or the prioritisation
    criteria's default weights (subject 'prioritisation', ``content = {"weights": {...}}``).

    Append-only: a save inserts version n + 1, so every earlier version stays as history; the
    unique (subject, version) makes the second of two concurrent saves fail.
    """

    __tablename__ = "method_standards"
    __table_args__ = (
        UniqueConstraint("subject", "version"),
        CheckConstraint(check_in("subject", STANDARD_SUBJECTS), name="subject_known"),
        CheckConstraint("version >= 1", name="version_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(String(24))
    version: Mapped[int] = mapped_column(Integer)
    content: Mapped[dict] = mapped_column(JSON)
    effective_from: Mapped[date] = mapped_column(Date)
    changed_by: Mapped[str] = mapped_column(String(64))
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    note: Mapped[str | None] = mapped_column(Text)
