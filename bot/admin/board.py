"""The day board: every appointment of one salon day with a status mark and counts."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.admin.notes import CHOSEN as CHOSEN_NOTES
from bot.domain.appointments import AppointmentStatus
from bot.domain.policy import MarkKind
from bot.domain.reminders import Script
from bot.domain.timeutil import day_bounds
from bot.ledger.appointments import list_appointments
from bot.ledger.salon import SALON_ID
from db.models import (
    Appointment,
    AppointmentEvent,
    ClientEvent,
    InboxItem,
    MessageLog,
    OutboxStatus,
    Salon,
    ScheduledMessage,
)

STATUS_LABELS = {
    AppointmentStatus.BOOKED: "awaiting answer",
    AppointmentStatus.CONFIRMED: "confirmed",
    AppointmentStatus.ARRIVED: "arrived",
    AppointmentStatus.COMPLETED: "completed",
    AppointmentStatus.CANCELLED: "cancelled",
    AppointmentStatus.NO_SHOW: "no-show",
}
UNANSWERED = "no answer to the reminder"
RESCHEDULE_ASKED = "reschedule requested"  # replaces one of OPEN_LABELS while pending
OPEN_LABELS = frozenset(
    {
        STATUS_LABELS[AppointmentStatus.BOOKED],
        STATUS_LABELS[AppointmentStatus.CONFIRMED],
        UNANSWERED,
    }
)
RUNNING_LATE = "running late"
CANCELLED_LATE = "cancelled late"
#: an annotation of a board row: (kind, value), e.g. ("deposit", "9.00"); see AdminTexts.note
Extra = tuple[str, str]
DEPOSIT, DOUBLE_PRICE, DISCOUNT = "deposit", "double", "discount"
READ = "read"  # the client opened our message (WhatsApp read receipt)
EXCUSED = "excused"  # a late cancellation let go: the client explained an illness or emergency
#: the time a client asked to move to, ISO in the salon's zone (worded by AdminTexts.note)
PROPOSED = "proposed"  # a time the client proposed in their own words
CHOSEN = "chosen"  # a time the client chose among the free times offered
REBOOK = "rebook"  # a client whose visit is over or missed asked for another time
#: appointment events that do not settle a client's request to move (anything else does)
UNSETTLING_EVENTS = frozenset({"created", "updated", "running_late"})
#: a mark per label, so a glance at a phone screen tells the day
MARKS = {
    "awaiting answer": "⏳",
    UNANSWERED: "❓",
    RESCHEDULE_ASKED: "🔁",
    "confirmed": "✅",
    RUNNING_LATE: "🏃",
    "arrived": "🟢",
    "completed": "☑️",
    "cancelled": "✖️",
    CANCELLED_LATE: "❌",
    "no-show": "🚫",
}


@dataclass(frozen=True, slots=True)
class BoardRow:
    appointment_id: int
    start: str
    end: str
    client: str
    phone: str | None
    staff: str
    service: str
    status: AppointmentStatus
    label: str
    extras: tuple[Extra, ...] = ()  # deposit due, double price, loyalty discount, read
    channels: str = ""  # the client's reachable messengers


@dataclass(frozen=True, slots=True)
class Board:
    day: date
    zone: str
    rows: list[BoardRow]
    counts: dict[AppointmentStatus, int]


async def day_board(session: AsyncSession, *, day: date, zone: ZoneInfo) -> Board:
    """The board of ``day`` in the salon's zone, earliest appointment first."""
    start, end = day_bounds(day, zone)
    appointments = await list_appointments(session, start=start, end=end)
    ids = [appointment.id for appointment in appointments]
    asked: set[
        int
    ] = {  # a reminder about the appointment's current time (not one it was moved from)
        appointment_id
        for appointment_id in await session.scalars(
            select(ScheduledMessage.appointment_id)
            .join(Appointment, Appointment.id == ScheduledMessage.appointment_id)
            .where(
                ScheduledMessage.appointment_id.in_(ids),
                ScheduledMessage.script == Script.REMINDER_ASK.value,
                ScheduledMessage.status == OutboxStatus.SENT,
                ScheduledMessage.version == Appointment.version,
            )
        )
        if appointment_id is not None
    }
    late = set(
        await session.scalars(
            select(AppointmentEvent.appointment_id).where(
                AppointmentEvent.appointment_id.in_(ids), AppointmentEvent.kind == "running_late"
            )
        )
    )
    seen = set(
        await session.scalars(
            select(MessageLog.appointment_id).where(
                MessageLog.appointment_id.in_(ids), MessageLog.status == "read"
            )
        )
    )
    excused = set(
        await session.scalars(
            select(ClientEvent.appointment_id).where(
                ClientEvent.appointment_id.in_(ids), ClientEvent.kind == MarkKind.EXCUSED.value
            )
        )
    )
    moves = await pending_reschedules(session, appointment_ids=ids)
    currency = await salon_currency(session)
    rows = []
    for appointment in appointments:
        label = _label(appointment.status, appointment.late_cancel, appointment.id, asked, late)
        move: tuple[Extra, ...] = ()
        if appointment.id in moves:
            proposed, kind = moves[appointment.id]
            if label in OPEN_LABELS:
                label = RESCHEDULE_ASKED
            else:
                move = ((REBOOK, ""),)
            if proposed is not None:
                move += ((kind, proposed.astimezone(zone).isoformat()),)
        rows.append(
            BoardRow(
                appointment_id=appointment.id,
                start=f"{appointment.starts_at.astimezone(zone):%H:%M}",
                end=f"{appointment.ends_at.astimezone(zone):%H:%M}",
                client=appointment.client.name,
                phone=appointment.client.phone,
                staff=appointment.staff.name,
                service=appointment.service.name,
                status=appointment.status,
                label=label,
                extras=booking_extras(appointment, currency=currency)
                + ((READ, ""),) * (appointment.id in seen)
                + ((EXCUSED, ""),) * (appointment.id in excused)
                + move,
                channels=",".join(
                    sorted({i.channel for i in appointment.client.identities if not i.unreachable})
                ),
            )
        )
    counts = Counter(row.status for row in rows)
    return Board(day=day, zone=zone.key, rows=rows, counts=dict(counts))


async def pending_reschedules(
    session: AsyncSession, *, appointment_ids: list[int]
) -> dict[int, tuple[datetime | None, str]]:
    """Appointment id → the time its client asked to move to (None: no time given) and how it
    was asked for (``PROPOSED`` in their words, ``CHOSEN`` among the free times offered), for
    each appointment with a reschedule request nobody has settled yet.

    A request is settled when an admin answered it (the inbox item is handled) or when the
    appointment changed since (moved, confirmed, cancelled, attended or missed)."""
    requests = await session.scalars(
        select(InboxItem)
        .where(
            InboxItem.appointment_id.in_(appointment_ids),
            InboxItem.kind.in_(("reschedule_request", "reschedule_approval")),
            InboxItem.handled_at.is_(None),
        )
        .order_by(InboxItem.created_at, InboxItem.id)
    )
    latest = {item.appointment_id: item for item in requests if item.appointment_id is not None}
    if not latest:
        return {}
    changes = await session.execute(
        select(AppointmentEvent.appointment_id, func.max(AppointmentEvent.created_at))
        .where(
            AppointmentEvent.appointment_id.in_(latest),
            AppointmentEvent.kind.not_in(UNSETTLING_EVENTS),
        )
        .group_by(AppointmentEvent.appointment_id)
    )
    changed: dict[int, datetime] = dict(changes.all())
    return {
        appointment_id: (
            item.proposed_at,
            CHOSEN if (item.note or {}).get("code") in CHOSEN_NOTES else PROPOSED,
        )
        for appointment_id, item in latest.items()
        if appointment_id not in changed or changed[appointment_id] < item.created_at
    }


async def salon_currency(session: AsyncSession) -> str:
    salon = await session.get(Salon, SALON_ID)
    return salon.currency if salon is not None else "EUR"


def booking_extras(appointment: Appointment, *, currency: str) -> tuple[Extra, ...]:
    """What the attendance policy attached to a booking, for the admin's eyes (a deposit as
    "9.00 RUB": amount and the salon's currency)."""
    parts: list[Extra] = []
    if appointment.deposit_due is not None:
        parts.append((DEPOSIT, f"{appointment.deposit_due} {currency}"))
    if appointment.double_price:
        parts.append((DOUBLE_PRICE, ""))
    if appointment.discount:
        parts.append((DISCOUNT, appointment.discount))
    if appointment.source == "waitlist":  # a freed slot refilled from the waitlist
        parts.append(("waitlist", ""))
    return tuple(parts)


def _label(
    status: AppointmentStatus,
    late_cancel: bool,
    appointment_id: int,
    asked: set[int],
    late: set[int],
) -> str:
    """The status in an admin's words: an open appointment says whether the client answered."""
    if status is AppointmentStatus.CANCELLED and late_cancel:
        return CANCELLED_LATE
    if (
        status in {AppointmentStatus.BOOKED, AppointmentStatus.CONFIRMED}
        and appointment_id in late
    ):
        return RUNNING_LATE
    if status is AppointmentStatus.BOOKED and appointment_id in asked:
        return UNANSWERED
    return STATUS_LABELS[status]
