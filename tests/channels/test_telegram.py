"""The Telegram channel end to end: the real aiogram Bot, HTTP, the Bot API emulator, a real DB."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select

from bot.api.app import create_app
from bot.api.routes.webhooks import SECRET_HEADER, telegram_router
from bot.channels.telegram import ReplyButton
from bot.domain.appointments import AppointmentStatus
from bot.domain.reminders import reminder_kind
from bot.ledger.appointments import reschedule_appointment
from db.models import (
    Appointment,
    Client,
    ClientIdentity,
    InboundUpdate,
    InboxItem,
    OutboxStatus,
    ScheduledMessage,
)
from tests.channels.conftest import ADMIN_ID, CLIENT_CHAT, Telegram, book_client
from tests.conftest import API_TOKEN
from tests.factories import ADMIN, RULES
from tests.scheduling.conftest import outbox


async def _status(telegram: Telegram, appointment_id: int) -> AppointmentStatus:
    async with telegram.sessions() as session:
        found = await session.get(Appointment, appointment_id)
        assert found is not None
        return found.status


async def _reminder(telegram: Telegram, appointment_id: int) -> dict[str, object]:
    """Send the confirmation and the 24 h reminder; the reminder as Telegram received it."""
    await telegram.outbox.drain()
    telegram.clock.advance(timedelta(hours=6, minutes=1))
    await telegram.outbox.drain()
    with_buttons = [p for p in telegram.api.sent(chat_id=CLIENT_CHAT) if p.get("reply_markup")]
    assert len(with_buttons) == 1, telegram.api.sent(chat_id=CLIENT_CHAT)
    return with_buttons[0]


def _message_id(telegram: Telegram, text: str) -> int:
    return next(mid for (chat, mid), m in telegram.api.messages.items() if m["text"] == text)


async def test_reminder_goes_out_with_typed_buttons(telegram: Telegram) -> None:
    appointment_id = await book_client(telegram)
    reminder = await _reminder(telegram, appointment_id)
    rows = reminder["reply_markup"]["inline_keyboard"]  # type: ignore[index]
    taps = [ReplyButton.unpack(row[0]["callback_data"]) for row in rows]
    assert [t.intent for t in taps] == ["confirm", "cancel", "reschedule"]
    assert {(t.appointment, t.version) for t in taps} == {(appointment_id, 1)}
    assert [row[0]["text"] for row in rows] == ["Да, приду", "Отменить", "Перенести"]
    async with telegram.sessions() as session:
        sent = await session.scalars(
            select(ScheduledMessage).where(ScheduledMessage.appointment_id == appointment_id)
        )
        receipts = {m.kind: (m.status, m.external_message_id) for m in sent}
    status, receipt = receipts[reminder_kind(timedelta(hours=24))]
    assert status is OutboxStatus.SENT
    assert receipt is not None
    assert receipt.startswith(f"{CLIENT_CHAT}:")


async def test_confirm_tap_confirms_and_edits_the_reminder(telegram: Telegram) -> None:
    appointment_id = await book_client(telegram)
    reminder = await _reminder(telegram, appointment_id)
    message_id = _message_id(telegram, str(reminder["text"]))
    confirm = ReplyButton(intent="confirm", appointment=appointment_id, version=1).pack()

    await telegram.taps(CLIENT_CHAT, message_id, confirm)

    assert await _status(telegram, appointment_id) is AppointmentStatus.CONFIRMED
    [edit] = telegram.api.sent("editMessageText")
    assert edit["message_id"] == message_id
    assert str(edit["text"]).startswith(str(reminder["text"]))
    assert "Спасибо" in str(edit["text"])  # the acknowledgement, in the client's language
    assert "reply_markup" not in telegram.api.messages[CLIENT_CHAT, message_id]
    assert len(telegram.api.sent("answerCallbackQuery")) == 1


async def test_free_text_cancellation_in_russian(telegram: Telegram) -> None:
    appointment_id = await book_client(telegram)
    await telegram.outbox.drain()

    await telegram.says(CLIENT_CHAT, "Извините, не смогу прийти")

    assert await _status(telegram, appointment_id) is AppointmentStatus.CANCELLED
    answer = telegram.api.texts(CLIENT_CHAT)[-1]
    assert "отмен" in answer.lower()


async def test_stale_button_explains_and_changes_nothing(telegram: Telegram) -> None:
    appointment_id = await book_client(telegram)
    reminder = await _reminder(telegram, appointment_id)
    message_id = _message_id(telegram, str(reminder["text"]))
    async with telegram.sessions() as session:
        await reschedule_appointment(
            session,
            appointment_id=appointment_id,
            starts_at=telegram.clock.now() + timedelta(days=3),
            who=ADMIN,
            now=telegram.clock.now(),
            rules=RULES,
        )
        await session.commit()
    old_cancel = ReplyButton(intent="cancel", appointment=appointment_id, version=1).pack()

    await telegram.taps(CLIENT_CHAT, message_id, old_cancel)

    assert await _status(telegram, appointment_id) is AppointmentStatus.BOOKED
    [answer] = telegram.api.sent("answerCallbackQuery")
    assert answer.get("show_alert") is True or len(telegram.api.texts(CLIENT_CHAT)) > 2
    explanation = str(answer.get("text") or telegram.api.texts(CLIENT_CHAT)[-1])
    assert "ничего не изменилось" in explanation
    assert telegram.api.sent("editMessageText") == []


async def test_today_board_for_an_admin(telegram: Telegram) -> None:
    await book_client(telegram, in_hours=5)  # today, 14:00 Madrid

    await telegram.says(ADMIN_ID, "/today", name="Marta", language="en")

    [board] = telegram.api.texts(ADMIN_ID)
    assert board.startswith("Today, Mon 23 Nov 2026 — 1 appointment")
    assert "14:00–15:00 Anna +34600111222 (Telegram) · Haircut · Vitaly · awaiting answer" in board


async def test_today_refused_for_a_stranger(
    telegram: Telegram, caplog: pytest.LogCaptureFixture
) -> None:
    await book_client(telegram, in_hours=5)
    caplog.set_level(logging.WARNING)

    await telegram.says(555, "/today", name="Eve", language="en")

    [answer] = telegram.api.texts(555)
    assert "only for the salon's team" in answer
    assert "Anna" not in answer
    assert "refused admin command /today from telegram user 555" in caplog.text


async def test_inbox_relay_both_ways(telegram: Telegram) -> None:
    await book_client(telegram)
    await telegram.says(CLIENT_CHAT, "Можно прийти с собакой?")
    assert telegram.messengers.relay is not None

    assert await telegram.messengers.relay.relay() == 1

    [forwarded] = telegram.api.texts(ADMIN_ID)
    assert "💬 Message: Anna +34600111222 · Telegram" in forwarded
    assert "Можно прийти с собакой?" in forwarded
    assert "Next: Tue 24.11 15:00 Haircut with Vitaly" in forwarded
    forwarded_id = _message_id(telegram, forwarded)

    await telegram.says(ADMIN_ID, "Да, конечно!", reply_to=forwarded_id, language="en")

    assert telegram.api.texts(CLIENT_CHAT)[-1] == "Да, конечно!"
    assert telegram.api.texts(ADMIN_ID)[-1] == "✓ Delivered to Anna on Telegram."
    async with telegram.sessions() as session:
        item = await session.scalar(select(InboxItem))
        assert item is not None
        assert item.handled_at is not None
    assert await telegram.messengers.relay.relay() == 0  # forwarded once only


async def test_an_answer_that_fails_once_is_sent_again(telegram: Telegram) -> None:
    await book_client(telegram)
    await telegram.outbox.drain()
    before = len(telegram.api.texts(CLIENT_CHAT))
    telegram.api.fail(
        "sendMessage", code=500, description="Internal Server Error", chat_id=CLIENT_CHAT
    )

    await telegram.says(CLIENT_CHAT, "Извините, не смогу прийти")

    tried = telegram.api.texts(CLIENT_CHAT)[before:]
    assert len(tried) == 2  # refused with 500, then sent again
    assert tried[0] == tried[1]
    assert "отмен" in tried[0].lower()
    delivered = [m for (chat, _), m in telegram.api.messages.items() if chat == CLIENT_CHAT]
    assert delivered[-1]["text"] == tried[0]


async def test_an_answer_that_cannot_be_sent_reaches_the_admins(telegram: Telegram) -> None:
    appointment_id = await book_client(telegram)
    await telegram.outbox.drain()
    telegram.api.fail(
        "sendMessage",
        code=403,
        description="Forbidden: bot was blocked by the user",
        chat_id=CLIENT_CHAT,
    )

    await telegram.says(CLIENT_CHAT, "Извините, не смогу прийти")

    assert await _status(telegram, appointment_id) is AppointmentStatus.CANCELLED  # kept
    assert telegram.messengers.relay is not None
    await telegram.messengers.relay.relay()
    [lost] = [t for t in telegram.api.texts(ADMIN_ID) if "Not delivered" in t]
    assert "⚠️ Not delivered: Anna +34600111222 · Telegram" in lost
    assert "Our answer could not be delivered (the client blocked the bot" in lost
    assert "отмен" in lost.lower()  # the answer itself, for the admin to pass on


async def test_admin_reply_to_an_unrelated_message_is_explained(telegram: Telegram) -> None:
    await telegram.says(ADMIN_ID, "/help", language="en")
    help_id = _message_id(telegram, telegram.api.texts(ADMIN_ID)[0])

    await telegram.says(ADMIN_ID, "hello?", reply_to=help_id, language="en")

    assert "not one I forwarded from a client" in telegram.api.texts(ADMIN_ID)[-1]


async def test_flood_control_waits_and_succeeds(telegram: Telegram) -> None:
    appointment_id = await book_client(telegram)
    telegram.api.fail(
        "sendMessage", code=429, description="Too Many Requests: retry after 1", retry_after=1
    )

    await telegram.outbox.drain()

    assert len(telegram.api.sent(chat_id=CLIENT_CHAT)) == 2  # refused once, then accepted
    confirmation = (await outbox(telegram.sessions, appointment_id))["confirmation", 1]
    assert confirmation.status is OutboxStatus.SENT


async def test_long_flood_wait_goes_back_to_the_outbox(telegram: Telegram) -> None:
    appointment_id = await book_client(telegram)
    telegram.api.fail(
        "sendMessage", code=429, description="Too Many Requests: retry after 40", retry_after=40
    )

    await telegram.outbox.drain()

    confirmation = (await outbox(telegram.sessions, appointment_id))["confirmation", 1]
    assert confirmation.status is OutboxStatus.PENDING
    assert confirmation.due_at == telegram.clock.now() + timedelta(seconds=40)


async def test_blocked_bot_marks_the_client_unreachable_and_tells_admins(
    telegram: Telegram,
) -> None:
    await book_client(telegram)
    telegram.api.fail(
        "sendMessage",
        code=403,
        description="Forbidden: bot was blocked by the user",
        chat_id=CLIENT_CHAT,
    )

    await telegram.outbox.drain()

    async with telegram.sessions() as session:
        identity = await session.scalar(select(ClientIdentity))
        assert identity is not None
        assert identity.unreachable
        assert "blocked the bot" in (identity.unreachable_reason or "")
    [alert] = telegram.api.texts(ADMIN_ID)
    assert alert.startswith("⚠️ The booking confirmation for #1 could not be sent after 1 attempt")
    assert "blocked the bot" in alert


async def test_new_person_gets_intake_in_their_language_and_admins_hear(
    telegram: Telegram,
) -> None:
    await telegram.says(777, "Hola", name="Lucía", language="es")

    first, share = telegram.api.sent(chat_id=777)
    assert "¿Cómo nos conociste" in str(first["text"]) or "Test Salon" in str(first["text"])
    keyboard = share["reply_markup"]["keyboard"]
    assert keyboard[0][0]["request_contact"] is True
    assert keyboard[0][0]["text"] == "Compartir número"
    assert telegram.messengers.relay is not None
    await telegram.messengers.relay.relay()
    assert "👋 New person: Lucía · Telegram" in telegram.api.texts(ADMIN_ID)[0]


async def test_shared_own_phone_links_the_existing_client(telegram: Telegram) -> None:
    appointment_id = await book_client(telegram, chat=None)
    await telegram.says(333, "Hola", name="Anna", language="es")
    contact = {"contact": {"phone_number": "34600111222", "first_name": "Anna", "user_id": 333}}

    await telegram.feed(telegram.api.message_update(333, None, language="es", extra=contact))

    async with telegram.sessions() as session:
        appointment = await session.get(Appointment, appointment_id)
        assert appointment is not None
        channels = {(i.channel, i.external_id) for i in appointment.client.identities}
        assert ("telegram", "333") in channels
        strangers = await session.scalars(select(InboxItem.client_id))
        assert set(strangers) == {appointment.client_id}  # the stranger's trail moved over
    assert "Anna" in telegram.api.texts(333)[-1]


async def test_someone_elses_contact_links_nothing(telegram: Telegram) -> None:
    await book_client(telegram, chat=None)
    contact = {"contact": {"phone_number": "34600111222", "first_name": "Anna", "user_id": 1}}

    await telegram.feed(telegram.api.message_update(444, None, language="es", extra=contact))

    async with telegram.sessions() as session:
        linked = await session.scalar(
            select(ClientIdentity).where(ClientIdentity.external_id == "444")
        )
        assert linked is not None
        stranger = await session.get(Client, linked.client_id)
        assert stranger is not None
        assert stranger.phone is None  # a new record, not Anna's


async def test_deep_link_links_once(
    telegram: Telegram, tg_settings: object, sessions: object
) -> None:
    appointment_id = await book_client(telegram, chat=None)
    async with telegram.sessions() as session:
        appointment = await session.get(Appointment, appointment_id)
        assert appointment is not None
        client_id = appointment.client_id
    app = create_app(
        settings=tg_settings,  # type: ignore[arg-type]
        session_factory=telegram.sessions,
        api_token=API_TOKEN,
        clock=telegram.clock,
    )
    app.state.telegram_username = "showup_test_bot"
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://showup.test",
        headers={"Authorization": f"Bearer {API_TOKEN}"},
    ) as api:
        response = await api.post(f"/api/v1/clients/{client_id}/telegram-link")
    assert response.status_code == 201, response.text
    url = response.json()["url"]
    assert url.startswith("https://t.me/showup_test_bot?start=")
    token = url.split("start=")[1]
    assert len(token) >= 40

    await telegram.says(222, f"/start {token}", language="es")
    await telegram.says(223, f"/start {token}", language="es")

    assert "Anna" in telegram.api.texts(222)[-1]
    assert "ya se ha usado o ha caducado" in telegram.api.texts(223)[-1]
    async with telegram.sessions() as session:
        identities = {
            (i.external_id, i.client_id) for i in await session.scalars(select(ClientIdentity))
        }
    assert ("222", client_id) in identities
    assert all(external != "223" for external, _ in identities)


SECRET = "s3cret-value-for-the-webhook"


def _webhook_client(telegram: Telegram, settings: object) -> httpx.AsyncClient:
    """An HTTP client of an app serving only the Telegram webhook, with ``SECRET``."""
    app = create_app(
        settings=settings,  # type: ignore[arg-type]
        session_factory=telegram.sessions,
        api_token=API_TOKEN,
        clock=telegram.clock,
        webhooks=[telegram_router(telegram.inbound, SECRET)],
    )
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://showup.test")


async def test_webhook_checks_the_secret_and_feeds_updates(
    telegram: Telegram, tg_settings: object, caplog: pytest.LogCaptureFixture
) -> None:
    update = telegram.api.push(telegram.api.message_update(ADMIN_ID, "/help", language="en"))
    async with _webhook_client(telegram, tg_settings) as client:
        wrong = await client.post(
            "/webhooks/telegram", json=update, headers={SECRET_HEADER: "nope"}
        )
        missing = await client.post("/webhooks/telegram", json=update)
        assert telegram.api.sent(chat_id=ADMIN_ID) == []
        garbage = await client.post(
            "/webhooks/telegram", content=b"{not json", headers={SECRET_HEADER: SECRET}
        )
        no_id = {key: value for key, value in update.items() if key != "update_id"}
        incomplete = await client.post(
            "/webhooks/telegram", json=no_id, headers={SECRET_HEADER: SECRET}
        )
        right = await client.post(
            "/webhooks/telegram", json=update, headers={SECRET_HEADER: SECRET}
        )
    assert (wrong.status_code, missing.status_code) == (401, 401)
    assert (garbage.status_code, incomplete.status_code) == (400, 400)
    assert "malformed telegram update refused: no integer update_id" in caplog.text
    assert right.status_code == 200
    await telegram.inbound.idle()
    assert telegram.api.texts(ADMIN_ID)[0].startswith("ShowUp admin commands")


async def test_set_webhook_is_idempotent_and_refreshes_the_secret(telegram: Telegram) -> None:
    url = "https://salon.example/webhooks/telegram"
    first = await telegram.runtime.set_webhook(url, "secret-secret-secret")
    again = await telegram.runtime.set_webhook(url, "secret-secret-secret")
    assert (first.changed, again.changed) == (True, False)
    assert telegram.api.webhook_url == url
    telegram.api.webhook_error = "Wrong response from the webhook: 401 Unauthorized"
    rotated = await telegram.runtime.set_webhook(url, "rotated-secret-rotated")
    assert rotated.changed is False
    assert rotated.last_error == "Wrong response from the webhook: 401 Unauthorized"
    assert telegram.api.webhook_secret == "rotated-secret-rotated"  # a new secret takes effect


async def test_long_polling_stores_updates_then_serves_them(telegram: Telegram) -> None:
    telegram.runtime.start_polling(timeout=1)
    update = telegram.api.push(telegram.api.message_update(ADMIN_ID, "/help", language="en"))
    for _ in range(200):
        if (await telegram.inbound.backlog()).waiting:
            break
        await asyncio.sleep(0.02)
    async with telegram.sessions() as session:
        [stored] = await session.scalars(select(InboundUpdate))
    assert (stored.external_id, stored.sender) == (str(update["update_id"]), str(ADMIN_ID))
    assert telegram.api.texts(ADMIN_ID) == []  # stored first, handled by the worker

    telegram.inbound.start()
    try:
        for _ in range(200):
            if telegram.api.texts(ADMIN_ID):
                break
            await asyncio.sleep(0.02)
    finally:
        await telegram.inbound.stop()
    assert telegram.api.texts(ADMIN_ID)[0].startswith("ShowUp admin commands")
    assert telegram.api.sent("deleteWebhook")


async def test_admin_menu_is_set_for_admins_only(telegram: Telegram) -> None:
    [menu] = telegram.api.sent("setMyCommands")
    assert menu["scope"] == {"type": "chat", "chat_id": ADMIN_ID}


async def test_morning_digest_once_a_day_with_the_unconfirmed(telegram: Telegram) -> None:
    await book_client(telegram, in_hours=5)
    digest = telegram.messengers.digest
    assert digest is not None

    assert await digest.send() is True
    assert await digest.send() is False  # another process (or a restart) already sent it

    [text] = telegram.api.texts(ADMIN_ID)
    assert text.startswith("Good morning! Mon 23 Nov 2026 — 1 appointment")
    assert "Not confirmed yet (1):\n• 14:00 Anna +34600111222" in text


async def test_no_show_prompt_buttons_for_admins_only(telegram: Telegram) -> None:
    appointment_id = await book_client(telegram, in_hours=1)
    telegram.clock.advance(timedelta(minutes=76))
    assert telegram.messengers.watch is not None
    await telegram.messengers.watch.watch()
    [prompt] = telegram.api.sent(chat_id=ADMIN_ID)
    rows = prompt["reply_markup"]["inline_keyboard"]
    assert [row[0]["text"] for row in rows] == ["Arrived", "No-show", "Running late"]
    noshow = rows[1][0]["callback_data"]
    prompt_id = _message_id(telegram, str(prompt["text"]))
    telegram.api.messages[CLIENT_CHAT, prompt_id] = telegram.api.messages[ADMIN_ID, prompt_id]

    await telegram.taps(CLIENT_CHAT, prompt_id, noshow)  # a client cannot use it
    assert await _status(telegram, appointment_id) is AppointmentStatus.BOOKED
    assert telegram.api.sent("answerCallbackQuery")[-1]["show_alert"] is True

    await telegram.taps(ADMIN_ID, prompt_id, noshow)
    assert await _status(telegram, appointment_id) is AppointmentStatus.NO_SHOW
    [edit] = telegram.api.sent("editMessageText")
    assert edit["chat_id"] == ADMIN_ID
    assert "now no-show" in str(edit["text"])


async def test_voice_notes_and_photos_go_to_the_admins(telegram: Telegram) -> None:
    await book_client(telegram)
    voice = {"voice": {"file_id": "AwADBAAD", "file_unique_id": "u1", "duration": 7}}
    photo = {
        "photo": [{"file_id": "AgAD", "file_unique_id": "u2", "width": 90, "height": 90}],
        "caption": "Вот такой цвет хочу",
    }
    await telegram.feed(telegram.api.message_update(CLIENT_CHAT, None, extra=voice))
    await telegram.feed(telegram.api.message_update(CLIENT_CHAT, None, extra=photo))
    assert telegram.messengers.relay is not None

    assert await telegram.messengers.relay.relay() == 2

    forwarded = telegram.api.texts(ADMIN_ID)
    assert "[voice]" in forwarded[0]
    assert "Вот такой цвет хочу" in forwarded[1]
    assert all("Anna" in text for text in forwarded)
    assert len(telegram.api.texts(CLIENT_CHAT)) == 2  # each got "passed to the administrator"


async def test_a_webhook_update_delivered_twice_is_handled_once(
    telegram: Telegram, tg_settings: object
) -> None:
    update = telegram.api.push(telegram.api.message_update(ADMIN_ID, "/help", language="en"))
    async with _webhook_client(telegram, tg_settings) as client:
        for _ in range(2):
            posted = await client.post(
                "/webhooks/telegram", json=update, headers={SECRET_HEADER: SECRET}
            )
            assert posted.status_code == 200
            await telegram.inbound.idle()
    assert len(telegram.api.texts(ADMIN_ID)) == 1

    assert await telegram.inbound.prune() == 0  # kept a week
    telegram.clock.advance(timedelta(days=8))
    assert await telegram.inbound.prune() == 1


async def test_reschedule_tap_shows_free_times_and_a_second_tap_moves_it(
    telegram: Telegram,
) -> None:
    # the reminder went out 23 h 59 min before the visit: answering it is never late (the grace)
    appointment_id = await book_client(telegram)
    reminder = await _reminder(telegram, appointment_id)
    message_id = _message_id(telegram, str(reminder["text"]))
    tap = ReplyButton(intent="reschedule", appointment=appointment_id, version=1).pack()

    await telegram.taps(CLIENT_CHAT, message_id, tap)

    assert "reply_markup" not in telegram.api.messages[CLIENT_CHAT, message_id]
    offer = telegram.api.sent(chat_id=CLIENT_CHAT)[-1]
    assert "Выберите время" in str(offer["text"])
    rows = offer["reply_markup"]["inline_keyboard"]
    taps = [ReplyButton.unpack(row[0]["callback_data"]) for row in rows]
    assert [t.intent for t in taps] == ["move", "move", "move", "move_other"]
    # tomorrow from midnight (open all day), the time as the salon's clock writes it (English)
    assert rows[0][0]["text"] == "вт 24 нояб. 00:00"

    offer_id = _message_id(telegram, str(offer["text"]))
    await telegram.taps(CLIENT_CHAT, offer_id, rows[0][0]["callback_data"])

    async with telegram.sessions() as session:
        moved = await session.get(Appointment, appointment_id)
    assert moved is not None
    assert moved.version == 2
    [edit] = telegram.api.sent("editMessageText")
    assert edit["message_id"] == offer_id
    assert "запись перенесена" in str(edit["text"])
