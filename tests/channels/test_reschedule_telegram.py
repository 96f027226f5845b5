"""SHOWUP_RESCHEDULE=approve on Telegram end to end: the client asks for a time, taps it, the
admins get the request with Approve / Decline, the admin's tap moves the booking and the client
is told in their chat."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.telegram import ReplyButton
from bot.config import Settings
from db.models import Appointment
from tests.channels.conftest import (
    ADMIN_ID,
    CLIENT_CHAT,
    Telegram,
    book_client,
    telegram_settings,
)
from tests.fakes.telegram_api import BotApiEmulator


@pytest.fixture
def tg_settings(database_url: str, tmp_path: Path, api_emulator: BotApiEmulator) -> Settings:
    return telegram_settings(database_url, tmp_path, api_emulator, reschedule="approve")


def _last_with_buttons(telegram: Telegram, chat: int) -> tuple[int, list[dict[str, object]]]:
    (_, message_id), message = next(
        ((key, m) for key, m in reversed(telegram.api.messages.items())
         if key[0] == chat and m.get("reply_markup")),
    )  # fmt: skip
    rows = message["reply_markup"]["inline_keyboard"]
    return message_id, [row[0] for row in rows]


async def _version(sessions: async_sessionmaker[AsyncSession], appointment_id: int) -> int:
    async with sessions() as session:
        found = await session.get(Appointment, appointment_id)
        assert found is not None
        return found.version


async def test_the_admin_approves_in_telegram_and_the_client_is_told(telegram: Telegram) -> None:
    # Monday 09:00 in Madrid; the visit is Wednesday 15:00, well outside the late window
    appointment_id = await book_client(telegram, in_hours=54)
    await telegram.outbox.drain()
    await telegram.says(CLIENT_CHAT, "можно в четверг в 18?")
    offer_id, buttons = _last_with_buttons(telegram, CLIENT_CHAT)
    assert [ReplyButton.unpack(str(b["callback_data"])).intent for b in buttons] == [
        "move",
        "move_other",
    ]
    await telegram.taps(CLIENT_CHAT, offer_id, str(buttons[0]["callback_data"]))
    # the answer is added to the offer in place, its buttons gone
    assert "Спросила салон" in str(telegram.api.messages[CLIENT_CHAT, offer_id]["text"])
    assert "reply_markup" not in telegram.api.messages[CLIENT_CHAT, offer_id]
    assert await _version(telegram.sessions, appointment_id) == 1

    assert telegram.messengers.relay is not None
    assert await telegram.messengers.relay.relay() == 1
    request_id, admin_buttons = _last_with_buttons(telegram, ADMIN_ID)
    assert [b["text"] for b in admin_buttons] == ["✅ Approve", "❌ Decline"]
    await telegram.taps(ADMIN_ID, request_id, str(admin_buttons[0]["callback_data"]))

    assert await _version(telegram.sessions, appointment_id) == 2
    assert "Moved: Anna" in str(telegram.api.messages[ADMIN_ID, request_id]["text"])
    await telegram.outbox.drain()  # the answer to the client goes through the outbox
    assert any("Готово, запись перенесена" in text for text in telegram.api.texts(CLIENT_CHAT))
