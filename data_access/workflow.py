"""Shared rules of the PMO workflow writes (gate reviews, corrective actions, standards):
role checks, field validation collecting every problem, and the conflict error of optimistic
locking. Only plain Python here; each workflow module holds its own reads and writes."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

from data_access.users import CurrentUser

WRITERS = frozenset({"pmo"})
MAX_ID = 2_147_483_647  # INTEGER columns on PostgreSQL
EARLIEST = dt.date(1990, 1, 1)
LATEST = dt.date(2100, 12, 31)
TEXT_MAX = 5000
_SPACES = re.compile(r"[ \t]+")
_BIDI = frozenset(range(0x202A, 0x202F)) | frozenset(range(0x2066, 0x206A))


class WorkflowError(ValueError):
    """A request that cannot be carried out; the message says what is wrong."""


class WorkflowInvalid(WorkflowError):
    """One or more fields break a rule; ``problems`` maps each field to what is wrong."""

    def __init__(self, what: str, problems: dict[str, str]) -> None:
        self.problems = dict(problems)
        super().__init__(f"the {what} was not saved: " + "; ".join(
            f"{field.replace('_', ' ')}: {why}" for field, why in self.problems.items()))


class WorkflowConflict(WorkflowError):
    """Someone changed the record since the user loaded it; nothing was written."""

    def __init__(self, what: str, *, expected_version: int, current_version: int | None,
                 changed_by: str | None = None) -> None:
        self.expected_version, self.current_version = expected_version, current_version
        self.changed_by = changed_by
        who = changed_by or "another user"
        now = ("has changed since" if current_version is None
               else f"is now at version {current_version}")
        super().__init__(
            f"{what} was changed by {who} since you loaded it (you loaded version "
            f"{expected_version}, it {now}); nothing was overwritten and your entries are kept: "
            "reload to see the change, then apply yours again")


class WorkflowForbidden(PermissionError):
    """The user's role may not do this."""


def require(user: CurrentUser, roles: frozenset[str], what: str) -> None:
    """Raise :class:`WorkflowForbidden` unless ``user``'s role is one of ``roles``."""
    if user.role not in roles:
        raise WorkflowForbidden(f"role {user.role!r} may not {what}: only "
                                f"{' or '.join(sorted(roles))} users may")


def _bad_char(text: str, *, newlines: bool) -> str | None:
    for i, ch in enumerate(text, start=1):
        if newlines and ch in "\n\t":
            continue
        if unicodedata.category(ch) in ("Cc", "Cs", "Zl", "Zp") or ord(ch) in _BIDI:
            return f"must not contain control characters (U+{ord(ch):04X} at position {i})"
    return None


class Checker:
    """Collects one problem per field; :meth:`done` raises :class:`WorkflowInvalid` if any."""

    def __init__(self, what: str) -> None:
        self.what = what
        self.problems: dict[str, str] = {}

    def fail(self, field: str, why: str) -> None:
        self.problems.setdefault(field, why)

    def line(self, field: str, value: Any, *, low: int = 1, high: int = 300,
             optional: bool = False) -> str | None:
        """One line of text, spaces collapsed, ``low`` to ``high`` characters."""
        if value is None or (isinstance(value, str) and not value.strip()):
            if not optional:
                self.fail(field, "is required")
            return None
        if not isinstance(value, str):
            self.fail(field, f"must be text, not {type(value).__name__}")
            return None
        clean = _SPACES.sub(" ", value).strip()
        if problem := _bad_char(clean, newlines=False):
            self.fail(field, problem)
        elif not low <= len(clean) <= high:
            self.fail(field, f"must be {low} to {high} characters, not {len(clean)}")
        return clean

    def text(self, field: str, value: Any, *, optional: bool = True,
             required_why: str = "is required") -> str | None:
        """Free text (new lines kept) up to :data:`TEXT_MAX` characters; None when empty."""
        if value is not None and not isinstance(value, str):
            self.fail(field, f"must be text, not {type(value).__name__}")
            return None
        clean = (value or "").replace("\r\n", "\n").replace("\r", "\n").strip()
        if not clean:
            if not optional:
                self.fail(field, required_why)
            return None
        if len(clean) > TEXT_MAX:
            self.fail(field, f"is {len(clean):,} characters long, at most {TEXT_MAX:,}")
        elif problem := _bad_char(clean, newlines=True):
            self.fail(field, problem)
        return clean

    def day(self, field: str, value: Any, *, optional: bool = False,
            not_after: dt.date | None = None) -> dt.date | None:
        """A date between 1990-01-01 and 2100-12-31 (and not after ``not_after``)."""
        if value is None:
            if not optional:
                self.fail(field, "is required")
            return None
        if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
            self.fail(field, f"must be a date, not {value!r}")
            return None
        if not EARLIEST <= value <= LATEST:
            self.fail(field, f"must be between {EARLIEST.isoformat()} and {LATEST.isoformat()}, "
                             f"not {value.isoformat()}")
            return None
        if not_after is not None and value > not_after:
            self.fail(field, f"must not be after {not_after.isoformat()} (today), "
                             f"not {value.isoformat()}")
            return None
        return value

    def choice(self, field: str, value: Any, allowed: tuple[str, ...]) -> str | None:
        if value not in allowed:
            self.fail(field, f"unknown value {value!r}: choose one of {', '.join(allowed)}")
            return None
        return value

    def ident(self, field: str, value: Any, *, optional: bool = False) -> int | None:
        if value is None and optional:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_ID:
            self.fail(field, f"must be a whole number from 1 to {MAX_ID}, not {value!r}")
            return None
        return value

    def done(self) -> None:
        if self.problems:
            raise WorkflowInvalid(self.what, self.problems)


def check_version(value: Any, *, allow_zero: bool = False) -> int:
    """The version the user loaded (a whole number >= 1, or >= 0 for a built-in default)."""
    low = 0 if allow_zero else 1
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= MAX_ID:
        raise WorkflowError(f"expected_version must be a whole number from {low} to {MAX_ID}, "
                            f"not {value!r}")
    return value
