"""Which master does which service: a master without a list does every service; with a list,
"any master" slots, booking checks (``not_offered``, forced by an admin) and waitlist offers
follow it. The clock stands at Monday 23 November 2026, 09:00 Madrid."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.errors import ConflictError, InvalidInputError, NotFoundError
from bot.ledger.appointments import BookingRequest, book, reschedule_appointment
from bot.ledger.booking_rules import Sanity
from bot.ledger.slots import find_slots
from bot.ledger.staff_services import (
    refuse_not_offered,
    services_of,
    set_services_of,
    staff_does,
)
from bot.ledger.waitlist_offers import offer_freed_slots
from db.models import AppointmentEvent, WaitlistOffer
from tests.conftest import START
from tests.factories import ADMIN, RULES, make_client, make_service, make_staff
from tests.waitlist_helpers import SEQUENTIAL, cancel, madrid, small_salon


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment in November 2026 given in Madrid time (UTC+1)."""
    return datetime(2026, 11, day, hour, minute, tzinfo=RULES.zone).astimezone(UTC)


async def test_a_master_without_a_list_does_every_service(session: AsyncSession) -> None:
    staff = await make_staff(session)
    cut = await make_service(session, "Haircut")
    assert await services_of(session, staff_id=staff.id) is None
    assert await staff_does(session, staff_id=staff.id, service_id=cut.id)


async def test_the_list_is_set_replaced_and_dropped(session: AsyncSession) -> None:
    staff = await make_staff(session)
    cut, nails, color = (
        await make_service(session, "Haircut"),
        await make_service(session, "Manicure"),
        await make_service(session, "Colour"),
    )
    found = await set_services_of(session, staff_id=staff.id, service_ids=[nails.id, cut.id])
    assert [s.name for s in found or []] == ["Haircut", "Manicure"]
    assert not await staff_does(session, staff_id=staff.id, service_id=color.id)
    found = await set_services_of(session, staff_id=staff.id, service_ids=[color.id, color.id])
    assert [s.name for s in found or []] == ["Colour"]
    assert not await staff_does(session, staff_id=staff.id, service_id=cut.id)
    assert await set_services_of(session, staff_id=staff.id, service_ids=[]) is None
    assert await staff_does(session, staff_id=staff.id, service_id=cut.id)
    with pytest.raises(NotFoundError):
        await set_services_of(session, staff_id=staff.id, service_ids=[999])
    with pytest.raises(NotFoundError):
        await set_services_of(session, staff_id=999, service_ids=None)


async def test_any_master_slots_leave_out_a_master_who_does_not_do_it(
    session: AsyncSession,
) -> None:
    barber, nails = await make_staff(session, "Vitaly"), await make_staff(session, "Marta")
    cut, manicure = await make_service(session, "Haircut"), await make_service(session, "Manicure")
    await set_services_of(session, staff_id=nails.id, service_ids=[manicure.id])

    async def masters(service_id: int, staff_id: int | None = None) -> set[int]:
        found = await find_slots(
            session,
            service_id=service_id,
            staff_id=staff_id,
            start=at(24, 0),
            end=at(25, 0),
            now=START,
        )
        return {slot.staff_id for slot in found}

    assert await masters(cut.id) == {barber.id}  # Marta does manicures only
    assert await masters(manicure.id) == {barber.id, nails.id}  # Vitaly has no list
    assert await masters(cut.id, nails.id) == set()
    with pytest.raises(InvalidInputError) as caught:
        await refuse_not_offered(session, staff_id=nails.id, service=cut)
    assert caught.value.code == "not_offered"
    assert str(caught.value) == "master Marta does not do Haircut"
    await refuse_not_offered(session, staff_id=nails.id, service=manicure)


async def test_booking_a_master_for_a_service_they_do_not_do_is_refused_unless_forced(
    session: AsyncSession,
) -> None:
    nails, barber = await make_staff(session, "Marta"), await make_staff(session, "Vitaly")
    cut, manicure = await make_service(session, "Haircut"), await make_service(session, "Manicure")
    await set_services_of(session, staff_id=nails.id, service_ids=[manicure.id])
    client = await make_client(session)
    request = BookingRequest(
        client_id=client.id, staff_id=nails.id, service_id=cut.id, starts_at=at(24, 10)
    )
    with pytest.raises(ConflictError) as caught:
        await book(session, request=request, who=ADMIN, now=START, rules=RULES)
    assert caught.value.code == "not_offered"
    assert caught.value.params == {"master": "Marta", "service": "Haircut"}
    forced = await book(
        session, request=request, who=ADMIN, now=START, rules=RULES, sanity=Sanity.FORCE
    )
    kinds = await session.scalars(
        select(AppointmentEvent.kind).where(
            AppointmentEvent.appointment_id == forced.appointment.id
        )
    )
    assert "override" in set(kinds)
    # the same master keeps what was booked when it moves; another master must do it
    moved = await reschedule_appointment(
        session,
        appointment_id=forced.appointment.id,
        starts_at=at(24, 12),
        who=ADMIN,
        now=START,
        rules=RULES,
    )
    assert moved.starts_at == at(24, 12)
    other = await book(
        session,
        request=BookingRequest(
            client_id=client.id, staff_id=barber.id, service_id=manicure.id, starts_at=at(25, 10)
        ),
        who=ADMIN,
        now=START,
        rules=RULES,
    )
    olga = await make_staff(session, "Olga")
    await set_services_of(session, staff_id=olga.id, service_ids=[cut.id])
    with pytest.raises(ConflictError) as caught:
        await reschedule_appointment(
            session,
            appointment_id=other.appointment.id,
            starts_at=at(25, 10),
            staff_id=olga.id,
            who=ADMIN,
            now=START,
            rules=RULES,
        )
    assert caught.value.code == "not_offered"
    moved = await reschedule_appointment(
        session,
        appointment_id=other.appointment.id,
        starts_at=at(25, 10),
        staff_id=nails.id,
        who=ADMIN,
        now=START,
        rules=RULES,
    )
    assert moved.staff_id == nails.id


async def test_a_waiting_client_is_offered_only_a_master_who_does_their_service(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    now = madrid(23, 10)
    salon = await small_salon(sessions, now=now)  # Boris and Chloe wait for any master
    async with sessions() as session:
        other = await make_service(session, "Manicure")
        await set_services_of(session, staff_id=salon.staff_id, service_ids=[other.id])
        await session.commit()
    await cancel(sessions, salon.booking, now=now)
    async with sessions() as session:
        await offer_freed_slots(session, now=now, rules=SEQUENTIAL)
        await session.commit()
        assert list(await session.scalars(select(WaitlistOffer))) == []
        await set_services_of(session, staff_id=salon.staff_id, service_ids=None)
        await session.commit()
    async with sessions() as session:  # nobody suited: the worker looks again a minute later
        await offer_freed_slots(session, now=now + timedelta(minutes=1), rules=SEQUENTIAL)
        await session.commit()
        found = list(await session.scalars(select(WaitlistOffer)))
        assert [offer.client_id for offer in found] == [salon.boris]
