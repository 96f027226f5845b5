"""Where a booking can move: the time the client named if it is free with the same master,
else the nearest free times around what they asked for (the same master first, then any master
who does the service), through the one slot engine (``find_slots``).

A part of the day named without an hour ("el viernes por la tarde", "в пятницу вечером") keeps
the times inside that window (``bot.domain.day_parts``): the named day's window first, then the
same window on the days around it (nearest first, the later one before the earlier), and only
when none of them has a free time, the nearest free times to the middle of the window on the
named day. With a part but no day ("можно вечером?") the booked day's window comes first, then
the days after it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.day_parts import DayPart, window
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
    part: DayPart | None = None,
) -> MoveOptions:
    """The free times to offer for moving ``appointment`` (empty when nothing is free), in
    ``part`` of the day when one is asked for and no hour is."""
    if part is not None and not isinstance(when, datetime):
        in_part = await _in_part(
            session, appointment, when, part, now=now, zone=zone, step=step, limit=limit
        )
        if in_part:
            return MoveOptions(exact=False, slots=in_part)
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
        near = (
            datetime.combine(when, NOON, tzinfo=zone) if part is None else _middle(part, day, zone)
        )
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


async def _in_part(
    session: AsyncSession,
    appointment: Appointment,
    when: date | None,
    part: DayPart,
    *,
    now: datetime,
    zone: ZoneInfo,
    step: timedelta,
    limit: int,
) -> list[Slot]:
    """Free times in ``part`` of the day named (else of the booked day), then of the days
    around it, nearest first; the same master on any of them before another master."""
    if when is not None:
        days = [when + timedelta(days=n) for n in (0, 1, -1, 2, -2, 3)]
    else:
        booked = appointment.starts_at.astimezone(zone).date()
        days = [booked + timedelta(days=n) for n in range(AHEAD.days)]
    for same_master in (True, False):
        for day in days:
            start, end = window(part, day, zone)
            if end <= max(start, now):
                continue
            found = await _search(
                session, appointment, None, start=max(start, now), end=end, now=now, step=step,
                limit=limit, same_master=same_master,
            )  # fmt: skip
            if found:
                return found
    return []


def _middle(part: DayPart, day: date, zone: ZoneInfo) -> datetime:
    start, end = window(part, day, zone)
    return start + (end - start) / 2


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
