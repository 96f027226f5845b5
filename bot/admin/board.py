"""The day board: every appointment of one salon day with a status mark and counts."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.appointments import AppointmentStatus
from bot.domain.timeutil import day_bounds
from bot.ledger.appointments import list_appointments

STATUS_LABELS = {
    AppointmentStatus.BOOKED: "awaiting answer",
    AppointmentStatus.CONFIRMED: "confirmed",
    AppointmentStatus.ARRIVED: "arrived",
    AppointmentStatus.COMPLETED: "completed",
    AppointmentStatus.CANCELLED: "cancelled",
    AppointmentStatus.NO_SHOW: "no-show",
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


@dataclass(frozen=True, slots=True)
class Board:
    day: date
    zone: str
    rows: list[BoardRow]
    counts: dict[AppointmentStatus, int]


async def day_board(session: AsyncSession, *, day: date, zone: ZoneInfo) -> Board:
    """The board of ``day`` in the salon's zone, earliest appointment first."""
    start, end = day_bounds(day, zone)
    rows = []
    for appointment in await list_appointments(session, start=start, end=end):
        label = STATUS_LABELS[appointment.status]
        if appointment.late_cancel:
            label = "cancelled late"
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
            )
        )
    counts = Counter(row.status for row in rows)
    return Board(day=day, zone=zone.key, rows=rows, counts=dict(counts))
