"""Where in freed time a waiting client's visit starts: the freed start, else the first free
start of the master's grid after it that suits them, running on into time free already; a
master's time off removed is freed time too. Monday 23 November 2026, 10:00 in Madrid."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.waitlist import Availability, SlotStatus
from bot.ledger import waitlist
from bot.ledger.schedules import add_time_off, remove_time_off
from bot.ledger.waitlist_offers import offer_freed_slots
from db.models import FreedSlot, Service, Staff, WaitlistEntry, WaitlistOffer
from tests.factories import ADMIN, make_appointment, make_client, make_service
from tests.waitlist_helpers import SEQUENTIAL, cancel, madrid, small_salon

NOW = madrid(23, 10)


async def _only_entry(
    sessions: async_sessionmaker[AsyncSession],
    client_id: int,
    service_id: int,
    times: tuple[str, ...] = (),
) -> None:
    """Everyone off the list but one client, waiting at ``times`` (any day)."""
    async with sessions() as session:
        await session.execute(delete(WaitlistEntry))
        await waitlist.add_entry(
            session,
            request=waitlist.EntryRequest(
                client_id=client_id,
                service_id=service_id,
                availability=Availability.parse(times=times),
            ),
            who=ADMIN,
            now=NOW,
        )
        await session.commit()


async def _offered(sessions: async_sessionmaker[AsyncSession]) -> list[str]:
    async with sessions() as session:
        await offer_freed_slots(session, now=NOW, rules=SEQUENTIAL)
        await session.commit()
        found = await session.scalars(select(WaitlistOffer).order_by(WaitlistOffer.id))
        return [
            f"{o.starts_at.astimezone(SEQUENTIAL.zone):%d %H:%M}-"
            f"{o.ends_at.astimezone(SEQUENTIAL.zone):%H:%M}"
            for o in found
        ]


async def test_a_client_free_only_later_is_offered_the_first_start_that_suits_them(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    salon = await small_salon(sessions, now=NOW)  # Anna 15:00-16:00 on Tuesday 24th
    await _only_entry(sessions, salon.boris, salon.service_id, times=("15:30-19:00",))
    await cancel(sessions, salon.booking, now=NOW)
    # 15:00 does not suit Boris; 15:30 does, running on into 16:00-16:30, free already
    assert await _offered(sessions) == ["24 15:30-16:30"]


async def test_a_longer_service_runs_on_into_free_time_but_not_into_another_booking(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    salon = await small_salon(sessions, now=NOW)
    async with sessions() as session:
        long = await make_service(session, "Colour", minutes=90)
        await session.commit()
    await _only_entry(sessions, salon.boris, long.id)
    await cancel(sessions, salon.booking, now=NOW)
    assert await _offered(sessions) == ["24 15:00-16:30"]


async def test_no_offer_when_the_visit_would_meet_the_next_booking(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    salon = await small_salon(sessions, now=NOW)
    async with sessions() as session:
        long = await make_service(session, "Colour", minutes=90)
        master = await session.get(Staff, salon.staff_id)
        service = await session.get(Service, salon.service_id)
        assert master is not None
        assert service is not None
        await make_appointment(  # Dora 16:00-17:00: a 90-minute visit from 15:00 meets it
            session,
            client=await make_client(session, "Dora", "+34600111299"),
            staff=master,
            service=service,
            starts_at=madrid(24, 16),
            now=NOW,
        )
        await session.commit()
    await _only_entry(sessions, salon.boris, long.id)
    await cancel(sessions, salon.booking, now=NOW)
    assert await _offered(sessions) == []


async def test_a_time_off_removed_is_offered_from_its_first_suitable_start(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    salon = await small_salon(sessions, now=NOW)
    async with sessions() as session:
        off = await add_time_off(
            session,
            staff_id=salon.staff_id,
            starts_at=madrid(25, 9),
            ends_at=madrid(25, 21),
            who=ADMIN,
            now=NOW,
        )
        await session.commit()
    await _only_entry(sessions, salon.boris, salon.service_id, times=("17:00-19:00",))
    async with sessions() as session:
        await remove_time_off(session, time_off_id=off.id, who=ADMIN, now=NOW)
        await session.commit()
        [slot] = list(await session.scalars(select(FreedSlot)))
        assert (slot.reason, slot.status) == ("time_off_removed", SlotStatus.OPEN)
        assert (slot.starts_at, slot.ends_at) == (madrid(25, 9), madrid(25, 21))
    assert await _offered(sessions) == ["25 17:00-18:00"]


async def test_a_time_off_removed_once_it_began_frees_only_what_is_left(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    salon = await small_salon(sessions, now=NOW)
    async with sessions() as session:
        off = await add_time_off(
            session,
            staff_id=None,  # the salon closed: every master is free again
            starts_at=madrid(23, 9),
            ends_at=madrid(23, 21),
            who=ADMIN,
            now=madrid(22, 12),
        )
        await remove_time_off(session, time_off_id=off.id, who=ADMIN, now=NOW)
        await session.commit()
        [slot] = list(await session.scalars(select(FreedSlot)))
        assert (slot.staff_id, slot.starts_at, slot.ends_at) == (
            salon.staff_id,
            NOW,
            madrid(23, 21),
        )
        ended = await add_time_off(
            session,
            staff_id=salon.staff_id,
            starts_at=madrid(23, 8),
            ends_at=NOW,
            who=ADMIN,
            now=madrid(22, 12),
        )
        await remove_time_off(session, time_off_id=ended.id, who=ADMIN, now=NOW)
        await session.commit()
        assert len(list(await session.scalars(select(FreedSlot)))) == 1  # nothing left of it


async def test_a_client_weighing_one_offer_is_not_offered_a_second(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    salon = await small_salon(sessions, now=NOW)  # Boris, then Chloe, wait for any time
    async with sessions() as session:
        master = await session.get(Staff, salon.staff_id)
        service = await session.get(Service, salon.service_id)
        assert master is not None
        assert service is not None
        dora = await make_appointment(
            session,
            client=await make_client(session, "Dora", "+34600111299"),
            staff=master,
            service=service,
            starts_at=madrid(25, 11),
            now=NOW,
        )
        await session.commit()
    await cancel(sessions, salon.booking, now=NOW)
    await cancel(sessions, dora.id, now=NOW)
    async with sessions() as session:
        await offer_freed_slots(session, now=NOW, rules=SEQUENTIAL)
        await session.commit()
        found = list(await session.scalars(select(WaitlistOffer).order_by(WaitlistOffer.id)))
    assert [(o.client_id, o.starts_at) for o in found] == [
        (salon.boris, madrid(24, 15)),
        (salon.chloe, madrid(25, 11)),  # Boris weighs Tuesday: Wednesday goes to Chloe
    ]
