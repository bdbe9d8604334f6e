"""Cluster state in the store: agent presence rows, turn claims, per-conversation flags.

- ``agent_presence``: one row per open agent socket with its node and a heartbeat.
- ``conversations.turn_owner/turn_until``: the claim on running a conversation's turns
  (held across nodes, expires when its holder dies); ``awaiting_email`` and ``resume_pending``.
- ``messages.answered_at``: a customer message whose turn finished. Every existing message
  counts as answered, so upgrading never replays history.

Revision ID: 0003_cluster
Revises: 0002_security
Create Date: 2026-12-01 20:10:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0003_cluster'
down_revision = '0002_security'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('agent_presence',
    sa.Column('sid', sa.String(length=64), nullable=False),
    sa.Column('agent_id', sa.Integer(), nullable=False),
    sa.Column('node_id', sa.String(length=128), nullable=False),
    sa.Column('last_seen', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['agent_id'], ['agents.id'], name=op.f('fk_agent_presence_agent_id_agents'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('sid', name=op.f('pk_agent_presence'))
    )
    op.create_index(op.f('ix_agent_presence_agent_id'), 'agent_presence', ['agent_id'], unique=False)
    op.create_index(op.f('ix_agent_presence_node_id'), 'agent_presence', ['node_id'], unique=False)
    op.create_index(op.f('ix_agent_presence_last_seen'), 'agent_presence', ['last_seen'], unique=False)
    with op.batch_alter_table('conversations') as batch:
        batch.add_column(sa.Column('turn_owner', sa.String(length=160), nullable=True))
        batch.add_column(sa.Column('turn_until', sa.DateTime(), nullable=True))
        batch.add_column(sa.Column('awaiting_email', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch.add_column(sa.Column('resume_pending', sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table('messages') as batch:
        batch.add_column(sa.Column('answered_at', sa.DateTime(), nullable=True))
        batch.create_index(op.f('ix_messages_answered_at'), ['answered_at'], unique=False)
    op.execute("UPDATE messages SET answered_at = created_at")


def downgrade() -> None:
    with op.batch_alter_table('messages') as batch:
        batch.drop_index(op.f('ix_messages_answered_at'))
        batch.drop_column('answered_at')
    with op.batch_alter_table('conversations') as batch:
        batch.drop_column('resume_pending')
        batch.drop_column('awaiting_email')
        batch.drop_column('turn_until')
        batch.drop_column('turn_owner')
    op.drop_table('agent_presence')
