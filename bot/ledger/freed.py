"""Noting time that became free, in the transaction that freed it, for the waitlist to offer.

Kept apart from ``bot.ledger.waitlist`` so that the appointment ledger can call it without an
import cycle (accepting an offer books through the appointment ledger).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.waitlist import SlotStatus
from db.models import Appointment, FreedSlot


def note_freed(
    session: AsyncSession,
    *,
    appointment: Appointment | None,
    staff_id: int,
    starts_at: datetime,
    ends_at: datetime,
    reason: str,
    now: datetime,
    begun_ok: bool = False,
) -> FreedSlot | None:
    """Record that ``staff_id``'s time from ``starts_at`` to ``ends_at`` is free again (nothing
    for time already begun): the ``appointment`` cancelled or moved away, or None for time
    freed otherwise (a master's time off removed: ``begun_ok``, what is left of it counts). The
    waitlist worker offers it at its next tick."""
    if starts_at < now or (starts_at == now and not begun_ok) or ends_at <= now:
        return None
    slot = FreedSlot(
        staff_id=staff_id,
        starts_at=starts_at,
        ends_at=ends_at,
        appointment_id=appointment.id if appointment is not None else None,
        client_id=appointment.client_id if appointment is not None else None,
        reason=reason,
        status=SlotStatus.OPEN,
        created_at=now,
    )
    session.add(slot)
    return slot
