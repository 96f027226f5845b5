"""Conversations as the issue tells them: a new client who ignores "I agree" and later writes
"да, приду"; a cancellation asked back in the middle of the intake; a no-show's answer followed
by a wish for another day. Real SQLite files; each message in its own transaction."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.base import Button, DialogReply, InboundMessage
from bot.clock import ManualClock
from bot.config import Settings
from bot.conversation.dialog import Dialog, DialogSetup
from bot.domain.appointments import Action
from bot.ledger import appointments as ledger
from bot.ledger.attendance import after_no_show, policy_from
from bot.ledger.salon import SALON_ID
from db.models import (
    Appointment,
    Client,
    DialogState,
    InboxItem,
    OutboxStatus,
    Salon,
    ScheduledMessage,
    Service,
    Staff,
)
from tests.factories import ADMIN, make_appointment, make_service, make_staff
from tests.fakes.scripts import script_book

#: per language: the greeting, three intake answers, "yes, I'll come", the thanks for "I agree"
PEOPLE = {
    "ru": (
        "Здравствуйте!",
        ["Из инстаграма", "К Марте, если можно", "Нет, не делала"],
        "да, приду",
        "Спасибо, Marina! Отметили, что правила вам подходят.",
    ),
    "es": (
        "¡Hola!",
        ["Por Instagram", "Con Marta si puede ser", "No, nunca"],
        "sí, iré",
        "¡Gracias, Marina! Hemos anotado que aceptas nuestras normas.",
    ),
}


@pytest.fixture
async def setup(sessions: async_sessionmaker[AsyncSession], settings: Settings) -> DialogSetup:
    async with sessions() as session:
        salon = await session.get(Salon, SALON_ID)
        assert salon is not None
        policy = policy_from(settings, salon)
    return DialogSetup(
        scripts=script_book(),
        zone=policy.zone,
        salon_name="Studio",
        default_locale="en",
        late_window=timedelta(hours=24),
        policy=policy,
    )


class Chat:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        setup: DialogSetup,
        clock: ManualClock,
        language: str = "ru",
    ) -> None:
        self.sessions, self.setup, self.clock, self.language = sessions, setup, clock, language
        self.catalogue: tuple[Staff, Service] | None = None

    async def says(self, text: str = "", *, button: Button | None = None) -> list[DialogReply]:
        message = InboundMessage(
            channel="test",
            sender="77",
            text=text,
            button=button,
            display_name="Marina",
            language_code=self.language,
        )
        async with self.sessions() as session:
            replies = await Dialog(session, self.setup, self.clock.now()).handle(message)
            await session.commit()
        assert replies, f"no answer to {message}"
        return replies

    async def client(self) -> Client:
        async with self.sessions() as session:
            found: Client | None = await session.scalar(select(Client))
            assert found is not None
            return found

    async def state(self) -> str:
        async with self.sessions() as session:
            found: DialogState | None = await session.scalar(select(DialogState))
            assert found is not None
            return found.state

    async def book(self, *, hours: float = 54) -> int:
        """The admin books the client (``/book``, the API…)."""
        client = await self.client()
        async with self.sessions() as session:
            if self.catalogue is None:
                self.catalogue = (await make_staff(session), await make_service(session))
            staff, service = self.catalogue
            appointment = await make_appointment(
                session,
                client=client,
                staff=staff,
                service=service,
                starts_at=self.clock.now() + timedelta(hours=hours),
                now=self.clock.now(),
            )
            await session.commit()
            return appointment.id

    async def status(self, appointment_id: int) -> str:
        async with self.sessions() as session:
            found = await session.get(Appointment, appointment_id)
            assert found is not None
            return found.status.value

    async def inbox(self) -> list[tuple[str, int | None]]:
        async with self.sessions() as session:
            items = await session.scalars(select(InboxItem).order_by(InboxItem.id))
            return [(item.kind, item.appointment_id) for item in items]


async def _no_show(
    sessions: async_sessionmaker[AsyncSession],
    setup: DialogSetup,
    clock: ManualClock,
    missed: int,
) -> None:
    """The admin marks ``missed`` a no-show; "what happened?" is sent."""
    assert setup.policy is not None
    async with sessions() as session:
        await ledger.mark_appointment(
            session, appointment_id=missed, action=Action.MARK_NO_SHOW, who=ADMIN, now=clock.now()
        )
        appointment = await session.get(Appointment, missed)
        assert appointment is not None
        await after_no_show(session, appointment=appointment, policy=setup.policy, now=clock.now())
        await session.execute(
            update(ScheduledMessage)
            .where(ScheduledMessage.appointment_id == missed)
            .values(status=OutboxStatus.SENT, sent_at=clock.now())
        )
        await session.commit()


@pytest.mark.parametrize("language", list(PEOPLE))
async def test_a_new_client_who_ignores_i_agree_and_writes_yes_gets_the_booking_confirmed(
    sessions: async_sessionmaker[AsyncSession],
    setup: DialogSetup,
    clock: ManualClock,
    language: str,
) -> None:
    hello, answers, yes, thanks = PEOPLE[language]
    chat = Chat(sessions, setup, clock, language)
    await chat.says(hello)
    for answer in answers:
        last = await chat.says(answer)
    [rules] = last
    assert [b.intent for b in rules.buttons] == ["agree"]
    booking = await chat.book()

    replies = await chat.says(yes)  # "I agree" ignored; the booking's reply instead

    # the rules were shown minutes ago, right above with their button: not sent again
    assert [r.outcome for r in replies] == ["ack_confirmed"]
    assert await chat.status(booking) == "confirmed"
    assert (await chat.client()).policy_accepted_at is None  # not taken as agreeing
    assert await chat.state() == "policy"

    first = clock.now()
    for _ in range(2):  # tapped, then tapped again: the same thanks, nothing else changes
        [agreed] = await chat.says(button=rules.buttons[0])
        assert agreed.text.startswith(thanks)
        clock.advance(timedelta(minutes=1))
    assert (await chat.client()).policy_accepted_at == first
    assert await chat.state() == "idle"
    assert await chat.status(booking) == "confirmed"
    assert [kind for kind, _ in await chat.inbox()] == []


async def test_the_rules_come_again_after_a_booking_reply_once_a_day_at_most(
    sessions: async_sessionmaker[AsyncSession], setup: DialogSetup, clock: ManualClock
) -> None:
    hello, answers, yes, _ = PEOPLE["ru"]
    chat = Chat(sessions, setup, clock, "ru")
    await chat.says(hello)
    for answer in answers:
        await chat.says(answer)  # the last answer is followed by the rules
    shown = clock.now()
    await chat.book()
    clock.set(shown + timedelta(hours=23, minutes=59, seconds=59))
    assert [r.outcome for r in await chat.says(yes)] == ["ack_confirmed"]
    clock.set(shown + timedelta(hours=24))
    assert [r.outcome for r in await chat.says(yes)] == ["ack_confirmed", "policy"]
    clock.set(shown + timedelta(hours=25))  # shown again an hour ago: not again
    assert [r.outcome for r in await chat.says(yes)] == ["ack_confirmed"]


async def test_a_cancellation_asked_back_in_the_intake_then_the_intake_goes_on(
    sessions: async_sessionmaker[AsyncSession], setup: DialogSetup, clock: ManualClock
) -> None:
    chat = Chat(sessions, setup, clock)
    await chat.says("Здравствуйте!")
    booking = await chat.book()  # e.g. linked to her booking by her phone number
    await chat.says("Из инстаграма")

    [asked] = await chat.says("ок, не приду")  # not sure enough to cancel at once
    assert asked.outcome == "confirm_cancel"
    assert await chat.state() == "cancel?intake:preferred_master"
    replies = await chat.says("да")  # yes, cancel

    assert [r.outcome for r in replies] == ["ack_cancelled", "intake:preferred_master"]
    assert await chat.status(booking) == "cancelled"
    [following] = await chat.says("К любому")  # the intake goes on where it was
    assert following.outcome == "intake:experience"
    assert (await chat.client()).intake == {
        "heard_from": "Из инстаграма",
        "preferred_master": "К любому",
    }


async def test_a_no_shows_answer_then_another_day_is_a_rebooking_request_for_the_missed_visit(
    sessions: async_sessionmaker[AsyncSession], setup: DialogSetup, clock: ManualClock
) -> None:
    chat = Chat(sessions, setup, clock)
    for said in ("Здравствуйте!", "Из инстаграма", "К Марте", "Нет", "Принимаю"):
        await chat.says(said)
    assert await chat.state() == "idle"
    missed = await chat.book(hours=1)
    later = await chat.book(hours=80)  # another visit, on another day
    clock.advance(timedelta(hours=3))
    await _no_show(sessions, setup, clock, missed)

    [thanks] = await chat.says("Проспала, извините")
    assert thanks.outcome == "noshow_reply"
    [wish] = await chat.says("перенесите на четверг")

    assert wish.outcome == "ack_reschedule"
    assert "(четверг)" in wish.text  # the day she named, as the scripts write days
    assert await chat.inbox() == [
        ("noshow_reason", missed),
        ("reschedule_request", missed),  # about the missed visit, not the later one
    ]
    assert await chat.status(later) == "booked"
    assert await chat.state() == "idle"


async def test_the_no_show_question_comes_before_an_intake_left_open(
    sessions: async_sessionmaker[AsyncSession], setup: DialogSetup, clock: ManualClock
) -> None:
    chat = Chat(sessions, setup, clock)
    await chat.says("Здравствуйте!")
    await chat.says("Из инстаграма")  # …and no more: the intake waits on its second step
    missed = await chat.book(hours=1)
    clock.advance(timedelta(hours=3))
    await _no_show(sessions, setup, clock, missed)

    [thanks] = await chat.says("Ой, забыла совсем")
    assert thanks.outcome == "noshow_reply"
    assert await chat.state() == "rebook"  # the intake left open is closed
    [wish] = await chat.says("в пятницу в 15:00 можно?")
    assert wish.outcome == "ack_reschedule"
    assert await chat.inbox() == [("noshow_reason", missed), ("reschedule_request", missed)]
