"""The booking ledger: salon, staff, services, clients, appointments and their logs.

Every timestamp is timezone-aware UTC (see ``UTCDateTime``); the salon's zone is for display only.
"""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Enum,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    event,
    func,
)
from sqlalchemy.orm import Mapped, Mapper, mapped_column, relationship

from bot.domain.appointments import Actor, AppointmentStatus, CancelledBy
from bot.domain.holds import HoldStatus
from bot.domain.waitlist import EntryStatus, OfferStatus, SlotStatus
from db.base import Base, UTCDateTime


def _enum(kind: type[enum.Enum], length: int = 16) -> Enum:
    """Store a Python enum as its value in a plain string column on every backend."""
    return Enum(
        kind,
        native_enum=False,
        create_constraint=False,
        length=length,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


class Timestamped:
    # Fetch server-generated timestamps (created_at, updated_at) with RETURNING on INSERT and
    # UPDATE, so reading them after a flush never needs lazy IO (impossible under asyncio).
    __mapper_args__ = {"eager_defaults": True}  # noqa: RUF012 - SQLAlchemy reads it per class

    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), server_default=func.now())


class Salon(Base):
    """The one salon this installation serves (row id 1)."""

    __tablename__ = "salon"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64))
    locale: Mapped[str] = mapped_column(String(8))
    currency: Mapped[str] = mapped_column(String(3))
    working_hours: Mapped[dict[str, Any]] = mapped_column(JSON)
    # bookings and free slots ignore ``working_hours`` until the salon sets its hours
    # (SHOWUP_OPENING_HOURS or PATCH /api/v1/salon): an upgrade refuses no booking
    open_all_day: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    # minutes kept free after every appointment unless a master has their own
    buffer_minutes: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class Staff(Timestamped, Base):
    """A master who serves clients."""

    __tablename__ = "staff"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    # the name in other languages, shown to clients who read them: {"ru": "Виталий"}
    names: Mapped[dict[str, str] | None] = mapped_column(JSON)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # the master's own pause after each appointment; None: the salon's
    buffer_minutes: Mapped[int | None] = mapped_column(Integer)


class Service(Timestamped, Base):
    __tablename__ = "services"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    names: Mapped[dict[str, str] | None] = mapped_column(JSON)  # {"es": "Corte"}, see Staff
    duration_minutes: Mapped[int] = mapped_column(Integer)
    price: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    deposit: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class StaffService(Base):
    """A service a master does. A master with no rows here does every service (a salon that
    never said otherwise); with rows, only those: slots, "any master" and the waitlist follow."""

    __tablename__ = "staff_services"

    staff_id: Mapped[int] = mapped_column(
        ForeignKey("staff.id", ondelete="CASCADE"), primary_key=True
    )
    service_id: Mapped[int] = mapped_column(
        ForeignKey("services.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class Client(Timestamped, Base):
    __tablename__ = "clients"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(20), unique=True)
    locale: Mapped[str | None] = mapped_column(String(8))
    heard_from: Mapped[str | None] = mapped_column(Text)
    preferred_staff_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff.id", ondelete="SET NULL")
    )
    notes: Mapped[str | None] = mapped_column(Text)
    blocked: Mapped[bool] = mapped_column(Boolean, default=False)
    blocked_reason: Mapped[str | None] = mapped_column(Text)
    intake: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    policy_accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # when the attendance rules were first shown (end of the intake, or with a first booking
    # confirmation); a deposit or a block applies only to a client who was shown them
    policy_shown_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # the attendance policy's rung (0 none, 1 warned, 2 deposit required, 3 blocked) and a
    # loyalty discount earned but not yet applied to a booking (e.g. "10%")
    policy_rung: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    loyalty_discount: Mapped[str | None] = mapped_column(String(16))
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), server_default=func.now(), onupdate=func.now()
    )

    identities: Mapped[list[ClientIdentity]] = relationship(
        back_populates="client", lazy="selectin", cascade="all, delete-orphan"
    )

    @property
    def shown_rules(self) -> bool:
        """Was the client shown the attendance rules (at the end of the intake, or with a first
        booking confirmation)? One who accepted them was shown them too."""
        return self.policy_shown_at is not None or self.policy_accepted_at is not None


class ClientIdentity(Timestamped, Base):
    """A client's address on one messenger (Telegram chat id, WhatsApp id, console)."""

    __tablename__ = "client_identities"
    __table_args__ = (UniqueConstraint("channel", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(
        ForeignKey("clients.id", ondelete="CASCADE"), index=True
    )
    channel: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(64))
    unreachable: Mapped[bool] = mapped_column(Boolean, default=False)
    unreachable_reason: Mapped[str | None] = mapped_column(Text)
    last_inbound_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    client: Mapped[Client] = relationship(back_populates="identities")


class Appointment(Timestamped, Base):
    __tablename__ = "appointments"
    __table_args__ = (
        UniqueConstraint("source", "external_id"),
        Index("ix_appointments_staff_start", "staff_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[AppointmentStatus] = mapped_column(
        _enum(AppointmentStatus), default=AppointmentStatus.BOOKED
    )
    version: Mapped[int] = mapped_column(Integer, default=1)
    source: Mapped[str] = mapped_column(String(32))
    external_id: Mapped[str | None] = mapped_column(String(128))
    cancelled_by: Mapped[CancelledBy | None] = mapped_column(_enum(CancelledBy))
    late_cancel: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str | None] = mapped_column(Text)
    # set by the attendance policy when the booking is made
    deposit_due: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    double_price: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    discount: Mapped[str | None] = mapped_column(String(16))
    noshow_prompted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), server_default=func.now(), onupdate=func.now()
    )

    client: Mapped[Client] = relationship(lazy="joined", innerjoin=True)
    staff: Mapped[Staff] = relationship(lazy="joined", innerjoin=True)
    service: Mapped[Service] = relationship(lazy="joined", innerjoin=True)


class AppointmentEvent(Base):
    """Append-only history of an appointment: every change, who made it, from where and why."""

    __tablename__ = "appointment_events"
    __table_args__ = (Index("ix_appointment_events_appt_time", "appointment_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    appointment_id: Mapped[int] = mapped_column(ForeignKey("appointments.id"))
    kind: Mapped[str] = mapped_column(String(32))
    from_status: Mapped[AppointmentStatus | None] = mapped_column(_enum(AppointmentStatus))
    to_status: Mapped[AppointmentStatus | None] = mapped_column(_enum(AppointmentStatus))
    actor: Mapped[Actor] = mapped_column(_enum(Actor))
    channel: Mapped[str | None] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class MessageLog(Base):
    """Every message that came in from or went out to a client, on any channel."""

    __tablename__ = "message_log"
    __table_args__ = (Index("ix_message_log_client_time", "client_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id", ondelete="SET NULL"))
    appointment_id: Mapped[int | None] = mapped_column(
        ForeignKey("appointments.id", ondelete="SET NULL")
    )
    direction: Mapped[str] = mapped_column(String(3))
    channel: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str | None] = mapped_column(String(128))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class DialogState(Base):
    """Where a client's conversation stands, so any process can continue it after a restart."""

    __tablename__ = "dialog_states"

    client_id: Mapped[int] = mapped_column(
        ForeignKey("clients.id", ondelete="CASCADE"), primary_key=True
    )
    state: Mapped[str] = mapped_column(String(32))  # idle, intake:<step>, policy
    appointment_id: Mapped[int | None] = mapped_column(
        ForeignKey("appointments.id", ondelete="SET NULL")
    )
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class InboxItem(Base):
    """Something the bot hands to a human: a question, a voice note, a reschedule request."""

    __tablename__ = "inbox_items"
    __table_args__ = (Index("ix_inbox_items_open", "handled_at", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    appointment_id: Mapped[int | None] = mapped_column(
        ForeignKey("appointments.id", ondelete="SET NULL")
    )
    kind: Mapped[str] = mapped_column(String(24))  # other, reschedule_request, running_late…
    channel: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    proposed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # what ShowUp says about the item, as {"code": …, "params": {…}}: worded when relayed
    note: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # forwarding to the admins: claimed with a lease like the outbox, so no item is lost
    relayed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    relay_lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    relay_attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # a relay whose every attempt failed: why, when it was given up, when a digest listed it
    relay_error: Mapped[str | None] = mapped_column(String(300))
    relay_failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    relay_failure_reported_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ClientEvent(Base):
    """Append-only history of a client's standing: strikes, forgiveness, the policy's rungs,
    blocks and loyalty rewards, each with who decided it and why."""

    __tablename__ = "client_events"
    __table_args__ = (Index("ix_client_events_client_time", "client_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    appointment_id: Mapped[int | None] = mapped_column(
        ForeignKey("appointments.id", ondelete="SET NULL")
    )
    kind: Mapped[str] = mapped_column(String(32))
    weight: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal(0))
    actor: Mapped[Actor] = mapped_column(_enum(Actor))
    who: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class NoShowFollowUp(Base):
    """A no-show's follow-up: the caring question, the client's answer, and the decision."""

    __tablename__ = "noshow_followups"

    appointment_id: Mapped[int] = mapped_column(
        ForeignKey("appointments.id", ondelete="CASCADE"), primary_key=True
    )
    client_id: Mapped[int] = mapped_column(
        ForeignKey("clients.id", ondelete="CASCADE"), index=True
    )
    marked_at: Mapped[datetime] = mapped_column(UTCDateTime())
    deadline_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reason: Mapped[str | None] = mapped_column(String(16))
    answer: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decision: Mapped[str | None] = mapped_column(String(16))  # strike, forgiven


class AdminRelay(Base):
    """An inbox item as forwarded into one admin's chat: a reply to it goes to the client."""

    __tablename__ = "admin_relays"
    __table_args__ = (UniqueConstraint("channel", "admin_chat", "message_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    inbox_item_id: Mapped[int] = mapped_column(
        ForeignKey("inbox_items.id", ondelete="CASCADE"), index=True
    )
    channel: Mapped[str] = mapped_column(String(16))
    admin_chat: Mapped[str] = mapped_column(String(64))
    message_id: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class LinkToken(Base):
    """A single-use secret that links a messenger chat to a client (Telegram deep link).

    Only the SHA-256 of the token is stored, so a leaked database links nobody.
    """

    __tablename__ = "link_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    client_id: Mapped[int] = mapped_column(
        ForeignKey("clients.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    used_by: Mapped[str | None] = mapped_column(String(64))


class InboundStatus(enum.StrEnum):
    PENDING = "pending"  # stored, waiting to be handled (or for its next attempt)
    HANDLING = "handling"  # claimed by a worker, under lease
    DONE = "done"  # handled; kept a week as the receipt that makes a redelivery a no-op
    PARKED = "parked"  # unusable, or failed every attempt: admins were told; never retried alone


class InboundUpdate(Base):
    """Something a messenger delivered (a Telegram update, a WhatsApp message or status),
    stored before the platform is told it arrived, then handled from here under a lease: the
    transactional inbox. Unique per (channel, external id): a redelivery is stored once, so it
    is handled once. Rows of one ``sender`` are handled one at a time, in arrival order."""

    __tablename__ = "inbound_updates"
    __table_args__ = (
        UniqueConstraint("channel", "external_id"),
        Index("ix_inbound_updates_status_id", "status", "id"),  # the claim: oldest first
        Index("ix_inbound_updates_sender", "channel", "sender", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(128))
    sender: Mapped[str] = mapped_column(String(64))
    payload: Mapped[str] = mapped_column(Text)
    status: Mapped[InboundStatus] = mapped_column(
        _enum(InboundStatus), default=InboundStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class OnceMarker(Base):
    """A job that must run once across all processes (the morning digest of one day…)."""

    __tablename__ = "once_markers"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"  # waiting for its due time (or its next attempt)
    SENDING = "sending"  # claimed by a dispatcher, under lease
    SENT = "sent"
    FAILED = "failed"  # gave up: attempts exhausted or a permanent error; admins were told
    VOID = "void"  # the appointment changed or ended; the message no longer applies
    SKIPPED = "skipped"  # could not help any more (stale) or nowhere to send it


class ScheduledMessage(Base):
    """One planned outgoing message: the durable outbox the dispatcher works through.

    Unique per (appointment, kind, version): re-planning the same version never duplicates a
    message, and a reschedule (new version) plans fresh rows while the old ones go void.
    """

    __tablename__ = "scheduled_messages"
    __table_args__ = (
        UniqueConstraint("appointment_id", "kind", "version"),
        UniqueConstraint("offer_id", "kind"),
        Index("ix_scheduled_messages_status_due", "status", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # None only for a waitlist offer's messages, which are about ``offer_id`` instead
    appointment_id: Mapped[int | None] = mapped_column(
        ForeignKey("appointments.id", ondelete="CASCADE"), index=True
    )
    offer_id: Mapped[int | None] = mapped_column(
        ForeignKey("waitlist_offers.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(32))
    script: Mapped[str] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(Integer)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[OutboxStatus] = mapped_column(_enum(OutboxStatus), default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    channel: Mapped[str | None] = mapped_column(String(16))
    external_message_id: Mapped[str | None] = mapped_column(String(128))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # the salon's answer to a move the client asked for: the time asked for, which the message
    # names ({{ proposed }}) when it is rendered at send time (migration 0016)
    proposed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


# schedules: working hours, time off and their history (migration 0010)


class StaffHours(Base):
    """One range of a master's weekly working hours, in salon time. A master with no rows works
    the salon's hours; a weekday without rows is a day off."""

    __tablename__ = "staff_hours"
    __table_args__ = (Index("ix_staff_hours_staff_weekday", "staff_id", "weekday"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"))
    weekday: Mapped[int] = mapped_column(Integer)  # Monday 0 … Sunday 6
    start_minute: Mapped[int] = mapped_column(Integer)  # minutes after midnight, 0 … 1439
    end_minute: Mapped[int] = mapped_column(Integer)  # 1 … 1440 (24:00)


class TimeOff(Base):
    """A master away (vacation, a doctor's visit, a day off) from ``starts_at`` to ``ends_at``;
    without a master, the whole salon is closed (a holiday)."""

    __tablename__ = "time_off"
    __table_args__ = (Index("ix_time_off_staff_start", "staff_id", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    reason: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class StaffEvent(Base):
    """Append-only history of the schedules: hours set or cleared, buffers, time off added or
    removed, each with who did it and from where (no master: the salon's own)."""

    __tablename__ = "staff_events"
    __table_args__ = (Index("ix_staff_events_staff_time", "staff_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    actor: Mapped[Actor] = mapped_column(_enum(Actor))
    channel: Mapped[str | None] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


# -- the waitlist ------------------------------------------------------------------------------


class WaitlistEntry(Base):
    """A client waiting for a slot: the service, optionally the master, the days and time ranges
    that suit them (none: any time), until when, and whether they would move their booking
    (``appointment_id``) to an earlier free slot. ``position`` is the waitlist order."""

    __tablename__ = "waitlist_entries"
    __table_args__ = (Index("ix_waitlist_entries_status_position", "status", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(
        ForeignKey("clients.id", ondelete="CASCADE"), index=True
    )
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    days: Mapped[list[int] | None] = mapped_column(JSON)  # 0 = Monday; None: any day
    ranges: Mapped[list[list[str]] | None] = mapped_column(JSON)  # [["09:00", "13:00"]]
    valid_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    earlier: Mapped[bool] = mapped_column(Boolean, default=False)
    appointment_id: Mapped[int | None] = mapped_column(
        ForeignKey("appointments.id", ondelete="SET NULL")
    )
    status: Mapped[EntryStatus] = mapped_column(_enum(EntryStatus), default=EntryStatus.ACTIVE)
    position: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    client: Mapped[Client] = relationship(lazy="joined", innerjoin=True)
    service: Mapped[Service] = relationship(lazy="joined", innerjoin=True)
    staff: Mapped[Staff | None] = relationship(lazy="joined")


class FreedSlot(Base):
    """Time that became free (a cancellation, a reschedule away), written in the same
    transaction; the waitlist worker offers it, and it records whether it was refilled."""

    __tablename__ = "freed_slots"
    __table_args__ = (Index("ix_freed_slots_status", "status", "next_check_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    appointment_id: Mapped[int | None] = mapped_column(
        ForeignKey("appointments.id", ondelete="SET NULL")
    )
    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(String(24))  # cancelled, late_cancel, rescheduled…
    status: Mapped[SlotStatus] = mapped_column(_enum(SlotStatus), default=SlotStatus.OPEN)
    # when the worker next looks at it (None: at once): when its offer's hold lapses, or a
    # minute after nobody suited it; an answer, a new entry or an undelivered offer clear it
    next_check_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    filled_appointment_id: Mapped[int | None] = mapped_column(
        ForeignKey("appointments.id", ondelete="SET NULL")
    )
    filled_price: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    announced_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class WaitlistOffer(Base):
    """A freed slot offered to one waiting client, held for them until ``expires_at``."""

    __tablename__ = "waitlist_offers"
    __table_args__ = (
        UniqueConstraint("freed_slot_id", "entry_id"),
        Index("ix_waitlist_offers_status_expires", "status", "expires_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    freed_slot_id: Mapped[int] = mapped_column(
        ForeignKey("freed_slots.id", ondelete="CASCADE"), index=True
    )
    entry_id: Mapped[int] = mapped_column(
        ForeignKey("waitlist_entries.id", ondelete="CASCADE"), index=True
    )
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[OfferStatus] = mapped_column(_enum(OfferStatus), default=OfferStatus.PENDING)
    offered_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    appointment_id: Mapped[int | None] = mapped_column(
        ForeignKey("appointments.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    client: Mapped[Client] = relationship(lazy="joined", innerjoin=True)
    staff: Mapped[Staff] = relationship(lazy="joined", innerjoin=True)
    service: Mapped[Service] = relationship(lazy="joined", innerjoin=True)


class WaitlistEvent(Base):
    """Append-only history of a waitlist entry: added, offered, accepted, declined, lapsed,
    removed, expired — who did it, through which channel, and why."""

    __tablename__ = "waitlist_events"
    __table_args__ = (Index("ix_waitlist_events_entry_time", "entry_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("waitlist_entries.id", ondelete="CASCADE"))
    offer_id: Mapped[int | None] = mapped_column(
        ForeignKey("waitlist_offers.id", ondelete="SET NULL")
    )
    kind: Mapped[str] = mapped_column(String(32))
    actor: Mapped[Actor] = mapped_column(_enum(Actor))
    channel: Mapped[str | None] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


@event.listens_for(StaffEvent, "before_update")
@event.listens_for(StaffEvent, "before_delete")
@event.listens_for(WaitlistEvent, "before_update")
@event.listens_for(WaitlistEvent, "before_delete")
@event.listens_for(AppointmentEvent, "before_update")
@event.listens_for(AppointmentEvent, "before_delete")
@event.listens_for(ClientEvent, "before_update")
@event.listens_for(ClientEvent, "before_delete")
def _events_are_append_only(_mapper: Mapper[Any], _connection: Any, target: Any) -> None:
    raise RuntimeError(
        f"events are append-only; refused to change {type(target).__name__} {target.id}"
    )


class SlotHold(Base):
    """A free time offered to a client moving ``appointment_id``, kept from other clients until
    ``expires_at`` (``bot.ledger.holds``)."""

    __tablename__ = "slot_holds"
    __table_args__ = (
        Index("ix_slot_holds_staff_start", "staff_id", "starts_at"),
        Index("ix_slot_holds_status_expires", "status", "expires_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    appointment_id: Mapped[int] = mapped_column(
        ForeignKey("appointments.id", ondelete="CASCADE"), index=True
    )
    appointment_version: Mapped[int] = mapped_column(Integer)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[HoldStatus] = mapped_column(_enum(HoldStatus), default=HoldStatus.HELD)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    staff: Mapped[Staff] = relationship(lazy="joined", innerjoin=True)
