"""The waitlist on Telegram, end to end against the Bot API emulator: a cancellation, the offer
with its two buttons in the waiting client's chat, one tap that books the slot and edits the
offer to show it, and the admins told of the refill."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.channels.telegram import ReplyButton
from db.models import Appointment
from tests.channels.conftest import ADMIN_ID, CLIENT_CHAT, Telegram
from tests.channels.waitlist_setup import WAITING_CHAT, offer_to_boris


async def test_offer_tap_books_and_the_admins_hear_of_it(telegram: Telegram) -> None:
    offered = await offer_to_boris(telegram)  # Anna (chat 111) cancelled
    [offer_id] = offered.round.offered
    await telegram.outbox.drain()

    [offer] = [m for (chat, _), m in telegram.api.messages.items() if chat == WAITING_CHAT]
    assert str(offer["text"]).startswith("Hi, Boris! Good news: a time you were waiting for")
    rows = offer["reply_markup"]["inline_keyboard"]
    taps = [ReplyButton.unpack(row[0]["callback_data"]) for row in rows]
    assert [(t.intent, t.appointment, t.version) for t in taps] == [
        ("waitlist_accept", offer_id, 1),
        ("waitlist_decline", offer_id, 1),
    ]
    message_id = next(mid for (chat, mid) in telegram.api.messages if chat == WAITING_CHAT)

    telegram.clock.advance(timedelta(minutes=2))
    await telegram.taps(WAITING_CHAT, message_id, taps[0].pack())

    edited = telegram.api.messages[WAITING_CHAT, message_id]
    assert "— Done, it's yours: " in str(edited["text"])
    assert "reply_markup" not in edited or not edited["reply_markup"]
    async with telegram.sessions() as session:
        taken = await session.scalar(
            select(Appointment).where(Appointment.client_id == offered.boris)
        )
    assert taken is not None
    assert taken.source == "waitlist"
    assert telegram.messengers.waitlist is not None
    await telegram.messengers.waitlist.tick()
    assert any(
        text.startswith("✅ A freed slot was refilled from the waitlist:") and "Boris" in text
        for text in telegram.api.texts(ADMIN_ID)
    )
    assert CLIENT_CHAT not in {
        chat for (chat, _), m in telegram.api.messages.items() if "Good news" in str(m["text"])
    }
