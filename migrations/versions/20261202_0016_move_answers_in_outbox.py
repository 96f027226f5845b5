"""move answers in the outbox: the time a client asked to move to, kept on the message

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02 06:00:00

The salon's answer to a move the client asked for (approved, declined, lapsed; with
``SHOWUP_RESCHEDULE=approve``) is an outbox row now, planned in the transaction that answers
it, instead of a message sent after the commit. Its text names the time the client asked for;
``proposed_at`` keeps that time until the dispatcher renders the message. Its kind is
``move:<hold id>``, so one booking declined twice has two answers.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0016'
down_revision: str | Sequence[str] | None = '0015'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('scheduled_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('proposed_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('scheduled_messages', schema=None) as batch_op:
        batch_op.drop_column('proposed_at')
