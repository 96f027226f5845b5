"""Waitlist entries in the ledger: added at the end, listed in order, removed, expired, each
with its event; a cancellation or a move notes the freed time in the same transaction."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.appointments import CancelledBy
from bot.domain.waitlist import Availability, EntryStatus, SlotStatus
from bot.errors import ConflictError, InvalidInputError
from bot.ledger import waitlist
from bot.ledger.appointments import cancel_appointment, reschedule_appointment
from db.models import FreedSlot
from tests.conftest import START
from tests.factories import ADMIN, RULES, make_appointment, make_client, make_service, make_staff


async def test_entries_keep_their_order_and_history(session: AsyncSession) -> None:
    service = await make_service(session)
    staff = await make_staff(session)
    anna = await make_client(session)
    boris = await make_client(session, "Boris", "+34600111333")
    first = await waitlist.add_entry(
        session,
        request=waitlist.EntryRequest(
            client_id=anna.id,
            service_id=service.id,
            staff_id=staff.id,
            availability=Availability.parse(["mon-fri"], ["09:00-13:00"]),
            valid_until=START + timedelta(days=7),
        ),
        who=ADMIN,
        now=START,
    )
    second = await waitlist.add_entry(
        session,
        request=waitlist.EntryRequest(client_id=boris.id, service_id=service.id),
        who=ADMIN,
        now=START,
    )
    assert (first.position, second.position) == (1, 2)
    assert first.days == [0, 1, 2, 3, 4]
    assert first.ranges == [["09:00", "13:00"]]
    assert second.days is None
    assert second.ranges is None
    with pytest.raises(ConflictError, match="already waiting"):
        await waitlist.add_entry(
            session,
            request=waitlist.EntryRequest(client_id=anna.id, service_id=service.id),
            who=ADMIN,
            now=START,
        )
    assert [e.id for e in await waitlist.list_entries(session)] == [first.id, second.id]
    await waitlist.remove_entry(session, entry_id=first.id, who=ADMIN, now=START, reason="found")
    assert [e.id for e in await waitlist.list_entries(session)] == [second.id]
    removed = await waitlist.list_entries(session, status=EntryStatus.REMOVED)
    assert [e.id for e in removed] == [first.id]
    kinds = [e.kind for e in await waitlist.entry_events(session, entry_id=first.id)]
    assert kinds == ["added", "removed"]


async def test_an_entry_expires_exactly_at_valid_until(session: AsyncSession) -> None:
    service = await make_service(session)
    anna = await make_client(session)
    entry = await waitlist.add_entry(
        session,
        request=waitlist.EntryRequest(
            client_id=anna.id, service_id=service.id, valid_until=START + timedelta(days=1)
        ),
        who=ADMIN,
        now=START,
    )
    just_before = START + timedelta(days=1) - timedelta(seconds=1)
    assert await waitlist.expire_entries(session, now=just_before, who=ADMIN) == 0
    assert await waitlist.expire_entries(session, now=START + timedelta(days=1), who=ADMIN) == 1
    await session.refresh(entry)
    assert entry.status is EntryStatus.EXPIRED
    with pytest.raises(InvalidInputError) as past:
        await waitlist.add_entry(
            session,
            request=waitlist.EntryRequest(
                client_id=anna.id, service_id=service.id, valid_until=START
            ),
            who=ADMIN,
            now=START,
        )
    assert past.value.field == "valid_until"


async def test_anything_earlier_needs_a_booking_to_move(session: AsyncSession) -> None:
    service = await make_service(session)
    staff = await make_staff(session)
    anna = await make_client(session)
    with pytest.raises(InvalidInputError) as none:
        await waitlist.add_entry(
            session,
            request=waitlist.EntryRequest(client_id=anna.id, service_id=service.id, earlier=True),
            who=ADMIN,
            now=START,
        )
    assert none.value.field == "appointment_id"
    booking = await make_appointment(
        session,
        client=anna,
        staff=staff,
        service=service,
        starts_at=START + timedelta(days=5),
        now=START,
    )
    entry = await waitlist.add_entry(
        session,
        request=waitlist.EntryRequest(client_id=anna.id, service_id=service.id, earlier=True),
        who=ADMIN,
        now=START,
    )
    assert entry.earlier
    assert entry.appointment_id == booking.id


async def test_cancelling_and_moving_note_the_freed_time(session: AsyncSession) -> None:
    service = await make_service(session)
    staff = await make_staff(session)
    anna = await make_client(session)
    one = await make_appointment(
        session,
        client=anna,
        staff=staff,
        service=service,
        starts_at=START + timedelta(days=1),
        now=START,
    )
    two = await make_appointment(
        session,
        client=anna,
        staff=staff,
        service=service,
        starts_at=START + timedelta(days=2),
        now=START,
    )
    await cancel_appointment(
        session,
        appointment_id=one.id,
        cancelled_by=CancelledBy.CLIENT,
        late_window=timedelta(hours=24),
        who=ADMIN,
        now=START,
    )
    await reschedule_appointment(
        session,
        appointment_id=two.id,
        starts_at=START + timedelta(days=3),
        who=ADMIN,
        now=START,
        rules=RULES,
    )
    freed = list(await session.scalars(select(FreedSlot).order_by(FreedSlot.id)))
    assert [(f.starts_at, f.reason, f.status) for f in freed] == [
        (START + timedelta(days=1), "cancelled_by_client", SlotStatus.OPEN),
        (START + timedelta(days=2), "rescheduled", SlotStatus.OPEN),
    ]
    assert all(f.staff_id == staff.id and f.client_id == anna.id for f in freed)


async def test_anything_earlier_from_the_chat_keeps_the_master_and_ends_at_the_booking(
    session: AsyncSession,
) -> None:
    service = await make_service(session)
    staff = await make_staff(session)
    anna = await make_client(session)
    booking = await make_appointment(
        session,
        client=anna,
        staff=staff,
        service=service,
        starts_at=START + timedelta(days=5),
        now=START,
    )
    entry = await waitlist.wait_for_earlier(session, client_id=anna.id, who=ADMIN, now=START)
    assert (entry.service_id, entry.staff_id, entry.appointment_id) == (
        service.id,
        staff.id,
        booking.id,
    )
    assert entry.earlier
    assert entry.valid_until == START + timedelta(days=5)
    again = await waitlist.wait_for_earlier(session, client_id=anna.id, who=ADMIN, now=START)
    assert again.id == entry.id
