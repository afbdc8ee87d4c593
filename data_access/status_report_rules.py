"""Status reports: the rules a report and its risks must follow, the errors, and the plain
records the reads return (split from data_access.status_reports, which re-exports them)."""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from dataclasses import asdict, dataclass
from typing import Any

import polars as pl
from sqlalchemy import false

from data_access.models import CostEntry, Project, ReportingPeriod, Risk, StatusReport
from data_access.models.enums import RAG, RISK_CATEGORIES, RISK_STATUSES
from data_access.users import CurrentUser

WRITERS = frozenset({"pmo", "manager"})
CLOSERS = frozenset({"pmo"})
RAG_FIELDS = ("schedule_rag", "cost_rag", "scope_rag", "quality_rag")
FIELDS = (*RAG_FIELDS, "comment", "percent_complete", "forecast_end", "eac", "actual_cost")
RISK_FIELDS = ("title", "category", "probability", "impact", "status", "owner", "mitigation",
               "due_date")
COMMENT_MAX, TITLE_MAX, TEXT_MAX = 5000, 300, 2000
MAX_ID = 2_147_483_647
MAX_AMOUNT = 1e13  # Money is NUMERIC(16, 2)
WRITABLE = {"id": pl.Int64, "code": pl.String, "name": pl.String}
RISKS = {"id": pl.Int64, "title": pl.String, "category": pl.String, "probability": pl.Int64,
         "impact": pl.Int64, "status": pl.String, "owner": pl.String, "mitigation": pl.String,
         "due_date": pl.Date, "version": pl.Int64}
PERIODS = {"period": pl.Date, "closed_at": pl.Datetime("us", "UTC"), "closed_by": pl.String,
           "reports": pl.Int64}

_R, _P, _K, _C = (StatusReport.__table__, ReportingPeriod.__table__, Risk.__table__,
                  CostEntry.__table__)
_BIDI = frozenset(range(0x202A, 0x202F)) | frozenset(range(0x2066, 0x206A))


def period_of(day: dt.date) -> dt.date:
    """The reporting period (first day of the month) of ``day``."""
    return day.replace(day=1)


def period_label(period: dt.date) -> str:
    """'Nov 2026'."""
    return period.strftime("%b %Y")


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    """SQLite hands back naive UTC, PostgreSQL the session's zone: both become aware UTC."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(dt.timezone.utc)


# --------------------------------------------------------------------------- errors and records


class StatusReportError(ValueError):
    """A status-report request that cannot be carried out; the message says what is wrong."""


class ReportInvalid(StatusReportError):
    """The report breaks one or more rules; ``problems`` maps each field to what is wrong."""

    def __init__(self, problems: dict[str, str]) -> None:
        self.problems = dict(problems)
        super().__init__("the report was not saved: " + "; ".join(
            f"{field}: {why}" for field, why in self.problems.items()))


class ReportConflict(StatusReportError):
    """Someone saved the report (or a risk) since the user loaded it; nothing was written."""


class PeriodClosed(StatusReportError):
    """The period is closed: its reports are locked."""

    def __init__(self, period: dt.date, closed_by: str | None,
                 closed_at: dt.datetime | None) -> None:
        self.period, self.closed_by, self.closed_at = period, closed_by, closed_at
        when = f" on {closed_at:%Y-%m-%d %H:%M} UTC" if closed_at else ""
        super().__init__(f"period {period_label(period)} was closed by {closed_by or 'the PMO'}"
                         f"{when}: its status reports are locked")


class ReportForbidden(PermissionError):
    """The user may not write this report or close this period."""


@dataclass(frozen=True)
class ReportRecord:
    """One status report as plain values (never an ORM object)."""

    id: int
    project_id: int
    period: dt.date
    reported_on: dt.date
    schedule_rag: str
    cost_rag: str
    scope_rag: str
    quality_rag: str
    comment: str | None
    percent_complete: float | None
    forecast_end: dt.date | None
    eac: float | None
    actual_cost: float | None
    author: str | None
    locked: bool
    version: int

    def snapshot(self) -> dict:
        """What the audit log keeps (JSON: dates as ISO text)."""
        out = {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in asdict(self).items()
               if k not in ("id", "project_id", "actual_cost", "author")}
        return out


@dataclass(frozen=True)
class PeriodState:
    period: dt.date
    closed_at: dt.datetime | None
    closed_by: str | None

    @property
    def closed(self) -> bool:
        return self.closed_at is not None


# --------------------------------------------------------------------------- validation


def _text(value: Any, limit: int, *, newlines: bool) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise StatusReportError(f"must be text, not {type(value).__name__}")
    clean = value.replace("\r\n", "\n").strip()
    if len(clean) > limit:
        raise StatusReportError(f"is {len(clean):,} characters long, at most {limit:,}")
    for i, ch in enumerate(clean, start=1):
        if newlines and ch in "\n\t":
            continue
        if unicodedata.category(ch) in ("Cc", "Cs", "Zl", "Zp") or ord(ch) in _BIDI:
            raise StatusReportError(f"must not contain control characters (U+{ord(ch):04X} at "
                                    f"position {i})")
    return clean or None


def _number(value: Any, low: float, high: float, what: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise StatusReportError(f"must be a number, not {value!r}")
    if not low <= value <= high:
        raise StatusReportError(f"must be {what}, not {value:g}")
    return float(value)


def _date(value: Any) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise StatusReportError(f"must be a date, not {value!r}")
    return value


def _choice(value: Any, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise StatusReportError(f"choose one of {', '.join(allowed)}, not {value!r}")
    return value


def _collect(checks: dict, prefix: str = "") -> tuple[dict, dict]:
    clean, problems = {}, {}
    for field, check in checks.items():
        try:
            clean[field] = check()
        except StatusReportError as exc:
            problems[f"{prefix}{field}"] = str(exc)
    return clean, problems


def check_report(*, period: dt.date, reported_on: dt.date, project_start: dt.date,
                 **fields: Any) -> dict:
    """The report's values cleaned for storage, or :class:`ReportInvalid` naming every problem:
    RAGs from green/amber/red; a comment (up to 5,000 characters) whenever a RAG is amber or red;
    % complete 0..100; EAC and actual cost >= 0; forecast end on or after the project's start;
    reported on or after the period's first day."""
    unknown = sorted(set(fields) - set(FIELDS))
    if unknown:
        raise StatusReportError(f"unknown report fields: {', '.join(unknown)}")
    checks = {**{f: (lambda f=f: _choice(fields.get(f), RAG)) for f in RAG_FIELDS},
              "comment": lambda: _text(fields.get("comment"), COMMENT_MAX, newlines=True),
              "percent_complete": lambda: _number(fields.get("percent_complete"), 0, 100,
                                                  "between 0 and 100"),
              "forecast_end": lambda: _date(fields.get("forecast_end")),
              "eac": lambda: _number(fields.get("eac"), 0, MAX_AMOUNT, "0 or more"),
              "actual_cost": lambda: _number(fields.get("actual_cost"), 0, MAX_AMOUNT, "0 or more")}
    clean, problems = _collect(checks)
    worrying = [f.removesuffix("_rag") for f in RAG_FIELDS if clean.get(f) in ("amber", "red")]
    if worrying and not clean.get("comment") and "comment" not in problems:
        problems["comment"] = (f"required when a status is amber or red ({', '.join(worrying)}): "
                               "say why and what is being done")
    end = clean.get("forecast_end")
    if end is not None and end < project_start:
        problems["forecast_end"] = (f"{end.isoformat()} is before the project's start "
                                    f"({project_start.isoformat()})")
    if reported_on < period:
        problems["reported_on"] = (f"{reported_on.isoformat()} is before the period "
                                   f"{period_label(period)} begins")
    if problems:
        raise ReportInvalid(problems)
    return clean


def check_risk(row: dict, n: int) -> tuple[dict, dict]:
    """(clean risk, problems keyed 'risk <n> <field>'): title 3..300 characters, category and
    status from their lists, probability and impact whole numbers 1..5."""
    def score(v: Any) -> int:
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        if isinstance(v, bool) or not isinstance(v, int) or not 1 <= v <= 5:
            raise StatusReportError(f"must be a whole number from 1 to 5, not {v!r}")
        return v

    def title() -> str:
        clean = _text(row.get("title"), TITLE_MAX, newlines=False)
        if clean is None or len(clean) < 3:
            raise StatusReportError(f"give a title of 3 to {TITLE_MAX} characters")
        return clean

    checks = {"title": title, "category": lambda: _choice(row.get("category"), RISK_CATEGORIES),
              "probability": lambda: score(row.get("probability")),
              "impact": lambda: score(row.get("impact")),
              "status": lambda: _choice(row.get("status") or "open", RISK_STATUSES),
              "owner": lambda: _text(row.get("owner"), 200, newlines=False),
              "mitigation": lambda: _text(row.get("mitigation"), TEXT_MAX, newlines=True),
              "due_date": lambda: _date(row.get("due_date"))}
    return _collect(checks, prefix=f"risk {n} ")


# --------------------------------------------------------------------------- permissions


def _writable_clause(user: CurrentUser):
    if user.role == "pmo":
        return user.scope.project_clause()
    if user.role == "manager" and user.person_id is not None:
        return Project.manager_id == user.person_id
    return false()


def _require(user: CurrentUser, roles: frozenset[str], what: str) -> None:
    if user.role not in roles:
        raise ReportForbidden(f"role {user.role!r} may not {what}")


def _check_id(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_ID:
        raise StatusReportError(f"{what} must be a whole number from 1 to {MAX_ID}, not {value!r}")
    return value


def _check_period(value: Any, today: dt.date) -> dt.date:
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise StatusReportError(f"period must be a date, not {value!r}")
    period = period_of(value)
    if period > period_of(today):
        raise StatusReportError(f"period {period_label(period)} has not begun yet")
    return period
