"""telegram links, inbox relay, once markers

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 10:41:23.378755
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0004'
down_revision: str | Sequence[str] | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('once_markers',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_once_markers'))
    )
    op.create_table('link_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('used_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_link_tokens_client_id_clients'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_link_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_link_tokens_token_hash'))
    )
    with op.batch_alter_table('link_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_link_tokens_client_id'), ['client_id'], unique=False)

    op.create_table('admin_relays',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('inbox_item_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('admin_chat', sa.String(length=64), nullable=False),
    sa.Column('message_id', sa.String(length=128), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['inbox_item_id'], ['inbox_items.id'], name=op.f('fk_admin_relays_inbox_item_id_inbox_items'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_admin_relays')),
    sa.UniqueConstraint('channel', 'admin_chat', 'message_id', name=op.f('uq_admin_relays_channel_admin_chat_message_id'))
    )
    with op.batch_alter_table('admin_relays', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_admin_relays_inbox_item_id'), ['inbox_item_id'], unique=False)

    with op.batch_alter_table('inbox_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('relayed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('relay_lease_until', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('relay_attempts', sa.Integer(), nullable=False, server_default='0'))



def downgrade() -> None:
    with op.batch_alter_table('inbox_items', schema=None) as batch_op:
        batch_op.drop_column('relay_attempts')
        batch_op.drop_column('relay_lease_until')
        batch_op.drop_column('relayed_at')

    with op.batch_alter_table('admin_relays', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_admin_relays_inbox_item_id'))

    op.drop_table('admin_relays')
    with op.batch_alter_table('link_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_link_tokens_client_id'))

    op.drop_table('link_tokens')
    op.drop_table('once_markers')
