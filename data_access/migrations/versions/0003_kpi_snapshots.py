"""kpi snapshots: the KPI set frozen per status date (portfolio, departments, projects)

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

_MONEY = sa.Numeric(precision=16, scale=2, asdecimal=False)


def upgrade() -> None:
    op.create_table('kpi_snapshots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('taken_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('taken_by', sa.String(length=64), nullable=False),
    sa.Column('grain', sa.String(length=16), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.Column('projects', sa.Integer(), nullable=True),
    sa.Column('bac', _MONEY, nullable=True),
    sa.Column('pv', _MONEY, nullable=True),
    sa.Column('ev', _MONEY, nullable=True),
    sa.Column('ac', _MONEY, nullable=True),
    sa.Column('eac', _MONEY, nullable=True),
    sa.Column('vac', _MONEY, nullable=True),
    sa.Column('cpi', sa.Float(), nullable=True),
    sa.Column('spi', sa.Float(), nullable=True),
    sa.Column('spi_t', sa.Float(), nullable=True),
    sa.Column('percent_complete', sa.Float(), nullable=True),
    sa.Column('red_projects', sa.Integer(), nullable=True),
    sa.Column('open_risks', sa.Integer(), nullable=True),
    sa.Column('risk_exposure', _MONEY, nullable=True),
    sa.Column('drift_alerts', sa.Integer(), nullable=True),
    sa.Column('overall_rag', sa.String(length=8), nullable=True),
    sa.CheckConstraint("grain IN ('portfolio', 'department', 'project')", name=op.f('ck_kpi_snapshots_grain_known')),
    sa.CheckConstraint("overall_rag IN ('green', 'amber', 'red')", name=op.f('ck_kpi_snapshots_overall_rag_known')),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_kpi_snapshots_department_id_departments'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_kpi_snapshots_project_id_projects'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kpi_snapshots')),
    sa.UniqueConstraint('as_of', 'grain', 'key', name=op.f('uq_kpi_snapshots_as_of_grain_key'))
    )
    with op.batch_alter_table('kpi_snapshots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kpi_snapshots_as_of'), ['as_of'], unique=False)
        batch_op.create_index(batch_op.f('ix_kpi_snapshots_department_id'), ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_kpi_snapshots_project_id'), ['project_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('kpi_snapshots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kpi_snapshots_project_id'))
        batch_op.drop_index(batch_op.f('ix_kpi_snapshots_department_id'))
        batch_op.drop_index(batch_op.f('ix_kpi_snapshots_as_of'))

    op.drop_table('kpi_snapshots')
