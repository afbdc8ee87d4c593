"""The KPI store (issue 15): KPI rows derived from the transaction tables, kept in the database
so that a page reads a few stored rows instead of recomputing the portfolio.

Every row belongs to one project (deleted with it) and is stamped with the status date
(``as_of``) and the data version (the newest audit entry id) it was computed from.

- ``kpi_projects``: one row a project, the KPI set's project table (EVM, earned schedule,
  health with its reasons, alignment, gate compliance), the snapshot measures (Σ exposure
  of live risks, drift alerts) and what the inventory shows (forecast start, next gate);
- ``kpi_alerts``: the project's drift alerts;
- ``kpi_top_risks``: the project's live risks with the highest scores (at most TOP_RISKS);
- ``kpi_gates``: its open gates due within GATE_DAYS days (``kind`` 'due') or overdue
  ('overdue');
- ``kpi_dirty``: projects whose rows are stale (``project_id`` NULL: every project), written
  in the same transaction as the change that made them stale;
- ``kpi_store_state``: one row: the status date and data version of the last refresh, and the
  last failure.

The column lists are data (``*_COLUMNS``: name and kind) so that the store's writer and reader
share them; migration 0007 spells the same columns out.
"""

from __future__ import annotations

from sqlalchemy import (BigInteger, Boolean, CheckConstraint, Column, Date, DateTime, Float,
                        ForeignKey, Integer, Table, Text)

from data_access.models.base import Base

TOP_RISKS = 10
"""Risks kept per project: the overview shows the 10 highest of the scope, which are among
the 10 highest of each of its projects."""
GATE_DAYS = 30
"""The overview's window for gates coming due."""

KINDS = {"int": Integer, "float": Float, "text": Text, "date": Date, "bool": Boolean}

PROJECT_COLUMNS = (
    ("code", "text"), ("name", "text"), ("department_id", "int"), ("department_code", "text"),
    ("department", "text"), ("manager", "text"), ("methodology", "text"), ("phase", "text"), ("status", "text"),
    ("baseline_start", "date"), ("baseline_end", "date"), ("forecast_start", "date"),
    ("forecast_end", "date"),
    ("bac", "float"), ("pv", "float"), ("ac", "float"), ("percent_complete", "float"),
    ("ev", "float"), ("cv", "float"), ("sv", "float"), ("cpi", "float"), ("spi", "float"),
    ("eac", "float"), ("vac", "float"), ("eac_cpi", "float"), ("eac_atypical", "float"),
    ("eac_composite", "float"), ("etc", "float"), ("tcpi_bac", "float"), ("tcpi_eac", "float"),
    ("cancelled", "bool"), ("at", "float"), ("es", "float"), ("spi_t", "float"),
    ("sv_t", "float"), ("pd", "float"), ("ieac_t", "float"), ("es_note", "text"),
    ("eac_overrun", "float"), ("worst_milestone", "text"), ("worst_slip_days", "int"),
    ("max_risk_score", "int"), ("open_risks", "int"),
    ("cost_rag", "text"), ("cost_reason", "text"), ("schedule_rag", "text"),
    ("schedule_reason", "text"), ("risk_rag", "text"), ("risk_reason", "text"),
    ("scope_rag", "text"), ("scope_reason", "text"), ("quality_rag", "text"),
    ("quality_reason", "text"), ("overall_rag", "text"), ("overall_reason", "text"),
    ("alignment_score", "float"), ("objectives_served", "int"),
    ("serves_no_objective", "bool"), ("gates_total", "int"), ("gates_passed", "int"),
    ("gates_compliant", "int"), ("missing_deliverables", "int"),
    ("risk_exposure", "float"), ("drift_alerts", "int"), ("next_gate", "text"),
    ("next_gate_due", "date"), ("search_text", "text"),
)
ALERT_COLUMNS = (
    ("code", "text"), ("name", "text"), ("status", "text"), ("alert", "text"),
    ("severity", "text"), ("metric", "text"), ("value", "float"), ("threshold", "float"),
    ("evidence", "text"),
)
RISK_COLUMNS = (
    ("risk_id", "int"), ("project_code", "text"), ("project_name", "text"), ("title", "text"),
    ("category", "text"), ("probability", "int"), ("impact", "int"), ("score", "int"),
    ("cost_impact", "float"), ("money_exposure", "float"), ("owner", "text"),
    ("status", "text"), ("due_date", "date"),
)
GATE_COLUMNS = (
    ("kind", "text"), ("milestone_id", "int"), ("project_code", "text"),
    ("project_name", "text"), ("gate", "text"), ("gate_type", "text"),
    ("baseline_date", "date"), ("forecast_date", "date"), ("validation_state", "text"),
    ("slip_days", "int"), ("days", "int"),
)
GATE_KINDS = ("due", "overdue")


def _stamped(name: str, columns: tuple[tuple[str, str], ...], *, row_id: bool) -> Table:
    key = [Column("id", Integer, primary_key=True)] if row_id else []
    return Table(
        name, Base.metadata, *key,
        Column("project_id", ForeignKey("projects.id", ondelete="CASCADE"), nullable=False,
               index=row_id, primary_key=not row_id),
        Column("as_of", Date, nullable=False),
        Column("data_version", BigInteger, nullable=False),
        *(Column(column, KINDS[kind]) for column, kind in columns),
    )


kpi_projects = _stamped("kpi_projects", PROJECT_COLUMNS, row_id=False)
kpi_alerts = _stamped("kpi_alerts", ALERT_COLUMNS, row_id=True)
kpi_top_risks = _stamped("kpi_top_risks", RISK_COLUMNS, row_id=True)
kpi_gates = _stamped("kpi_gates", GATE_COLUMNS, row_id=True)
kpi_gates.append_constraint(CheckConstraint("kind IN ('due', 'overdue')", name="kind_known"))

kpi_dirty = Table(
    "kpi_dirty", Base.metadata,
    Column("id", Integer, primary_key=True),
    Column("project_id", ForeignKey("projects.id", ondelete="CASCADE"), index=True),
    Column("marked_at", DateTime(timezone=True), nullable=False),
    sqlite_autoincrement=True,  # ids only grow: a refresh clears the marks it has seen
)

kpi_store_state = Table(
    "kpi_store_state", Base.metadata,
    Column("id", Integer, primary_key=True),
    Column("as_of", Date),
    Column("data_version", BigInteger),
    Column("refreshed_at", DateTime(timezone=True)),
    Column("projects", Integer),
    Column("failed_at", DateTime(timezone=True)),
    Column("failure", Text),
    CheckConstraint("id = 1", name="single_row"),
)
