"""Offering freed slots to the waitlist: one round of the waitlist worker's tick.

Each open freed slot (``freed_slots``, written by the cancellation or the move that freed it) is
looked at under a row lock (``FOR UPDATE SKIP LOCKED`` on PostgreSQL; SQLite serialises every
write transaction), so several processes never offer one slot twice:

1. offers whose hold has lapsed, or whose message could not be delivered, end;
2. while an offer is still open, nothing else happens (sequential: the holder decides;
   broadcast: the first acceptance wins);
3. otherwise the next entries that suit it (``bot.domain.waitlist``) and for whom the master is
   still free (``bot.ledger.waitlist_fit``: at the freed start, or the first free start after
   it that suits them) get an offer, in waitlist order: the first one (sequential) or all
   (broadcast).
   The offer message is an outbox row (``scheduled_messages.offer_id``) due when the offer goes
   out (after quiet hours);
4. a slot that can no longer be offered (it ends within ``min_notice``) is closed.

A slot is looked at again only when something may have changed (``next_check_at``): when its
open offer's hold lapses, at once after an answer, an undelivered offer or a new entry, and
every minute while nobody suits it; so a round stays cheap however many slots wait.

Active entries past their ``valid_until`` expire in the same round.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.appointments import ACTIVE_STATUSES, Actor
from bot.domain.reminders import Script
from bot.domain.waitlist import (
    Availability,
    Candidate,
    EntryStatus,
    FreedInterval,
    OfferStatus,
    OfferTiming,
    SlotStatus,
    WaitlistMode,
    WaitlistRules,
    eligible,
    first_fit,
    hold_lapsed,
    offer_timing,
    useful_from,
)
from bot.ledger.appointments import Who
from bot.ledger.staff_services import does_service
from bot.ledger.waitlist import expire_entries, record
from bot.ledger.waitlist_fit import Starts
from db.models import (
    Appointment,
    Client,
    FreedSlot,
    OutboxStatus,
    ScheduledMessage,
    Service,
    WaitlistEntry,
    WaitlistOffer,
)

SYSTEM = Who(actor=Actor.SYSTEM)
OFFER_KIND = "waitlist_offer"
GONE_KIND = "waitlist_gone"
UNDELIVERED = (OutboxStatus.FAILED, OutboxStatus.SKIPPED, OutboxStatus.VOID)
RECHECK = timedelta(minutes=1)  # a slot nobody suited is looked at again after this


@dataclass
class Round:
    """What one round did."""

    offered: list[int] = field(default_factory=list)  # ids of the offers made
    lapsed: int = 0
    closed: int = 0
    expired_entries: int = 0


def _is_postgres(session: AsyncSession) -> bool:
    return session.bind is not None and session.bind.dialect.name == "postgresql"


async def offer_freed_slots(
    session: AsyncSession, *, now: datetime, rules: WaitlistRules, limit: int = 100
) -> Round:
    """Work through the open freed slots once (see the module); the caller commits."""
    done = Round(expired_entries=await expire_entries(session, now=now, who=SYSTEM))
    await _recheck_undelivered(session)
    query = (
        select(FreedSlot)
        .where(
            FreedSlot.status == SlotStatus.OPEN,
            or_(FreedSlot.next_check_at.is_(None), FreedSlot.next_check_at <= now),
        )
        .order_by(FreedSlot.starts_at, FreedSlot.id)
        .limit(limit)
    )
    if _is_postgres(session):
        query = query.with_for_update(skip_locked=True)
    for slot in list(await session.scalars(query)):
        await _one_slot(session, slot, now=now, rules=rules, done=done)
    await session.flush()
    return done


async def _one_slot(
    session: AsyncSession, slot: FreedSlot, *, now: datetime, rules: WaitlistRules, done: Round
) -> None:
    offers = list(
        await session.scalars(select(WaitlistOffer).where(WaitlistOffer.freed_slot_id == slot.id))
    )
    for offer in offers:
        if offer.status is not OfferStatus.PENDING:
            continue
        if hold_lapsed(expires_at=offer.expires_at, now=now):
            await _end_offer(session, offer, OfferStatus.LAPSED, now=now, kind="lapsed")
            done.lapsed += 1
        elif await _undelivered(session, offer):
            await _end_offer(session, offer, OfferStatus.UNDELIVERED, now=now, kind="undelivered")
    still = [offer.expires_at for offer in offers if offer.status is OfferStatus.PENDING]
    if still:
        slot.next_check_at = min(still)
        return
    _, earliest = useful_from(now=now, rules=rules)
    if slot.ends_at <= earliest:  # no start left that is not too soon
        slot.status = SlotStatus.CLOSED
        slot.closed_at = now
        slot.next_check_at = None
        done.closed += 1
        return
    interval = FreedInterval(
        staff_id=slot.staff_id,
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        freed_by_client=slot.client_id,
    )
    already = {offer.entry_id for offer in offers}
    candidates = [
        c
        for c in await _candidates(session, slot)
        if c.entry_id not in already and eligible(c, interval, now=now)
    ]
    starts = Starts(session, slot, earliest=earliest, step=rules.step, now=now)
    chosen: list[tuple[Candidate, datetime, OfferTiming]] = []
    for candidate in candidates:
        start = first_fit(
            candidate, interval, await starts.of(candidate), now=now, zone=rules.zone
        )
        timing = None if start is None else offer_timing(starts_at=start, now=now, rules=rules)
        if start is not None and timing is not None:
            chosen.append((candidate, start, timing))
            if rules.mode is WaitlistMode.SEQUENTIAL:
                break
    if not chosen:  # nobody for now: look again in a while, or as soon as someone joins
        slot.next_check_at = min(now + RECHECK, slot.ends_at - rules.min_notice)
        return
    slot.next_check_at = min(timing.expires_at for _, _, timing in chosen)
    for candidate, starts_at, timing in chosen:
        offer = WaitlistOffer(
            freed_slot_id=slot.id,
            entry_id=candidate.entry_id,
            client_id=candidate.client_id,
            staff_id=slot.staff_id,
            service_id=candidate.service_id,
            starts_at=starts_at,
            ends_at=starts_at + candidate.duration,
            status=OfferStatus.PENDING,
            offered_at=timing.offered_at,
            expires_at=timing.expires_at,
            created_at=now,
        )
        session.add(offer)
        await session.flush()
        session.add(offer_message(offer_id=offer.id, kind=OFFER_KIND, due_at=timing.offered_at))
        entry = await session.get(WaitlistEntry, candidate.entry_id)
        assert entry is not None  # noqa: S101 - just read as a candidate
        record(
            session,
            entry,
            kind="offered",
            who=SYSTEM,
            at=now,
            offer_id=offer.id,
            data={
                "freed_slot_id": slot.id,
                "starts_at": starts_at.isoformat(),
                "staff_id": slot.staff_id,
                "mode": rules.mode.value,
                "expires_at": timing.expires_at.isoformat(),
            },
        )
        done.offered.append(offer.id)


async def _recheck_undelivered(session: AsyncSession) -> None:
    """A slot whose open offer could not be delivered is looked at now, not when it lapses."""
    stuck = (
        select(WaitlistOffer.freed_slot_id)
        .join(ScheduledMessage, ScheduledMessage.offer_id == WaitlistOffer.id)
        .where(
            WaitlistOffer.status == OfferStatus.PENDING,
            ScheduledMessage.kind == OFFER_KIND,
            ScheduledMessage.status.in_(UNDELIVERED),
        )
    )
    await session.execute(
        update(FreedSlot)
        .where(FreedSlot.status == SlotStatus.OPEN, FreedSlot.id.in_(stuck.scalar_subquery()))
        .values(next_check_at=None)
        .execution_options(synchronize_session=False)
    )


def offer_message(*, offer_id: int, kind: str, due_at: datetime) -> ScheduledMessage:
    """The outbox row of an offer's message (the offer itself, or "it is gone")."""
    script = Script.WAITLIST_OFFER if kind == OFFER_KIND else Script.WAITLIST_GONE
    return ScheduledMessage(
        appointment_id=None,
        offer_id=offer_id,
        kind=kind,
        script=script.value,
        version=1,
        due_at=due_at,
        status=OutboxStatus.PENDING,
        attempts=0,
        created_at=due_at,
    )


async def _candidates(session: AsyncSession, slot: FreedSlot) -> list[Candidate]:
    """The active entries that could take a slot of this master, in waitlist order, but those
    weighing another offer already."""
    rows = await session.execute(
        select(WaitlistEntry, Service.duration_minutes, Client.blocked)
        .join(Service, Service.id == WaitlistEntry.service_id)
        .join(Client, Client.id == WaitlistEntry.client_id)
        .where(
            WaitlistEntry.status == EntryStatus.ACTIVE,
            (WaitlistEntry.staff_id.is_(None)) | (WaitlistEntry.staff_id == slot.staff_id),
            does_service(WaitlistEntry.service_id, slot.staff_id),
            # one open offer per entry: a client weighs one time at a time, and a "yes" in words
            # is never about the wrong one
            ~select(WaitlistOffer.id)
            .where(
                WaitlistOffer.entry_id == WaitlistEntry.id,
                WaitlistOffer.status == OfferStatus.PENDING,
            )
            .exists(),
        )
        .order_by(WaitlistEntry.position)
    )
    found = []
    for entry, minutes, blocked in rows:
        duration = timedelta(minutes=minutes)
        booked_at = None
        if entry.earlier:
            booking = (
                await session.get(Appointment, entry.appointment_id)
                if entry.appointment_id is not None
                else None
            )
            if booking is None or booking.status not in ACTIVE_STATUSES:
                continue  # the booking it would move is gone: an admin looks at it
            booked_at = booking.starts_at
            duration = booking.ends_at - booking.starts_at
        found.append(
            Candidate(
                entry_id=entry.id,
                client_id=entry.client_id,
                staff_id=entry.staff_id,
                duration=duration,
                availability=Availability.from_stored(entry.days, entry.ranges),
                valid_until=entry.valid_until,
                blocked=blocked,
                booked_at=booked_at,
                service_id=entry.service_id,
                appointment_id=entry.appointment_id if entry.earlier else None,
            )
        )
    return found


async def _undelivered(session: AsyncSession, offer: WaitlistOffer) -> bool:
    status = await session.scalar(
        select(ScheduledMessage.status).where(
            ScheduledMessage.offer_id == offer.id, ScheduledMessage.kind == OFFER_KIND
        )
    )
    return status in UNDELIVERED


async def _end_offer(
    session: AsyncSession,
    offer: WaitlistOffer,
    status: OfferStatus,
    *,
    now: datetime,
    kind: str,
    who: Who = SYSTEM,
    reason: str | None = None,
) -> None:
    offer.status = status
    offer.answered_at = offer.answered_at or now
    entry = await session.get(WaitlistEntry, offer.entry_id)
    if entry is not None:
        record(session, entry, kind=kind, who=who, at=now, offer_id=offer.id, reason=reason)
