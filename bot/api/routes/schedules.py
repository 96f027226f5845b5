"""Masters' working hours and time off, and the free slots they leave."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query, status

from bot.api.deps import ClockDep, SessionDep, SettingsDep, ZoneDep
from bot.api.errors import RECORD_RESPONSES
from bot.api.fields import Day, Id
from bot.api.schedule_schemas import (
    HoursIn,
    HoursOut,
    SlotOut,
    SlotsOut,
    StaffEventOut,
    TimeOffIn,
    TimeOffOut,
)
from bot.domain.appointments import Actor
from bot.domain.schedules import WeeklyHours, parse_week
from bot.domain.slots import MAX_DAYS
from bot.domain.timeutil import day_bounds, localize
from bot.ledger import availability, schedules
from bot.ledger.appointments import Who
from bot.ledger.catalog import get_service, get_staff
from bot.ledger.slots import find_slots
from bot.ledger.staff_services import refuse_not_offered
from db.models import TimeOff

router = APIRouter(tags=["schedules"], responses=RECORD_RESPONSES)

API = Who(actor=Actor.API, channel="api")
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(3000, 1, 1, tzinfo=UTC)


def hours_out(schedule: availability.Schedule, own_buffer: int | None) -> HoursOut:
    return HoursOut(
        staff_id=schedule.staff_id,
        source=schedule.source,
        week=schedule.week.as_dict() if schedule.week is not None else None,
        text=schedule.week.describe() if schedule.week is not None else "always",
        buffer_minutes=int(schedule.buffer.total_seconds() // 60),
        own_buffer_minutes=own_buffer,
    )


@router.get("/staff/{staff_id}/hours")
async def get_hours(staff_id: Id, session: SessionDep) -> HoursOut:
    """The master's hours in force: their own, the salon's, or any time (none set)."""
    staff = await get_staff(session, staff_id=staff_id)
    schedule = await availability.schedule_of(session, staff_id=staff_id)
    return hours_out(schedule, staff.buffer_minutes)


@router.put("/staff/{staff_id}/hours")
async def put_hours(staff_id: Id, body: HoursIn, session: SessionDep, clock: ClockDep) -> HoursOut:
    """Set the master's own weekly hours (``week: null``: the salon's again) and buffer."""
    week: WeeklyHours | None
    if isinstance(body.week, str):
        week = parse_week(body.week)
    elif body.week is not None:
        week = WeeklyHours.from_dict(body.week)
    else:
        week = None
    await schedules.set_hours(
        session, staff_id=staff_id, week=week, who=API, now=clock.now(), reason=body.reason
    )
    schedule = await schedules.set_buffer(
        session, staff_id=staff_id, minutes=body.buffer_minutes, who=API, now=clock.now()
    )
    await session.commit()
    return hours_out(schedule, body.buffer_minutes)


@router.get("/staff/{staff_id}/schedule-events")
async def list_schedule_events(staff_id: Id, session: SessionDep) -> list[StaffEventOut]:
    """The master's schedule history: hours set or cleared, buffers, time off added or removed,
    each with who did it and through which channel."""
    await get_staff(session, staff_id=staff_id)
    events = await schedules.list_staff_events(session, staff_id=staff_id)
    return [StaffEventOut.model_validate(event) for event in events]


def time_off_out(off: TimeOff, zone: ZoneInfo, inside: list[int] | None = None) -> TimeOffOut:
    return TimeOffOut(
        id=off.id,
        staff_id=off.staff_id,
        starts_at=off.starts_at,
        ends_at=off.ends_at,
        local_start=off.starts_at.astimezone(zone),
        local_end=off.ends_at.astimezone(zone),
        reason=off.reason,
        appointments_inside=inside or [],
    )


@router.post("/staff/{staff_id}/time-off", status_code=status.HTTP_201_CREATED)
async def add_time_off(
    staff_id: Id, body: TimeOffIn, session: SessionDep, clock: ClockDep, zone: ZoneDep
) -> TimeOffOut:
    """The master is away: a range of moments, or whole days in salon time. Appointments
    already booked then are kept and listed in ``appointments_inside``."""
    if body.starts_at is not None and body.ends_at is not None:
        starts_at = localize(body.starts_at, zone, field="starts_at")
        ends_at = localize(body.ends_at, zone, field="ends_at")
    else:
        first = body.day or body.last_day
        assert first is not None  # noqa: S101 - TimeOffIn requires one of the two forms
        starts_at, _ = day_bounds(first, zone)
        _, ends_at = day_bounds(body.last_day or first, zone)
    off = await schedules.add_time_off(
        session,
        staff_id=staff_id,
        starts_at=starts_at,
        ends_at=ends_at,
        who=API,
        now=clock.now(),
        reason=body.reason,
    )
    inside = [
        a.id
        for a in await availability.appointments_during(
            session, staff_id=staff_id, start=starts_at, end=ends_at
        )
    ]
    await session.commit()
    return time_off_out(off, zone, inside)


@router.get("/staff/{staff_id}/time-off")
async def list_time_off(
    staff_id: Id,
    session: SessionDep,
    clock: ClockDep,
    zone: ZoneDep,
    past: Annotated[bool, Query(description="include time off that has ended")] = False,
) -> list[TimeOffOut]:
    """The master's time off (and the salon's closures) that has not ended yet."""
    await get_staff(session, staff_id=staff_id)
    lower = EARLIEST if past else clock.now()
    found = await availability.time_off_between(
        session, staff_ids=[staff_id], start=lower, end=LATEST
    )
    return [time_off_out(off, zone) for off in found]


@router.delete("/staff/{staff_id}/time-off/{time_off_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_time_off(
    staff_id: Id, time_off_id: Id, session: SessionDep, clock: ClockDep
) -> None:
    """The master is back: the time off is removed (its history stays in the events)."""
    await schedules.remove_time_off(
        session, time_off_id=time_off_id, staff_id=staff_id, who=API, now=clock.now()
    )
    await session.commit()


@router.get("/slots")
async def get_slots(
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
    zone: ZoneDep,
    service_id: Id,
    day: Annotated[Day, Query(alias="date", description="the first day, in salon time")],
    staff_id: Annotated[Id | None, Query(description="one master; left out: any master")] = None,
    days: Annotated[int, Query(ge=1, le=MAX_DAYS, description="how many days")] = 1,
) -> SlotsOut:
    """Free start times for the service: working hours minus time off minus appointments (and
    the buffer around them), every ``SHOWUP_SLOT_STEP``, none in the past."""
    service = await get_service(session, service_id=service_id)
    if staff_id is not None:
        await refuse_not_offered(session, staff_id=staff_id, service=service)
    start, _ = day_bounds(day, zone)
    _, end = day_bounds(day + timedelta(days=days - 1), zone)
    found = await find_slots(
        session,
        service_id=service_id,
        staff_id=staff_id,
        start=start,
        end=end,
        now=clock.now(),
        step=settings.slot_step,
    )
    return SlotsOut(
        service_id=service.id,
        duration_minutes=service.duration_minutes,
        timezone=zone.key,
        step_minutes=int(settings.slot_step.total_seconds() // 60),
        slots=[
            SlotOut(
                staff_id=slot.staff_id,
                staff_name=slot.staff_name,
                starts_at=slot.starts_at,
                ends_at=slot.ends_at,
                local=slot.local,
                date=slot.local.date(),
                time=f"{slot.local:%H:%M}",
            )
            for slot in found
        ],
    )
