"""which master does which service: a master without rows does every service

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 03:00:00

``staff_services`` lists the services a master does. A master with no row does every
service, so a salon that upgrades keeps its slots exactly as before until it says otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0014'
down_revision: str | Sequence[str] | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'staff_services',
        sa.Column('staff_id', sa.Integer(), nullable=False),
        sa.Column('service_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ['staff_id'], ['staff.id'], name=op.f('fk_staff_services_staff_id_staff'),
            ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['service_id'], ['services.id'], name=op.f('fk_staff_services_service_id_services'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('staff_id', 'service_id', name=op.f('pk_staff_services')),
    )
    with op.batch_alter_table('staff_services', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_services_service_id'), ['service_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('staff_services', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_services_service_id'))
    op.drop_table('staff_services')
