"""Portfolio sizes: how many projects, departments and objectives each scale has."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ScaleSpec:
    name: str
    projects: int
    departments: int
    objectives: int
    history_days: int
    """Closed projects ended between 20 and this many days before today."""


SCALES = {
    "demo": ScaleSpec("demo", 60, 7, 5, 720),
    "S": ScaleSpec("S", 200, 9, 5, 900),
    "M": ScaleSpec("M", 5_000, 14, 8, 1_460),
    "L": ScaleSpec("L", 50_000, 20, 8, 1_825),
}


def scale_spec(scale: str) -> ScaleSpec:
    """The spec of ``scale`` ('demo', 'S', 'M' or 'L'; case-insensitive)."""
    for name, spec in SCALES.items():
        if isinstance(scale, str) and scale.strip().lower() == name.lower():
            return spec
    raise ValueError(f"unknown demo scale {scale!r}: choose one of {', '.join(SCALES)}")
