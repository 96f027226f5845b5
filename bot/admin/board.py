"""The day board: every appointment of one salon day with a status mark and counts."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

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
RUNNING_LATE = "running late"
CANCELLED_LATE = "cancelled late"
#: an annotation of a board row: (kind, value), e.g. ("deposit", "9.00"); see AdminTexts.note
Extra = tuple[str, str]
DEPOSIT, DOUBLE_PRICE, DISCOUNT = "deposit", "double", "discount"
READ = "read"  # the client opened our message (WhatsApp read receipt)
EXCUSED = "excused"  # a late cancellation let go: the client explained an illness or emergency
#: a mark per label, so a glance at a phone screen tells the day
MARKS = {
    "awaiting answer": "⏳",
    UNANSWERED: "❓",
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
    asked = set(
        await session.scalars(
            select(ScheduledMessage.appointment_id).where(
                ScheduledMessage.appointment_id.in_(ids),
                ScheduledMessage.script == Script.REMINDER_ASK.value,
                ScheduledMessage.status == OutboxStatus.SENT,
            )
        )
    )
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
    currency = await salon_currency(session)
    rows = []
    for appointment in appointments:
        label = _label(appointment.status, appointment.late_cancel, appointment.id, asked, late)
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
                + ((EXCUSED, ""),) * (appointment.id in excused),
                channels=",".join(
                    sorted({i.channel for i in appointment.client.identities if not i.unreachable})
                ),
            )
        )
    counts = Counter(row.status for row in rows)
    return Board(day=day, zone=zone.key, rows=rows, counts=dict(counts))


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
