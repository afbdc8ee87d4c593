"""Closed vocabularies of the domain, shared by models, validation, demo data and analytics."""

from __future__ import annotations

ROLES = ("executive", "pmo", "manager", "viewer")
METHODOLOGIES = ("agile", "waterfall", "v_model", "hybrid")
PHASES = ("idea", "framing", "execution", "closure", "closed")
STATUSES = ("proposed", "active", "on_hold", "completed", "cancelled")
MILESTONE_KINDS = ("milestone", "gate")
GATE_TYPES = ("G0_idea", "G1_framing", "G2_go", "G3_delivery", "G4_closure")
VALIDATION_STATES = ("pending", "validated", "rejected", "waived")
RAG = ("green", "amber", "red")
RISK_STATUSES = ("open", "mitigating", "closed", "occurred")
RISK_CATEGORIES = (
    "technical", "schedule", "financial", "resource", "regulatory", "supplier", "security",
)
DEPENDENCY_KINDS = ("finish_to_start", "start_to_start", "finish_to_finish")
LESSON_CATEGORIES = ("planning", "stakeholders", "technical", "supplier", "governance", "people")


def check_in(column: str, values: tuple[str, ...]) -> str:
    """SQL text of a CHECK constraint keeping ``column`` inside a closed vocabulary."""
    quoted = ", ".join(f"'{v}'" for v in values)  # constants of this module, never user input
    return f"{column} IN ({quoted})"
