"""schedules: masters' working hours, time off, buffers and their history

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 22:00:00

Existing salons keep ``open_all_day`` true: their stored ``working_hours`` (the default
09:00–21:00 that nobody may have looked at) do not start refusing bookings after the upgrade.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0010'
down_revision: str | Sequence[str] | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('staff_hours',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('weekday', sa.Integer(), nullable=False),
    sa.Column('start_minute', sa.Integer(), nullable=False),
    sa.Column('end_minute', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_staff_hours_staff_id_staff'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_hours'))
    )
    with op.batch_alter_table('staff_hours', schema=None) as batch_op:
        batch_op.create_index('ix_staff_hours_staff_weekday', ['staff_id', 'weekday'], unique=False)

    op.create_table('time_off',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_time_off_staff_id_staff'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_time_off'))
    )
    with op.batch_alter_table('time_off', schema=None) as batch_op:
        batch_op.create_index('ix_time_off_staff_start', ['staff_id', 'starts_at'], unique=False)

    op.create_table('staff_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('actor', sa.Enum('client', 'admin', 'system', 'api', name='actor', native_enum=False, length=16), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('data', sa.JSON(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_staff_events_staff_id_staff'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_events'))
    )
    with op.batch_alter_table('staff_events', schema=None) as batch_op:
        batch_op.create_index('ix_staff_events_staff_time', ['staff_id', 'created_at'], unique=False)

    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.add_column(sa.Column('buffer_minutes', sa.Integer(), nullable=True))

    with op.batch_alter_table('salon', schema=None) as batch_op:
        batch_op.add_column(sa.Column('open_all_day', sa.Boolean(), server_default='1', nullable=False))
        batch_op.add_column(sa.Column('buffer_minutes', sa.Integer(), server_default='0', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('salon', schema=None) as batch_op:
        batch_op.drop_column('buffer_minutes')
        batch_op.drop_column('open_all_day')

    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.drop_column('buffer_minutes')

    with op.batch_alter_table('staff_events', schema=None) as batch_op:
        batch_op.drop_index('ix_staff_events_staff_time')
    op.drop_table('staff_events')

    with op.batch_alter_table('time_off', schema=None) as batch_op:
        batch_op.drop_index('ix_time_off_staff_start')
    op.drop_table('time_off')

    with op.batch_alter_table('staff_hours', schema=None) as batch_op:
        batch_op.drop_index('ix_staff_hours_staff_weekday')
    op.drop_table('staff_hours')
