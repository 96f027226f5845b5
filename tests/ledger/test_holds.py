"""Slot holds in the ledger: a time another client holds is never held twice, even when the
offer was computed before that hold existed (the re-check under the master's lock)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.slots import Slot
from bot.ledger.holds import place_holds
from db.models import Appointment, SlotHold
from tests.conversation.test_reschedule import MADRID, NOW, booking, local


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
