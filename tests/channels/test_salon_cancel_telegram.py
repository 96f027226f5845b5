"""An admin's /cancel in the Telegram admin chat: the client hears it from the salon, once, in
their language; a client who cancels in the chat gets the acknowledgement only."""

from __future__ import annotations

from datetime import timedelta

from bot.domain.appointments import AppointmentStatus
from tests.channels.conftest import ADMIN_ID, CLIENT_CHAT, Telegram, book_client
from tests.scheduling.conftest import appointment, outbox

APOLOGY = "К сожалению, нам придётся отменить вашу запись"


async def test_an_admins_cancel_is_told_to_the_client(telegram: Telegram) -> None:
    appointment_id = await book_client(telegram, in_hours=30)  # tomorrow 15:00 Madrid
    await telegram.outbox.drain()  # the booking confirmation

    await telegram.says(ADMIN_ID, f"/cancel {appointment_id}", language="en")

    [answer] = telegram.api.texts(ADMIN_ID)
    assert answer.endswith(
        "cancelled. Its reminders will not be sent; the client will get a message about the "
        "cancellation, with an apology."
    )
    assert (await appointment(telegram.sessions, appointment_id)).status is (
        AppointmentStatus.CANCELLED
    )
    telegram.clock.advance(timedelta(minutes=2))
    assert await telegram.outbox.drain() == 1
    assert await telegram.outbox.drain() == 0
    told = [text for text in telegram.api.texts(CLIENT_CHAT) if APOLOGY in text]
    assert told == [
        "Здравствуйте, Anna! К сожалению, нам придётся отменить вашу запись: Haircut, "
        "мастер Vitaly, 24 ноября (вторник) в 15:00. Приносим извинения за неудобства. "
        "Напишите сюда, и мы с радостью подберём другое время."
    ]


async def test_a_client_who_cancels_is_answered_once(telegram: Telegram) -> None:
    appointment_id = await book_client(telegram, in_hours=30)
    await telegram.outbox.drain()

    await telegram.says(CLIENT_CHAT, "Извините, не смогу прийти")

    assert (await appointment(telegram.sessions, appointment_id)).status is (
        AppointmentStatus.CANCELLED
    )
    answers = telegram.api.texts(CLIENT_CHAT)
    assert "отменена" in answers[-1]
    telegram.clock.advance(timedelta(hours=1))
    assert await telegram.outbox.drain() == 0
    assert telegram.api.texts(CLIENT_CHAT) == answers
    assert not [
        kind
        for kind, _ in await outbox(telegram.sessions, appointment_id)
        if kind == "salon_cancelled"
    ]
