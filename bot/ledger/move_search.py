"""Where a booking can move: the time the client named if it is free with the same master,
else the nearest free times around what they asked for (the same master first, then any master
who does the service), through the one slot engine (``find_slots``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.slots import Slot, pick
from bot.ledger.slots import find_slots
from db.models import Appointment

AROUND = timedelta(days=2)  # a named day or time: search this far before it…
AFTER = timedelta(days=3)  # …and this far after it
AHEAD = timedelta(days=7)  # no day named: this far from tomorrow
NOON = time(12)  # a named day without an hour: the nearest to midday


@dataclass(frozen=True, slots=True)
class MoveOptions:
    exact: bool  # the named time is free with the same master: the one slot
    slots: list[Slot]


async def move_options(
    session: AsyncSession,
    *,
    appointment: Appointment,
    when: datetime | date | None,
    now: datetime,
    zone: ZoneInfo,
    step: timedelta,
    limit: int = 3,
) -> MoveOptions:
    """The free times to offer for moving ``appointment`` (empty when nothing is free)."""
    if isinstance(when, datetime):
        wished = when if when.tzinfo is not None else when.replace(tzinfo=zone)
        if wished > now and wished != appointment.starts_at:
            same = await _search(
                session, appointment, None, start=wished, end=wished + timedelta(minutes=1),
                now=now, step=step, limit=1, same_master=True,
            )  # fmt: skip
            if same and same[0].starts_at == wished:
                return MoveOptions(exact=True, slots=same)
        near = wished
        day = wished.astimezone(zone).date()
    elif isinstance(when, date):
        day = when
        near = datetime.combine(when, NOON, tzinfo=zone)
    else:
        day = (now.astimezone(zone) + timedelta(days=1)).date()
        near = None
    midnight = datetime.combine(day, time(0), tzinfo=zone)
    start = max(now, midnight - AROUND) if near is not None else max(now, midnight)
    end = midnight + (AFTER if near is not None else AHEAD)
    if end <= start:  # a day that has gone: look from tomorrow
        return await move_options(
            session, appointment=appointment, when=None, now=now, zone=zone, step=step, limit=limit
        )
    for same_master in (True, False):
        found = await _search(
            session, appointment, near, start=start, end=end, now=now, step=step, limit=limit,
            same_master=same_master,
        )  # fmt: skip
        if found:
            return MoveOptions(exact=False, slots=found)
    return MoveOptions(exact=False, slots=[])


async def _search(
    session: AsyncSession,
    appointment: Appointment,
    near: datetime | None,
    *,
    start: datetime,
    end: datetime,
    now: datetime,
    step: timedelta,
    limit: int,
    same_master: bool,
) -> list[Slot]:
    """Up to ``limit`` free times, never the booking's own time with its own master."""
    found = await find_slots(
        session,
        service_id=appointment.service_id,
        staff_id=appointment.staff_id if same_master else None,
        start=start,
        end=end,
        now=now,
        step=step,
        near=near,
        limit=limit + 1,  # one more: the booking's own time may be among them
        ignore_appointment_id=appointment.id,
        holder=appointment.client_id,
    )
    own = (appointment.staff_id, appointment.starts_at)
    return pick(
        [slot for slot in found if (slot.staff_id, slot.starts_at) != own], near=near, limit=limit
    )
