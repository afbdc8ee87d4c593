"""scenario ids never reused: SQLite AUTOINCREMENT on scenarios

A scenario's id is its short link (?scenario=ID). Without AUTOINCREMENT, SQLite hands the id of
the newest scenario, once deleted, to the next one saved: an old link, or an editor still open on
the deleted scenario, would then reach a different scenario. PostgreSQL's sequences never reuse
an id, so this changes nothing there. On SQLite the table is rebuilt with its rows (batch mode).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26
"""
from __future__ import annotations

from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    with op.batch_alter_table("scenarios", recreate="always",
                              table_kwargs={"sqlite_autoincrement": True}):
        pass


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    with op.batch_alter_table("scenarios", recreate="always",
                              table_kwargs={"sqlite_autoincrement": False}):
        pass
