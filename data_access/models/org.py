"""Organisation: departments, strategic objectives, people, users and their scope."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, Column, DateTime, Float, ForeignKey, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from data_access.models.base import Base, ExternalKeyMixin, VersionedMixin, utcnow
from data_access.models.enums import ROLES, check_in


class Department(ExternalKeyMixin, VersionedMixin, Base):
    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))


class Objective(ExternalKeyMixin, VersionedMixin, Base):
    """A strategic objective: its weight in alignment scores and its target share of spend."""

    __tablename__ = "objectives"
    __table_args__ = (
        CheckConstraint("weight >= 0", name="weight_non_negative"),
        CheckConstraint("target_share >= 0 AND target_share <= 1", name="target_share_fraction"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    weight: Mapped[float] = mapped_column(Float, default=1.0)
    target_share: Mapped[float] = mapped_column(Float, default=0.0)


class Person(ExternalKeyMixin, VersionedMixin, Base):
    """Somebody who can be assigned: a resource role, a team and hours available per month."""

    __tablename__ = "people"
    __table_args__ = (CheckConstraint("monthly_capacity_hours >= 0", name="capacity_non_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    role: Mapped[str] = mapped_column(String(64), index=True)
    team: Mapped[str] = mapped_column(String(64), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"), index=True)
    monthly_capacity_hours: Mapped[float] = mapped_column(Float, default=140.0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


user_departments = Table(
    "user_departments",
    Base.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("department_id", ForeignKey("departments.id", ondelete="CASCADE"), primary_key=True),
)
"""Department scope of a user; no row means the role's default (all, for executive and pmo)."""


class User(VersionedMixin, Base):
    """A login. ``session_epoch`` is bumped to revoke every cookie issued before."""

    __tablename__ = "users"
    __table_args__ = (CheckConstraint(check_in("role", ROLES), name="role_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    password_hash: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(16))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    session_epoch: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    departments: Mapped[list[Department]] = relationship(secondary=user_departments)
