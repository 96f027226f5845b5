"""Fair to the client who does the right thing, on a real database with the real outbox:
answering the 24 h reminder promptly is never a late cancellation, and a deposit or a block
waits until the client was shown the rules (the first confirmation carries them)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.admin.notes import inbox_note
from bot.admin.texts import AdminTexts
from bot.channels.base import Button, InboundMessage
from bot.clock import ManualClock
from bot.config import Settings
from bot.conversation.dialog import Dialog
from bot.domain.appointments import Actor, CancelledBy
from bot.domain.policy import Rung
from bot.ledger import appointments as ledger
from bot.ledger.attendance import standing
from bot.ledger.links import attach_chat
from db.models import Appointment, Client, ClientEvent, InboxItem, ScheduledMessage
from tests.factories import RULES
from tests.ledger.test_attendance import CLIENT, Salon_, _open, _policy, make_salon

HOUR = timedelta(hours=1)


@pytest.fixture
async def salon(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock, settings: Settings
) -> Salon_:
    return await _open(make_salon(sessions, clock, await _policy(sessions, settings), settings))


async def _book_at_noon_in_three_days(salon: Salon_) -> tuple[int, datetime]:
    """A visit at 12:00 Madrid: its 24 h reminder is due at 12:00 the day before, in the day."""
    local = salon.clock.now().astimezone(salon.policy.zone)
    starts = (local + timedelta(days=3)).replace(hour=12, minute=0, second=0, microsecond=0)
    minutes = (starts - local).total_seconds() / 60
    return await salon.book(in_minutes=minutes), starts


async def _tap_cancel(salon: Salon_, appointment_id: int) -> str:
    async with salon.sessions() as session:
        appointment = await session.get(Appointment, appointment_id)
        assert appointment is not None
        tap = Button("Cancel", "cancel", appointment.id, appointment.version)
        [reply] = await Dialog(session, salon.dialog, salon.clock.now()).handle(
            InboundMessage(channel="test", sender=CLIENT, button=tap)
        )
        await session.commit()
    return reply.text


async def _asking_reminder(salon: Salon_, appointment_id: int) -> ScheduledMessage:
    async with salon.sessions() as session:
        found = await session.scalar(
            select(ScheduledMessage).where(
                ScheduledMessage.appointment_id == appointment_id,
                ScheduledMessage.script == "reminder_ask",
            )
        )
        assert found is not None
        return found


@pytest.mark.parametrize(
    ("after", "late"),
    [
        (timedelta(hours=1, minutes=59), False),  # 1 minute before the grace ends
        (timedelta(hours=2), False),  # exactly at its end
        (timedelta(hours=2, minutes=1), True),  # 1 minute after
    ],
)
async def test_cancel_on_the_24h_reminder_is_on_time_within_the_grace(
    salon: Salon_, after: timedelta, late: bool
) -> None:
    appointment_id, starts = await _book_at_noon_in_three_days(salon)
    salon.clock.set(starts - timedelta(hours=24))  # exactly at the late-cancellation boundary
    await salon.outbox.drain()
    reminder = await _asking_reminder(salon, appointment_id)
    assert reminder.sent_at == starts - timedelta(hours=24)
    assert any(b.intent == "cancel" for b in salon.client_chat.sent[-1].buttons)

    salon.clock.set(starts - timedelta(hours=24) + after)
    text = await _tap_cancel(salon, appointment_id)

    assert (await salon.appointment(appointment_id)).late_cancel is late
    if late:
        assert "counts as a late cancellation" in text
        assert await salon.strikes() == (0.5, Rung.NONE)
    else:
        assert text.startswith("Your visit on ")  # which one: a client may have several
        assert "is cancelled, no problem at all" in text
        assert await salon.strikes() == (0.0, Rung.NONE)
        assert "late_cancel" not in [kind for kind, _ in await salon.events()]


@pytest.mark.parametrize(
    ("after_sending", "late"), [(timedelta(hours=2), False), (timedelta(hours=2, minutes=1), True)]
)
async def test_a_reminder_the_outbox_sent_late_gives_the_grace_from_its_sending(
    salon: Salon_, after_sending: timedelta, late: bool
) -> None:
    """Due at 12:00 the day before; the outbox was down until 15:30 and sent it then."""
    appointment_id, starts = await _book_at_noon_in_three_days(salon)
    sent = starts - timedelta(hours=24) + timedelta(hours=3, minutes=30)
    salon.clock.set(sent)
    await salon.outbox.drain()
    assert (await _asking_reminder(salon, appointment_id)).sent_at == sent

    salon.clock.set(sent + after_sending)
    await _tap_cancel(salon, appointment_id)
    assert (await salon.appointment(appointment_id)).late_cancel is late


async def test_the_reminder_of_the_old_time_opens_no_grace_after_a_move(salon: Salon_) -> None:
    appointment_id, starts = await _book_at_noon_in_three_days(salon)
    salon.clock.set(starts - timedelta(hours=24))
    await salon.outbox.drain()  # version 1's reminder is sent
    async with salon.sessions() as session:
        await ledger.reschedule_appointment(
            session,
            appointment_id=appointment_id,
            starts_at=starts - 2 * HOUR,  # 10:00: version 2 gets no 24 h reminder
            who=ledger.Who(Actor.ADMIN),
            now=salon.clock.now(),
            rules=RULES,
        )
        await session.commit()
    salon.clock.set(starts - timedelta(hours=24) + timedelta(minutes=30))
    await _tap_cancel(salon, appointment_id)  # 21.5 h before the new time
    assert (await salon.appointment(appointment_id)).late_cancel is True


async def _client(salon: Salon_) -> Client:
    return await salon.client()


async def test_the_first_confirmation_carries_the_rules_and_i_agree_once(salon: Salon_) -> None:
    """A client made through the API/CSV/`/book` never saw the intake."""
    assert not (await salon.client()).shown_rules
    first, _ = await _book_at_noon_in_three_days(salon)
    await salon.outbox.drain()
    [message] = salon.client_chat.sent
    assert "Our rules, in short" in message.text
    assert "At 2 we ask for a deposit of 30% with bookings" in message.text
    assert [(b.intent, b.appointment_id) for b in message.buttons] == [("agree", first)]
    client = await salon.client()
    assert client.policy_shown_at == salon.clock.now()
    assert client.policy_accepted_at is None

    await salon.book(in_minutes=60 * 24 * 5)  # the next confirmation: no rules again
    await salon.outbox.drain()
    assert "Our rules" not in salon.client_chat.sent[-1].text
    assert salon.client_chat.sent[-1].buttons == ()

    for _ in range(2):  # tapping "I agree" records it; a second tap changes nothing
        async with salon.sessions() as session:
            await Dialog(session, salon.dialog, salon.clock.now()).handle(
                InboundMessage(channel="test", sender=CLIENT, button=message.buttons[0])
            )
            await session.commit()
        salon.clock.advance(HOUR)
    accepted = (await salon.client()).policy_accepted_at
    assert accepted is not None
    assert accepted < salon.clock.now()  # the first tap's moment, kept


async def test_a_client_who_went_through_the_intake_gets_no_rules_again(salon: Salon_) -> None:
    async def say(text: str) -> list[str]:
        async with salon.sessions() as session:
            replies = await Dialog(session, salon.dialog, salon.clock.now()).handle(
                InboundMessage(channel="test", sender="new-1", text=text, language_code="en")
            )
            await session.commit()
        return [reply.text for reply in replies]

    await say("Hello")
    await say("Instagram")
    await say("anyone")
    [rules] = await say("no")
    assert "A few simple rules" in rules
    async with salon.sessions() as session:
        client = await session.scalar(select(Client).where(Client.name == "New client"))
        assert client is not None
        assert client.policy_shown_at == salon.clock.now()
        assert client.policy_accepted_at is None  # shown, not (yet) agreed: that is enough
        salon.client_id = client.id
    await salon.book(in_minutes=60 * 24 * 3)
    await salon.outbox.drain()
    assert "Our rules" not in salon.client_chat.sent[-1].text
    assert salon.client_chat.sent[-1].buttons == ()


async def _late_cancel(salon: Salon_) -> None:
    appointment_id = await salon.book(in_minutes=120)
    async with salon.sessions() as session:
        cancelled = await ledger.cancel_appointment(
            session,
            appointment_id=appointment_id,
            cancelled_by=CancelledBy.CLIENT,
            late_window=timedelta(hours=24),
            who=ledger.Who(Actor.CLIENT),
            now=salon.clock.now(),
            policy=salon.policy,
        )
        await session.commit()
    assert cancelled.late_cancel


@pytest.fixture
async def strict(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock, settings: Settings
) -> Salon_:
    """A late cancellation weighs a whole strike; the outbox is never run (nothing shown)."""
    policy = await _policy(sessions, settings, late_cancel_weight=1.0)
    return await _open(make_salon(sessions, clock, policy, settings))


async def _held_notes(salon: Salon_, locale: str = "en") -> list[str]:
    """The admins' notes about a rung held back, as the relay words them in ``locale``."""
    async with salon.sessions() as session:
        rows = await session.scalars(select(InboxItem).where(InboxItem.kind == "policy_held"))
        return [inbox_note(row.note, AdminTexts(locale)) or "" for row in rows]


async def test_a_client_never_shown_the_rules_stays_on_the_warning(strict: Salon_) -> None:
    for _ in range(2):
        await _late_cancel(strict)
    client = await strict.client()
    assert client.policy_rung == Rung.WARNING
    async with strict.sessions() as session:
        state = await standing(
            session, client=client, now=strict.clock.now(), rules=strict.policy.rules
        )
    assert (state.strikes, state.rung) == (2.0, Rung.WARNING)
    kinds = [kind for kind, _ in await strict.events()]
    assert kinds == ["late_cancel", "rung:warned", "late_cancel", "rung:held"]
    [note] = await _held_notes(strict)
    assert note.startswith("2 active strikes would mean a deposit")
    async with strict.sessions() as session:
        scripts = list(await session.scalars(select(ScheduledMessage.script)))
    assert "policy_warning" in scripts
    assert "policy_deposit" not in scripts
    assert (await strict.appointment(await strict.book(in_minutes=600))).deposit_due is None

    async with strict.sessions() as session:  # now the rules are shown to them
        shown = await session.get(Client, strict.client_id)
        assert shown is not None
        shown.policy_shown_at = strict.clock.now()
        await session.commit()
    await _late_cancel(strict)
    client = await strict.client()
    assert client.blocked
    assert client.policy_rung == Rung.BLOCKED
    assert len(await _held_notes(strict)) == 1


async def test_a_client_shown_the_rules_gets_the_whole_ladder(strict: Salon_) -> None:
    async with strict.sessions() as session:
        client = await session.get(Client, strict.client_id)
        assert client is not None
        client.policy_accepted_at = strict.clock.now()
        await session.commit()
    for _ in range(2):
        await _late_cancel(strict)
    assert (await strict.client()).policy_rung == Rung.DEPOSIT
    assert await _held_notes(strict) == []
    async with strict.sessions() as session:
        held = await session.scalar(select(ClientEvent).where(ClientEvent.kind == "rung:held"))
    assert held is None


async def test_the_admins_note_is_in_the_salon_language(strict: Salon_) -> None:
    for _ in range(3):
        await _late_cancel(strict)
    notes = await _held_notes(strict, "ru")
    assert notes[0].startswith("2 нарушения в силе — по правилам это предоплата")
    assert "3 нарушения в силе — по правилам это блокировка" in notes[1]


async def test_rules_shown_to_a_stranger_count_once_the_chat_is_linked(salon: Salon_) -> None:
    """A client booked by phone writes on a new chat, goes through the intake (shown the rules)
    as a stranger, then links the chat: the real client has been shown the rules."""
    async with salon.sessions() as session:
        for text in ("Hello", "Instagram", "anyone", "no"):
            await Dialog(session, salon.dialog, salon.clock.now()).handle(
                InboundMessage(channel="test", sender="chat-9", text=text)
            )
        await session.commit()
    async with salon.sessions() as session:
        booked = await session.get(Client, salon.client_id)
        assert booked is not None
        assert not booked.shown_rules
        await attach_chat(session, client=booked, channel="test", external_id="chat-9")
        await session.commit()
    assert (await salon.client()).policy_shown_at == salon.clock.now()
