"""webhook receipts

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 11:20:31.171492
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0006'
down_revision: str | Sequence[str] | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('webhook_receipts',
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('external_id', sa.String(length=128), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('channel', 'external_id', name=op.f('pk_webhook_receipts'))
    )


def downgrade() -> None:
    op.drop_table('webhook_receipts')
