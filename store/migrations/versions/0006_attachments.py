"""Attachments: files (images, PDFs) participants send in a conversation.

The bytes live in ``ATTACHMENTS_DIR`` under a random ``storage_key``; the row holds what the
service checked (type by magic bytes, size, SHA-256), who sent it and the message showing it.

Revision ID: 0006_attachments
Revises: 0005_notify
Create Date: 2026-12-01 23:10:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0006_attachments'
down_revision = '0005_notify'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=32), nullable=False),
    sa.Column('conversation_id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=True),
    sa.Column('uploader', sa.Enum('customer', 'bot', 'agent', 'system', name='sender', native_enum=False, length=32), nullable=False),
    sa.Column('agent_id', sa.Integer(), nullable=True),
    sa.Column('customer_id', sa.Integer(), nullable=True),
    sa.Column('mime', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('storage_key', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['conversation_id'], ['conversations.id'], name=op.f('fk_attachments_conversation_id_conversations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['message_id'], ['messages.id'], name=op.f('fk_attachments_message_id_messages'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['agent_id'], ['agents.id'], name=op.f('fk_attachments_agent_id_agents'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_attachments_customer_id_customers'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachments')),
    sa.UniqueConstraint('storage_key', name=op.f('uq_attachments_storage_key'))
    )
    op.create_index(op.f('ix_attachments_public_id'), 'attachments', ['public_id'], unique=True)
    op.create_index(op.f('ix_attachments_conversation_id'), 'attachments', ['conversation_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_attachments_conversation_id'), table_name='attachments')
    op.drop_index(op.f('ix_attachments_public_id'), table_name='attachments')
    op.drop_table('attachments')
