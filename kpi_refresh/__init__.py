"""Keeping the KPI store fresh: recompute the stored KPI rows of the projects a write touched
(or of every project), with the same analytics code as everything else."""

from kpi_refresh.refresh import RefreshResult, ensure_fresh, refresh

__all__ = ["RefreshResult", "ensure_fresh", "refresh"]
