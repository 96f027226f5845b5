"""waitlist: entries, freed slots, offers with a hold, their events; outbox rows for offers

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30 22:00:00

An offer's messages go through the outbox like reminders, about the offer instead of an
appointment: ``scheduled_messages.appointment_id`` may be NULL when ``offer_id`` is set.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0012'
down_revision: str | Sequence[str] | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ACTORS = ('client', 'admin', 'system', 'api')


def _status(*values: str, name: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, length=16)


def upgrade() -> None:
    op.create_table('waitlist_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.Column('days', sa.JSON(), nullable=True),
    sa.Column('ranges', sa.JSON(), nullable=True),
    sa.Column('valid_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('earlier', sa.Boolean(), nullable=False),
    sa.Column('appointment_id', sa.Integer(), nullable=True),
    sa.Column('status', _status('active', 'booked', 'removed', 'expired', name='entrystatus'), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=32), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['appointment_id'], ['appointments.id'], name=op.f('fk_waitlist_entries_appointment_id_appointments'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_waitlist_entries_client_id_clients'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_waitlist_entries_service_id_services')),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_waitlist_entries_staff_id_staff'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_waitlist_entries'))
    )
    with op.batch_alter_table('waitlist_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_waitlist_entries_client_id'), ['client_id'], unique=False)
        batch_op.create_index('ix_waitlist_entries_status_position', ['status', 'position'], unique=False)

    op.create_table('freed_slots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('appointment_id', sa.Integer(), nullable=True),
    sa.Column('client_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.String(length=24), nullable=False),
    sa.Column('status', _status('open', 'filled', 'closed', name='slotstatus'), nullable=False),
    sa.Column('next_check_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('filled_appointment_id', sa.Integer(), nullable=True),
    sa.Column('filled_price', sa.Numeric(precision=10, scale=2), nullable=True),
    sa.Column('announced_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['appointment_id'], ['appointments.id'], name=op.f('fk_freed_slots_appointment_id_appointments'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_freed_slots_client_id_clients'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['filled_appointment_id'], ['appointments.id'], name=op.f('fk_freed_slots_filled_appointment_id_appointments'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_freed_slots_staff_id_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_freed_slots'))
    )
    with op.batch_alter_table('freed_slots', schema=None) as batch_op:
        batch_op.create_index('ix_freed_slots_status', ['status', 'next_check_at'], unique=False)

    op.create_table('waitlist_offers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('freed_slot_id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', _status('pending', 'accepted', 'declined', 'lapsed', 'taken', 'gone', 'undelivered', name='offerstatus'), nullable=False),
    sa.Column('offered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('appointment_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['appointment_id'], ['appointments.id'], name=op.f('fk_waitlist_offers_appointment_id_appointments'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_waitlist_offers_client_id_clients'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['entry_id'], ['waitlist_entries.id'], name=op.f('fk_waitlist_offers_entry_id_waitlist_entries'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['freed_slot_id'], ['freed_slots.id'], name=op.f('fk_waitlist_offers_freed_slot_id_freed_slots'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_waitlist_offers_service_id_services')),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_waitlist_offers_staff_id_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_waitlist_offers')),
    sa.UniqueConstraint('freed_slot_id', 'entry_id', name=op.f('uq_waitlist_offers_freed_slot_id_entry_id'))
    )
    with op.batch_alter_table('waitlist_offers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_waitlist_offers_entry_id'), ['entry_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_waitlist_offers_freed_slot_id'), ['freed_slot_id'], unique=False)
        batch_op.create_index('ix_waitlist_offers_status_expires', ['status', 'expires_at'], unique=False)

    op.create_table('waitlist_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('offer_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('actor', sa.Enum(*ACTORS, name='actor', native_enum=False, length=16), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('data', sa.JSON(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['waitlist_entries.id'], name=op.f('fk_waitlist_events_entry_id_waitlist_entries'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['offer_id'], ['waitlist_offers.id'], name=op.f('fk_waitlist_events_offer_id_waitlist_offers'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_waitlist_events'))
    )
    with op.batch_alter_table('waitlist_events', schema=None) as batch_op:
        batch_op.create_index('ix_waitlist_events_entry_time', ['entry_id', 'created_at'], unique=False)

    with op.batch_alter_table('scheduled_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('offer_id', sa.Integer(), nullable=True))
        batch_op.alter_column('appointment_id', existing_type=sa.Integer(), nullable=True)
        batch_op.create_index(batch_op.f('ix_scheduled_messages_offer_id'), ['offer_id'], unique=False)
        batch_op.create_unique_constraint(batch_op.f('uq_scheduled_messages_offer_id_kind'), ['offer_id', 'kind'])
        batch_op.create_foreign_key(batch_op.f('fk_scheduled_messages_offer_id_waitlist_offers'), 'waitlist_offers', ['offer_id'], ['id'], ondelete='CASCADE')


def downgrade() -> None:
    op.execute("DELETE FROM scheduled_messages WHERE appointment_id IS NULL")
    with op.batch_alter_table('scheduled_messages', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_scheduled_messages_offer_id_waitlist_offers'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_scheduled_messages_offer_id_kind'), type_='unique')
        batch_op.drop_index(batch_op.f('ix_scheduled_messages_offer_id'))
        batch_op.alter_column('appointment_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('offer_id')
    with op.batch_alter_table('waitlist_events', schema=None) as batch_op:
        batch_op.drop_index('ix_waitlist_events_entry_time')
    op.drop_table('waitlist_events')
    with op.batch_alter_table('waitlist_offers', schema=None) as batch_op:
        batch_op.drop_index('ix_waitlist_offers_status_expires')
        batch_op.drop_index(batch_op.f('ix_waitlist_offers_freed_slot_id'))
        batch_op.drop_index(batch_op.f('ix_waitlist_offers_entry_id'))
    op.drop_table('waitlist_offers')
    with op.batch_alter_table('freed_slots', schema=None) as batch_op:
        batch_op.drop_index('ix_freed_slots_status')
    op.drop_table('freed_slots')
    with op.batch_alter_table('waitlist_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_waitlist_entries_status_position')
        batch_op.drop_index(batch_op.f('ix_waitlist_entries_client_id'))
    op.drop_table('waitlist_entries')
