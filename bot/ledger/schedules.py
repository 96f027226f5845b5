"""Masters' working hours, buffers and time off, and the salon's own hours; each change is
recorded in ``staff_events`` (who, from where, what it was before).

Whose hours apply to a master: their own weekly pattern if they have one; otherwise the salon's
(``salon.working_hours``) once the salon has set them; otherwise none, which means open around
the clock (``open_all_day``, what an upgraded installation starts with).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from sqlalchemy import delete, literal, or_, select, union_all
from sqlalchemy.engine import Result
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.appointments import ACTIVE_STATUSES, MAX_APPOINTMENT_LENGTH
from bot.domain.salon import WorkingHours
from bot.domain.schedules import Span, WeeklyHours
from bot.errors import InvalidInputError, NotFoundError
from bot.ledger.catalog import get_staff
from bot.ledger.salon import SALON_ID
from db.models import Appointment, Salon, StaffEvent, StaffHours, TimeOff

if TYPE_CHECKING:  # bot.ledger.appointments imports this module (through booking_rules)
    from bot.ledger.appointments import Who

MAX_BUFFER_MINUTES = 240
MAX_TIME_OFF = timedelta(days=366)


class SalonHours(Protocol):
    """The salon's columns the schedules read (a ``Salon`` or a bare row of them)."""

    @property
    def open_all_day(self) -> bool: ...
    @property
    def working_hours(self) -> dict[str, Any]: ...
    @property
    def buffer_minutes(self) -> int: ...


class MasterRef(Protocol):
    """A master's columns the schedules read (a ``Staff`` or a bare row of them)."""

    @property
    def id(self) -> int: ...
    @property
    def buffer_minutes(self) -> int | None: ...


@dataclass(frozen=True, slots=True)
class Schedule:
    """What decides a master's free time, as the rules need it."""

    staff_id: int
    week: WeeklyHours | None  # None: open around the clock
    source: str  # "master", "salon" or "always"
    buffer: timedelta


async def _salon(session: AsyncSession) -> Salon:
    salon = await session.get(Salon, SALON_ID)
    if salon is None:
        raise NotFoundError("the salon is not set up yet: start ShowUp once with `showup run`")
    return salon


def salon_week(salon: SalonHours) -> WeeklyHours | None:
    """The salon's hours, or None while it is open all day (hours never set)."""
    if salon.open_all_day:
        return None
    return WeeklyHours.from_working_hours(WorkingHours.model_validate(salon.working_hours))


async def own_weeks(session: AsyncSession, *, staff_ids: list[int]) -> dict[int, WeeklyHours]:
    """The masters' own patterns (a master without one is left out)."""
    connection = await session.connection()
    rows = await connection.execute(
        select(
            StaffHours.staff_id, StaffHours.weekday, StaffHours.start_minute, StaffHours.end_minute
        ).where(StaffHours.staff_id.in_(staff_ids))
    )
    return build_weeks((row[0], row[1], row[2], row[3]) for row in rows)


def build_weeks(rows: Iterable[tuple[int, int, int, int]]) -> dict[int, WeeklyHours]:
    """Patterns from (staff_id, weekday, start_minute, end_minute) rows."""
    days: dict[int, dict[int, set[tuple[int, int]]]] = {}
    for staff_id, weekday, start, end in rows:
        days.setdefault(staff_id, {}).setdefault(weekday, set()).add((start, end))
    # masters often share one pattern: build each distinct one once
    built: dict[frozenset[tuple[int, frozenset[tuple[int, int]]]], WeeklyHours] = {}
    found: dict[int, WeeklyHours] = {}
    for staff_id, week in days.items():
        key = frozenset((weekday, frozenset(spans)) for weekday, spans in week.items())
        if key not in built:
            built[key] = WeeklyHours.build(
                {weekday: [Span(a, b) for a, b in spans] for weekday, spans in week.items()}
            )
        found[staff_id] = built[key]
    return found


async def schedules_for(
    session: AsyncSession, *, staff: Sequence[MasterRef], salon: SalonHours | None = None
) -> dict[int, Schedule]:
    """Each master's schedule: own hours or the salon's, own buffer or the salon's."""
    if salon is None:
        salon = await _salon(session)
    own = await own_weeks(session, staff_ids=[s.id for s in staff])
    return compose(staff=staff, own=own, salon=salon)


def compose(
    *, staff: Sequence[MasterRef], own: dict[int, WeeklyHours], salon: SalonHours
) -> dict[int, Schedule]:
    """Each master's schedule from their own pattern (if any) and the salon's defaults."""
    default = salon_week(salon)
    found: dict[int, Schedule] = {}
    for master in staff:
        week = own.get(master.id)
        minutes = (
            master.buffer_minutes if master.buffer_minutes is not None else salon.buffer_minutes
        )
        found[master.id] = Schedule(
            staff_id=master.id,
            week=week if week is not None else default,
            source="master" if week is not None else ("salon" if default else "always"),
            buffer=timedelta(minutes=minutes),
        )
    return found


async def schedule_of(session: AsyncSession, *, staff_id: int) -> Schedule:
    staff = await get_staff(session, staff_id=staff_id)
    return (await schedules_for(session, staff=[staff]))[staff.id]


async def time_off_between(
    session: AsyncSession, *, staff_ids: list[int] | None, start: datetime, end: datetime
) -> list[TimeOff]:
    """Time off of these masters (and the salon's own) that meets [start, end); all masters'
    when ``staff_ids`` is None."""
    query = (
        select(TimeOff)
        .where(TimeOff.starts_at < end, TimeOff.ends_at > start)
        .order_by(TimeOff.starts_at, TimeOff.id)
    )
    if staff_ids is not None:
        query = query.where(or_(TimeOff.staff_id.in_(staff_ids), TimeOff.staff_id.is_(None)))
    return list(await session.scalars(query))


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
    salon = await _salon(session)
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
    await session.flush()
    return off


class BlockedRow(NamedTuple):
    """A time off (``off``) or an active appointment, as bare columns."""

    off: bool
    id: int
    staff_id: int | None  # None: a closure of the whole salon
    starts_at: datetime
    ends_at: datetime


async def blocked_between(
    session: AsyncSession,
    *,
    staff_ids: list[int],
    start: datetime,
    end: datetime,
    ignore: int | None = None,
) -> list[BlockedRow]:
    """Time off of these masters (and the salon's closures) and their active appointments that
    meet [start, end), in one round trip and without ORM objects (the slot search reads a
    thousand of them). ``ignore`` leaves one appointment out (the one being moved).

    An appointment's ``starts_at`` is bounded on both sides (it lasts at most a day) so that the
    (staff_id, starts_at) index answers.
    """
    away = select(
        literal(True).label("off"),
        TimeOff.id,
        TimeOff.staff_id,
        TimeOff.starts_at,
        TimeOff.ends_at,
    ).where(
        or_(TimeOff.staff_id.in_(staff_ids), TimeOff.staff_id.is_(None)),
        TimeOff.starts_at < end,
        TimeOff.ends_at > start,
    )
    booked = select(
        literal(False),
        Appointment.id,
        Appointment.staff_id,
        Appointment.starts_at,
        Appointment.ends_at,
    ).where(
        Appointment.staff_id.in_(staff_ids),
        Appointment.starts_at >= start - MAX_APPOINTMENT_LENGTH,
        Appointment.starts_at < end,
        Appointment.ends_at > start,
        Appointment.status.in_(sorted(ACTIVE_STATUSES)),
    )
    if ignore is not None:
        booked = booked.where(Appointment.id != ignore)
    connection = await session.connection()
    result: Result[bool, int, int | None, datetime, datetime] = await connection.execute(
        union_all(away, booked)
    )
    return [BlockedRow(*row) for row in result]


async def appointments_during(
    session: AsyncSession, *, staff_id: int | None, start: datetime, end: datetime
) -> list[Appointment]:
    """Active appointments of a master (``None``: of every master) that meet [start, end)."""
    query = (
        select(Appointment)
        .where(
            Appointment.status.in_(sorted(ACTIVE_STATUSES)),
            Appointment.starts_at < end,
            Appointment.ends_at > start,
        )
        .order_by(Appointment.starts_at, Appointment.id)
    )
    if staff_id is not None:
        query = query.where(Appointment.staff_id == staff_id)
    return list(await session.scalars(query))


async def list_staff_events(session: AsyncSession, *, staff_id: int) -> list[StaffEvent]:
    query = (
        select(StaffEvent)
        .where(StaffEvent.staff_id == staff_id)
        .order_by(StaffEvent.created_at, StaffEvent.id)
    )
    return list(await session.scalars(query))
