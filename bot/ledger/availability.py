"""What decides when a master can take a client, read for the rules: whose weekly hours apply
(their own, else the salon's, else none: open around the clock), the buffer, and the time off and
appointments in a range as bare rows. Changes to them live in ``bot.ledger.schedules``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NamedTuple, Protocol

from sqlalchemy import literal, or_, select, union_all
from sqlalchemy.engine import Result
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.appointments import ACTIVE_STATUSES, MAX_APPOINTMENT_LENGTH
from bot.domain.salon import WorkingHours
from bot.domain.schedules import Span, WeeklyHours
from bot.errors import NotFoundError
from bot.ledger.catalog import get_staff
from bot.ledger.held import held_rows
from bot.ledger.salon import SALON_ID
from db.models import Appointment, Salon, StaffHours, TimeOff


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


async def salon_row(session: AsyncSession) -> Salon:
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
        salon = await salon_row(session)
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


class BlockedRow(NamedTuple):
    """A time off (``off``), an active appointment or another client's hold (``held``), as
    bare columns."""

    off: bool
    id: int
    staff_id: int | None  # None: a closure of the whole salon
    starts_at: datetime
    ends_at: datetime
    held: bool = False  # a slot hold (``id``: the hold's) or a pending waitlist offer (-id)


async def blocked_between(
    session: AsyncSession,
    *,
    staff_ids: list[int],
    start: datetime,
    end: datetime,
    ignore: int | None = None,
    holds_at: datetime | None = None,
    holder: int | None = None,
    offers: bool = False,
) -> list[BlockedRow]:
    """Time off of these masters (and the salon's closures) and their active appointments that
    meet [start, end), in one round trip and without ORM objects (the slot search reads a
    thousand of them). ``ignore`` leaves one appointment out (the one being moved).

    With ``holds_at``, the slot holds keeping their time then (``bot.ledger.holds``) block too,
    except those of client ``holder``; with ``offers`` as well, the pending waitlist offers
    (a slot held for a waiting client) of other clients (their row's id is the offer's, negated).

    An appointment's ``starts_at`` is bounded on both sides (it lasts at most a day) so that the
    (staff_id, starts_at) index answers.
    """
    away = select(
        literal(True).label("off"),
        TimeOff.id,
        TimeOff.staff_id,
        TimeOff.starts_at,
        TimeOff.ends_at,
        literal(False).label("held"),
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
        literal(False),
    ).where(
        Appointment.staff_id.in_(staff_ids),
        Appointment.starts_at >= start - MAX_APPOINTMENT_LENGTH,
        Appointment.starts_at < end,
        Appointment.ends_at > start,
        Appointment.status.in_(sorted(ACTIVE_STATUSES)),
    )
    if ignore is not None:
        booked = booked.where(Appointment.id != ignore)
    parts: list[Any] = [away, booked]
    if holds_at is not None:
        parts += held_rows(
            staff_ids=staff_ids, start=start, end=end, now=holds_at, holder=holder, offers=offers
        )
    connection = await session.connection()
    result: Result[bool, int, int | None, datetime, datetime, bool] = await connection.execute(
        union_all(*parts)
    )
    return [BlockedRow(*row) for row in result.all()]


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
