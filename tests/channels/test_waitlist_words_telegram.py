"""The waitlist in words on Telegram, through the front desk as a messenger delivers it: a typed
"yes please" books an offered slot, "anything earlier?" puts a client with a booking on the list
and the admins get a note in their inbox."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from db.models import Appointment, WaitlistEntry
from tests.channels.conftest import ADMIN_ID, CLIENT_CHAT, Telegram, book_client
from tests.channels.waitlist_setup import WAITING_CHAT, offer_to_boris


async def test_a_typed_yes_takes_the_offer(telegram: Telegram) -> None:
    offered = await offer_to_boris(telegram)  # Anna (chat 111) cancelled
    await telegram.outbox.drain()
    telegram.clock.advance(timedelta(minutes=2))

    await telegram.says(WAITING_CHAT, "yes please")

    assert telegram.api.texts(WAITING_CHAT)[-1].startswith("Done, it's yours: ")
    async with telegram.sessions() as session:
        taken = list(
            await session.scalars(
                select(Appointment).where(Appointment.client_id == offered.boris)
            )
        )
    assert [a.source for a in taken] == ["waitlist"]


async def test_anything_earlier_joins_the_list_and_the_admins_hear(telegram: Telegram) -> None:
    booked = await book_client(telegram, in_hours=30, locale="en")

    await telegram.says(CLIENT_CHAT, "anything earlier?")

    assert "You're on the waitlist for an earlier time" in telegram.api.texts(CLIENT_CHAT)[-1]
    async with telegram.sessions() as session:
        entries = list(await session.scalars(select(WaitlistEntry)))
    assert [(e.earlier, e.appointment_id) for e in entries] == [(True, booked)]
    relay = telegram.messengers.relay
    assert relay is not None
    assert await relay.relay() == 1
    assert any("⏳ Waiting for an earlier time" in text for text in telegram.api.texts(ADMIN_ID))
