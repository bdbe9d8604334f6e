"""The shared inbox: labels on conversations, when an agent went offline, returned conversations.

- ``conversation_labels``: labels agents put on conversations (unique per conversation).
- ``agents.offline_since``: when the agent's last live socket went; their open conversations go
  back to the queue after ``AGENT_OFFLINE_GRACE_S``. Agents offline now count as offline since
  the upgrade, so nothing moves before the grace is over.
- ``conversations.returned_at``: back in the queue because its agent left: first in line.

Revision ID: 0004_inbox
Revises: 0003_cluster
Create Date: 2026-12-01 23:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0004_inbox'
down_revision = '0003_cluster'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('conversation_labels',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('conversation_id', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=40), nullable=False),
    sa.Column('agent_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['agent_id'], ['agents.id'], name=op.f('fk_conversation_labels_agent_id_agents'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['conversation_id'], ['conversations.id'],
                            name=op.f('fk_conversation_labels_conversation_id_conversations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conversation_labels')),
    sa.UniqueConstraint('conversation_id', 'label', name='uq_conversation_labels_conversation_label')
    )
    op.create_index(op.f('ix_conversation_labels_conversation_id'), 'conversation_labels', ['conversation_id'],
                    unique=False)
    op.create_index(op.f('ix_conversation_labels_label'), 'conversation_labels', ['label'], unique=False)
    with op.batch_alter_table('agents') as batch:
        batch.add_column(sa.Column('offline_since', sa.DateTime(), nullable=True))
    with op.batch_alter_table('conversations') as batch:
        batch.add_column(sa.Column('returned_at', sa.DateTime(), nullable=True))
    op.execute("UPDATE agents SET offline_since = CURRENT_TIMESTAMP WHERE status = 'offline'")


def downgrade() -> None:
    with op.batch_alter_table('conversations') as batch:
        batch.drop_column('returned_at')
    with op.batch_alter_table('agents') as batch:
        batch.drop_column('offline_since')
    op.drop_table('conversation_labels')
