"""Slot holds in the ledger: a time another client holds is never held twice, even when the
offer was computed before that hold existed (the re-check under the master's lock)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.appointments import CancelledBy
from bot.domain.holds import HoldStatus
from bot.domain.slots import Slot
from bot.ledger.appointments import cancel_appointment, reschedule_appointment
from bot.ledger.holds import Outcome, place_holds, take_hold
from db.models import Appointment, FreedSlot, SlotHold, WaitlistEntry, WaitlistOffer
from tests.conversation.test_reschedule import MADRID, NOW, booking, local
from tests.factories import ADMIN, RULES, make_client


async def test_a_time_held_meanwhile_is_left_out_of_a_later_offer(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    anna = await booking(sessions)
    bea = await booking(sessions, sender="43", name="Bea", phone="+34600111333",
                        starts_at=local(4, 10))  # fmt: skip
    computed = [
        Slot(staff_id=1, staff_name="Vitaly", starts_at=moment,
             ends_at=moment + timedelta(hours=1), local=moment.astimezone(MADRID))
        for moment in (local(3, 17), local(3, 18))
    ]  # fmt: skip
    async with sessions() as session:
        first = await session.get(Appointment, anna)
        assert first is not None
        held = await place_holds(
            session, appointment=first, slots=computed[1:], now=NOW, hold=timedelta(minutes=10)
        )
        assert [h.starts_at for _, h in held] == [local(3, 18)]
        await session.commit()
    async with sessions() as session:  # Bea's offer was computed before Anna's hold existed
        second = await session.get(Appointment, bea)
        assert second is not None
        held = await place_holds(
            session, appointment=second, slots=computed, now=NOW, hold=timedelta(minutes=10)
        )
        assert [h.starts_at for _, h in held] == [local(3, 17)]  # 18:00 is Anna's (until 08:10)
        await session.commit()
        rows = list(await session.scalars(select(SlotHold).order_by(SlotHold.id)))
    assert [(r.client_id, r.starts_at) for r in rows] == [
        (rows[0].client_id, local(3, 18)),
        (rows[1].client_id, local(3, 17)),
    ]
    assert rows[0].client_id != rows[1].client_id


async def _offer(
    sessions: async_sessionmaker[AsyncSession], appointment_id: int, *moments: datetime
) -> list[SlotHold]:
    async with sessions() as session:
        appointment = await session.get(Appointment, appointment_id)
        assert appointment is not None
        slots = [
            Slot(staff_id=appointment.staff_id, staff_name="Vitaly", starts_at=moment,
                 ends_at=moment + timedelta(hours=1), local=moment.astimezone(MADRID))
            for moment in moments
        ]  # fmt: skip
        held = await place_holds(
            session, appointment=appointment, slots=slots, now=NOW, hold=timedelta(minutes=10)
        )
        await session.commit()
        return [hold for _, hold in held]


async def test_cancelling_or_moving_the_booking_frees_its_held_times(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    anna = await booking(sessions)
    await _offer(sessions, anna, local(3, 17), local(3, 18))
    async with sessions() as session:
        await cancel_appointment(
            session,
            appointment_id=anna,
            cancelled_by=CancelledBy.CLIENT,
            late_window=timedelta(hours=24),
            who=ADMIN,
            now=NOW,
        )
        await session.commit()
        statuses = list(await session.scalars(select(SlotHold.status)))
    assert statuses == [HoldStatus.RELEASED, HoldStatus.RELEASED]


async def test_a_tap_on_an_old_offer_leaves_the_fresh_one(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    anna = await booking(sessions)
    [old] = await _offer(sessions, anna, local(3, 17))
    async with sessions() as session:  # an admin moves the booking: version 2
        await reschedule_appointment(
            session, appointment_id=anna, starts_at=local(3, 12), who=ADMIN, now=NOW, rules=RULES
        )
        await session.commit()
    [fresh] = await _offer(sessions, anna, local(3, 18))
    async with sessions() as session:
        hold = await session.get(SlotHold, old.id)
        assert hold is not None
        move = await take_hold(session, hold=hold, who=ADMIN, now=NOW, rules=RULES)
        await session.commit()
        kept = await session.get(SlotHold, fresh.id)
    assert move.outcome is Outcome.STALE
    assert kept is not None
    assert kept.status is HoldStatus.HELD  # the fresh offer still stands


async def test_a_lapsed_hold_does_not_take_a_time_offered_to_a_waiting_client(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    anna = await booking(sessions)
    [hold] = await _offer(sessions, anna, local(3, 18))
    later = NOW + timedelta(minutes=10)  # Anna's hold ran out; 18:00 offered to Bea meanwhile
    async with sessions() as session:
        appointment = await session.get(Appointment, anna)
        assert appointment is not None
        bea = await make_client(session, name="Bea", phone="+34600111333")
        slot = FreedSlot(staff_id=appointment.staff_id, starts_at=local(3, 18),
                         ends_at=local(3, 19), reason="cancelled", created_at=NOW)  # fmt: skip
        session.add(slot)
        await session.flush()
        entry = WaitlistEntry(client_id=bea.id, service_id=appointment.service_id,
                              position=1, source="api", created_at=NOW)  # fmt: skip
        session.add(entry)
        await session.flush()
        session.add(
            WaitlistOffer(freed_slot_id=slot.id, entry_id=entry.id, client_id=bea.id,
                          staff_id=appointment.staff_id, service_id=appointment.service_id,
                          starts_at=local(3, 18), ends_at=local(3, 19), offered_at=later,
                          expires_at=later + timedelta(minutes=15), created_at=later)
        )  # fmt: skip
        await session.commit()
    async with sessions() as session:
        tapped = await session.get(SlotHold, hold.id)
        assert tapped is not None
        move = await take_hold(session, hold=tapped, who=ADMIN, now=later, rules=RULES)
        await session.commit()
        moved = await session.get(Appointment, anna)
    assert move.outcome is Outcome.TAKEN
    assert moved is not None
    assert moved.version == 1  # Anna stays where she was; 18:00 is Bea's to take
