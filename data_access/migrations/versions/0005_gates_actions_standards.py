"""gates, actions, standards: gate review decisions, corrective actions, versioned method standards

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('method_standards',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(length=24), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('changed_by', sa.String(length=64), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.CheckConstraint("subject IN ('agile', 'waterfall', 'v_model', 'hybrid', 'prioritisation')", name=op.f('ck_method_standards_subject_known')),
    sa.CheckConstraint('version >= 1', name=op.f('ck_method_standards_version_positive')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_method_standards')),
    sa.UniqueConstraint('subject', 'version', name=op.f('uq_method_standards_subject_version'))
    )
    op.create_table('corrective_actions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('source_kind', sa.String(length=16), nullable=False),
    sa.Column('source_ref', sa.String(length=64), nullable=True),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('owner', sa.String(length=200), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('expected_effect', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('opened_on', sa.Date(), nullable=False),
    sa.Column('opened_by', sa.String(length=64), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('closure_note', sa.Text(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("source_kind IN ('drift_alert', 'risk', 'gate_condition', 'other')", name=op.f('ck_corrective_actions_source_kind_known')),
    sa.CheckConstraint("status IN ('open', 'in_progress', 'done', 'cancelled')", name=op.f('ck_corrective_actions_status_known')),
    sa.CheckConstraint('closed_on IS NULL OR closed_on >= opened_on', name=op.f('ck_corrective_actions_closed_after_opened')),
    sa.CheckConstraint('due_date >= opened_on', name=op.f('ck_corrective_actions_due_after_opened')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_corrective_actions_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_corrective_actions'))
    )
    with op.batch_alter_table('corrective_actions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_corrective_actions_due_date'), ['due_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_corrective_actions_project_id'), ['project_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_corrective_actions_status'), ['status'], unique=False)

    op.create_table('gate_reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('milestone_id', sa.Integer(), nullable=False),
    sa.Column('decision', sa.String(length=24), nullable=False),
    sa.Column('conditions', sa.Text(), nullable=True),
    sa.Column('decided_on', sa.Date(), nullable=False),
    sa.Column('decided_by', sa.String(length=64), nullable=False),
    sa.Column('phase_before', sa.String(length=16), nullable=False),
    sa.Column('next_phase', sa.String(length=16), nullable=False),
    sa.Column('standard_version', sa.Integer(), nullable=True),
    sa.Column('evidence', sa.JSON(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("decision <> 'go_with_conditions' OR conditions IS NOT NULL", name=op.f('ck_gate_reviews_conditions_given')),
    sa.CheckConstraint("decision IN ('go', 'go_with_conditions', 'no_go', 'on_hold')", name=op.f('ck_gate_reviews_decision_known')),
    sa.CheckConstraint("next_phase IN ('idea', 'framing', 'execution', 'closure', 'closed')", name=op.f('ck_gate_reviews_next_phase_known')),
    sa.CheckConstraint("phase_before IN ('idea', 'framing', 'execution', 'closure', 'closed')", name=op.f('ck_gate_reviews_phase_before_known')),
    sa.ForeignKeyConstraint(['milestone_id'], ['milestones.id'], name=op.f('fk_gate_reviews_milestone_id_milestones'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_gate_reviews_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_gate_reviews'))
    )
    with op.batch_alter_table('gate_reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_gate_reviews_milestone_id'), ['milestone_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_gate_reviews_project_id'), ['project_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('gate_reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_gate_reviews_project_id'))
        batch_op.drop_index(batch_op.f('ix_gate_reviews_milestone_id'))

    op.drop_table('gate_reviews')
    with op.batch_alter_table('corrective_actions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_corrective_actions_status'))
        batch_op.drop_index(batch_op.f('ix_corrective_actions_project_id'))
        batch_op.drop_index(batch_op.f('ix_corrective_actions_due_date'))

    op.drop_table('corrective_actions')
    op.drop_table('method_standards')
