"""What other clients hold, as rows the slot search and the booking rules read: slot holds of a
client moving a booking (``slot_holds``) and pending waitlist offers (``waitlist_offers``, read
only). A hold keeps its time while ``now < expires_at``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import literal, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.holds import KEEPING, HoldStatus
from bot.domain.waitlist import OfferStatus
from db.models import SlotHold, WaitlistOffer


def held_rows(
    *,
    staff_ids: list[int],
    start: datetime,
    end: datetime,
    now: datetime,
    holder: int | None,
    offers: bool,
) -> list[Any]:
    """Selects of (off, id, staff_id, starts_at, ends_at, held) rows for ``blocked_between``:
    the holds of clients other than ``holder`` meeting [start, end) and keeping their time at
    ``now``; with ``offers``, the pending waitlist offers too (id negated)."""
    holds = select(
        literal(False),
        SlotHold.id,
        SlotHold.staff_id,
        SlotHold.starts_at,
        SlotHold.ends_at,
        literal(True),
    ).where(
        SlotHold.staff_id.in_(staff_ids),
        SlotHold.starts_at < end,
        SlotHold.ends_at > start,
        SlotHold.status.in_(sorted(KEEPING)),
        SlotHold.expires_at > now,
    )
    if holder is not None:
        holds = holds.where(SlotHold.client_id != holder)
    found: list[Any] = [holds]
    if offers:
        pending = select(
            literal(False),
            -WaitlistOffer.id,
            WaitlistOffer.staff_id,
            WaitlistOffer.starts_at,
            WaitlistOffer.ends_at,
            literal(True),
        ).where(
            WaitlistOffer.staff_id.in_(staff_ids),
            WaitlistOffer.starts_at < end,
            WaitlistOffer.ends_at > start,
            WaitlistOffer.status == OfferStatus.PENDING,
            WaitlistOffer.expires_at > now,
        )
        if holder is not None:
            pending = pending.where(WaitlistOffer.client_id != holder)
        found.append(pending)
    return found


async def release_holds(
    session: AsyncSession,
    *,
    appointment_id: int,
    now: datetime,
    keep: int | None = None,
    version: int | None = None,
) -> None:
    """Release the holds still keeping a time for this booking (but ``keep``; with ``version``,
    only those offered for that version of it, so a tap on an old offer leaves a fresh one)."""
    statement = (
        update(SlotHold)
        .where(
            SlotHold.appointment_id == appointment_id,
            SlotHold.status.in_(sorted(KEEPING)),
        )
        .values(status=HoldStatus.RELEASED, answered_at=now)
        .execution_options(synchronize_session="fetch")
    )
    if keep is not None:
        statement = statement.where(SlotHold.id != keep)
    if version is not None:
        statement = statement.where(SlotHold.appointment_version == version)
    await session.execute(statement)
