"""A waiting client's answer to an offer: accept (book, or move their booking) or decline.

Accepting runs in the caller's transaction and takes the freed slot's row lock first
(``SELECT … FOR UPDATE`` on PostgreSQL; SQLite serialises every write transaction), then books
through the appointment ledger, whose overlap check locks the master's row too: of several
clients accepting one slot at the same moment, exactly one gets it; the others are told it is
gone and stay on the waitlist. A booking made this way has source ``waitlist``; a move goes
through the ledger's reschedule (version up, old reminders void, new confirmation), and the time
it leaves is offered in turn.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.reminders import ReminderRules
from bot.domain.waitlist import (
    EntryStatus,
    OfferStatus,
    SlotStatus,
    WaitlistRules,
    hold_lapsed,
    offer_timing,
)
from bot.errors import ConflictError, InvalidInputError
from bot.ledger.appointments import BookingRequest, Who, book, reschedule_appointment
from bot.ledger.attendance import AttendancePolicy
from bot.ledger.waitlist import recheck_slot, record
from bot.ledger.waitlist_offers import GONE_KIND, SYSTEM, offer_message
from db.models import (
    Appointment,
    FreedSlot,
    OutboxStatus,
    ScheduledMessage,
    Service,
    WaitlistEntry,
    WaitlistOffer,
)


class Outcome(StrEnum):
    BOOKED = "booked"  # a new appointment, source "waitlist"
    MOVED = "moved"  # the client's booking moved to the freed slot
    DECLINED = "declined"
    GONE = "gone"  # the slot is no longer free (or was taken first): the entry stays active
    LAPSED = "lapsed"  # the hold ran out: the entry stays active
    ANSWERED = "answered"  # the offer was answered before (``offer.status`` says how)
    UNKNOWN = "unknown"  # no such offer for this client


@dataclass(frozen=True, slots=True)
class Answer:
    outcome: Outcome
    offer: WaitlistOffer | None = None
    appointment: Appointment | None = None


async def _locked_offer(
    session: AsyncSession, offer_id: int, client_id: int
) -> tuple[WaitlistOffer, FreedSlot] | None:
    offer = await session.get(WaitlistOffer, offer_id)
    if offer is None or offer.client_id != client_id:
        return None
    lock = select(FreedSlot).where(FreedSlot.id == offer.freed_slot_id)
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        lock = lock.with_for_update()
    slot = (await session.scalars(lock.execution_options(populate_existing=True))).one()
    fresh = await session.scalars(
        select(WaitlistOffer)
        .where(WaitlistOffer.id == offer_id)
        .execution_options(populate_existing=True)
    )
    return fresh.one(), slot


async def accept_offer(
    session: AsyncSession,
    *,
    offer_id: int,
    client_id: int,
    who: Who,
    now: datetime,
    rules: ReminderRules,
    waitlist_rules: WaitlistRules,
    policy: AttendancePolicy | None = None,
) -> Answer:
    """``client_id`` takes offer ``offer_id`` (see the module); the caller commits."""
    found = await _locked_offer(session, offer_id, client_id)
    if found is None:
        return Answer(Outcome.UNKNOWN)
    offer, slot = found
    if offer.status is not OfferStatus.PENDING:
        taken = offer.status in (OfferStatus.TAKEN, OfferStatus.GONE)
        return Answer(Outcome.GONE if taken else Outcome.ANSWERED, offer)
    entry = await session.get(WaitlistEntry, offer.entry_id)
    assert entry is not None  # noqa: S101 - the foreign key guarantees it
    if hold_lapsed(expires_at=offer.expires_at, now=now):
        _end(session, offer, entry, OfferStatus.LAPSED, now=now, who=who)
        return Answer(Outcome.LAPSED, offer)
    if slot.status is not SlotStatus.OPEN or entry.status is not EntryStatus.ACTIVE:
        _end(session, offer, entry, OfferStatus.GONE, now=now, who=who)
        return Answer(Outcome.GONE, offer)
    moving = entry.earlier and entry.appointment_id is not None
    try:
        async with session.begin_nested():
            if moving:
                assert entry.appointment_id is not None  # noqa: S101 - checked just above
                appointment = await reschedule_appointment(
                    session,
                    appointment_id=entry.appointment_id,
                    starts_at=offer.starts_at,
                    ends_at=offer.ends_at,
                    staff_id=offer.staff_id,
                    who=who,
                    now=now,
                    rules=rules,
                    reason=f"took a freed slot from the waitlist (offer {offer.id})",
                )
            else:
                appointment = (
                    await book(
                        session,
                        request=BookingRequest(
                            client_id=client_id,
                            staff_id=offer.staff_id,
                            service_id=offer.service_id,
                            starts_at=offer.starts_at,
                            ends_at=offer.ends_at,
                            source="waitlist",
                            notes=f"from the waitlist (offer {offer.id})",
                        ),
                        who=who,
                        now=now,
                        rules=rules,
                        policy=policy,
                    )
                ).appointment
    except (ConflictError, InvalidInputError) as exc:
        _end(session, offer, entry, OfferStatus.GONE, now=now, who=who, reason=str(exc))
        if exc.code == "busy":  # somebody else has that time now
            slot.status = SlotStatus.CLOSED
            slot.closed_at = now
        else:  # this client cannot take it (blocked meanwhile…): the next one may
            await recheck_slot(session, slot_id=slot.id)
        return Answer(Outcome.GONE, offer)
    offer.status = OfferStatus.ACCEPTED
    offer.answered_at = now
    offer.appointment_id = appointment.id
    entry.status = EntryStatus.BOOKED
    entry.ended_at = now
    record(
        session,
        entry,
        kind="accepted",
        who=who,
        at=now,
        offer_id=offer.id,
        data={"appointment_id": appointment.id, "moved": moving},
    )
    slot.status = SlotStatus.FILLED
    slot.closed_at = now
    slot.filled_appointment_id = appointment.id
    slot.filled_price = await session.scalar(
        select(Service.price).where(Service.id == appointment.service_id)
    )
    await _tell_the_others(session, slot, offer, now=now, rules=waitlist_rules)
    await session.flush()
    return Answer(Outcome.MOVED if moving else Outcome.BOOKED, offer, appointment)


async def _tell_the_others(
    session: AsyncSession,
    slot: FreedSlot,
    winner: WaitlistOffer,
    *,
    now: datetime,
    rules: WaitlistRules,
) -> None:
    """The other open offers of the slot end as taken; whoever already got theirs is told,
    kindly, that it is gone (after quiet hours)."""
    others = await session.scalars(
        select(WaitlistOffer).where(
            WaitlistOffer.freed_slot_id == slot.id,
            WaitlistOffer.id != winner.id,
            WaitlistOffer.status == OfferStatus.PENDING,
        )
    )
    for other in list(others):
        entry = await session.get(WaitlistEntry, other.entry_id)
        assert entry is not None  # noqa: S101 - the foreign key guarantees it
        _end(session, other, entry, OfferStatus.TAKEN, now=now, who=SYSTEM)
        sent = await session.scalar(
            select(ScheduledMessage.status).where(
                ScheduledMessage.offer_id == other.id, ScheduledMessage.kind != GONE_KIND
            )
        )
        if sent in (OutboxStatus.SENT, OutboxStatus.SENDING):
            notice = replace(rules, min_notice=timedelta(0))  # worth it until the slot starts
            timing = offer_timing(starts_at=other.starts_at, now=now, rules=notice)
            due = timing.offered_at if timing is not None else now
            session.add(offer_message(offer_id=other.id, kind=GONE_KIND, due_at=due))


async def decline_offer(
    session: AsyncSession, *, offer_id: int, client_id: int, who: Who, now: datetime
) -> Answer:
    """``client_id`` says no to offer ``offer_id``: it ends (sequential: the next waiting client
    gets it at the worker's next tick); the entry stays on the waitlist."""
    found = await _locked_offer(session, offer_id, client_id)
    if found is None:
        return Answer(Outcome.UNKNOWN)
    offer, _ = found
    if offer.status is not OfferStatus.PENDING:
        return Answer(Outcome.ANSWERED, offer)
    entry = await session.get(WaitlistEntry, offer.entry_id)
    assert entry is not None  # noqa: S101 - the foreign key guarantees it
    _end(session, offer, entry, OfferStatus.DECLINED, now=now, who=who)
    await recheck_slot(session, slot_id=offer.freed_slot_id)  # the next client's turn, now
    await session.flush()
    return Answer(Outcome.DECLINED, offer)


def _end(
    session: AsyncSession,
    offer: WaitlistOffer,
    entry: WaitlistEntry,
    status: OfferStatus,
    *,
    now: datetime,
    who: Who,
    reason: str | None = None,
) -> None:
    offer.status = status
    offer.answered_at = now
    record(session, entry, kind=status.value, who=who, at=now, offer_id=offer.id, reason=reason)
