"""What the webhook fuzzing found, each pinned with a literal example."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.api.routes.webhooks import WHATSAPP_PATH
from bot.domain.appointments import AppointmentStatus
from db.models import Appointment, Client, InboundStatus, InboundUpdate, InboxItem
from tests.channels.conftest import CLIENT_CHAT, Telegram, WhatsAppSide, book_client
from tests.fakes.graph_api import inbound, quick_reply, signed_headers, status
from tests.fakes.mutations import encoded

WA_ID = "34600111222"


async def _status(sessions: object, appointment_id: int) -> AppointmentStatus:
    async with sessions() as session:  # type: ignore[operator]
        found = await session.get(Appointment, appointment_id)
        assert found is not None
        return found.status  # type: ignore[no-any-return]


async def _queue(wa: WhatsAppSide) -> list[tuple[InboundStatus, str | None]]:
    async with wa.sessions() as session:
        rows = await session.scalars(select(InboundUpdate).order_by(InboundUpdate.id))
        return [(row.status, row.last_error) for row in rows]


async def _inbox(sessions: object) -> int:
    async with sessions() as session:  # type: ignore[operator]
        return int(await session.scalar(select(func.count()).select_from(InboxItem)))


async def _book_on_whatsapp(wa: WhatsAppSide) -> int:
    appointment_id = await book_client(wa, chat=None, locale="es")  # type: ignore[arg-type]
    await wa.outbox.drain()  # the confirmation template
    return appointment_id


@pytest.mark.parametrize("intent", ["bogus", "agreed", "admin_noshow"])
async def test_a_whatsapp_quick_reply_with_an_unknown_intent_is_a_stale_tap(
    wa: WhatsAppSide, intent: str
) -> None:
    appointment_id = await _book_on_whatsapp(wa)

    await wa.post(quick_reply(WA_ID, f"{intent}:{appointment_id}:1", "?"))

    assert await _queue(wa) == [(InboundStatus.DONE, None)]  # was: ValueError, 5 retries
    assert await _status(wa.sessions, appointment_id) is AppointmentStatus.BOOKED
    [answer] = wa.graph.of_type("text")
    assert "no se ha cambiado nada" in answer["text"]["body"]  # ack_stale


async def test_a_second_i_agree_tap_is_harmless(wa: WhatsAppSide) -> None:
    appointment_id = await _book_on_whatsapp(wa)

    await wa.post(quick_reply(WA_ID, "agree:0:0", "Acepto"))  # the policy's button, again
    await wa.post(quick_reply(WA_ID, "agree:1:1", "Acepto"))

    assert await _queue(wa) == [(InboundStatus.DONE, None)] * 2
    assert await _status(wa.sessions, appointment_id) is AppointmentStatus.BOOKED
    answers = [sent["text"]["body"] for sent in wa.graph.of_type("text")]
    assert answers == ["¡Gracias, Anna! Hemos anotado que aceptas nuestras normas. "
                       "Si cambian tus planes, escríbenos aquí."] * 2  # fmt: skip
    assert await _inbox(wa.sessions) == 0


async def test_i_agree_tapped_twice_on_telegram_is_thanked_in_place(telegram: Telegram) -> None:
    appointment_id = await book_client(telegram, shown_rules=False)
    await telegram.outbox.drain()  # the confirmation, with the rules and «Принимаю»
    message_id = next(mid for (chat, mid) in telegram.api.messages if chat == CLIENT_CHAT)
    [agree] = telegram.api.messages[CLIENT_CHAT, message_id]["reply_markup"]["inline_keyboard"][0]

    await telegram.taps(CLIENT_CHAT, message_id, agree["callback_data"])
    await telegram.taps(CLIENT_CHAT, message_id, agree["callback_data"])  # a quick second tap

    shown = telegram.api.messages[CLIENT_CHAT, message_id]
    thanks = "— Спасибо, Anna! Отметили, что правила вам подходят."
    assert shown["text"].count(thanks) == 1, shown["text"]
    assert "reply_markup" not in shown  # the button is gone
    assert len(telegram.api.sent("answerCallbackQuery")) == 2  # both spinners stopped
    assert await _status(telegram.sessions, appointment_id) is AppointmentStatus.BOOKED
    async with telegram.sessions() as session:
        client = await session.scalar(select(Client))
        assert client is not None
        assert client.policy_accepted_at == telegram.clock.now()


@pytest.mark.parametrize(
    "payload", ["confirm:²:1", "confirm:1:²", "confirm:99999999999999999999999:1"]
)
async def test_a_quick_reply_payload_with_odd_digits_is_read_as_text(
    wa: WhatsAppSide, payload: str
) -> None:
    appointment_id = await _book_on_whatsapp(wa)

    await wa.post(quick_reply(WA_ID, payload, "Sí, iré"))

    # was: int("²") ValueError / SQLite "int too large", retried 5 times, then parked
    assert await _queue(wa) == [(InboundStatus.DONE, None)]
    assert await _status(wa.sessions, appointment_id) is AppointmentStatus.CONFIRMED  # "Sí, iré"


async def test_a_telegram_tap_with_an_unknown_intent_is_a_stale_tap(telegram: Telegram) -> None:
    appointment_id = await book_client(telegram)
    await telegram.outbox.drain()
    message_id = next(mid for (chat, mid) in telegram.api.messages if chat == CLIENT_CHAT)

    await telegram.taps(CLIENT_CHAT, message_id, f"r:bogus:{appointment_id}:1")  # raised

    assert await _status(telegram.sessions, appointment_id) is AppointmentStatus.BOOKED
    [answer] = telegram.api.sent("answerCallbackQuery")
    assert "ничего не изменилось" in str(answer.get("text"))


@pytest.mark.parametrize("data", ["r:confirm:99999999999999999999999:1", "r:confirm:1:-1"])
async def test_a_telegram_tap_with_numbers_out_of_range_is_an_unknown_tap(
    telegram: Telegram, data: str
) -> None:
    appointment_id = await book_client(telegram)
    await telegram.outbox.drain()
    message_id = next(mid for (chat, mid) in telegram.api.messages if chat == CLIENT_CHAT)

    await telegram.taps(CLIENT_CHAT, message_id, data)  # was: OverflowError from SQLite

    assert await _status(telegram.sessions, appointment_id) is AppointmentStatus.BOOKED
    [answer] = telegram.api.sent("answerCallbackQuery")
    assert "text" not in answer  # the spinner stops, nothing is said or changed


async def test_an_update_of_a_type_aiogram_does_not_know_is_skipped_without_its_text(
    telegram: Telegram, caplog: pytest.LogCaptureFixture
) -> None:
    update = {
        "update_id": 77,
        "guest_query_of_2030": {"from": {"id": CLIENT_CHAT}, "text": "secret words"},
    }
    caplog.set_level(logging.INFO)

    await telegram.runtime.handle(json.dumps(update))  # was: RuntimeWarning with the update

    assert "secret words" not in caplog.text
    assert "telegram update 77 of a type this aiogram does not know: skipped" in caplog.text


async def test_a_web_page_instead_of_the_bot_api_does_not_fail_a_tap(telegram: Telegram) -> None:
    appointment_id = await book_client(telegram)
    await telegram.outbox.drain()
    message_id = next(mid for (chat, mid) in telegram.api.messages if chat == CLIENT_CHAT)
    telegram.api.fail("editMessageText", code=502, description="Bad Gateway", html=True)

    # was: aiogram's ClientDecodeError out of the handler, the update retried
    await telegram.taps(CLIENT_CHAT, message_id, f"r:confirm:{appointment_id}:1")

    assert await _status(telegram.sessions, appointment_id) is AppointmentStatus.CONFIRMED
    assert len(telegram.api.sent("editMessageText")) == 1


async def test_a_stranger_sharing_a_number_no_client_has_is_greeted_as_new(
    telegram: Telegram,
) -> None:
    contact = {"phone_number": "34600999888", "first_name": "Eva", "user_id": 112}
    update = telegram.api.message_update(112, None, name="Eva", extra={"contact": contact})

    # was: the new client written while the lookup's session held SQLite's lock: "database
    # is locked" after the busy timeout, five times, then parked
    await telegram.feed(update)

    assert telegram.api.texts(112)[0].startswith("Здравствуйте")  # the intake's first step


def _text_from(wa_id: str, body: str, **kwargs: Any) -> dict[str, Any]:
    return inbound(wa_id, {"type": "text", "text": {"body": body}}, **kwargs)


ODD_PARTS = {
    "message id": _text_from("34600999888", "hola", message_id="wamid.\ud800"),
    "sender": _text_from("3460\ud800", "hola"),
    "status id": status("wamid.\ud800", "read", WA_ID),
    "status": status("wamid.HBgL000001", "re\ud800d", WA_ID),
    "profile name": _text_from("34600999888", "hola", name="A\x00\ud800"),
    "replied-to id": inbound(
        "34600999888", {"type": "text", "text": {"body": "hola"}, "context": {"id": "w\ud800"}}
    ),
}


@pytest.mark.parametrize("part", sorted(ODD_PARTS))
async def test_a_lone_surrogate_in_a_whatsapp_body_loses_nothing_next_to_it(
    wa: WhatsAppSide, part: str
) -> None:
    appointment_id = await _book_on_whatsapp(wa)
    body = ODD_PARTS[part]
    good = quick_reply(WA_ID, f"confirm:{appointment_id}:1", "Sí")["entry"][0]
    body["entry"].append(good)
    content = encoded(body)  # JSON's \ud800 escape: valid JSON, no valid text

    response = await wa.http.post(WHATSAPP_PATH, content=content, headers=signed_headers(content))
    await wa.messengers.inbound.idle()  # type: ignore[union-attr]

    assert response.status_code == 200  # was: 503 (not storable), the whole body lost
    assert await _status(wa.sessions, appointment_id) is AppointmentStatus.CONFIRMED
    rows = await _queue(wa)
    assert len(rows) == 2
    assert all(  # was: UnicodeEncodeError, retried five times
        row == (InboundStatus.DONE, None) or str(row[1]).startswith("unreadable:") for row in rows
    )


async def test_a_deep_link_with_a_lone_surrogate_is_an_invalid_link(telegram: Telegram) -> None:
    update = json.loads(json.dumps(telegram.api.message_update(112, "/start tok\ud800")))

    await telegram.feed(update)  # was: UnicodeEncodeError hashing the token, five retries

    assert "ссылк" in telegram.api.texts(112)[0].lower()  # link_invalid, in Russian
