"""inbox relay failures: why a relay failed, when it was given up, when a digest listed it

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 18:30:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0008'
down_revision: str | Sequence[str] | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: the attempts after which a relay is given up (bot.ledger.inbox.MAX_RELAY_ATTEMPTS then)
ATTEMPTS = 10


def upgrade() -> None:
    with op.batch_alter_table('inbox_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('relay_error', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('relay_failed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column('relay_failure_reported_at', sa.DateTime(timezone=True), nullable=True)
        )
    # items abandoned silently before this revision: given up when they were written, so the
    # next morning digest lists them
    inbox = sa.table(
        'inbox_items',
        sa.column('relayed_at', sa.DateTime(timezone=True)),
        sa.column('relay_attempts', sa.Integer()),
        sa.column('created_at', sa.DateTime(timezone=True)),
        sa.column('relay_failed_at', sa.DateTime(timezone=True)),
    )
    op.execute(
        inbox.update()
        .where(inbox.c.relayed_at.is_(None), inbox.c.relay_attempts >= ATTEMPTS)
        .values(relay_failed_at=inbox.c.created_at)
    )


def downgrade() -> None:
    with op.batch_alter_table('inbox_items', schema=None) as batch_op:
        batch_op.drop_column('relay_failure_reported_at')
        batch_op.drop_column('relay_failed_at')
        batch_op.drop_column('relay_error')
