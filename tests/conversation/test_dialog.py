"""The dialog engine against a real database: intake, replies, buttons, the admin inbox."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.admin.texts import AdminTexts
from bot.channels.base import Button, DialogReply, InboundMessage
from bot.clock import ManualClock
from bot.conversation.dialog import Dialog, DialogSetup
from bot.hub.admin_side import AdminBroadcast
from bot.hub.relay import InboxRelay
from bot.ledger.appointments import list_events, reschedule_appointment
from bot.ledger.clients import link_identity
from db.models import Appointment, Client, DialogState, InboxItem
from tests.factories import ADMIN, RULES, make_appointment, make_client, make_service, make_staff
from tests.fakes.channels import RecordingChannel
from tests.fakes.scripts import script_book

MADRID = ZoneInfo("Europe/Madrid")


@pytest.fixture
def setup() -> DialogSetup:
    return DialogSetup(
        scripts=script_book(),
        zone=MADRID,
        salon_name="Studio",
        default_locale="en",
        late_window=timedelta(hours=24),
    )


async def say(
    sessions: async_sessionmaker[AsyncSession],
    setup: DialogSetup,
    clock: ManualClock,
    message: InboundMessage,
) -> list[DialogReply]:
    """Each message in its own session and transaction, as the channels will do."""
    async with sessions() as session:
        replies = await Dialog(session, setup, clock.now()).handle(message)
        await session.commit()
    return replies


async def booked_client(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock, *, hours_ahead: int = 54
) -> int:
    async with sessions() as session:
        client = await make_client(session)
        client.locale = "ru"
        await link_identity(session, client_id=client.id, channel="test", external_id="42")
        appointment = await make_appointment(
            session,
            client=client,
            staff=await make_staff(session),
            service=await make_service(session),
            starts_at=clock.now() + timedelta(hours=hours_ahead),
            now=clock.now(),
        )
        state = DialogState(client_id=client.id, state="idle", updated_at=clock.now())
        session.add(state)
        await session.commit()
        return appointment.id


async def stored(sessions: async_sessionmaker[AsyncSession], appointment_id: int) -> Appointment:
    async with sessions() as session:
        found = await session.get(Appointment, appointment_id)
        assert found is not None
        return found


async def inbox(sessions: async_sessionmaker[AsyncSession]) -> list[InboxItem]:
    async with sessions() as session:
        return list(await session.scalars(select(InboxItem).order_by(InboxItem.id)))


async def test_a_stranger_goes_through_intake_and_policy_in_their_language(
    sessions: async_sessionmaker[AsyncSession], setup: DialogSetup, clock: ManualClock
) -> None:
    def msg(text: str = "", button: Button | None = None) -> InboundMessage:
        return InboundMessage(
            channel="test",
            sender="777",
            text=text,
            button=button,
            display_name="Mercedes",
            language_code="es-ES",
        )

    first = await say(sessions, setup, clock, msg("Hola"))
    assert "¿Cómo conociste «Studio»" in first[0].text
    second = await say(sessions, setup, clock, msg("Por Instagram, tenéis buenas fotos"))
    assert "profesional" in second[0].text
    await say(sessions, setup, clock, msg("Con Marta si puede ser"))
    policy = await say(sessions, setup, clock, msg("Sí, me quemaron el pelo una vez"))
    assert "24 horas" in policy[0].text
    assert [b.intent for b in policy[0].buttons] == ["agree"]
    await say(sessions, setup, clock, msg(button=policy[0].buttons[0]))
    async with sessions() as session:
        client = await session.scalar(select(Client))
        assert client is not None
        assert (client.name, client.locale, client.heard_from) == (
            "Mercedes",
            "es",
            "Por Instagram, tenéis buenas fotos",
        )
        assert client.intake == {
            "heard_from": "Por Instagram, tenéis buenas fotos",
            "preferred_master": "Con Marta si puede ser",
            "experience": "Sí, me quemaron el pelo una vez",
        }
        assert client.policy_accepted_at == clock.now()


async def test_free_text_cancels_the_next_appointment(
    sessions: async_sessionmaker[AsyncSession], setup: DialogSetup, clock: ManualClock
) -> None:
    appointment_id = await booked_client(sessions, clock, hours_ahead=5)
    replies = await say(
        sessions, setup, clock, InboundMessage(channel="test", sender="42", text="не смогу")
    )
    assert replies[0].text.startswith("Запись на ")  # which visit: she may have several
    assert "отменена. До визита осталось менее чем 24 часа" in replies[0].text
    after = await stored(sessions, appointment_id)
    assert (
        after.status.value,
        after.late_cancel,
        after.cancelled_by.value if after.cancelled_by else None,
    ) == ("cancelled", True, "client")
    async with sessions() as session:
        events = await list_events(session, appointment_id=appointment_id)
    assert (events[-1].kind, events[-1].actor.value, events[-1].channel) == (
        "cancelled",
        "client",
        "test",
    )


async def test_a_confirm_button_confirms_and_a_stale_one_changes_nothing(
    sessions: async_sessionmaker[AsyncSession], setup: DialogSetup, clock: ManualClock
) -> None:
    appointment_id = await booked_client(sessions, clock)
    old_button = Button("Да, приду", "confirm", appointment_id, 1)
    async with sessions() as session:
        await reschedule_appointment(
            session,
            appointment_id=appointment_id,
            starts_at=clock.now() + timedelta(days=4),
            who=ADMIN,
            now=clock.now(),
            rules=RULES,
        )
        await session.commit()
    stale = await say(
        sessions, setup, clock, InboundMessage(channel="test", sender="42", button=old_button)
    )
    assert "ничего не изменилось" in stale[0].text
    assert (await stored(sessions, appointment_id)).status.value == "booked"
    fresh = Button("Да, приду", "confirm", appointment_id, 2)
    confirmed = await say(
        sessions, setup, clock, InboundMessage(channel="test", sender="42", button=fresh)
    )
    assert confirmed[0].text.startswith("Спасибо, Anna!")
    assert (await stored(sessions, appointment_id)).status.value == "confirmed"


async def test_a_reschedule_request_reaches_the_admins_with_the_proposed_time(
    sessions: async_sessionmaker[AsyncSession], setup: DialogSetup, clock: ManualClock
) -> None:
    appointment_id = await booked_client(sessions, clock)
    replies = await say(
        sessions,
        setup,
        clock,
        InboundMessage(
            channel="test", sender="42", text="Сегодня не смогу, можно в пятницу в 17:00?"
        ),
    )
    # as the confirmation writes days, the hour on the salon's (English) clock
    assert "27 ноября (пятница), 17:00" in replies[0].text
    items = await inbox(sessions)
    assert [(i.kind, i.appointment_id) for i in items] == [("reschedule_request", appointment_id)]
    assert items[0].proposed_at is not None
    assert items[0].proposed_at.astimezone(MADRID).strftime("%a %H:%M") == "Fri 17:00"
    assert (await stored(sessions, appointment_id)).status.value == "booked"


@pytest.mark.parametrize(
    ("message", "kind", "script_start"),
    [
        (
            InboundMessage(channel="test", sender="42", text="А сколько стоит окрашивание?"),
            "other",
            "Спасибо! Мы передали",
        ),
        (
            InboundMessage(channel="test", sender="42", kind="voice"),
            "other",
            "Спасибо! Мы передали",
        ),
        (
            InboundMessage(channel="test", sender="42", text="Опаздываю на 10 минут"),
            "running_late",
            "Спасибо, что предупредили",
        ),
    ],
)
async def test_what_needs_a_human_goes_to_the_inbox(
    sessions: async_sessionmaker[AsyncSession],
    setup: DialogSetup,
    clock: ManualClock,
    message: InboundMessage,
    kind: str,
    script_start: str,
) -> None:
    await booked_client(sessions, clock)
    replies = await say(sessions, setup, clock, message)
    assert replies[0].text.startswith(script_start)
    assert [i.kind for i in await inbox(sessions)] == [kind]


async def test_an_unsure_cancellation_is_asked_back_and_one_tap_cancels(
    sessions: async_sessionmaker[AsyncSession], setup: DialogSetup, clock: ManualClock
) -> None:
    appointment_id = await booked_client(sessions, clock)
    asked = await say(
        sessions, setup, clock, InboundMessage(channel="test", sender="42", text="нет")
    )
    assert asked[0].outcome == "confirm_cancel"
    assert asked[0].text.startswith("Отменить вашу запись")
    assert [(b.label, b.intent, b.appointment_id) for b in asked[0].buttons] == [
        ("Да, отменить", "cancel", appointment_id),
        ("Нет, я приду", "confirm", appointment_id),
    ]
    assert (await stored(sessions, appointment_id)).status.value == "booked"
    tap = InboundMessage(channel="test", sender="42", button=asked[0].buttons[0])
    cancelled = await say(sessions, setup, clock, tap)
    assert cancelled[0].outcome == "ack_cancelled"
    assert (await stored(sessions, appointment_id)).status.value == "cancelled"


@pytest.mark.parametrize(("answer", "status"), [("да", "cancelled"), ("нет", "confirmed")])
async def test_a_typed_answer_to_the_question_back_is_understood(
    sessions: async_sessionmaker[AsyncSession],
    setup: DialogSetup,
    clock: ManualClock,
    answer: str,
    status: str,
) -> None:
    appointment_id = await booked_client(sessions, clock)
    first = InboundMessage(channel="test", sender="42", text="👎")
    assert (await say(sessions, setup, clock, first))[0].outcome == "confirm_cancel"
    await say(sessions, setup, clock, InboundMessage(channel="test", sender="42", text=answer))
    assert (await stored(sessions, appointment_id)).status.value == status


async def test_a_question_about_cancelling_cancels_nothing(
    sessions: async_sessionmaker[AsyncSession], setup: DialogSetup, clock: ManualClock
) -> None:
    appointment_id = await booked_client(sessions, clock)
    question = InboundMessage(channel="test", sender="42", text="как отменить если что?")
    replies = await say(sessions, setup, clock, question)
    assert replies[0].outcome == "fallback"
    assert (await stored(sessions, appointment_id)).status.value == "booked"
    assert [(i.kind, i.appointment_id) for i in await inbox(sessions)] == [
        ("other", appointment_id)
    ]


async def test_a_time_relative_to_the_booking_is_proposed_to_the_admins(
    sessions: async_sessionmaker[AsyncSession], setup: DialogSetup, clock: ManualClock
) -> None:
    appointment_id = await booked_client(sessions, clock)
    later = InboundMessage(channel="test", sender="42", text="А можно на час позже?")
    await say(sessions, setup, clock, later)
    [item] = await inbox(sessions)
    start = (await stored(sessions, appointment_id)).starts_at
    assert item.kind == "reschedule_request"
    assert item.proposed_at is not None
    assert item.proposed_at == start + timedelta(hours=1)


async def test_a_stranger_with_no_language_code_is_answered_in_the_language_they_wrote(
    sessions: async_sessionmaker[AsyncSession], setup: DialogSetup, clock: ManualClock
) -> None:
    stranger = InboundMessage(
        channel="whatsapp", sender="905551112233", text="Merhaba, randevu almak istiyorum"
    )
    replies = await say(sessions, setup, clock, stranger)
    async with sessions() as session:
        client = await session.scalar(select(Client))
        assert client is not None
        assert client.locale == "tr"
    # "I'd like an appointment" reads as a booking matter: passed on, then the intake
    assert [reply.outcome for reply in replies] == ["fallback", "intake:heard_from"]
    assert replies[-1].text == setup.scripts.render_step(
        "heard_from", locale="tr", variables={"client_name": "New client", "salon_name": "Studio"}
    )


async def test_a_stranger_without_a_profile_name_is_known_to_the_admins_by_their_number(
    sessions: async_sessionmaker[AsyncSession], setup: DialogSetup, clock: ManualClock
) -> None:
    """A WhatsApp profile with no name: the admins read the number, not "New client"; the
    client is never called by it."""
    stranger = InboundMessage(
        channel="whatsapp",
        sender="34600111222",
        text="Hola, ¿tenéis hora el viernes?",
        language_code="es",
        phone="+34600111222",
    )
    replies = await say(sessions, setup, clock, stranger)
    assert replies
    assert all("34600111222" not in reply.text for reply in replies)
    async with sessions() as session:
        client = await session.scalar(select(Client))
        assert client is not None
        assert client.name == "+34600111222"
        session.add(
            InboxItem(
                client_id=client.id,
                kind="new_client",
                channel="whatsapp",
                text=stranger.text,
                created_at=clock.now(),
            )
        )
        await session.commit()
    admins = RecordingChannel("telegram")
    relay = InboxRelay(
        sessions=sessions,
        broadcast=AdminBroadcast(admins, ["900"]),
        clock=clock,
        zone=MADRID,
        texts=AdminTexts("es"),
    )
    assert await relay.relay() == 1
    [forwarded] = admins.sent
    assert forwarded.text.splitlines()[0].endswith(": +34600111222 · WhatsApp")
    assert "New client" not in forwarded.text
