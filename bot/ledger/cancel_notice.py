"""Telling a client that the salon cancelled their visit, through the outbox.

A client who cancels gets the chat's acknowledgement (``ack_cancelled``); a visit the salon
cancels (a master fell ill, an admin's ``/cancel``, the API, an import) gets this notice instead,
planned in the cancelling transaction after the appointment's other messages went void.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.appointments import ACTIVE_STATUSES
from bot.domain.reminders import QuietHours, Script, salon_notice_due
from bot.ledger.outbox import plan_message
from db.models import Appointment, OutboxStatus, ScheduledMessage

NOTICE = Script.SALON_CANCELLED


def plan_cancel_notice(
    session: AsyncSession,
    *,
    appointment: Appointment,
    now: datetime,
    quiet: QuietHours,
    zone: ZoneInfo,
) -> ScheduledMessage | None:
    """Plan the notice of a visit the salon cancelled; None for one that has already started
    (when it goes out: ``salon_notice_due``)."""
    due = salon_notice_due(
        starts_at=appointment.starts_at, cancelled_at=now, quiet=quiet, zone=zone
    )
    if due is None:
        return None
    return plan_message(session, appointment=appointment, script=NOTICE, due=due, now=now)


async def notice_planned(session: AsyncSession, *, appointment_id: int) -> bool:
    """Will the client be told that the salon cancelled this appointment?"""
    found = await session.scalar(
        select(ScheduledMessage.id).where(
            ScheduledMessage.appointment_id == appointment_id,
            ScheduledMessage.kind == NOTICE.value,
            ScheduledMessage.status == OutboxStatus.PENDING,
        )
    )
    return found is not None


async def booked_again(session: AsyncSession, cancelled: Iterable[Appointment]) -> set[int]:
    """The cancelled appointments whose client holds another open one at the same time: the
    salon booked the visit again (a wrong ``/cancel`` undone), so there is no news to tell."""
    visits = {(a.client_id, a.starts_at): a.id for a in cancelled}
    if not visits:
        return set()
    rows = await session.execute(
        select(Appointment.client_id, Appointment.starts_at).where(
            Appointment.client_id.in_(sorted({client for client, _ in visits})),
            Appointment.starts_at.in_(sorted({start for _, start in visits})),
            Appointment.status.in_(sorted(ACTIVE_STATUSES)),
        )
    )
    return {visits[key] for key in ((row[0], row[1]) for row in rows) if key in visits}
