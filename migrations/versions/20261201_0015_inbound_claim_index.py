"""the inbound queue's claim reads pending rows in arrival order: index (status, id)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01 06:00:00

A claim takes the oldest due rows (``ORDER BY id LIMIT``). With the index on (status, due_at)
SQLite read every pending row and sorted them for each batch of four, so under a backlog of
5,000 updates a claim cost milliseconds and the handling slowed as the queue grew. With
(status, id) it reads the pending rows in id order and stops at the batch's size. The
earliest due time (read only when nothing is due) now scans the pending rows instead.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op


revision: str = '0015'
down_revision: str | Sequence[str] | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index('ix_inbound_updates_status_due', table_name='inbound_updates')
    op.create_index('ix_inbound_updates_status_id', 'inbound_updates', ['status', 'id'])


def downgrade() -> None:
    op.drop_index('ix_inbound_updates_status_id', table_name='inbound_updates')
    op.create_index('ix_inbound_updates_status_due', 'inbound_updates', ['status', 'due_at'])
