"""Check-ins and honest queue updates.

- ``followups``: one check-in e-mail per conversation after a grant or a handoff (kind, due,
  state ``scheduled -> sent -> opened``, or ``cancelled``).
- ``conversations.queue_updated_at/queue_updates/queue_position``: the last honest update a
  queued customer got, how many in this wait, and the place in line it gave.

Revision ID: 0009_followups
Revises: 0008_proactive
Create Date: 2026-12-01 23:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0009_followups'
down_revision = '0008_proactive'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('followups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('conversation_id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('order_number', sa.String(length=32), nullable=True),
    sa.Column('state', sa.Enum('scheduled', 'sent', 'opened', 'cancelled', name='followupstate', native_enum=False,
                               length=32), nullable=False),
    sa.Column('due_at', sa.DateTime(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.Column('opened_at', sa.DateTime(), nullable=True),
    sa.Column('outbox_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['conversation_id'], ['conversations.id'],
                            name=op.f('fk_followups_conversation_id_conversations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_followups_customer_id_customers'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_followups'))
    )
    op.create_index(op.f('ix_followups_conversation_id'), 'followups', ['conversation_id'], unique=False)
    op.create_index(op.f('ix_followups_state'), 'followups', ['state'], unique=False)
    op.create_index(op.f('ix_followups_due_at'), 'followups', ['due_at'], unique=False)
    with op.batch_alter_table('conversations') as batch:
        batch.add_column(sa.Column('queue_updated_at', sa.DateTime(), nullable=True))
        batch.add_column(sa.Column('queue_updates', sa.Integer(), server_default='0', nullable=False))
        batch.add_column(sa.Column('queue_position', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('conversations') as batch:
        batch.drop_column('queue_position')
        batch.drop_column('queue_updates')
        batch.drop_column('queue_updated_at')
    op.drop_index(op.f('ix_followups_due_at'), table_name='followups')
    op.drop_index(op.f('ix_followups_state'), table_name='followups')
    op.drop_index(op.f('ix_followups_conversation_id'), table_name='followups')
    op.drop_table('followups')
