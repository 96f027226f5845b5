"""Slot holds: the free times offered to a client moving a booking, kept for them a while so
that two people cannot take one slot; and the tap on one of them (the chat side is
``bot.conversation.flows.reschedule``).

    held = await place_holds(session, appointment=booking, slots=found, now=now, hold=ten_min)
    move = await take_hold(session, hold=held[0][1], who=who, now=now, rules=reminder_rules)

A hold keeps its time from other clients' slot searches and bookings (``held``) while
``now < expires_at`` (``bot.ledger.held``). A tap moves the booking through the ledger
(``reschedule_appointment``: the booking rules, version up, old reminders void, the new
confirmation planned, the freed slot recorded for the waitlist). With an admin's approval
(``SHOWUP_RESCHEDULE=approve``) the tap only asks (``asked``), keeping the time until the admin
answers or the approval hold runs out.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.appointments import AppointmentStatus
from bot.domain.holds import HoldStatus
from bot.domain.reminders import ReminderRules
from bot.domain.slots import Slot
from bot.errors import ConflictError, IllegalTransitionError, InvalidInputError
from bot.ledger.appointments import Who, reschedule_appointment
from bot.ledger.booking_rules import booking_problems
from bot.ledger.held import release_holds
from db.models import Appointment, SlotHold

OPEN = frozenset({AppointmentStatus.BOOKED, AppointmentStatus.CONFIRMED})


class Outcome(enum.StrEnum):
    MOVED = "moved"  # the booking is at the hold's time now
    ASKED = "asked"  # the admins were asked to approve it
    TAKEN = "taken"  # the time is no longer free (taken meanwhile, or the hold ran out)
    STALE = "stale"  # the booking changed since the offer, or the offer was replaced/answered
    DECLINED = "declined"  # an admin said no


@dataclass(frozen=True, slots=True)
class Move:
    outcome: Outcome
    hold: SlotHold
    appointment: Appointment | None


async def place_holds(
    session: AsyncSession,
    *,
    appointment: Appointment,
    slots: Sequence[Slot],
    now: datetime,
    hold: timedelta,
) -> list[tuple[Slot, SlotHold]]:
    """Hold ``slots`` for the client of ``appointment`` until ``now + hold``; the holds of an
    earlier offer for the same booking are released first. Each time is checked again under the
    master's lock (``booking_problems``), so two clients offered at the same moment are
    serialised per master and never hold the same time: one taken meanwhile is left out."""
    await release_holds(session, appointment_id=appointment.id, now=now)
    length = appointment.ends_at - appointment.starts_at
    kept: list[tuple[Slot, SlotHold]] = []
    for slot in slots:
        problems = await booking_problems(
            session,
            staff_id=slot.staff_id,
            starts_at=slot.starts_at,
            ends_at=slot.starts_at + length,
            now=now,
            ignore_id=appointment.id,
            holder=appointment.client_id,
            offers=True,
        )
        if problems:
            continue
        row = SlotHold(
            staff_id=slot.staff_id,
            service_id=appointment.service_id,
            client_id=appointment.client_id,
            appointment_id=appointment.id,
            appointment_version=appointment.version,
            starts_at=slot.starts_at,
            ends_at=slot.starts_at + length,
            expires_at=now + hold,
            status=HoldStatus.HELD,
            created_at=now,
        )
        session.add(row)
        kept.append((slot, row))
    await session.flush()
    return kept


async def lapse_unanswered(
    session: AsyncSession, *, now: datetime, limit: int = 100
) -> list[SlotHold]:
    """The moves asked for that no admin answered before their approval hold ran out (at
    exactly ``expires_at``): ``lapsed`` now, the time free again (locked rows are skipped on
    PostgreSQL, so two processes never lapse one hold twice)."""
    query = (
        select(SlotHold)
        .where(SlotHold.status == HoldStatus.ASKED, SlotHold.expires_at <= now)
        .order_by(SlotHold.expires_at, SlotHold.id)
        .limit(limit)
    )
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    lapsed = []
    for hold in list(await session.scalars(query)):
        hold.answered_at = now
        if await _current(session, hold, now) is None:  # cancelled or moved meanwhile
            hold.status = HoldStatus.RELEASED  # nothing to tell: the client knows
            continue
        hold.status = HoldStatus.LAPSED
        lapsed.append(hold)
    await session.flush()
    return lapsed


async def client_hold(session: AsyncSession, *, hold_id: int, client_id: int) -> SlotHold | None:
    """The hold ``hold_id`` if it is this client's."""
    hold = await session.get(SlotHold, hold_id)
    return hold if hold is not None and hold.client_id == client_id else None


async def take_hold(
    session: AsyncSession,
    *,
    hold: SlotHold,
    who: Who,
    now: datetime,
    rules: ReminderRules,
    ask_for: timedelta | None = None,
) -> Move:
    """The client tapped ``hold``: move the booking there, or, with ``ask_for`` (approval
    mode), keep the time that long for an admin's answer. A time gone meanwhile is ``taken``
    (even if the hold had run out: then the tap still moves it while the time is free)."""
    hold = await locked(session, hold)
    appointment = await _current(session, hold, now)
    if appointment is None:  # the booking changed since: this offer's times are free again
        await release_holds(
            session, appointment_id=hold.appointment_id, now=now, version=hold.appointment_version
        )
        return Move(Outcome.STALE, hold, None)
    if hold.status in {HoldStatus.USED, HoldStatus.RELEASED, HoldStatus.DECLINED}:
        return Move(Outcome.STALE, hold, appointment)
    if hold.status is HoldStatus.ASKED:
        return Move(Outcome.ASKED, hold, appointment)
    if hold.status is HoldStatus.TAKEN or await _gone(session, hold, now):
        return _taken(hold, appointment, now)
    if ask_for is not None:
        hold.status = HoldStatus.ASKED
        hold.expires_at = max(hold.expires_at, now + ask_for)
        await release_holds(session, appointment_id=appointment.id, now=now, keep=hold.id)
        return Move(Outcome.ASKED, hold, appointment)
    return await _move(session, hold, appointment, who=who, now=now, rules=rules)


async def approve_hold(
    session: AsyncSession, *, hold: SlotHold, who: Who, now: datetime, rules: ReminderRules
) -> Move:
    """An admin approved the move the client asked for (only an ``asked`` hold that has not
    run out moves: once it has, the client was told their visit stays)."""
    hold = await locked(session, hold)
    appointment = await _current(session, hold, now)
    if appointment is None or hold.status is not HoldStatus.ASKED or hold.expires_at <= now:
        return Move(Outcome.STALE, hold, appointment)
    if await _gone(session, hold, now):
        return _taken(hold, appointment, now)
    return await _move(session, hold, appointment, who=who, now=now, rules=rules)


async def decline_hold(session: AsyncSession, *, hold: SlotHold, now: datetime) -> Move:
    """An admin declined the move: the time is free again, the booking stays."""
    hold = await locked(session, hold)
    appointment = await _current(session, hold, now)
    if appointment is None or hold.status is not HoldStatus.ASKED:
        return Move(Outcome.STALE, hold, appointment)
    hold.status = HoldStatus.DECLINED
    hold.answered_at = now
    await session.flush()
    return Move(Outcome.DECLINED, hold, appointment)


async def locked(session: AsyncSession, hold: SlotHold) -> SlotHold:
    """``hold`` read again under a row lock (PostgreSQL; SQLite serialises every write
    transaction): two admins' taps, a client's tap and the lapse job answer it one at a time,
    and each sees what the one before did."""
    fresh = await session.get(SlotHold, hold.id, with_for_update=True, populate_existing=True)
    assert fresh is not None  # noqa: S101 - holds are never deleted but with their booking
    return fresh


async def _current(session: AsyncSession, hold: SlotHold, now: datetime) -> Appointment | None:
    """The booking the hold moves, if still open, in the future and unchanged since the offer
    (read afresh: another transaction may have moved it)."""
    appointment = await session.get(Appointment, hold.appointment_id, populate_existing=True)
    if (
        appointment is None
        or appointment.version != hold.appointment_version
        or appointment.status not in OPEN
        or appointment.starts_at <= now
    ):
        return None
    return appointment


async def _gone(session: AsyncSession, hold: SlotHold, now: datetime) -> bool:
    """The time cannot take the booking any more (booked, held by another, in the past…)."""
    problems = await booking_problems(
        session,
        staff_id=hold.staff_id,
        starts_at=hold.starts_at,
        ends_at=hold.ends_at,
        now=now,
        ignore_id=hold.appointment_id,
        holder=hold.client_id,
        offers=True,  # a time offered to a waiting client is not the mover's
    )
    return bool(problems)


def _taken(hold: SlotHold, appointment: Appointment, now: datetime) -> Move:
    hold.status = HoldStatus.TAKEN
    hold.answered_at = now
    return Move(Outcome.TAKEN, hold, appointment)


async def _move(
    session: AsyncSession,
    hold: SlotHold,
    appointment: Appointment,
    *,
    who: Who,
    now: datetime,
    rules: ReminderRules,
) -> Move:
    try:
        moved = await reschedule_appointment(
            session,
            appointment_id=appointment.id,
            starts_at=hold.starts_at,
            ends_at=hold.ends_at,
            staff_id=hold.staff_id,
            who=who,
            now=now,
            rules=rules,
            reason=f"moved by the client's tap (hold {hold.id})",
        )
    except (ConflictError, InvalidInputError, IllegalTransitionError):
        return _taken(hold, appointment, now)
    hold.status = HoldStatus.USED  # the move released the booking's other holds
    hold.answered_at = now
    await session.flush()
    return Move(Outcome.MOVED, hold, moved)
