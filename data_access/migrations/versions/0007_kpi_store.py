"""the KPI store: KPI rows per project kept in the database, marks of stale projects

Derived data (issue 15): pages read these rows instead of recomputing the portfolio. Money is
kept as float (FLOAT / double precision), exactly as polars computed it, so that a stored figure
equals a recomputed one. The one row of kpi_store_state is created empty; `pmo kpis refresh`
(run by `pmo init` after this revision) fills the store.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('kpi_store_state',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=True),
    sa.Column('data_version', sa.BigInteger(), nullable=True),
    sa.Column('refreshed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('projects', sa.Integer(), nullable=True),
    sa.Column('failed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('failure', sa.Text(), nullable=True),
    sa.CheckConstraint('id = 1', name=op.f('ck_kpi_store_state_single_row')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kpi_store_state'))
    )
    op.create_table('kpi_alerts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('data_version', sa.BigInteger(), nullable=False),
    sa.Column('code', sa.Text(), nullable=True),
    sa.Column('name', sa.Text(), nullable=True),
    sa.Column('status', sa.Text(), nullable=True),
    sa.Column('alert', sa.Text(), nullable=True),
    sa.Column('severity', sa.Text(), nullable=True),
    sa.Column('metric', sa.Text(), nullable=True),
    sa.Column('value', sa.Float(), nullable=True),
    sa.Column('threshold', sa.Float(), nullable=True),
    sa.Column('evidence', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_kpi_alerts_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kpi_alerts'))
    )
    op.create_index(op.f('ix_kpi_alerts_project_id'), 'kpi_alerts', ['project_id'], unique=False)
    op.create_table('kpi_dirty',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.Column('marked_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_kpi_dirty_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kpi_dirty')),
    sqlite_autoincrement=True
    )
    op.create_index(op.f('ix_kpi_dirty_project_id'), 'kpi_dirty', ['project_id'], unique=False)
    op.create_table('kpi_gates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('data_version', sa.BigInteger(), nullable=False),
    sa.Column('kind', sa.Text(), nullable=True),
    sa.Column('milestone_id', sa.Integer(), nullable=True),
    sa.Column('project_code', sa.Text(), nullable=True),
    sa.Column('project_name', sa.Text(), nullable=True),
    sa.Column('gate', sa.Text(), nullable=True),
    sa.Column('gate_type', sa.Text(), nullable=True),
    sa.Column('baseline_date', sa.Date(), nullable=True),
    sa.Column('forecast_date', sa.Date(), nullable=True),
    sa.Column('validation_state', sa.Text(), nullable=True),
    sa.Column('slip_days', sa.Integer(), nullable=True),
    sa.Column('days', sa.Integer(), nullable=True),
    sa.CheckConstraint("kind IN ('due', 'overdue')", name=op.f('ck_kpi_gates_kind_known')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_kpi_gates_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kpi_gates'))
    )
    op.create_index(op.f('ix_kpi_gates_project_id'), 'kpi_gates', ['project_id'], unique=False)
    op.create_table('kpi_projects',
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('data_version', sa.BigInteger(), nullable=False),
    sa.Column('code', sa.Text(), nullable=True),
    sa.Column('name', sa.Text(), nullable=True),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('department_code', sa.Text(), nullable=True),
    sa.Column('department', sa.Text(), nullable=True),
    sa.Column('manager', sa.Text(), nullable=True),
    sa.Column('methodology', sa.Text(), nullable=True),
    sa.Column('phase', sa.Text(), nullable=True),
    sa.Column('status', sa.Text(), nullable=True),
    sa.Column('baseline_start', sa.Date(), nullable=True),
    sa.Column('baseline_end', sa.Date(), nullable=True),
    sa.Column('forecast_start', sa.Date(), nullable=True),
    sa.Column('forecast_end', sa.Date(), nullable=True),
    sa.Column('bac', sa.Float(), nullable=True),
    sa.Column('pv', sa.Float(), nullable=True),
    sa.Column('ac', sa.Float(), nullable=True),
    sa.Column('percent_complete', sa.Float(), nullable=True),
    sa.Column('ev', sa.Float(), nullable=True),
    sa.Column('cv', sa.Float(), nullable=True),
    sa.Column('sv', sa.Float(), nullable=True),
    sa.Column('cpi', sa.Float(), nullable=True),
    sa.Column('spi', sa.Float(), nullable=True),
    sa.Column('eac', sa.Float(), nullable=True),
    sa.Column('vac', sa.Float(), nullable=True),
    sa.Column('eac_cpi', sa.Float(), nullable=True),
    sa.Column('eac_atypical', sa.Float(), nullable=True),
    sa.Column('eac_composite', sa.Float(), nullable=True),
    sa.Column('etc', sa.Float(), nullable=True),
    sa.Column('tcpi_bac', sa.Float(), nullable=True),
    sa.Column('tcpi_eac', sa.Float(), nullable=True),
    sa.Column('cancelled', sa.Boolean(), nullable=True),
    sa.Column('at', sa.Float(), nullable=True),
    sa.Column('es', sa.Float(), nullable=True),
    sa.Column('spi_t', sa.Float(), nullable=True),
    sa.Column('sv_t', sa.Float(), nullable=True),
    sa.Column('pd', sa.Float(), nullable=True),
    sa.Column('ieac_t', sa.Float(), nullable=True),
    sa.Column('es_note', sa.Text(), nullable=True),
    sa.Column('eac_overrun', sa.Float(), nullable=True),
    sa.Column('worst_milestone', sa.Text(), nullable=True),
    sa.Column('worst_slip_days', sa.Integer(), nullable=True),
    sa.Column('max_risk_score', sa.Integer(), nullable=True),
    sa.Column('open_risks', sa.Integer(), nullable=True),
    sa.Column('cost_rag', sa.Text(), nullable=True),
    sa.Column('cost_reason', sa.Text(), nullable=True),
    sa.Column('schedule_rag', sa.Text(), nullable=True),
    sa.Column('schedule_reason', sa.Text(), nullable=True),
    sa.Column('risk_rag', sa.Text(), nullable=True),
    sa.Column('risk_reason', sa.Text(), nullable=True),
    sa.Column('scope_rag', sa.Text(), nullable=True),
    sa.Column('scope_reason', sa.Text(), nullable=True),
    sa.Column('quality_rag', sa.Text(), nullable=True),
    sa.Column('quality_reason', sa.Text(), nullable=True),
    sa.Column('overall_rag', sa.Text(), nullable=True),
    sa.Column('overall_reason', sa.Text(), nullable=True),
    sa.Column('alignment_score', sa.Float(), nullable=True),
    sa.Column('objectives_served', sa.Integer(), nullable=True),
    sa.Column('serves_no_objective', sa.Boolean(), nullable=True),
    sa.Column('gates_total', sa.Integer(), nullable=True),
    sa.Column('gates_passed', sa.Integer(), nullable=True),
    sa.Column('gates_compliant', sa.Integer(), nullable=True),
    sa.Column('missing_deliverables', sa.Integer(), nullable=True),
    sa.Column('risk_exposure', sa.Float(), nullable=True),
    sa.Column('drift_alerts', sa.Integer(), nullable=True),
    sa.Column('next_gate', sa.Text(), nullable=True),
    sa.Column('next_gate_due', sa.Date(), nullable=True),
    sa.Column('search_text', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_kpi_projects_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('project_id', name=op.f('pk_kpi_projects'))
    )
    op.create_table('kpi_top_risks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('data_version', sa.BigInteger(), nullable=False),
    sa.Column('risk_id', sa.Integer(), nullable=True),
    sa.Column('project_code', sa.Text(), nullable=True),
    sa.Column('project_name', sa.Text(), nullable=True),
    sa.Column('title', sa.Text(), nullable=True),
    sa.Column('category', sa.Text(), nullable=True),
    sa.Column('probability', sa.Integer(), nullable=True),
    sa.Column('impact', sa.Integer(), nullable=True),
    sa.Column('score', sa.Integer(), nullable=True),
    sa.Column('cost_impact', sa.Float(), nullable=True),
    sa.Column('money_exposure', sa.Float(), nullable=True),
    sa.Column('owner', sa.Text(), nullable=True),
    sa.Column('status', sa.Text(), nullable=True),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_kpi_top_risks_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kpi_top_risks'))
    )
    op.create_index(op.f('ix_kpi_top_risks_project_id'), 'kpi_top_risks', ['project_id'], unique=False)

    op.bulk_insert(sa.table('kpi_store_state', sa.column('id', sa.Integer())), [{'id': 1}])
    # Every project is stale until the first refresh.
    op.execute(sa.text("INSERT INTO kpi_dirty (project_id, marked_at) VALUES (NULL, CURRENT_TIMESTAMP)"))


def downgrade() -> None:
    op.drop_index(op.f('ix_kpi_top_risks_project_id'), table_name='kpi_top_risks')
    op.drop_table('kpi_top_risks')
    op.drop_table('kpi_projects')
    op.drop_index(op.f('ix_kpi_gates_project_id'), table_name='kpi_gates')
    op.drop_table('kpi_gates')
    op.drop_index(op.f('ix_kpi_dirty_project_id'), table_name='kpi_dirty')
    op.drop_table('kpi_dirty')
    op.drop_index(op.f('ix_kpi_alerts_project_id'), table_name='kpi_alerts')
    op.drop_table('kpi_alerts')
    op.drop_table('kpi_store_state')
