"""Free slots from the ledger: the one entry point the API, the chat, the waitlist and the admin
share.

    slots = await find_slots(
        session, service_id=3, staff_id=None, start=monday_utc, end=tuesday_utc,
        now=clock.now(), step=timedelta(minutes=15), near=wished_utc, limit=3,
    )

It loads only what the range needs: the service, the masters asked about (one, or every active
master), their hours and buffers, the time off and the active appointments that meet the range
(three small indexed queries, appointments as bare columns), then runs the pure rules of
``bot.domain.slots`` per master.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.schedules import WeeklyHours, windows
from bot.domain.slots import MAX_DAYS, Interval, Slot, blocked, free_starts, pick
from bot.errors import InvalidInputError
from bot.ledger.availability import BlockedRow, blocked_between, build_weeks, compose
from bot.ledger.catalog import get_service, get_staff
from bot.ledger.salon import SALON_ID
from bot.ledger.staff_services import does_service
from db.models import Salon, Service, Staff, StaffHours

DEFAULT_STEP = timedelta(minutes=15)


async def find_slots(
    session: AsyncSession,
    *,
    service_id: int,
    staff_id: int | None,
    start: datetime,
    end: datetime,
    now: datetime | None = None,
    step: timedelta = DEFAULT_STEP,
    near: datetime | None = None,
    limit: int | None = None,
    ignore_appointment_id: int | None = None,
    holder: int | None = None,
) -> list[Slot]:
    """Free starts for the service in [start, end) (aware datetimes, at most ``MAX_DAYS``).

    ``staff_id`` None asks every active master who does the service
    (``bot.ledger.staff_services``); a master who does not do it has no free starts. Starts
    before ``now`` are left out. The answer is in time order; with ``near``, only the
    ``limit`` starts nearest to it (still in time order); without, the first ``limit``.
    ``ignore_appointment_id`` treats that appointment as gone (a client looking for where to
    move it). With ``now``, times other clients hold (a slot offered to someone moving a
    booking, a pending waitlist offer) are not free; client ``holder``'s own holds do not
    count.
    """
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("find_slots needs aware datetimes")
    if end <= start:
        raise InvalidInputError("the range must end after it starts", field="end")
    if end - start > timedelta(days=MAX_DAYS + 1):
        raise InvalidInputError(f"ask for at most {MAX_DAYS} days at a time", field="days")
    if limit is not None and limit < 1:
        raise InvalidInputError("limit must be at least 1", field="limit")
    connection = await session.connection()
    # the salon's columns and the service's length in one round trip
    salon = (
        await connection.execute(
            select(
                Salon.timezone,
                Salon.open_all_day,
                Salon.working_hours,
                Salon.buffer_minutes,
                select(Service.duration_minutes)
                .where(Service.id == service_id)
                .scalar_subquery()
                .label("duration_minutes"),
            ).where(Salon.id == SALON_ID)
        )
    ).one()
    if salon.duration_minutes is None:
        await get_service(session, service_id=service_id)  # raises the usual NotFoundError
    duration = timedelta(minutes=salon.duration_minutes)
    # the masters with their own hours (if any) in one round trip
    query = (
        select(
            Staff.id,
            Staff.name,
            Staff.buffer_minutes,
            StaffHours.weekday,
            StaffHours.start_minute,
            StaffHours.end_minute,
        )
        .outerjoin(StaffHours, StaffHours.staff_id == Staff.id)
        .where(Staff.active.is_(True))
    )
    if staff_id is not None:
        query = query.where(Staff.id == staff_id)
    query = query.where(does_service(service_id))
    rows = list(await connection.execute(query.order_by(Staff.id)))
    masters = list(
        {row.id: _Master(row.id, row.name, row.buffer_minutes) for row in rows}.values()
    )
    if not masters:
        if staff_id is not None:
            await get_staff(session, staff_id=staff_id)  # an unknown master is a 404
        return []
    own = build_weeks(
        (row.id, row.weekday, row.start_minute, row.end_minute)
        for row in rows
        if row.weekday is not None
    )
    zone = ZoneInfo(salon.timezone)
    schedules = compose(staff=masters, own=own, salon=salon)
    ids = [m.id for m in masters]
    reach = max(s.buffer for s in schedules.values())
    away, busy = _split(
        await blocked_between(
            session,
            staff_ids=ids,
            start=start - reach,
            end=end + duration + reach,
            ignore=ignore_appointment_id,
            holds_at=now,
            holder=holder,
            offers=True,
        )
    )
    windows_of: dict[WeeklyHours | None, list[Interval]] = {}
    found: list[Slot] = []
    for master in masters:
        schedule = schedules[master.id]
        if schedule.week not in windows_of:
            windows_of[schedule.week] = windows(schedule.week, zone, start, end + duration)
        shut = blocked(
            time_off=away.get(master.id, []) + away.get(None, []),
            busy=busy.get(master.id, []),
            buffer=schedule.buffer,
        )
        starts = free_starts(
            windows=windows_of[schedule.week],
            blocked=shut,
            duration=duration,
            step=step,
            start=start,
            end=end,
            not_before=now,
        )
        found += [
            Slot(
                staff_id=master.id,
                staff_name=master.name,
                starts_at=moment,
                ends_at=moment + duration,
                local=moment.astimezone(zone),
            )
            for moment in starts
        ]
    return pick(found, near=near, limit=limit)


@dataclass(frozen=True, slots=True)
class _Master:
    id: int
    name: str
    buffer_minutes: int | None


def _split(
    rows: list[BlockedRow],
) -> tuple[dict[int | None, list[Interval]], dict[int, list[Interval]]]:
    """Time off by master (None: the salon's closures) and appointments by master."""
    away: dict[int | None, list[Interval]] = {}
    busy: dict[int, list[Interval]] = {}
    for row in rows:
        if row.off:
            away.setdefault(row.staff_id, []).append((row.starts_at, row.ends_at))
        elif row.staff_id is not None:
            busy.setdefault(row.staff_id, []).append((row.starts_at, row.ends_at))
    return away, busy
