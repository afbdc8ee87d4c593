"""The documented import templates: every column, its type, whether it is required, the allowed
values and an example row. The page's template downloads and the validator both read this."""

from __future__ import annotations

from dataclasses import dataclass, field

from data_access.models.enums import (DEPENDENCY_KINDS, GATE_TYPES, METHODOLOGIES, MILESTONE_KINDS,
                                      PHASES, RAG, RISK_CATEGORIES, RISK_STATUSES, STATUSES,
                                      VALIDATION_STATES)

TYPES = {
    "key": "text key, compared ignoring case and spaces",
    "text": "text",
    "longtext": "text (several lines allowed)",
    "choice": "one of the allowed values (case and spaces ignored)",
    "date": "date YYYY-MM-DD (25/11/2026 is read only when the day is above 12)",
    "month": "month YYYY-MM (or any date inside it)",
    "money": "amount >= 0, no currency sign (1200000 or 1,200,000; 1 200 000,50 in ';' files)",
    "number": "number",
    "int": "whole number",
    "percent": "percent 0-100 (50 or 50%)",
    "bool": "yes or no",
    "ref": "reference to an existing record",
}


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    doc: str
    example: str = ""
    required: bool = False
    allowed: tuple[str, ...] = ()
    max_len: int = 200
    low: float | None = None
    high: float | None = None
    aliases: tuple[str, ...] = ()

    @property
    def describe(self) -> str:
        """One line for the template's documentation."""
        parts = [TYPES[self.type]]
        if self.allowed:
            parts.append("allowed: " + ", ".join(self.allowed))
        if self.low is not None and self.high is not None:
            parts.append(f"from {self.low:g} to {self.high:g}")
        elif self.low is not None:
            parts.append(f"at least {self.low:g}")
        if self.type in ("key", "text", "longtext", "ref"):
            parts.append(f"at most {self.max_len:,} characters")
        return f"{'required' if self.required else 'optional'}; {'; '.join(parts)}. {self.doc}"


@dataclass(frozen=True)
class Template:
    kind: str
    title: str
    doc: str
    key: tuple[str, ...]
    columns: tuple[Column, ...] = field(default_factory=tuple)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)


def _project(required: bool = True) -> Column:
    return Column("project", "ref", "the project's key (or its code)", "PRJ-00001", required,
                  max_len=64, aliases=("project_key", "project_code"))


def _date(name: str, doc: str, example: str = "", required: bool = False) -> Column:
    return Column(name, "date", doc, example, required)


def _score(name: str, doc: str, example: str) -> Column:
    return Column(name, "int", doc, example, low=1, high=5)


PROJECTS = Template("projects", "Projects", "One row per project; re-importing updates by key.",
                    ("key",), (
    Column("key", "key", "stable key from your system (re-imports update this project)",
           "PRJ-00001", True, max_len=64, aliases=("external_key",)),
    Column("code", "text", "the project's short code, unique", "PRJ-00001", True, max_len=32),
    Column("name", "text", "the project's name", "Network rollout", True),
    Column("description", "longtext", "what the project delivers", "", max_len=10_000),
    Column("department_code", "ref", "code of an existing department", "IT", True, max_len=32,
           aliases=("department",)),
    Column("sponsor", "text", "the sponsor's name", "A. Sponsor"),
    Column("manager", "ref", "the project manager: a person's key or exact name",
           "PER-000001", max_len=200, aliases=("manager_key", "project_manager")),
    Column("methodology", "choice", "how the project is run", "agile", True, METHODOLOGIES),
    Column("phase", "choice", "life-cycle phase", "execution", True, PHASES),
    Column("status", "choice", "portfolio status", "active", True, STATUSES),
    _date("baseline_start", "approved start", "2026-01-05", True),
    _date("baseline_end", "approved end (not before baseline_start)", "2026-12-18", True),
    _date("forecast_start", "forecast start (default: baseline_start)", "2026-01-05"),
    _date("forecast_end", "forecast end (default: baseline_end)", "2027-02-26"),
    _date("actual_start", "actual start, once started", "2026-01-12"),
    _date("actual_end", "actual end, once finished", ""),
    Column("bac", "money", "budget at completion", "1200000", low=0, aliases=("budget",)),
    Column("mandatory", "bool", "regulatory or otherwise not optional", "no"),
    Column("financial_value", "money", "expected financial benefit", "2500000", low=0),
    _score("strategic_fit", "strategic fit 1-5 (default 3)", "4"),
    _score("urgency", "urgency 1-5 (default 3)", "3"),
    _score("compliance", "compliance need 1-5 (default 1)", "1"),
    _score("risk_level", "risk level 1-5 (default 3)", "2"),
))

MILESTONES = Template("milestones", "Milestones and gates", "One row per milestone or stage gate.",
                      ("key",), (
    _project(),
    Column("key", "key", "stable key of the milestone", "MS-PRJ1-01", True, max_len=64,
           aliases=("external_key",)),
    Column("name", "text", "what is reached", "G2 Go decision", True),
    Column("kind", "choice", "milestone or gate (default milestone; gate when gate_type is set)",
           "gate", allowed=MILESTONE_KINDS),
    Column("gate_type", "choice", "which stage gate (gates only)", "G2_go", allowed=GATE_TYPES),
    _date("baseline_date", "approved date", "2026-03-31", True),
    _date("forecast_date", "forecast date (default: baseline_date)", "2026-04-15"),
    _date("actual_date", "date reached", ""),
    Column("validation_state", "choice", "gate validation (default pending)", "pending",
           allowed=VALIDATION_STATES),
))

COSTS = Template("costs", "Costs per month", "Planned and actual cost of a project per month.",
                 ("project", "month"), (
    _project(),
    Column("month", "month", "the month", "2026-03", True),
    Column("planned", "money", "planned cost of the month", "85000", True, low=0),
    Column("actual", "money", "actual cost of the month (empty until known)", "79250.50", low=0),
))

PROGRESS = Template("progress", "Progress", "Percent complete of a project as of a date.",
                    ("project", "as_of"), (
    _project(),
    _date("as_of", "the date the percentage is measured", "2026-03-31", True),
    Column("percent_complete", "percent", "percent complete", "42.5", True, low=0, high=100,
           aliases=("percent", "progress")),
))

ASSIGNMENTS = Template("assignments", "Assignments", "Hours a project needs of a role (and person) "
                       "per month.", ("project", "role", "person", "month"), (
    _project(),
    Column("person", "ref", "a person's key or exact name (empty while not staffed)",
           "PER-000001", max_len=200, aliases=("person_key", "resource")),
    Column("role", "text", "the role needed (default: the person's role)", "Developer",
           max_len=64),
    Column("month", "month", "the month", "2026-03", True),
    Column("hours", "number", "hours needed in the month", "60", True, low=0),
))

RISKS = Template("risks", "Risks", "Project risks on the 5 x 5 scale.", ("key",), (
    Column("key", "key", "stable key of the risk", "RSK-000001", True, max_len=64,
           aliases=("external_key",)),
    _project(),
    Column("title", "text", "the risk in one line", "Key architect may leave", True, max_len=300),
    Column("description", "longtext", "details", "", max_len=10_000),
    Column("category", "choice", "risk category", "resource", True, RISK_CATEGORIES),
    Column("probability", "int", "probability 1 (rare) to 5 (almost certain)", "3", True,
           low=1, high=5),
    Column("impact", "int", "impact 1 (minor) to 5 (severe)", "4", True, low=1, high=5),
    Column("cost_impact", "money", "cost if it occurs", "150000", low=0),
    Column("owner", "text", "who manages it", "A. Owner"),
    Column("mitigation", "longtext", "what is done about it", "Pair a second architect",
           max_len=10_000),
    _date("due_date", "mitigation due", "2026-05-31"),
    Column("status", "choice", "risk status (default open)", "open", allowed=RISK_STATUSES),
    _date("identified_on", "when it was raised", "2026-02-10", True),
    _date("closed_on", "when it was closed (not before identified_on)", ""),
))

STATUS_REPORTS = Template("status_reports", "Status reports", "A manager's report per project and "
                          "period.", ("project", "period"), (
    _project(),
    _date("period", "the period reported (e.g. its last day)", "2026-03-31", True),
    _date("reported_on", "when it was written (default: period)", "2026-04-02"),
    *(Column(f"{d}_rag", "choice", f"{d} status", "green", True, RAG)
      for d in ("schedule", "cost", "scope", "quality")),
    Column("comment", "longtext", "the manager's comment", "On track", max_len=10_000),
    Column("percent_complete", "percent", "percent complete", "40", low=0, high=100),
    _date("forecast_end", "forecast end", "2026-12-18"),
    Column("eac", "money", "estimate at completion", "1250000", low=0),
))

DEPENDENCIES = Template("dependencies", "Dependencies", "A project that needs another first "
                        "(no cycles).", ("predecessor", "successor"), (
    Column("predecessor", "ref", "the project needed first (key or code)", "PRJ-00001", True,
           max_len=64),
    Column("successor", "ref", "the project that needs it (key or code)", "PRJ-00002", True,
           max_len=64),
    Column("kind", "choice", "dependency type (default finish_to_start)", "finish_to_start",
           allowed=DEPENDENCY_KINDS),
    Column("lag_days", "int", "lag in days (default 0)", "0", low=-3650, high=3650),
))

TEMPLATES: dict[str, Template] = {t.kind: t for t in (
    PROJECTS, MILESTONES, COSTS, PROGRESS, ASSIGNMENTS, RISKS, STATUS_REPORTS, DEPENDENCIES)}
KINDS = tuple(TEMPLATES)


def template(kind: str) -> Template:
    try:
        return TEMPLATES[kind]
    except KeyError:
        raise ValueError(f"unknown kind {kind!r}: choose one of {', '.join(KINDS)}") from None
