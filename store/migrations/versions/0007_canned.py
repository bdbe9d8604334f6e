"""The team's canned replies (``canned_replies``), seeded once with the defaults in
``policy/canned_replies.yml``; from then on the team edits them in the console.

Revision ID: 0007_canned
Revises: 0006_attachments
Create Date: 2026-12-01 23:20:00
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = '0007_canned'
down_revision = '0006_attachments'
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table('canned_replies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shortcut', sa.String(length=32), nullable=False),
    sa.Column('title', sa.String(length=80), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('updated_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['updated_by'], ['agents.id'], name=op.f('fk_canned_replies_updated_by_agents'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_canned_replies')),
    sa.UniqueConstraint('shortcut', name=op.f('uq_canned_replies_shortcut'))
    )
    from common.settings import load_settings
    from store.canned import load_defaults

    now = dt.datetime.utcnow()
    defaults = load_defaults(load_settings().policy_path("canned_replies.yml"))
    if defaults:
        op.bulk_insert(table, [{**d, "created_at": now, "updated_at": now} for d in defaults])


def downgrade() -> None:
    op.drop_table('canned_replies')
