"""Lessons learned: who may record them, validation, audited writes with optimistic locking.

Who may write: a PMO user for any project in their scope (and lessons of no project); a manager
only for projects they manage; nobody else (:class:`LessonForbidden`, a ``PermissionError``).
Every write is one transaction through :func:`unit_of_work` with its audit entry
(``lesson.add`` / ``lesson.update``, before and after). An update names the version the user
loaded and the UPDATE itself carries ``WHERE id = :id AND version = :expected``: of two users
saving from the same version exactly one wins, the other gets :class:`LessonConflict`.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import polars as pl
from sqlalchemy import Engine, false, or_, select, update
from sqlalchemy.orm import Session

from data_access.models import AuditEntry, Lesson, Project
from data_access.models.base import utcnow
from data_access.models.enums import LESSON_CATEGORIES, PHASES
from data_access.reader import read_frame
from data_access.scope import Scope
from data_access.settings import today as settings_today
from data_access.users import CurrentUser
from data_access.uow import UnitOfWork, unit_of_work

WRITERS = frozenset({"pmo", "manager"})
TITLE_MIN, TITLE_MAX = 3, 300
TEXT_MAX = 5000
TAG_MAX, TAGS_MAX = 40, 300
MAX_ID = 2_147_483_647
EARLIEST = dt.date(1990, 1, 1)
TEXTS = ("went_well", "went_badly", "recommendation")
LESSONS = {
    "id": pl.Int64, "project_id": pl.Int64, "project_code": pl.String, "project_name": pl.String,
    "title": pl.String, "went_well": pl.String, "went_badly": pl.String,
    "recommendation": pl.String, "category": pl.String, "phase": pl.String, "tags": pl.String,
    "recorded_on": pl.Date, "version": pl.Int64,
}
"""Columns and dtypes of :func:`list_lessons`."""
WRITABLE = {"id": pl.Int64, "code": pl.String, "name": pl.String, "phase": pl.String}
"""Columns and dtypes of :func:`writable_projects`."""

_T = Lesson.__table__
_SPACES = re.compile(r"\s+")
_BIDI = frozenset(range(0x202A, 0x202F)) | frozenset(range(0x2066, 0x206A))


class LessonError(ValueError):
    """A lesson request that cannot be carried out; the message says what is wrong."""


class LessonInvalid(LessonError):
    """The lesson breaks one or more rules; ``problems`` maps each field to what is wrong."""

    def __init__(self, problems: dict[str, str]) -> None:
        self.problems = dict(problems)
        super().__init__("the lesson was not saved: " + "; ".join(
            f"{field}: {why}" for field, why in self.problems.items()))


class LessonConflict(LessonError):
    """Someone changed the lesson since the user loaded it; nothing was written."""

    def __init__(self, lesson_id: int, *, expected_version: int, current_version: int,
                 changed_by: str | None, changed_at: dt.datetime | None) -> None:
        self.lesson_id, self.expected_version = lesson_id, expected_version
        self.current_version, self.changed_by = current_version, changed_by
        self.changed_at = changed_at
        when = f" at {changed_at:%Y-%m-%d %H:%M} UTC" if changed_at else ""
        super().__init__(
            f"lesson {lesson_id} was changed by {changed_by or 'another user'}{when} and is now "
            f"at version {current_version} (you loaded version {expected_version}); nothing was "
            "overwritten: reload the lesson and apply your changes again")


class LessonForbidden(PermissionError):
    """The user may not record or change this lesson."""


@dataclass(frozen=True)
class LessonRecord:
    """One lesson as plain values (never an ORM object)."""

    id: int
    project_id: int | None
    title: str
    went_well: str | None
    went_badly: str | None
    recommendation: str | None
    category: str
    phase: str
    tags: str | None
    recorded_on: dt.date
    version: int

    def snapshot(self) -> dict:
        """What the audit log keeps (JSON: the date as ISO text)."""
        return {"project_id": self.project_id, "title": self.title, "went_well": self.went_well,
                "went_badly": self.went_badly, "recommendation": self.recommendation,
                "category": self.category, "phase": self.phase, "tags": self.tags,
                "recorded_on": self.recorded_on.isoformat(), "version": self.version}


# --------------------------------------------------------------------------- validation


def _bad_char(text: str, *, newlines: bool) -> str | None:
    allowed = {"\n", "\t"} if newlines else set()
    for i, ch in enumerate(text, start=1):
        if ch in allowed or (newlines and ch == "\r"):
            continue
        if unicodedata.category(ch) in ("Cc", "Cs", "Zl", "Zp") or ord(ch) in _BIDI:
            return f"must not contain control characters (U+{ord(ch):04X} at position {i})"
    return None


def normalise_tags(value: str | Iterable[str] | None) -> str | None:
    """Comma-separated tags, each trimmed (inner spaces collapsed) and lower-cased, duplicates
    dropped (first kept), empty ones ignored; None when there is none. Raises LessonError for a
    tag over 40 characters, a control character or more than 300 characters in all."""
    if value is None:
        return None
    if isinstance(value, str):
        parts = value.split(",")
    elif isinstance(value, Iterable):
        parts = [p for v in value for p in str(v).split(",")]
    else:
        raise LessonError(f"tags must be text separated by commas, not {type(value).__name__}")
    tags = list(dict.fromkeys(t for t in (_SPACES.sub(" ", p).strip().lower() for p in parts) if t))
    for tag in tags:
        if len(tag) > TAG_MAX:
            raise LessonError(f"tag {tag[:TAG_MAX]!r}… is {len(tag)} characters long, "
                              f"at most {TAG_MAX}")
        if problem := _bad_char(tag, newlines=False):
            raise LessonError(f"tag {tag!r} {problem}")
    joined = ",".join(tags)
    if len(joined) > TAGS_MAX:
        raise LessonError(f"too many tags: {len(joined)} characters in all, at most {TAGS_MAX}")
    return joined or None


def _title(value: Any) -> str:
    if not isinstance(value, str):
        raise LessonError("give a title (text)")
    clean = _SPACES.sub(" ", value).strip()
    if not TITLE_MIN <= len(clean) <= TITLE_MAX:
        raise LessonError(f"must be {TITLE_MIN} to {TITLE_MAX} characters, not {len(clean)}")
    if problem := _bad_char(clean, newlines=False):
        raise LessonError(problem)
    return clean


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise LessonError(f"must be text, not {type(value).__name__}")
    clean = value.replace("\r\n", "\n").strip()
    if len(clean) > TEXT_MAX:
        raise LessonError(f"is {len(clean):,} characters long, at most {TEXT_MAX:,}")
    if problem := _bad_char(clean, newlines=True):
        raise LessonError(problem)
    return clean or None


def _choice(value: Any, allowed: tuple[str, ...], what: str) -> str:
    if value is None or value == "":
        raise LessonError(f"choose a {what}: one of {', '.join(allowed)}")
    if value not in allowed:
        raise LessonError(f"unknown {what} {value!r}: choose one of {', '.join(allowed)}")
    return value


def _day(value: Any, today: dt.date) -> dt.date:
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise LessonError(f"must be a date, not {value!r}")
    if not EARLIEST <= value <= today:
        raise LessonError(f"must be between {EARLIEST.isoformat()} and today "
                          f"({today.isoformat()}), not {value.isoformat()}")
    return value


def _is_id(value: Any) -> bool:
    return not isinstance(value, bool) and isinstance(value, int) and 1 <= value <= MAX_ID


def _project_id(value: Any) -> int | None:
    if value is None:
        return None
    if not _is_id(value):
        raise LessonError(f"must be a project id (a whole number from 1 to {MAX_ID}), "
                          f"not {value!r}")
    return value


def check_lesson(*, project_id: Any, title: Any, category: Any, phase: Any,
                 went_well: Any = None, went_badly: Any = None, recommendation: Any = None,
                 tags: Any = None, recorded_on: Any = None,
                 today: dt.date | None = None) -> dict:
    """The lesson's values cleaned for storage, or :class:`LessonInvalid` naming every problem:
    title 3..300 characters; category and phase from their lists; tags normalised; at least one
    of went well / went badly / recommendation; recorded on a date from 1990 to today."""
    today = today or settings_today()
    checks = {"project_id": lambda: _project_id(project_id), "title": lambda: _title(title),
              "category": lambda: _choice(category, LESSON_CATEGORIES, "category"),
              "phase": lambda: _choice(phase, PHASES, "phase"),
              "went_well": lambda: _text(went_well), "went_badly": lambda: _text(went_badly),
              "recommendation": lambda: _text(recommendation),
              "tags": lambda: normalise_tags(tags),
              "recorded_on": lambda: _day(today if recorded_on is None else recorded_on, today)}
    clean, problems = {}, {}
    for field, check in checks.items():
        try:
            clean[field] = check()
        except LessonError as exc:
            problems[field] = str(exc)
    if not any(clean.get(t) for t in TEXTS) and not any(t in problems for t in TEXTS):
        problems["went_well"] = ("say what went well, what went badly or what you recommend "
                                 "(at least one of the three)")
    if problems:
        raise LessonInvalid(problems)
    return clean


# --------------------------------------------------------------------------- permissions


def _require_writer(user: CurrentUser) -> None:
    if user.role not in WRITERS:
        raise LessonForbidden(f"role {user.role!r} may not record lessons learned: only PMO "
                              "users, and managers for the projects they manage, may")


def _writable_clause(user: CurrentUser):
    """WHERE clause on projects: the ones ``user`` may record lessons for."""
    if user.role == "pmo":
        return user.scope.project_clause()
    if user.role == "manager" and user.person_id is not None:
        return Project.manager_id == user.person_id
    return false()


def _check_project(session: Session, user: CurrentUser, project_id: int | None) -> None:
    if project_id is None:
        if user.role != "pmo":
            raise LessonForbidden("only PMO users may record a lesson that belongs to no project")
        return
    allowed = session.scalar(select(Project.id).where(Project.id == project_id,
                                                      _writable_clause(user)))
    if allowed is None:
        who = "you manage" if user.role == "manager" else "in your scope"
        raise LessonForbidden(f"you may not record lessons for project {project_id}: "
                              f"only for projects {who}")


def writable_projects(engine: Engine, user: CurrentUser) -> pl.DataFrame:
    """The projects ``user`` may record lessons for (:data:`WRITABLE`; empty for other roles)."""
    clause = _writable_clause(user) if user.role in WRITERS else false()
    stmt = (select(Project.id, Project.code, Project.name, Project.phase).where(clause)
            .order_by(Project.code))
    return read_frame(engine, stmt, WRITABLE)


def may_write(user: CurrentUser, project_id: int | None, writable_ids: Iterable[int]) -> bool:
    """Whether ``user`` may change a lesson of ``project_id``, given :func:`writable_projects`."""
    if user.role not in WRITERS:
        return False
    return user.role == "pmo" if project_id is None else project_id in set(writable_ids)


# --------------------------------------------------------------------------- reads


def _visible(scope: Scope):
    """WHERE clause on lessons: those of projects in ``scope``, and those of no project."""
    return or_(_T.c.project_id.is_(None),
               _T.c.project_id.in_(select(Project.id).where(scope.project_clause())))


def list_lessons(engine: Engine, user: CurrentUser) -> pl.DataFrame:
    """The lessons ``user`` may read (of projects in scope, and those of no project), newest
    first, with the project's code and name (:data:`LESSONS`)."""
    stmt = (select(_T.c.id, _T.c.project_id, Project.code, Project.name, _T.c.title,
                   _T.c.went_well, _T.c.went_badly, _T.c.recommendation, _T.c.category,
                   _T.c.phase, _T.c.tags, _T.c.recorded_on, _T.c.version)
            .outerjoin(Project, Project.id == _T.c.project_id)
            .where(_visible(user.scope))
            .order_by(_T.c.recorded_on.desc(), _T.c.id.desc()))
    return read_frame(engine, stmt, LESSONS)


def _record(session: Session, lesson_id: int) -> LessonRecord | None:
    row = session.execute(select(_T.c.id, _T.c.project_id, _T.c.title, _T.c.went_well,
                                 _T.c.went_badly, _T.c.recommendation, _T.c.category, _T.c.phase,
                                 _T.c.tags, _T.c.recorded_on, _T.c.version)
                          .where(_T.c.id == lesson_id)).first()
    return None if row is None else LessonRecord(**row._mapping)


def get_lesson(engine: Engine, user: CurrentUser, lesson_id: int) -> LessonRecord | None:
    """The lesson ``lesson_id`` if ``user`` may read it, else None (as if it did not exist)."""
    if not _is_id(lesson_id):
        return None
    with Session(engine) as s:
        visible = s.scalar(select(_T.c.id).where(_T.c.id == lesson_id, _visible(user.scope)))
        return None if visible is None else _record(s, lesson_id)


# --------------------------------------------------------------------------- writes


def add_lesson(engine: Engine, user: CurrentUser, *, today: dt.date | None = None,
               **fields: Any) -> LessonRecord:
    """Record a new lesson (fields of :func:`check_lesson`); audited ``lesson.add``."""
    _require_writer(user)
    clean = check_lesson(**fields, today=today)
    with unit_of_work(engine, user.username) as uow:
        _check_project(uow.session, user, clean["project_id"])
        lesson = Lesson(**clean)
        uow.session.add(lesson)
        uow.session.flush()
        record = _record(uow.session, lesson.id)
        uow.audit("lesson.add", entity="lesson", entity_id=record.id, after=record.snapshot())
        uow.commit()
        return record


def update_lesson(engine: Engine, user: CurrentUser, lesson_id: int, *, expected_version: int,
                  today: dt.date | None = None, **fields: Any) -> LessonRecord:
    """Replace the lesson's fields if it is still at ``expected_version`` (the version the user
    loaded); audited ``lesson.update`` with before and after. Moving a lesson to another project
    needs the right to write for both."""
    _require_writer(user)
    for value, what in ((lesson_id, "lesson id"), (expected_version, "expected_version")):
        if not _is_id(value):
            raise LessonError(f"{what} must be a whole number from 1 to {MAX_ID}, not {value!r}")
    clean = check_lesson(**fields, today=today)
    with unit_of_work(engine, user.username) as uow:
        visible = uow.session.scalar(select(_T.c.id).where(_T.c.id == lesson_id,
                                                           _visible(user.scope)))
        before = None if visible is None else _record(uow.session, lesson_id)
        if before is None:
            raise LessonError(f"no lesson with id {lesson_id}")
        _check_project(uow.session, user, before.project_id)
        if clean["project_id"] != before.project_id:
            _check_project(uow.session, user, clean["project_id"])
        record = _update(uow, before, expected_version, clean)
        if record is not None:
            uow.commit()
            return record
    raise _stale(engine, lesson_id, expected_version)


def _update(uow: UnitOfWork, before: LessonRecord, expected: int,
            clean: dict) -> LessonRecord | None:
    """The updated record, or None when the guarded UPDATE matched no row (a stale version)."""
    if before.version != expected:
        return None
    matched = uow.session.execute(
        update(_T).where(_T.c.id == before.id, _T.c.version == expected)
        .values(**clean, version=_T.c.version + 1, updated_at=utcnow())).rowcount
    if matched != 1:
        return None
    record = _record(uow.session, before.id)
    uow.audit("lesson.update", entity="lesson", entity_id=before.id, before=before.snapshot(),
              after=record.snapshot())
    return record


def _stale(engine: Engine, lesson_id: int, expected: int) -> LessonError:
    """The error for an update that matched no row, read in a fresh transaction."""
    with Session(engine) as s:
        row = s.execute(select(_T.c.version, _T.c.updated_at).where(_T.c.id == lesson_id)).first()
        last = s.execute(select(AuditEntry.actor, AuditEntry.at)
                         .where(AuditEntry.entity == "lesson",
                                AuditEntry.entity_id == str(lesson_id),
                                AuditEntry.action.in_(("lesson.add", "lesson.update")))
                         .order_by(AuditEntry.id.desc()).limit(1)).first()
    if row is None:
        return LessonError(f"no lesson with id {lesson_id}")
    if row.version < expected:
        return LessonError(f"lesson {lesson_id} is at version {row.version}: version {expected} "
                           "does not exist yet")
    when = row.updated_at  # SQLite hands back naive UTC, PostgreSQL the session's zone
    when = when.replace(tzinfo=dt.timezone.utc) if when.tzinfo is None else when.astimezone(
        dt.timezone.utc)
    return LessonConflict(lesson_id, expected_version=expected, current_version=row.version,
                          changed_by=last.actor if last else None, changed_at=when)
