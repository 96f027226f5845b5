"""The admin commands as any channel runs them: typed arguments in, texts out, real database."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.admin.commands import MESSAGE_LIMIT, AdminCommands, AdminSetup, split_messages
from bot.clock import ManualClock
from bot.domain.appointments import Actor, AppointmentStatus
from bot.domain.reminders import Script
from bot.ledger.appointments import Who, note_running_late
from bot.ledger.clients import link_identity
from db.models import Appointment, OutboxStatus, ScheduledMessage
from tests.factories import RULES, make_appointment, make_client, make_service, make_staff

ZONE = ZoneInfo("Europe/Madrid")


@pytest.fixture
def commands(sessions: async_sessionmaker[AsyncSession], clock: ManualClock) -> AdminCommands:
    setup = AdminSetup(zone=ZONE, rules=RULES, late_window=timedelta(hours=24), phone_region="ES")
    return AdminCommands(sessions=sessions, setup=setup, clock=clock)


async def _book(
    sessions: async_sessionmaker[AsyncSession],
    clock: ManualClock,
    *,
    hours: float,
    name: str = "Anna",
    phone: str = "+34600111222",
) -> int:
    async with sessions() as session:
        client = await make_client(session, name=name, phone=phone)
        await link_identity(session, client_id=client.id, channel="telegram", external_id=phone)
        appointment = await make_appointment(
            session,
            client=client,
            staff=await make_staff(session, f"Master {name}"),
            service=await make_service(session, f"Cut {name}"),
            starts_at=clock.now() + timedelta(hours=hours),
            now=clock.now(),
        )
        await session.commit()
        return appointment.id


async def run(commands: AdminCommands, line: str) -> list[str]:
    name, _, args = line.removeprefix("/").partition(" ")
    return await commands.run(name, args, admin="900", channel="telegram")


async def _status(sessions: async_sessionmaker[AsyncSession], appointment_id: int) -> Appointment:
    async with sessions() as session:
        found = await session.get(Appointment, appointment_id)
        assert found is not None
        return found


async def test_board_marks_each_state(
    commands: AdminCommands, sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    waiting = await _book(sessions, clock, hours=2, name="Anna", phone="+34600000001")
    late = await _book(sessions, clock, hours=3, name="Bea", phone="+34600000002")
    asked = await _book(sessions, clock, hours=4, name="Carla", phone="+34600000003")
    async with sessions() as session:
        await note_running_late(
            session, appointment_id=late, who=Who(Actor.CLIENT), now=clock.now(), text="10 min"
        )
        session.add(  # the 24 h reminder went out (booked long ago) and got no answer
            ScheduledMessage(
                appointment_id=asked,
                kind="reminder:1d",
                script=Script.REMINDER_ASK.value,
                version=1,
                due_at=clock.now() - timedelta(hours=20),
                status=OutboxStatus.SENT,
                created_at=clock.now() - timedelta(days=2),
            )
        )
        await session.commit()

    [board] = await run(commands, "/today")

    assert board.splitlines()[0] == "Today, Mon 23 Nov 2026 — 3 appointments"
    assert "⏳ 1 awaiting answer · 🏃 1 running late · ❓ 1 no answer to the reminder" in board
    lines = {line.split(" · ")[-1]: line for line in board.splitlines()[2:]}
    assert "awaiting answer" in lines[f"#{waiting}"]
    assert "running late" in lines[f"#{late}"]
    assert "no answer to the reminder" in lines[f"#{asked}"]


async def test_day_needs_a_real_date(commands: AdminCommands) -> None:
    [answer] = await run(commands, "/day 23/11")
    assert answer == "/day needs a date written YYYY-MM-DD, e.g. /day 2026-11-23"
    [empty] = await run(commands, "/day 2026-12-25")
    assert empty.endswith("Nothing booked.")


async def test_marking_goes_through_the_state_machine(
    commands: AdminCommands, sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    appointment_id = await _book(sessions, clock, hours=1)

    [early] = await run(commands, f"/noshow {appointment_id}")
    assert early.startswith(f"/noshow: #{appointment_id} starts ")  # not before the start
    assert (await _status(sessions, appointment_id)).status is AppointmentStatus.BOOKED

    [arrived] = await run(commands, f"/arrived #{appointment_id}")
    assert arrived.endswith(": now arrived.")
    assert (await _status(sessions, appointment_id)).status is AppointmentStatus.ARRIVED

    [again] = await run(commands, f"/cancel {appointment_id}")
    assert again == f"/cancel: #{appointment_id} is marked “arrived”: that can no longer be done."
    [typo] = await run(commands, "/arrived tomorrow")
    assert typo == "/arrived: /arrived needs an appointment number, e.g. /arrived 42"
    [missing] = await run(commands, "/arrived 999")
    assert missing == "/arrived: There is no appointment #999."


async def test_salon_cancellation_is_never_late(
    commands: AdminCommands, sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    appointment_id = await _book(sessions, clock, hours=2)
    [answer] = await run(commands, f"/cancel {appointment_id}")
    assert "cancelled" in answer
    cancelled = await _status(sessions, appointment_id)
    assert cancelled.status is AppointmentStatus.CANCELLED
    assert cancelled.late_cancel is False


async def test_book_one_line(
    commands: AdminCommands, sessions: async_sessionmaker[AsyncSession]
) -> None:
    async with sessions() as session:
        await make_staff(session, "Vitaly")
        await make_service(session, "Haircut")
        await session.commit()

    [booked] = await run(commands, "/book 600 111 222 2026-11-25 14:00 Haircut / Vitaly / Anna")
    [clash] = await run(commands, "/book +34600111333 2026-11-25 14:30 haircut / vitaly / Bea")
    [unknown] = await run(commands, "/book +34600111222 2026-11-25 17:00 Nails / Vitaly")
    [garbled] = await run(commands, "/book tomorrow at five")

    assert booked.startswith("Booked #1 Anna, Wed 25.11 14:00, Haircut with Vitaly (new client).")
    assert "no messenger linked" in booked
    assert clash.startswith("/book: Vitaly is busy then: #1, Anna, Wed 25.11 14:00.")
    assert unknown == "/book: There is no service 'Nails'. Services: Haircut."
    assert garbled.startswith("/book: Write it on one line: /book <phone>")


async def test_client_card_and_search(
    commands: AdminCommands, sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    await _book(sessions, clock, hours=30, name="Anna Petrova", phone="+34600000001")
    await _book(sessions, clock, hours=31, name="Anna Lopez", phone="+34600000002")

    [several] = await run(commands, "/client anna")
    [card] = await run(commands, "/client 600000002")
    [none] = await run(commands, "/client Zoe")

    assert several.startswith("2 clients match:")
    assert card.startswith("👤 Anna Lopez")
    assert "Messengers: Telegram" in card
    assert "Attendance: 1 awaiting answer" in card
    assert none == "No client matches 'Zoe'."


async def test_noshows_lists_the_missed_and_what_they_said(
    commands: AdminCommands, sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    appointment_id = await _book(sessions, clock, hours=1)
    clock.advance(timedelta(hours=2))
    await run(commands, f"/noshow {appointment_id}")

    [report] = await run(commands, "/noshows")

    assert report.startswith(
        "No-shows in the last 7 days: 1 of 1 appointment (100%); no late cancellations"
    )
    assert "Why: no explanation (1)" in report
    assert "no follow-up (marked without the policy)" in report  # these commands have none
    [bad] = await run(commands, "/noshows 0")
    assert "between 1 and 365" in bad


async def test_unknown_command_gets_the_help(commands: AdminCommands) -> None:
    unknown, help_text = await run(commands, "/frobnicate")
    assert unknown == "Unknown command /frobnicate."
    assert "/today" in help_text


def test_long_boards_split_without_cutting_lines() -> None:
    lines = [f"line {n} " + "x" * 90 for n in range(200)]
    messages = split_messages(lines)
    assert len(messages) > 1
    assert all(len(message) <= MESSAGE_LIMIT for message in messages)
    assert "\n".join(messages).splitlines() == lines
