"""What the import reports: one problem per row, column, value and rule."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """``row`` is the row (line) in the file, or the task id of a scheduling file; None for the
    whole file. ``severity`` is "error" (blocks the import) or "warning" (reported only)."""

    rule: str
    message: str
    row: int | None = None
    column: str | None = None
    value: str = ""
    severity: str = "error"
    kind: str = ""

    @classmethod
    def warn(cls, rule: str, message: str, **where) -> Problem:
        return cls(rule, message, severity="warning", **where)

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def line(self) -> str:
        """'row 4, column bac (value '-5'): must be at least 0 [min_value]'."""
        where = ", ".join(p for p in (f"row {self.row}" if self.row is not None else "",
                                      f"column {self.column}" if self.column else "") if p)
        value = f" (value {self.value!r})" if self.value else ""
        head = f"{where}{value}: " if where or value else ""
        return f"{head}{self.message} [{self.rule}]"


class FileRejected(ValueError):
    """The file as a whole cannot be read (wrong type, encrypted, too big...)."""

    def __init__(self, rule: str, message: str) -> None:
        super().__init__(message)
        self.problem = Problem(rule, message)
