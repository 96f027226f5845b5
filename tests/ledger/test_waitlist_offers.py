"""Offering a freed slot: in waitlist order with a 15-minute hold (sequential) or to everyone
at once (broadcast); accepting books it (source ``waitlist``) or moves a booking; a slot gone
gets an honest answer and the entry stays."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.appointments import Actor, AppointmentStatus
from bot.domain.waitlist import EntryStatus, OfferStatus, SlotStatus, WaitlistRules
from bot.ledger import waitlist
from bot.ledger.appointments import BookingRequest, Who, book
from bot.ledger.schedules import add_time_off
from bot.ledger.waitlist_answers import Answer, Outcome, accept_offer, decline_offer
from bot.ledger.waitlist_offers import Round, offer_freed_slots
from bot.ledger.waitlist_report import refill_summary
from db.models import (
    Appointment,
    FreedSlot,
    OutboxStatus,
    ScheduledMessage,
    WaitlistEntry,
    WaitlistEvent,
)
from tests.factories import ADMIN, RULES, make_client
from tests.waitlist_helpers import (
    BROADCAST,
    SEQUENTIAL,
    cancel,
    madrid,
    offer_rows,
    offers,
    small_salon,
)

NOW = madrid(23, 10)  # Monday 10:00 in Madrid
CLIENT = Who(actor=Actor.CLIENT, channel="test")


async def _round(
    sessions: async_sessionmaker[AsyncSession], now: datetime, rules: WaitlistRules = SEQUENTIAL
) -> Round:
    async with sessions() as session:
        done = await offer_freed_slots(session, now=now, rules=rules)
        await session.commit()
        return done


async def _accept(
    sessions: async_sessionmaker[AsyncSession],
    offer_id: int,
    client_id: int,
    now: datetime,
    rules: WaitlistRules = SEQUENTIAL,
) -> Answer:
    async with sessions() as session:
        answer = await accept_offer(
            session,
            offer_id=offer_id,
            client_id=client_id,
            who=CLIENT,
            now=now,
            rules=RULES,
            waitlist_rules=rules,
        )
        await session.commit()
        return answer


async def _entry(sessions: async_sessionmaker[AsyncSession], entry_id: int) -> WaitlistEntry:
    async with sessions() as session:
        found = await session.get(WaitlistEntry, entry_id)
        assert found is not None
        return found


async def test_sequential_one_at_a_time_the_hold_lapses_at_exactly_15_minutes(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    salon = await small_salon(sessions, now=NOW)
    await cancel(sessions, salon.booking, now=NOW)
    first = await _round(sessions, NOW)
    [boris] = await offers(sessions)
    assert first.offered == [boris.id]
    assert (boris.client_id, boris.status) == (salon.boris, OfferStatus.PENDING)
    assert (boris.offered_at, boris.expires_at) == (NOW, NOW + timedelta(minutes=15))
    assert (boris.starts_at, boris.ends_at) == (madrid(24, 15), madrid(24, 16))
    [row] = await offer_rows(sessions)
    assert (row.kind, row.script, row.due_at, row.appointment_id) == (
        "waitlist_offer",
        "waitlist_offer",
        NOW,
        None,
    )

    assert (await _round(sessions, NOW + timedelta(minutes=14, seconds=59))).offered == []
    moved_on = await _round(sessions, NOW + timedelta(minutes=15))
    assert moved_on.lapsed == 1
    lapsed, chloe = await offers(sessions)
    assert lapsed.status is OfferStatus.LAPSED
    assert chloe.client_id == salon.chloe
    assert chloe.expires_at == NOW + timedelta(minutes=30)

    late = await _accept(sessions, boris.id, salon.boris, NOW + timedelta(minutes=16))
    assert late.outcome is Outcome.ANSWERED  # honest: that hold is over
    taken = await _accept(sessions, chloe.id, salon.chloe, NOW + timedelta(minutes=16))
    assert taken.outcome is Outcome.BOOKED
    assert taken.appointment is not None
    async with sessions() as session:
        booked = await session.get(Appointment, taken.appointment.id)
        assert booked is not None
        assert (booked.source, booked.client_id, booked.starts_at) == (
            "waitlist",
            salon.chloe,
            madrid(24, 15),
        )
        confirmation = await session.scalar(
            select(ScheduledMessage).where(
                ScheduledMessage.appointment_id == booked.id,
                ScheduledMessage.kind == "confirmation",
            )
        )
        assert confirmation is not None
        slot = await session.scalar(select(FreedSlot))
        assert slot is not None
        assert (slot.status, slot.filled_appointment_id) == (SlotStatus.FILLED, booked.id)
        summary = await refill_summary(session, start=NOW, end=NOW + timedelta(days=1))
    assert (summary.freed, summary.refilled, str(summary.value)) == (1, 1, "45.00")
    assert (await _entry(sessions, salon.entries[1])).status is EntryStatus.BOOKED
    assert (await _entry(sessions, salon.entries[0])).status is EntryStatus.ACTIVE
    kinds = [e.kind for e in await _events(sessions, salon.entries[1])]
    assert kinds == ["added", "offered", "accepted"]


async def _events(
    sessions: async_sessionmaker[AsyncSession], entry_id: int
) -> list[WaitlistEvent]:
    async with sessions() as session:
        return list(await waitlist.entry_events(session, entry_id=entry_id))


async def test_a_decline_passes_the_slot_on(sessions: async_sessionmaker[AsyncSession]) -> None:
    salon = await small_salon(sessions, now=NOW)
    await cancel(sessions, salon.booking, now=NOW)
    await _round(sessions, NOW)
    [boris] = await offers(sessions)
    async with sessions() as session:
        answer = await decline_offer(
            session, offer_id=boris.id, client_id=salon.boris, who=CLIENT, now=NOW
        )
        await session.commit()
    assert answer.outcome is Outcome.DECLINED
    assert (await _round(sessions, NOW + timedelta(seconds=1))).offered != []
    assert [o.client_id for o in await offers(sessions)] == [salon.boris, salon.chloe]
    assert (await _entry(sessions, salon.entries[0])).status is EntryStatus.ACTIVE
    async with sessions() as session:  # someone else's offer is nobody's to answer
        stranger = await decline_offer(
            session, offer_id=boris.id, client_id=salon.chloe, who=CLIENT, now=NOW
        )
    assert stranger.outcome is Outcome.UNKNOWN


async def test_broadcast_first_acceptance_wins_the_others_hear_it_is_gone(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    salon = await small_salon(sessions, now=NOW)
    await cancel(sessions, salon.booking, now=NOW)
    done = await _round(sessions, NOW, BROADCAST)
    boris, chloe = await offers(sessions)
    assert done.offered == [boris.id, chloe.id]
    assert boris.expires_at == chloe.expires_at == madrid(24, 15)  # until the slot starts
    async with sessions() as session:  # Boris's offer went out; Chloe's not yet
        row = await session.scalar(
            select(ScheduledMessage).where(ScheduledMessage.offer_id == boris.id)
        )
        assert row is not None
        row.status = OutboxStatus.SENT
        await session.commit()
    won = await _accept(sessions, chloe.id, salon.chloe, NOW + timedelta(hours=1), BROADCAST)
    assert won.outcome is Outcome.BOOKED
    lost = await _accept(sessions, boris.id, salon.boris, NOW + timedelta(hours=1), BROADCAST)
    assert lost.outcome is Outcome.GONE
    assert [o.status for o in await offers(sessions)] == [OfferStatus.TAKEN, OfferStatus.ACCEPTED]
    gone = [r for r in await offer_rows(sessions) if r.kind == "waitlist_gone"]
    assert [(r.offer_id, r.script) for r in gone] == [(boris.id, "waitlist_gone")]
    assert (await _entry(sessions, salon.entries[0])).status is EntryStatus.ACTIVE


async def test_a_slot_taken_meanwhile_gets_an_honest_answer(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    salon = await small_salon(sessions, now=NOW)
    await cancel(sessions, salon.booking, now=NOW)
    await _round(sessions, NOW)
    [boris] = await offers(sessions)
    async with sessions() as session:  # the admin books the time by hand meanwhile
        await book(
            session,
            request=BookingRequest(
                client_id=salon.anna,
                staff_id=salon.staff_id,
                service_id=salon.service_id,
                starts_at=madrid(24, 15),
            ),
            who=ADMIN,
            now=NOW,
            rules=RULES,
        )
        await session.commit()
    answer = await _accept(sessions, boris.id, salon.boris, NOW + timedelta(minutes=1))
    assert answer.outcome is Outcome.GONE
    assert (await _entry(sessions, salon.entries[0])).status is EntryStatus.ACTIVE
    async with sessions() as session:
        slot = await session.scalar(select(FreedSlot))
        assert slot is not None
        assert slot.status is SlotStatus.CLOSED
        summary = await refill_summary(session, start=NOW, end=NOW + timedelta(days=1))
    assert summary.refilled == 0


async def test_anything_earlier_moves_the_booking_and_offers_the_old_time(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    salon = await small_salon(sessions, now=NOW)
    async with sessions() as session:  # Chloe has Friday 11:00 and would come earlier
        friday = await book(
            session,
            request=BookingRequest(
                client_id=salon.chloe,
                staff_id=salon.staff_id,
                service_id=salon.service_id,
                starts_at=madrid(27, 11),
            ),
            who=ADMIN,
            now=NOW,
            rules=RULES,
        )
        await waitlist.remove_entry(session, entry_id=salon.entries[0], who=ADMIN, now=NOW)
        await waitlist.remove_entry(session, entry_id=salon.entries[1], who=ADMIN, now=NOW)
        earlier = await waitlist.add_entry(
            session,
            request=waitlist.EntryRequest(
                client_id=salon.chloe, service_id=salon.service_id, earlier=True
            ),
            who=ADMIN,
            now=NOW,
        )
        await session.commit()
    await cancel(sessions, salon.booking, now=NOW)
    await _round(sessions, NOW)
    [offer] = await offers(sessions)
    assert offer.entry_id == earlier.id
    answer = await _accept(sessions, offer.id, salon.chloe, NOW + timedelta(minutes=5))
    assert answer.outcome is Outcome.MOVED
    async with sessions() as session:
        moved = await session.get(Appointment, friday.appointment.id)
        assert moved is not None
        assert (moved.starts_at, moved.version, moved.status) == (
            madrid(24, 15),
            2,
            AppointmentStatus.BOOKED,
        )
        old = await session.scalars(
            select(ScheduledMessage.status).where(
                ScheduledMessage.appointment_id == moved.id, ScheduledMessage.version == 1
            )
        )
        assert set(old) <= {OutboxStatus.VOID, OutboxStatus.SENT}
        freed = list(await session.scalars(select(FreedSlot).order_by(FreedSlot.id)))
    assert [(f.starts_at, f.status) for f in freed] == [
        (madrid(24, 15), SlotStatus.FILLED),
        (madrid(27, 11), SlotStatus.OPEN),  # Friday 11:00 is offered in turn
    ]


async def test_nothing_is_offered_too_soon_and_quiet_hours_wait_for_the_morning(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    salon = await small_salon(sessions, now=NOW)
    # cancelled at 21:00 (the first quiet minute) for 15:00 tomorrow: offered at 09:00
    await cancel(sessions, salon.booking, now=madrid(23, 21))
    await _round(sessions, madrid(23, 21))
    [offer] = await offers(sessions)
    assert (offer.offered_at, offer.expires_at) == (madrid(24, 9), madrid(24, 9, 15))
    [row] = await offer_rows(sessions)
    assert row.due_at == madrid(24, 9)
    # at 13:00 on the day, a slot at exactly 15:00 is still offered; at 13:01 it is closed
    async with sessions() as session:
        slot = await session.scalar(select(FreedSlot))
        assert slot is not None
        slot.status = SlotStatus.OPEN
        await session.commit()
    assert (await _round(sessions, madrid(24, 13))).offered != []  # Boris lapsed: Chloe's turn
    # 15:00 is now too soon, but a start until 15:59 is not: the slot stays open until no start
    # inside the freed hour is two hours away, at 14:00 (a start of 16:00 is not inside it)
    still = await _round(sessions, madrid(24, 13, 59))
    assert (still.lapsed, still.closed) == (1, 0)
    closing = await _round(sessions, madrid(24, 14))
    assert closing.closed == 1


async def test_removing_an_entry_or_an_undeliverable_offer_passes_the_slot_on_at_once(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    salon = await small_salon(sessions, now=NOW)
    await cancel(sessions, salon.booking, now=NOW)
    await _round(sessions, NOW)
    async with sessions() as session:
        await waitlist.remove_entry(session, entry_id=salon.entries[0], who=ADMIN, now=NOW)
        await session.commit()
    assert (await _round(sessions, NOW + timedelta(seconds=1))).offered != []
    boris, chloe = await offers(sessions)
    assert (boris.status, chloe.client_id) == (OfferStatus.DECLINED, salon.chloe)
    async with sessions() as session:  # Chloe's offer could not be sent (no messenger)
        row = await session.scalar(
            select(ScheduledMessage).where(ScheduledMessage.offer_id == chloe.id)
        )
        assert row is not None
        row.status = OutboxStatus.SKIPPED
        await session.commit()
    done = await _round(sessions, NOW + timedelta(seconds=2))
    assert done.offered == []  # nobody is left: the slot waits for someone new
    assert [o.status for o in await offers(sessions)] == [
        OfferStatus.DECLINED,
        OfferStatus.UNDELIVERED,
    ]
    async with sessions() as session:
        dave = await make_client(session, "Dave", "+34600111999")
        await waitlist.add_entry(
            session,
            request=waitlist.EntryRequest(client_id=dave.id, service_id=salon.service_id),
            who=ADMIN,
            now=NOW + timedelta(seconds=3),
        )
        await session.commit()
    joined = await _round(sessions, NOW + timedelta(seconds=4))  # not a minute later: at once
    assert len(joined.offered) == 1
    assert (await offers(sessions))[-1].client_id == dave.id


async def test_a_freed_time_the_master_took_off_meanwhile_is_not_offered(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """The offer checks the slot with the booking rules (time off, hours, buffer), not only for
    another booking: an acceptance would be refused, so nobody is offered it."""
    salon = await small_salon(sessions, now=NOW)
    await cancel(sessions, salon.booking, now=NOW)
    async with sessions() as session:
        await add_time_off(
            session,
            staff_id=salon.staff_id,
            starts_at=madrid(24, 15),  # exactly the freed hour's start
            ends_at=madrid(24, 16),
            who=ADMIN,
            now=NOW,
        )
        await session.commit()
    await _round(sessions, NOW)
    assert await offers(sessions) == []
