"""policy shown: when a client was first shown the attendance rules

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 19:30:00

A deposit or a block applies only to a client who was shown the rules. Clients who accepted
them, and clients who were shown them at the end of the intake and have not answered yet
(dialog state ``policy``), count as shown from before the upgrade.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0009'
down_revision: str | Sequence[str] | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('clients', schema=None) as batch_op:
        batch_op.add_column(sa.Column('policy_shown_at', sa.DateTime(timezone=True), nullable=True))
    op.execute(
        "UPDATE clients SET policy_shown_at = policy_accepted_at "
        "WHERE policy_accepted_at IS NOT NULL"
    )
    op.execute(
        "UPDATE clients SET policy_shown_at = (SELECT dialog_states.updated_at FROM dialog_states "
        "WHERE dialog_states.client_id = clients.id) "
        "WHERE policy_shown_at IS NULL AND id IN "
        "(SELECT client_id FROM dialog_states WHERE state = 'policy')"
    )


def downgrade() -> None:
    with op.batch_alter_table('clients', schema=None) as batch_op:
        batch_op.drop_column('policy_shown_at')
