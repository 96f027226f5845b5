"""attendance policy

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 11:05:56.638075
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0005'
down_revision: str | Sequence[str] | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('client_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('appointment_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('weight', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('actor', sa.Enum('client', 'admin', 'system', 'api', name='actor', native_enum=False, length=16), nullable=False),
    sa.Column('who', sa.String(length=64), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('data', sa.JSON(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['appointment_id'], ['appointments.id'], name=op.f('fk_client_events_appointment_id_appointments'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_client_events_client_id_clients'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_client_events'))
    )
    with op.batch_alter_table('client_events', schema=None) as batch_op:
        batch_op.create_index('ix_client_events_client_time', ['client_id', 'created_at'], unique=False)

    op.create_table('noshow_followups',
    sa.Column('appointment_id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('marked_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deadline_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reason', sa.String(length=16), nullable=True),
    sa.Column('answer', sa.Text(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decision', sa.String(length=16), nullable=True),
    sa.ForeignKeyConstraint(['appointment_id'], ['appointments.id'], name=op.f('fk_noshow_followups_appointment_id_appointments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_noshow_followups_client_id_clients'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('appointment_id', name=op.f('pk_noshow_followups'))
    )
    with op.batch_alter_table('noshow_followups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_noshow_followups_client_id'), ['client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_noshow_followups_deadline_at'), ['deadline_at'], unique=False)

    with op.batch_alter_table('appointments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deposit_due', sa.Numeric(precision=10, scale=2), nullable=True))
        batch_op.add_column(sa.Column('double_price', sa.Boolean(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('discount', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('noshow_prompted_at', sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table('clients', schema=None) as batch_op:
        batch_op.add_column(sa.Column('policy_rung', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('loyalty_discount', sa.String(length=16), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('clients', schema=None) as batch_op:
        batch_op.drop_column('loyalty_discount')
        batch_op.drop_column('policy_rung')

    with op.batch_alter_table('appointments', schema=None) as batch_op:
        batch_op.drop_column('noshow_prompted_at')
        batch_op.drop_column('discount')
        batch_op.drop_column('double_price')
        batch_op.drop_column('deposit_due')

    with op.batch_alter_table('noshow_followups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_noshow_followups_deadline_at'))
        batch_op.drop_index(batch_op.f('ix_noshow_followups_client_id'))

    op.drop_table('noshow_followups')
    with op.batch_alter_table('client_events', schema=None) as batch_op:
        batch_op.drop_index('ix_client_events_client_time')

    op.drop_table('client_events')
