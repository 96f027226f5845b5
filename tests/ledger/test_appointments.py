from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.appointments import Action, Actor, AppointmentStatus, CancelledBy
from bot.errors import ConflictError, IllegalTransitionError
from bot.ledger.appointments import (
    BookingRequest,
    BookingResult,
    Who,
    book,
    cancel_appointment,
    list_events,
    mark_appointment,
    reschedule_appointment,
)
from db.models import Appointment, AppointmentEvent
from tests.conftest import START
from tests.factories import ADMIN, RULES, make_appointment, make_client, make_service, make_staff

TOMORROW = START + timedelta(days=1)
WINDOW = timedelta(hours=24)


async def _setup(session: AsyncSession) -> tuple[int, int, int]:
    client = await make_client(session)
    staff = await make_staff(session)
    service = await make_service(session)
    await session.commit()
    return client.id, staff.id, service.id


async def _book_tomorrow(
    session: AsyncSession, client_id: int, staff_id: int, service_id: int
) -> BookingResult:
    return await book(
        session,
        request=BookingRequest(
            client_id=client_id, staff_id=staff_id, service_id=service_id, starts_at=TOMORROW
        ),
        who=ADMIN,
        now=START,
        rules=RULES,
    )


async def test_booking_records_a_created_event_and_defaults_the_end(session: AsyncSession) -> None:
    client_id, staff_id, service_id = await _setup(session)
    result = await _book_tomorrow(session, client_id, staff_id, service_id)
    await session.commit()
    appointment = result.appointment
    assert result.created
    assert appointment.ends_at - appointment.starts_at == timedelta(minutes=60)
    assert (appointment.status, appointment.version) == (AppointmentStatus.BOOKED, 1)
    events = await list_events(session, appointment_id=appointment.id)
    assert [(e.kind, e.actor, e.channel, e.to_status) for e in events] == [
        ("created", Actor.ADMIN, "test", AppointmentStatus.BOOKED)
    ]


async def test_resending_the_same_external_id_updates_instead_of_duplicating(
    session: AsyncSession,
) -> None:
    client_id, staff_id, service_id = await _setup(session)
    request = BookingRequest(
        client_id=client_id,
        staff_id=staff_id,
        service_id=service_id,
        starts_at=TOMORROW,
        source="yclients",
        external_id="A-1",
    )
    first = await book(session, request=request, who=ADMIN, now=START, rules=RULES)
    again = await book(session, request=request, who=ADMIN, now=START, rules=RULES)
    assert (again.created, again.changed) == (False, False)
    moved = await book(
        session,
        request=replace(request, starts_at=TOMORROW + timedelta(hours=2)),
        who=ADMIN,
        now=START,
        rules=RULES,
    )
    await session.commit()
    assert (moved.created, moved.changed) == (False, True)
    assert moved.appointment.id == first.appointment.id
    assert moved.appointment.version == 2
    count = await session.scalar(select(func.count()).select_from(Appointment))
    assert count == 1


async def test_overlapping_appointment_for_the_same_master_is_refused(
    session: AsyncSession,
) -> None:
    client_id, staff_id, service_id = await _setup(session)
    await _book_tomorrow(session, client_id, staff_id, service_id)
    other = await make_client(session, name="Boris", phone="+34600333444")
    with pytest.raises(ConflictError, match="Vitaly is busy"):
        await book(
            session,
            request=BookingRequest(
                client_id=other.id,
                staff_id=staff_id,
                service_id=service_id,
                starts_at=TOMORROW + timedelta(minutes=30),
            ),
            who=ADMIN,
            now=START,
            rules=RULES,
        )
    back_to_back = await book(
        session,
        request=BookingRequest(
            client_id=other.id,
            staff_id=staff_id,
            service_id=service_id,
            starts_at=TOMORROW + timedelta(minutes=60),
        ),
        who=ADMIN,
        now=START,
        rules=RULES,
    )
    assert back_to_back.created


async def test_a_cancelled_appointment_frees_its_slot(session: AsyncSession) -> None:
    client_id, staff_id, service_id = await _setup(session)
    request = BookingRequest(
        client_id=client_id, staff_id=staff_id, service_id=service_id, starts_at=TOMORROW
    )
    first = await book(session, request=request, who=ADMIN, now=START, rules=RULES)
    await cancel_appointment(
        session,
        appointment_id=first.appointment.id,
        cancelled_by=CancelledBy.CLIENT,
        late_window=WINDOW,
        who=ADMIN,
        now=START,
    )
    second = await book(session, request=request, who=ADMIN, now=START, rules=RULES)
    assert second.created


async def test_reschedule_bumps_version_and_logs_both_times(session: AsyncSession) -> None:
    client_id, staff_id, service_id = await _setup(session)
    booked = await _book_tomorrow(session, client_id, staff_id, service_id)
    await mark_appointment(
        session, appointment_id=booked.appointment.id, action=Action.CONFIRM, who=ADMIN, now=START
    )
    moved = await reschedule_appointment(
        session,
        appointment_id=booked.appointment.id,
        starts_at=TOMORROW + timedelta(days=1),
        who=Who(actor=Actor.CLIENT, channel="telegram"),
        now=START,
        reason="asked to move",
        rules=RULES,
    )
    await session.commit()
    assert moved.version == 2
    assert moved.status is AppointmentStatus.BOOKED
    assert moved.ends_at - moved.starts_at == timedelta(hours=1)
    events = await list_events(session, appointment_id=moved.id)
    assert [e.kind for e in events] == ["created", "confirmed", "rescheduled"]
    assert events[-1].data is not None
    assert events[-1].data["version"] == 2
    assert events[-1].from_status is AppointmentStatus.CONFIRMED


@pytest.mark.parametrize(
    ("hours_before", "by", "late"),
    [
        (30, CancelledBy.CLIENT, False),
        (5, CancelledBy.CLIENT, True),
        (5, CancelledBy.SALON, False),
    ],
)
async def test_cancellation_records_who_and_whether_it_was_late(
    session: AsyncSession, hours_before: int, by: CancelledBy, late: bool
) -> None:
    client_id, staff_id, service_id = await _setup(session)
    booked = await _book_tomorrow(session, client_id, staff_id, service_id)
    cancelled = await cancel_appointment(
        session,
        appointment_id=booked.appointment.id,
        cancelled_by=by,
        late_window=WINDOW,
        who=ADMIN,
        now=TOMORROW - timedelta(hours=hours_before),
    )
    assert (cancelled.status, cancelled.cancelled_by, cancelled.late_cancel) == (
        AppointmentStatus.CANCELLED,
        by,
        late,
    )


async def test_an_illegal_transition_writes_nothing(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session:
        appointment = await make_appointment(
            session,
            client=await make_client(session),
            staff=await make_staff(session),
            service=await make_service(session),
            starts_at=TOMORROW,
            now=START,
        )
        await cancel_appointment(
            session,
            appointment_id=appointment.id,
            cancelled_by=CancelledBy.CLIENT,
            late_window=WINDOW,
            who=ADMIN,
            now=START,
        )
        await session.commit()
    async with sessions() as session:
        with pytest.raises(IllegalTransitionError, match="already cancelled"):
            await mark_appointment(
                session,
                appointment_id=appointment.id,
                action=Action.ARRIVE,
                who=ADMIN,
                now=TOMORROW,
            )
        await session.commit()
    async with sessions() as session:
        stored = await session.get(Appointment, appointment.id)
        assert stored is not None
        assert stored.status is AppointmentStatus.CANCELLED
        kinds = await session.scalars(
            select(AppointmentEvent.kind).where(AppointmentEvent.appointment_id == appointment.id)
        )
        assert list(kinds) == ["created", "cancelled"]


async def test_confirming_twice_records_one_event(session: AsyncSession) -> None:
    client_id, staff_id, service_id = await _setup(session)
    booked = await _book_tomorrow(session, client_id, staff_id, service_id)
    for _ in range(2):
        await mark_appointment(
            session,
            appointment_id=booked.appointment.id,
            action=Action.CONFIRM,
            who=ADMIN,
            now=START,
        )
    events = await list_events(session, appointment_id=booked.appointment.id)
    assert [e.kind for e in events] == ["created", "confirmed"]


async def test_concurrent_bookings_of_one_slot_let_exactly_one_through(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session:
        staff = await make_staff(session)
        service = await make_service(session)
        clients = [
            await make_client(session, name=f"Client {i}", phone=f"+3460011{i:04d}")
            for i in range(6)
        ]
        await session.commit()

    async def attempt(client_id: int) -> bool:
        async with sessions() as session:
            try:
                await book(
                    session,
                    request=BookingRequest(
                        client_id=client_id,
                        staff_id=staff.id,
                        service_id=service.id,
                        starts_at=TOMORROW,
                    ),
                    who=ADMIN,
                    now=START,
                    rules=RULES,
                )
                await session.commit()
            except ConflictError:
                return False
            return True

    outcomes = await asyncio.gather(*(attempt(c.id) for c in clients))
    assert sorted(outcomes) == [False] * 5 + [True]
