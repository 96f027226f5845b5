"""What the waitlist brought back: freed slots refilled and the value recovered (the prices of
the services booked into them), for the ``/noshows`` report, the morning digest and the
admins' "slot refilled" alert."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.waitlist import SlotStatus
from db.models import Appointment, FreedSlot, WaitlistEntry

WAITLIST_SOURCE = "waitlist"


@dataclass(frozen=True, slots=True)
class RefillSummary:
    freed: int  # slots freed in the period (time still ahead when it was freed)
    refilled: int  # freed slots taken from the waitlist in the period
    value: Decimal  # the prices of the services booked into them
    in_use: bool = True  # the salon has ever put anyone on the waitlist

    @property
    def worth_telling(self) -> bool:
        """Whether a report should mention it: slots were freed and the salon uses the list."""
        return self.in_use and self.freed > 0


async def refill_summary(
    session: AsyncSession, *, start: datetime, end: datetime
) -> RefillSummary:
    """Slots freed from ``start`` to ``end`` (both included) and those refilled in it."""
    freed = await session.scalar(
        select(func.count())
        .select_from(FreedSlot)
        .where(FreedSlot.created_at >= start, FreedSlot.created_at <= end)
    )
    refilled, value = (
        await session.execute(
            select(func.count(), func.coalesce(func.sum(FreedSlot.filled_price), 0)).where(
                FreedSlot.status == SlotStatus.FILLED,
                FreedSlot.closed_at >= start,
                FreedSlot.closed_at <= end,
            )
        )
    ).one()
    in_use = await session.scalar(select(WaitlistEntry.id).limit(1)) is not None
    return RefillSummary(
        freed=freed or 0, refilled=refilled or 0, value=Decimal(value or 0), in_use=in_use
    )


@dataclass(frozen=True, slots=True)
class Refill:
    slot: FreedSlot
    appointment: Appointment
    moved: bool  # the client moved an existing booking into it


async def claim_refills(session: AsyncSession, *, now: datetime) -> list[Refill]:
    """Refilled slots no process has announced yet, claimed for this one (the caller commits
    and then tells the admins)."""
    slots = list(
        await session.scalars(
            select(FreedSlot).where(
                FreedSlot.status == SlotStatus.FILLED, FreedSlot.announced_at.is_(None)
            )
        )
    )
    refills = []
    for slot in slots:
        claimed = await session.execute(
            update(FreedSlot)
            .where(FreedSlot.id == slot.id, FreedSlot.announced_at.is_(None))
            .values(announced_at=now)
            .execution_options(synchronize_session=False)
        )
        if getattr(claimed, "rowcount", 0) != 1 or slot.filled_appointment_id is None:
            continue
        appointment = await session.get(Appointment, slot.filled_appointment_id)
        if appointment is None:
            continue
        moved = appointment.source != WAITLIST_SOURCE  # a move keeps its own source
        refills.append(Refill(slot=slot, appointment=appointment, moved=bool(moved)))
    return refills
