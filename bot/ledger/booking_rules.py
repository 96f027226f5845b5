"""Booking sanity: is a time bookable with this master? Checked by every booking and move.

Problems, in the order they are reported: ``past`` (the start has gone), ``busy`` (another
active appointment of the master overlaps), ``time_off`` (the master or the salon is away),
``outside_hours`` (not inside one of the master's working windows), ``buffer`` (closer to
another appointment than the master's buffer), ``held`` (offered to another client who is
moving a booking, kept for them a few minutes: ``bot.ledger.holds``), ``not_offered`` (the
master does not do the service, see ``bot.ledger.staff_services``). ``past`` is a 422, the
others 409.

``Sanity`` says what to do with them: refuse (the default), let an admin ``FORCE`` them (an
``override`` event records which), or, for imports of another system's history, ``WARN``: a
row in the past is history and fine, hours, time off and buffer become warnings on the row,
and only an overlap is refused.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.salon import WEEKDAYS
from bot.domain.schedules import windows
from bot.domain.slots import inside
from bot.domain.timeutil import shown_at
from bot.errors import ConflictError, DomainError, InvalidInputError
from bot.ledger.availability import blocked_between, schedule_of
from bot.ledger.catalog import get_service, get_staff
from bot.ledger.salon import salon_zone
from bot.ledger.staff_services import staff_does
from db.models import Appointment, SlotHold, Staff, TimeOff, WaitlistOffer

#: every problem's code, which the API shows (an integrator may branch on it) and an admin
#: may force
CODES = frozenset({"past", "busy", "time_off", "outside_hours", "buffer", "held", "not_offered"})


class Sanity(enum.StrEnum):
    ENFORCE = "enforce"  # refuse a time with any problem
    FORCE = "force"  # an admin books it anyway; the problems are recorded
    WARN = "warn"  # an import: only an overlap is refused, the rest are warnings


@dataclass(frozen=True, slots=True)
class Problem:
    code: str
    message: str
    params: dict[str, object] = field(default_factory=dict)

    def error(self) -> DomainError:
        if self.code == "past":
            return InvalidInputError(
                self.message, field="starts_at", code=self.code, params=self.params
            )
        return ConflictError(self.message, code=self.code, params=self.params)


async def booking_problems(
    session: AsyncSession,
    *,
    staff_id: int,
    starts_at: datetime,
    ends_at: datetime,
    now: datetime,
    ignore_id: int | None = None,
    service_id: int | None = None,
    holder: int | None = None,
    offers: bool = False,
) -> list[Problem]:
    """Everything wrong with booking [starts_at, ends_at) with this master, most serious first.

    The master's row is locked first (PostgreSQL), so two bookings of one slot are serialised;
    SQLite serialises every write transaction already. Three small queries when all is well
    (the lock, the master's hours, the time off and appointments nearby as bare rows); the
    records named in a refusal are read only then. Holds of clients other than ``holder``
    (every client's, when None) keeping their time at ``now`` are ``held``; with ``offers``,
    so are the times offered to waiting clients (a client's own move must not take them).
    """
    await session.execute(select(Staff.id).where(Staff.id == staff_id).with_for_update())
    zone = await salon_zone(session)
    schedule = await schedule_of(session, staff_id=staff_id)
    staff = await get_staff(session, staff_id=staff_id)
    problems: list[Problem] = []
    if starts_at < now:
        problems.append(
            Problem(
                "past", f"{shown_at(starts_at, zone)} is in the past", {"starts_at": starts_at}
            )
        )
    nearby = await blocked_between(
        session,
        staff_ids=[staff_id],
        start=starts_at - schedule.buffer,
        end=ends_at + schedule.buffer,
        ignore=ignore_id,
        holds_at=now,
        holder=holder,
        offers=offers,
    )
    booked = sorted(
        (row for row in nearby if not row.off and not row.held), key=lambda row: row.starts_at
    )
    clash = next((r for r in booked if r.starts_at < ends_at and r.ends_at > starts_at), None)
    if clash is not None:
        problems.append(await _busy(session, clash.id, zone))
    away = [r for r in nearby if r.off and r.starts_at < ends_at and r.ends_at > starts_at]
    if away:
        problems.append(await _away(session, away[0].id, staff, zone))
    held = [r for r in nearby if r.held and r.starts_at < ends_at and r.ends_at > starts_at]
    if held and clash is None:
        row = held[0]  # a slot hold, or a waitlist offer (its id negated)
        hold: SlotHold | WaitlistOffer | None = (
            await session.get(SlotHold, row.id)
            if row.id > 0
            else await session.get(WaitlistOffer, -row.id)
        )
        assert hold is not None  # noqa: S101 - read in this transaction a moment ago
        problems.append(
            Problem(
                "held",
                f"{shown_at(hold.starts_at, zone)} with master {staff.name} is held for another "
                f"client until {hold.expires_at.astimezone(zone):%H:%M}",
                {"master": staff.name, "starts_at": hold.starts_at, "until": hold.expires_at},
            )
        )
    week = schedule.week
    if week is not None and not inside(
        windows(week, zone, starts_at, ends_at), starts_at, ends_at
    ):
        local = starts_at.astimezone(zone)
        spans = ", ".join(str(span) for span in week.days[local.weekday()])
        problems.append(
            Problem(
                "outside_hours",
                f"{shown_at(starts_at, zone)}–{ends_at.astimezone(zone):%H:%M} is outside the "
                f"working hours of master {staff.name} "
                f"({WEEKDAYS[local.weekday()]}: {spans or 'day off'})",
                {"master": staff.name, "starts_at": starts_at, "hours": spans or "—"},
            )
        )
    if clash is None and booked:
        other = await session.get(Appointment, booked[0].id)
        assert other is not None  # noqa: S101 - read in this transaction a moment ago
        minutes = int(schedule.buffer.total_seconds() // 60)
        problems.append(
            Problem(
                "buffer",
                f"less than {minutes} min from appointment {other.id} "
                f"({shown_at(other.starts_at, zone)}–{other.ends_at.astimezone(zone):%H:%M}): "
                f"master {staff.name} keeps {minutes} min between appointments",
                {"master": staff.name, "id": other.id, "minutes": minutes},
            )
        )
    if service_id is not None and not await staff_does(
        session, staff_id=staff_id, service_id=service_id
    ):
        service = await get_service(session, service_id=service_id)
        problems.append(
            Problem(
                "not_offered",
                f"master {staff.name} does not do {service.name}",
                {"master": staff.name, "service": service.name},
            )
        )
    return problems


async def _busy(session: AsyncSession, appointment_id: int, zone: ZoneInfo) -> Problem:
    clash = await session.get(Appointment, appointment_id)
    assert clash is not None  # noqa: S101 - read in this transaction a moment ago
    return Problem(
        "busy",
        f"master {clash.staff.name} is busy then: appointment {clash.id} for "
        f"{clash.client.name}, {shown_at(clash.starts_at, zone)} "
        f"until {clash.ends_at.astimezone(zone):%H:%M}",
        {
            "master": clash.staff.name,
            "id": clash.id,
            "client": clash.client.name,
            "starts_at": clash.starts_at,
        },
    )


async def _away(session: AsyncSession, time_off_id: int, staff: Staff, zone: ZoneInfo) -> Problem:
    off = await session.get(TimeOff, time_off_id)
    assert off is not None  # noqa: S101 - read in this transaction a moment ago
    who = f"master {staff.name}" if off.staff_id is not None else "the salon"
    return Problem(
        "time_off",
        f"{who} is away from {shown_at(off.starts_at, zone)} until "
        f"{shown_at(off.ends_at, zone)}" + (f" ({off.reason})" if off.reason else ""),
        {
            "master": staff.name if off.staff_id is not None else "",
            "since": off.starts_at,
            "until": off.ends_at,
            "reason": off.reason or "—",
        },
    )


def apply(
    problems: list[Problem], *, sanity: Sanity, now: datetime, starts_at: datetime
) -> list[Problem]:
    """Raise the first problem that ``sanity`` refuses; return the ones to record."""
    if sanity is Sanity.FORCE or not problems:
        return problems
    if sanity is Sanity.WARN:
        if any(p.code == "busy" for p in problems):
            raise next(p for p in problems if p.code == "busy").error()
        # a row of another system's history: nothing to warn about once it has passed
        return [] if starts_at < now else problems
    raise problems[0].error()
