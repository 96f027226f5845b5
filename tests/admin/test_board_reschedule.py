"""The board shows a client's pending request to move, with the time they proposed (in the
salon's zone and the admins' language), until an admin answers it or the appointment changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.admin.commands import AdminCommands, AdminSetup
from bot.channels.base import InboundMessage
from bot.clock import ManualClock
from bot.conversation.dialog import Dialog, DialogSetup
from bot.domain.reminders import Script
from bot.ledger.appointments import reschedule_appointment
from bot.ledger.clients import link_identity
from db.models import InboxItem, OutboxStatus, ScheduledMessage
from tests.factories import ADMIN, RULES, make_appointment, make_client, make_service, make_staff
from tests.fakes.scripts import script_book

ZONE = ZoneInfo("Europe/Madrid")


def commands(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock, locale: str
) -> AdminCommands:
    setup = AdminSetup(
        zone=ZONE,
        rules=RULES,
        late_window=timedelta(hours=24),
        phone_region="ES",
        locale=locale,
    )
    return AdminCommands(sessions=sessions, setup=setup, clock=clock)


async def today(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock, locale: str
) -> list[str]:
    [board] = await commands(sessions, clock, locale).run(
        "today", "", admin="900", channel="telegram"
    )
    return board.splitlines()


async def reminded_booking(sessions: async_sessionmaker[AsyncSession], clock: ManualClock) -> int:
    """Carla, today at 13:00 in Madrid; the 24 h reminder went out and got no answer."""
    async with sessions() as session:
        client = await make_client(session, name="Carla", phone="+34600000003")
        client.locale = "en"
        await link_identity(session, client_id=client.id, channel="test", external_id="77")
        appointment = await make_appointment(
            session,
            client=client,
            staff=await make_staff(session, "Marta"),
            service=await make_service(session, "Haircut"),
            starts_at=clock.now() + timedelta(hours=4),
            now=clock.now(),
        )
        session.add(
            ScheduledMessage(
                appointment_id=appointment.id,
                kind="reminder:1d",
                script=Script.REMINDER_ASK.value,
                version=1,
                due_at=clock.now() - timedelta(hours=20),
                status=OutboxStatus.SENT,
                created_at=clock.now() - timedelta(days=2),
            )
        )
        await session.commit()
        return appointment.id


async def client_writes(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock, text: str
) -> None:
    setup = DialogSetup(
        scripts=script_book(),
        zone=ZONE,
        salon_name="Studio",
        default_locale="en",
        late_window=timedelta(hours=24),
    )
    async with sessions() as session:
        await Dialog(session, setup, clock.now()).handle(
            InboundMessage(channel="test", sender="77", text=text)
        )
        await session.commit()


async def test_unanswered_until_the_client_asks_to_move(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    appointment_id = await reminded_booking(sessions, clock)
    assert (await today(sessions, clock, "en"))[2] == (
        f"❓ 13:00–14:00 Carla +34600000003 (test) · Haircut · Marta"
        f" · no answer to the reminder · #{appointment_id}"
    )
    clock.advance(timedelta(minutes=10))
    await client_writes(sessions, clock, "Can't today, sorry, can we do Friday at 5 pm?")

    assert await today(sessions, clock, "en") == [
        "Today, Mon 23 Nov 2026 — 1 appointment",
        "🔁 1 asks to reschedule",
        "🔁 13:00–14:00 Carla +34600000003 (test) · Haircut · Marta"
        f" · asks to reschedule · proposes Fri 27.11 17:00 · #{appointment_id}",
    ]
    assert await today(sessions, clock, "ru") == [
        "Сегодня, пн 23 нояб. 2026 — 1 запись",
        "🔁 1 просит перенести",
        "🔁 13:00–14:00 Carla +34600000003 (test) · Haircut · Marta"
        f" · просит перенести · предлагает пт 27.11 17:00 · #{appointment_id}",
    ]


@pytest.mark.parametrize(
    ("locale", "line"),
    [
        ("en", "· Haircut · Marta · asks to reschedule · #"),
        ("es", "· Haircut · Marta · pide cambiar la cita · #"),
        ("tr", "· Haircut · Marta · randevuyu ertelemek istiyor · #"),
    ],
)
async def test_a_request_without_a_time_shows_no_time(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock, locale: str, line: str
) -> None:
    appointment_id = await reminded_booking(sessions, clock)
    await client_writes(sessions, clock, "Can I reschedule?")
    assert (await today(sessions, clock, locale))[2].endswith(f"{line}{appointment_id}")


async def test_the_time_is_shown_in_the_salons_zone(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    appointment_id = await reminded_booking(sessions, clock)
    async with sessions() as session:
        session.add(
            InboxItem(
                client_id=1,
                appointment_id=appointment_id,
                kind="reschedule_request",
                channel="test",
                text="wednesday late evening?",
                proposed_at=datetime(2026, 11, 25, 23, 30, tzinfo=UTC),  # 00:30 on Thu in Madrid
                created_at=clock.now(),
            )
        )
        await session.commit()
    assert "proposes Thu 26.11 00:30" in (await today(sessions, clock, "en"))[2]


async def test_a_time_chosen_among_the_free_times_is_not_one_the_client_proposed(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    """A tap on a free time ShowUp offered, waiting for an admin's approval."""
    appointment_id = await reminded_booking(sessions, clock)
    async with sessions() as session:
        session.add(
            InboxItem(
                client_id=1,
                appointment_id=appointment_id,
                kind="reschedule_approval",
                channel="test",
                text="",
                proposed_at=datetime(2026, 11, 25, 23, 30, tzinfo=UTC),
                note={"code": "reschedule_approval", "params": {"hold": 1}},
                created_at=clock.now(),
            )
        )
        await session.commit()
    line = (await today(sessions, clock, "en"))[2]
    assert "· chose Thu 26.11 00:30 from the free times offered ·" in line
    assert "proposes" not in line
    assert (
        "· eligió jue 26.11 00:30 entre las horas libres ·"
        in (await today(sessions, clock, "es"))[2]
    )


async def test_an_answered_or_moved_request_is_no_longer_pending(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    first = await reminded_booking(sessions, clock)
    await client_writes(sessions, clock, "Can we do Friday at 5 pm instead?")
    async with sessions() as session:  # the admin moves it to the proposed time
        await reschedule_appointment(
            session,
            appointment_id=first,
            starts_at=datetime(2026, 11, 27, 16, tzinfo=UTC),
            who=ADMIN,
            now=clock.now(),
            rules=RULES,
        )
        await session.commit()
    clock.advance(timedelta(days=4))  # Friday: the moved appointment is simply awaited
    assert "· Haircut · Marta · awaiting answer · #" in (await today(sessions, clock, "en"))[2]


async def test_a_request_an_admin_answered_is_settled(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    await reminded_booking(sessions, clock)
    await client_writes(sessions, clock, "Can we do Friday at 5 pm instead?")
    async with sessions() as session:
        item = await session.scalar(select(InboxItem))
        assert item is not None
        item.handled_at = clock.now()  # as the desk does when an admin replies to it
        await session.commit()
    assert "· no answer to the reminder · #" in (await today(sessions, clock, "en"))[2]


async def test_a_missed_visit_keeps_its_status_and_shows_the_wish_to_rebook(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    appointment_id = await reminded_booking(sessions, clock)
    clock.advance(timedelta(hours=5))
    await commands(sessions, clock, "en").run(
        "noshow", str(appointment_id), admin="900", channel="telegram"
    )
    clock.advance(timedelta(minutes=30))
    async with sessions() as session:  # as the no-show follow-up stores a proposed new time
        session.add(
            InboxItem(
                client_id=1,
                appointment_id=appointment_id,
                kind="reschedule_request",
                channel="test",
                text="So sorry! Could you fit me in on Friday at 5 pm?",
                proposed_at=datetime(2026, 11, 27, 16, tzinfo=UTC),
                created_at=clock.now(),
            )
        )
        await session.commit()
    assert (await today(sessions, clock, "ru"))[2] == (
        "🚫 13:00–14:00 Carla +34600000003 (test) · Haircut · Marta · неявка"
        f" · 🔁 просит записать на другое время, предлагает пт 27.11 17:00 · #{appointment_id}"
    )
