"""Nothing goes unseen: customer presence, and "e-mail me when an agent replies after I left".

- ``customer_presence``: one row per open customer socket with its conversation, node and a
  heartbeat (the customer has left when their conversation has no live row).
- ``conversations.notify_email``: where to send the notice; ``away_notified``: this absence's
  one notice went out (cleared when a customer socket joins the conversation again).

Revision ID: 0005_notify
Revises: 0004_inbox
Create Date: 2026-12-01 23:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0005_notify'
down_revision = '0004_inbox'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('customer_presence',
    sa.Column('sid', sa.String(length=64), nullable=False),
    sa.Column('conversation_id', sa.Integer(), nullable=False),
    sa.Column('node_id', sa.String(length=128), nullable=False),
    sa.Column('last_seen', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['conversation_id'], ['conversations.id'],
                            name=op.f('fk_customer_presence_conversation_id_conversations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('sid', name=op.f('pk_customer_presence'))
    )
    op.create_index(op.f('ix_customer_presence_conversation_id'), 'customer_presence', ['conversation_id'],
                    unique=False)
    op.create_index(op.f('ix_customer_presence_node_id'), 'customer_presence', ['node_id'], unique=False)
    op.create_index(op.f('ix_customer_presence_last_seen'), 'customer_presence', ['last_seen'], unique=False)
    with op.batch_alter_table('conversations') as batch:
        batch.add_column(sa.Column('notify_email', sa.String(length=254), nullable=True))
        batch.add_column(sa.Column('away_notified', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('conversations') as batch:
        batch.drop_column('away_notified')
        batch.drop_column('notify_email')
    op.drop_table('customer_presence')
