"""inbound queue: every messenger update stored before it is acknowledged

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 18:40:00

The receipts of handled updates (``webhook_receipts``) become ``done`` rows of the queue, so
an update delivered again right after the upgrade is still recognised.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0007'
down_revision: str | Sequence[str] | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('inbound_updates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('external_id', sa.String(length=128), nullable=False),
    sa.Column('sender', sa.String(length=64), nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('pending', 'handling', 'done', 'parked', name='inboundstatus', native_enum=False, create_constraint=False, length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('lease_owner', sa.String(length=64), nullable=True),
    sa.Column('lease_expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('handled_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inbound_updates')),
    sa.UniqueConstraint('channel', 'external_id', name=op.f('uq_inbound_updates_channel_external_id'))
    )
    op.create_index('ix_inbound_updates_status_due', 'inbound_updates', ['status', 'due_at'], unique=False)
    op.create_index('ix_inbound_updates_sender', 'inbound_updates', ['channel', 'sender', 'status'], unique=False)
    op.execute(
        "INSERT INTO inbound_updates (channel, external_id, sender, payload, status, attempts,"
        " due_at, received_at, handled_at)"
        " SELECT channel, external_id, '', '{}', 'done', 1, created_at, created_at, created_at"
        " FROM webhook_receipts"
    )
    op.drop_table('webhook_receipts')


def downgrade() -> None:
    op.create_table('webhook_receipts',
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('external_id', sa.String(length=128), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('channel', 'external_id', name=op.f('pk_webhook_receipts'))
    )
    op.execute(
        "INSERT INTO webhook_receipts (channel, external_id, created_at)"
        " SELECT channel, external_id, received_at FROM inbound_updates WHERE status = 'done'"
    )
    op.drop_index('ix_inbound_updates_sender', table_name='inbound_updates')
    op.drop_index('ix_inbound_updates_status_due', table_name='inbound_updates')
    op.drop_table('inbound_updates')
