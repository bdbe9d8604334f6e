"""Proactive help: ``proactive_offers``, one row per signal offered or dismissed in a conversation.

Revision ID: 0008_proactive
Revises: 0007_canned
Create Date: 2026-12-01 23:10:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0008_proactive'
down_revision = '0007_canned'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('proactive_offers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('conversation_id', sa.Integer(), nullable=False),
    sa.Column('signal', sa.String(length=32), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('context', sa.JSON(), nullable=True),
    sa.Column('seq', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=True),
    sa.Column('outcome_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['conversation_id'], ['conversations.id'],
                            name=op.f('fk_proactive_offers_conversation_id_conversations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proactive_offers')),
    sa.UniqueConstraint('conversation_id', 'signal', name='uq_proactive_offers_conversation_signal')
    )
    op.create_index(op.f('ix_proactive_offers_conversation_id'), 'proactive_offers', ['conversation_id'],
                    unique=False)


def downgrade() -> None:
    op.drop_table('proactive_offers')
