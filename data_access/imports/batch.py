"""A file read and checked without the database: its records per kind and its problems."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from data_access.imports.problems import Problem
from data_access.imports.templates import TEMPLATES
from data_access.imports.validate import Record


@dataclass
class Part:
    kind: str
    records: list[Record]

    @property
    def key_column(self) -> str:
        return TEMPLATES[self.kind].key[-1] if self.kind != "assignments" else "month"


@dataclass
class Batch:
    filename: str
    sha256: str
    source: str                       # "csv", "xlsx" or "schedule"
    parts: list[Part] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    project: str | None = None        # the project a scheduling file maps into

    @property
    def kinds(self) -> list[str]:
        return [p.kind for p in self.parts]

    @property
    def rows(self) -> int:
        return sum(len(p.records) for p in self.parts) + len(
            {(p.kind, p.row) for p in self.problems if p.is_error and p.row is not None})


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def safe_name(filename: str) -> str:
    """The uploaded name as recorded: its last path part, no control characters, <= 200."""
    base = filename.replace("\\", "/").rsplit("/", 1)[-1]
    clean = "".join(ch if ch.isprintable() else "_" for ch in base).strip()
    return clean[:200] or "unnamed"
