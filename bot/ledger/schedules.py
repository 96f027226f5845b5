"""Masters' working hours, buffers and time off, and the salon's own hours; each change is
recorded in ``staff_events`` (who, from where, what it was before).

Whose hours apply to a master: their own weekly pattern if they have one; otherwise the salon's
(``salon.working_hours``) once the salon has set them; otherwise none, which means open around
the clock (``open_all_day``, what an upgraded installation starts with). Reading them for the
rules is ``bot.ledger.availability``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.schedules import WeeklyHours
from bot.errors import InvalidInputError, NotFoundError
from bot.ledger.appointments import Who
from bot.ledger.availability import Schedule, own_weeks, salon_row, salon_week, schedule_of
from bot.ledger.catalog import get_staff
from bot.ledger.freed import note_freed
from db.models import Salon, Staff, StaffEvent, StaffHours, TimeOff

MAX_BUFFER_MINUTES = 240
MAX_TIME_OFF = timedelta(days=366)


def _event(
    session: AsyncSession,
    *,
    staff_id: int | None,
    kind: str,
    who: Who,
    now: datetime,
    data: dict[str, Any],
    reason: str | None = None,
) -> None:
    session.add(
        StaffEvent(
            staff_id=staff_id,
            kind=kind,
            actor=who.actor,
            channel=who.channel,
            reason=reason,
            data=data,
            created_at=now,
        )
    )


async def set_hours(
    session: AsyncSession,
    *,
    staff_id: int,
    week: WeeklyHours | None,
    who: Who,
    now: datetime,
    reason: str | None = None,
) -> Schedule:
    """Give a master their own weekly pattern, or (``None``) put them back on the salon's."""
    await get_staff(session, staff_id=staff_id)
    before = (await own_weeks(session, staff_ids=[staff_id])).get(staff_id)
    await session.execute(delete(StaffHours).where(StaffHours.staff_id == staff_id))
    if week is not None:
        for weekday, spans in enumerate(week.days):
            for span in spans:
                session.add(
                    StaffHours(
                        staff_id=staff_id,
                        weekday=weekday,
                        start_minute=span.start,
                        end_minute=span.end,
                    )
                )
    _event(
        session,
        staff_id=staff_id,
        kind="hours_set" if week is not None else "hours_cleared",
        who=who,
        now=now,
        reason=reason,
        data={
            "from": before.describe() if before else None,
            "to": week.describe() if week else None,
        },
    )
    await session.flush()
    return await schedule_of(session, staff_id=staff_id)


def _buffer(minutes: int | None) -> int | None:
    if minutes is not None and not 0 <= minutes <= MAX_BUFFER_MINUTES:
        raise InvalidInputError(
            f"a buffer is 0 to {MAX_BUFFER_MINUTES} minutes, not {minutes}",
            field="buffer_minutes",
            code="buffer_range",
            params={"minutes": minutes, "max": MAX_BUFFER_MINUTES},
        )
    return minutes


async def set_buffer(
    session: AsyncSession, *, staff_id: int, minutes: int | None, who: Who, now: datetime
) -> Schedule:
    """A master's own pause after each appointment (``None``: the salon's)."""
    staff = await get_staff(session, staff_id=staff_id)
    before, staff.buffer_minutes = staff.buffer_minutes, _buffer(minutes)
    if before != minutes:
        _event(
            session,
            staff_id=staff_id,
            kind="buffer_set",
            who=who,
            now=now,
            data={"from": before, "to": minutes},
        )
    await session.flush()
    return await schedule_of(session, staff_id=staff_id)


async def set_salon_hours(
    session: AsyncSession,
    *,
    week: WeeklyHours | None,
    who: Who,
    now: datetime,
    buffer_minutes: int | None = None,
) -> Salon:
    """The salon's hours (``None``: open around the clock) and, when given, its buffer."""
    salon = await salon_row(session)
    before = salon_week(salon)
    if week is not None and week.is_always:
        week = None
    changed = (before.describe() if before else None) != (week.describe() if week else None)
    if week is not None:
        salon.working_hours = week.to_working_hours().model_dump(mode="json")
    salon.open_all_day = week is None
    if changed:
        _event(
            session,
            staff_id=None,
            kind="salon_hours_set",
            who=who,
            now=now,
            data={
                "from": before.describe() if before else "always",
                "to": week.describe() if week else "always",
            },
        )
    if buffer_minutes is not None and buffer_minutes != salon.buffer_minutes:
        _event(
            session,
            staff_id=None,
            kind="salon_buffer_set",
            who=who,
            now=now,
            data={"from": salon.buffer_minutes, "to": _buffer(buffer_minutes)},
        )
        salon.buffer_minutes = buffer_minutes
    await session.flush()
    return salon


async def add_time_off(
    session: AsyncSession,
    *,
    staff_id: int | None,
    starts_at: datetime,
    ends_at: datetime,
    who: Who,
    now: datetime,
    reason: str | None = None,
) -> TimeOff:
    """A master (or, without one, the whole salon) away from ``starts_at`` to ``ends_at``.

    Appointments already booked then are kept: ``booked_during`` lists them for the admin.
    """
    if staff_id is not None:
        await get_staff(session, staff_id=staff_id)
    if ends_at <= starts_at:
        raise InvalidInputError(
            "time off must end after it starts", field="ends_at", code="time_off_order"
        )
    if ends_at - starts_at > MAX_TIME_OFF:
        raise InvalidInputError(
            "time off is at most a year at a time; add another for the rest",
            field="ends_at",
            code="time_off_long",
        )
    if reason is not None and len(reason) > 200:
        raise InvalidInputError("the reason is at most 200 characters", field="reason")
    off = TimeOff(
        staff_id=staff_id, starts_at=starts_at, ends_at=ends_at, reason=reason, created_at=now
    )
    session.add(off)
    await session.flush()
    _event(
        session,
        staff_id=staff_id,
        kind="time_off_added",
        who=who,
        now=now,
        reason=reason,
        data={"id": off.id, "from": starts_at.isoformat(), "until": ends_at.isoformat()},
    )
    await session.flush()
    return off


async def get_time_off(session: AsyncSession, *, time_off_id: int) -> TimeOff:
    off = await session.get(TimeOff, time_off_id)
    if off is None:
        raise NotFoundError(
            f"no time off with id {time_off_id}", code="no_time_off", params={"id": time_off_id}
        )
    return off


async def remove_time_off(
    session: AsyncSession,
    *,
    time_off_id: int,
    who: Who,
    now: datetime,
    staff_id: int | None = None,
) -> TimeOff:
    """Delete a time off (the event keeps what it was); ``staff_id`` must match when given."""
    off = await get_time_off(session, time_off_id=time_off_id)
    if staff_id is not None and off.staff_id != staff_id:
        raise NotFoundError(
            f"no time off with id {time_off_id} for master {staff_id}",
            code="no_time_off",
            params={"id": time_off_id},
        )
    _event(
        session,
        staff_id=off.staff_id,
        kind="time_off_removed",
        who=who,
        now=now,
        reason=off.reason,
        data={
            "id": off.id,
            "from": off.starts_at.isoformat(),
            "until": off.ends_at.isoformat(),
        },
    )
    await session.delete(off)
    await _offer_to_the_waitlist(session, off, now=now)
    await session.flush()
    return off


async def _offer_to_the_waitlist(session: AsyncSession, off: TimeOff, *, now: datetime) -> None:
    """The time a removed time off kept is free again (what is left of it): the waitlist
    worker offers it (for a salon closure, with every active master)."""
    if off.ends_at <= now:
        return
    starts_at = max(off.starts_at, now)
    masters = (
        [off.staff_id]
        if off.staff_id is not None
        else list(await session.scalars(select(Staff.id).where(Staff.active.is_(True))))
    )
    for staff_id in masters:
        note_freed(
            session,
            appointment=None,
            staff_id=staff_id,
            starts_at=starts_at,
            ends_at=off.ends_at,
            reason="time_off_removed",
            now=now,
            begun_ok=True,
        )


async def list_staff_events(session: AsyncSession, *, staff_id: int) -> list[StaffEvent]:
    query = (
        select(StaffEvent)
        .where(StaffEvent.staff_id == staff_id)
        .order_by(StaffEvent.created_at, StaffEvent.id)
    )
    return list(await session.scalars(query))
