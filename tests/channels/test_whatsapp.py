"""The WhatsApp channel end to end: the real pywa_async client over HTTP to the Graph API
emulator, Meta-shaped signed webhooks into the real app, a real database."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select, update

from bot.channels.base import DialogReply, InboundMessage
from bot.domain.appointments import AppointmentStatus
from bot.hub.desk import Desk
from db.models import (
    Appointment,
    Client,
    ClientIdentity,
    InboundStatus,
    InboundUpdate,
    InboxItem,
    MessageLog,
    OutboxStatus,
    ScheduledMessage,
)
from tests.channels.conftest import ADMIN_ID, WhatsAppSide, book_client
from tests.fakes.graph_api import (
    VERIFY_TOKEN,
    button_reply,
    quick_reply,
    signed_headers,
    status,
    text,
)

WA_ID = "34600111222"  # Anna's phone, as WhatsApp writes it


async def _book(wa: WhatsAppSide, *, in_hours: float = 30, shown_rules: bool = True) -> int:
    """Anna booked with her phone only: no chat linked anywhere."""
    return await book_client(
        wa,  # type: ignore[arg-type]
        chat=None,
        in_hours=in_hours,
        locale="es",
        shown_rules=shown_rules,
    )


async def _status(wa: WhatsAppSide, appointment_id: int) -> AppointmentStatus:
    async with wa.sessions() as session:
        found = await session.get(Appointment, appointment_id)
        assert found is not None
        return found.status


async def _reminder_sent(wa: WhatsAppSide) -> None:
    await wa.outbox.drain()  # the confirmation
    wa.clock.advance(timedelta(hours=6, minutes=1))
    await wa.outbox.drain()  # the 24 h reminder


async def test_handshake(wa: WhatsAppSide) -> None:
    ok = await wa.http.get(
        "/webhooks/whatsapp",
        params={
            "hub.mode": "subscribe",
            "hub.verify_token": VERIFY_TOKEN,
            "hub.challenge": "1158201444",
        },
    )
    wrong = await wa.http.get(
        "/webhooks/whatsapp",
        params={"hub.mode": "subscribe", "hub.verify_token": "guess", "hub.challenge": "1"},
    )
    assert (ok.status_code, ok.text) == (200, "1158201444")
    assert wrong.status_code == 403


async def test_bad_or_missing_signature_is_refused_and_nothing_processed(
    wa: WhatsAppSide,
) -> None:
    forged = await wa.post(text(WA_ID, "Hola"), secret="not-the-app-secret")
    unsigned = await wa.http.post("/webhooks/whatsapp", json=text(WA_ID, "Hola"))
    assert (forged.status_code, unsigned.status_code) == (403, 403)
    async with wa.sessions() as session:
        assert await session.scalar(select(Client)) is None
    assert wa.graph.sent == []


async def test_first_contact_reminder_is_a_template_and_its_quick_reply_confirms(
    wa: WhatsAppSide,
) -> None:
    appointment_id = await _book(wa)
    await _reminder_sent(wa)

    confirmation, reminder = wa.graph.of_type("template")
    assert confirmation["template"]["name"] == "showup_booking_confirmation"
    assert reminder["template"]["name"] == "showup_reminder_ask"
    assert reminder["template"]["language"] == {"code": "es"}
    body, *buttons = reminder["template"]["components"]
    assert [p["text"] for p in body["parameters"]][:3] == ["Anna", "Haircut", "Vitaly"]
    payloads = [b["parameters"][0]["payload"] for b in buttons]
    assert payloads == [
        f"confirm:{appointment_id}:1",
        f"cancel:{appointment_id}:1",
        f"reschedule:{appointment_id}:1",
    ]
    assert reminder["to"] == WA_ID

    await wa.post(quick_reply(WA_ID, payloads[0], "Sí, iré"))

    assert await _status(wa, appointment_id) is AppointmentStatus.CONFIRMED
    [ack] = wa.graph.of_type("text")
    assert "Gracias" in ack["text"]["body"]  # free-form now: Anna just wrote
    async with wa.sessions() as session:
        identity = await session.scalar(select(ClientIdentity))
        assert identity is not None
        assert (identity.channel, identity.external_id) == ("whatsapp", WA_ID)


async def test_free_text_cancellation(wa: WhatsAppSide) -> None:
    appointment_id = await _book(wa)
    await wa.outbox.drain()

    await wa.post(text(WA_ID, "Lo siento, no podré ir mañana"))

    assert await _status(wa, appointment_id) is AppointmentStatus.CANCELLED
    assert "cancelada" in wa.graph.of_type("text")[-1]["text"]["body"]
    assert len(wa.graph.read) == 1  # Anna sees blue ticks on her message


async def test_an_answer_refused_once_is_sent_again(wa: WhatsAppSide) -> None:
    first = await _book(wa)
    await wa.outbox.drain()
    wa.graph.fail(130429, "Rate limit hit", message_type="text")

    await wa.post(text(WA_ID, "Lo siento, no podré ir mañana"))

    assert await _status(wa, first) is AppointmentStatus.CANCELLED
    assert "cancelada" in wa.graph.of_type("text")[-1]["text"]["body"]  # second try went out


async def test_an_answer_that_cannot_be_sent_reaches_the_admins(wa: WhatsAppSide) -> None:
    second = await _book(wa)
    await wa.outbox.drain()
    sent = len(wa.graph.sent)
    wa.graph.fail(131026, "Message undeliverable", message_type="text")
    await wa.post(text(WA_ID, "Lo siento, no podré ir"))

    assert await _status(wa, second) is AppointmentStatus.CANCELLED
    assert len(wa.graph.sent) == sent  # refused for good: not retried
    assert wa.messengers.relay is not None
    await wa.messengers.relay.relay()
    [lost] = [t for t in wa.bot_api.texts(ADMIN_ID) if "Not delivered" in t]
    assert "Our answer could not be delivered (whatsapp: Message undeliverable" in lost


async def test_inside_the_window_reminders_carry_interactive_buttons(wa: WhatsAppSide) -> None:
    appointment_id = await _book(wa)
    await wa.post(text(WA_ID, "Hola, ¿dónde estáis exactamente?"))  # Anna wrote: window open

    await _reminder_sent(wa)

    [interactive] = wa.graph.of_type("interactive")  # the confirmation went as plain text
    reminder = interactive["interactive"]
    ids = [b["reply"]["id"] for b in reminder["action"]["buttons"]]
    titles = [b["reply"]["title"] for b in reminder["action"]["buttons"]]
    assert ids == [
        f"confirm:{appointment_id}:1",
        f"cancel:{appointment_id}:1",
        f"reschedule:{appointment_id}:1",
    ]
    assert all(len(t) <= 20 for t in titles)

    await wa.post(button_reply(WA_ID, ids[1], titles[1]))
    assert await _status(wa, appointment_id) is AppointmentStatus.CANCELLED


async def _book_with_deposit(wa: WhatsAppSide) -> None:
    appointment_id = await _book(wa)
    async with wa.sessions() as session:  # the policy asked this client for a deposit
        await session.execute(
            update(Appointment)
            .where(Appointment.id == appointment_id)
            .values(deposit_due=Decimal("15.00"))
        )
        await session.commit()


async def test_a_client_never_shown_the_rules_gets_them_in_the_template(wa: WhatsAppSide) -> None:
    appointment_id = await _book(wa, shown_rules=False)

    await wa.outbox.drain()

    [confirmation] = wa.graph.of_type("template")
    assert confirmation["template"]["name"] == "showup_booking_confirmation_rules"
    [body, button] = confirmation["template"]["components"]
    assert body["type"] == "body"
    assert button["sub_type"] == "quick_reply"
    assert button["parameters"] == [{"type": "payload", "payload": f"agree:{appointment_id}:1"}]
    async with wa.sessions() as session:
        client = await session.scalar(select(Client))
        assert client is not None
        assert client.policy_shown_at == wa.clock.now()


async def test_the_plain_fallback_of_the_rules_variant_has_no_button(wa: WhatsAppSide) -> None:
    await _book(wa, shown_rules=False)
    wa.graph.fail(
        132001, "Template name does not exist in the translation", message_type="template"
    )

    await wa.outbox.drain()

    [confirmation] = wa.graph.of_type("template")
    assert confirmation["template"]["name"] == "showup_booking_confirmation"
    assert [c["type"] for c in confirmation["template"]["components"]] == ["body"]


async def test_a_deposit_booking_is_confirmed_with_the_deposit_template(wa: WhatsAppSide) -> None:
    await _book_with_deposit(wa)

    await wa.outbox.drain()

    [confirmation] = wa.graph.of_type("template")
    assert confirmation["template"]["name"] == "showup_booking_confirmation_deposit"
    values = [p["text"] for p in confirmation["template"]["components"][0]["parameters"]]
    assert values[-1] == "15,00\xa0€"  # the deposit, written the Spanish way


async def test_an_unapproved_variant_falls_back_to_the_plain_template(
    wa: WhatsAppSide, caplog: pytest.LogCaptureFixture
) -> None:
    await _book_with_deposit(wa)
    wa.graph.fail(
        132001, "Template name does not exist in the translation", message_type="template"
    )

    await wa.outbox.drain()

    [confirmation] = wa.graph.of_type("template")  # the refused call is not recorded
    assert confirmation["template"]["name"] == "showup_booking_confirmation"
    assert "showup_booking_confirmation_deposit (es) is not approved" in caplog.text


async def test_window_closed_meanwhile_falls_back_to_the_template(wa: WhatsAppSide) -> None:
    await _book(wa)
    await wa.post(text(WA_ID, "Hola"))
    wa.graph.fail(131047, "Re-engagement message", message_type="text")

    await wa.outbox.drain()

    assert [m["type"] for m in wa.graph.sent][-1] == "template"
    async with wa.sessions() as session:
        sent = await session.scalar(
            select(ScheduledMessage).where(ScheduledMessage.kind == "confirmation")
        )
        assert sent is not None
        assert sent.status is OutboxStatus.SENT


async def test_statuses_update_the_log_and_read_shows_on_the_board(wa: WhatsAppSide) -> None:
    await _book(wa, in_hours=5)
    await wa.post(text(WA_ID, "Hola"))  # her WhatsApp chat is now linked by her phone
    await wa.outbox.drain()
    sent_id = wa.graph.sent[-1]["_id"]

    await wa.post(status(sent_id, "delivered", WA_ID))
    await wa.post(status(sent_id, "read", WA_ID))

    async with wa.sessions() as session:
        log = await session.scalar(select(MessageLog).where(MessageLog.external_id == sent_id))
        assert log is not None
        assert log.status == "read"
    assert wa.messengers.desk is not None
    answer = await wa.messengers.desk.from_admin(
        InboundMessage(channel="telegram", sender=str(ADMIN_ID), text="/today")
    )
    assert answer is not None
    [board] = answer
    assert "👁 read" in board
    assert "(WhatsApp)" in board  # the messenger as people write it


async def test_a_failed_delivery_is_sent_again(wa: WhatsAppSide) -> None:
    await _book(wa)
    await wa.outbox.drain()
    first_id = wa.graph.sent[-1]["_id"]

    await wa.post(status(first_id, "failed", WA_ID, error_code=131026))
    wa.clock.advance(timedelta(minutes=6))
    await wa.outbox.drain()

    assert len(wa.graph.of_type("template")) == 2
    assert wa.graph.sent[-1]["_id"] != first_id


async def test_duplicate_deliveries_are_processed_once(wa: WhatsAppSide) -> None:
    await _book(wa)
    question = text(WA_ID, "¿Tenéis aparcamiento?", message_id="wamid.DUPLICATE1")
    for _ in range(3):
        response = await wa.post(question)
        assert response.status_code == 200

    async with wa.sessions() as session:
        kinds = [item.kind for item in await session.scalars(select(InboxItem))]
        receipts = list(await session.scalars(select(InboundUpdate)))
    assert kinds == ["other"]  # handed to the admins once
    assert [(r.external_id, r.status) for r in receipts] == [
        ("wamid.DUPLICATE1", InboundStatus.DONE)
    ]  # remembered in the DB
    [fallback] = wa.graph.of_type("text")  # answered once
    assert "administrador" in fallback["text"]["body"]


async def test_rate_limit_backs_off_and_retries(wa: WhatsAppSide) -> None:
    await _book(wa)
    wa.graph.fail(130429, "Rate limit hit")

    await wa.outbox.drain()

    async with wa.sessions() as session:
        row = await session.scalar(
            select(ScheduledMessage).where(ScheduledMessage.kind == "confirmation")
        )
        assert row is not None
        assert row.status is OutboxStatus.PENDING
        assert row.due_at > wa.clock.now()
        retry_at = row.due_at
    wa.clock.set(retry_at)
    await wa.outbox.drain()
    assert len(wa.graph.of_type("template")) == 1


async def test_admin_reply_reaches_the_client_on_whatsapp(wa: WhatsAppSide) -> None:
    await _book(wa)
    await wa.post(text(WA_ID, "¿Puedo ir con mi perro?"))
    assert wa.messengers.relay is not None
    await wa.messengers.relay.relay()
    forwarded = [
        (chat, mid)
        for (chat, mid), m in wa.bot_api.messages.items()
        if chat == ADMIN_ID and "perro" in m["text"]
    ]
    [(_, forwarded_id)] = forwarded
    assert wa.messengers.telegram is not None
    runtime = wa.messengers.telegram

    async def admin_says(words: str) -> None:
        pushed = wa.bot_api.push(
            wa.bot_api.message_update(ADMIN_ID, words, reply_to=forwarded_id, language="en")
        )
        await runtime.dispatcher.feed_update(runtime.bot, runtime.parse(pushed))

    await admin_says("¡Claro que sí!")
    assert wa.graph.sent[-1]["type"] == "text"
    assert wa.graph.sent[-1]["text"]["body"] == "¡Claro que sí!"
    assert wa.bot_api.texts(ADMIN_ID)[-1] == "✓ Delivered to Anna on WhatsApp."

    async with wa.sessions() as session:  # two days later the window is closed
        await session.execute(
            update(ClientIdentity).values(last_inbound_at=wa.clock.now() - timedelta(days=2))
        )
        await session.commit()
    await admin_says("Por cierto, mañana abrimos a las 10.")
    template = wa.graph.sent[-1]
    assert template["template"]["name"] == "showup_admin_message"
    values = [p["text"] for p in template["template"]["components"][0]["parameters"]]
    assert values == ["Test Salon", "Por cierto, mañana abrimos a las 10."]


async def test_an_unknown_number_goes_through_intake(wa: WhatsAppSide) -> None:
    await wa.post(text("447700900123", "Hi, do you have a slot this week?", name="Ben"))
    async with wa.sessions() as session:
        ben = await session.scalar(select(Client))
        assert ben is not None
        assert ben.name == "Ben"
    [first] = wa.graph.of_type("text")
    assert "How did you hear about “Test Salon”" in first["text"]["body"]
    assert wa.graph.of_type("template") == []  # Ben wrote first: free-form is allowed


async def test_a_message_that_fails_is_retried_from_the_queue(
    wa: WhatsAppSide, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    appointment_id = await _book(wa)
    await wa.outbox.drain()
    handle = Desk.from_client
    outages = [RuntimeError("database is locked")]  # the first attempt at "¿hay parking?" fails

    async def flaky(self: Desk, message: InboundMessage) -> list[DialogReply]:
        if message.text == "¿Hay parking?" and outages:
            raise outages.pop()
        return await handle(self, message)

    monkeypatch.setattr(Desk, "from_client", flaky)
    body = text(WA_ID, "Lo siento, no podré ir")
    value = body["entry"][0]["changes"][0]["value"]
    question = text(WA_ID, "¿Hay parking?")["entry"][0]["changes"][0]["value"]["messages"][0]
    value["messages"] = [*value["messages"], question]

    first = await wa.post(body)

    assert first.status_code == 200  # stored: Meta need not deliver it again
    assert await _status(wa, appointment_id) is AppointmentStatus.CANCELLED  # the other one
    assert "failed (attempt 1 of 5), retried in 5s: RuntimeError: database is locked" in (
        caplog.text
    )
    answers = len(wa.graph.of_type("text"))
    assert await _inbox(wa) == []

    wa.clock.advance(timedelta(seconds=4))
    await wa.post(body)  # Meta delivers it again anyway: nothing new, the retry not yet due
    assert await _inbox(wa) == []
    wa.clock.advance(timedelta(seconds=1))
    assert wa.messengers.inbound is not None
    await wa.messengers.inbound.idle()

    assert await _inbox(wa) == [("other", "¿Hay parking?")]  # handled now, once
    assert len(wa.graph.of_type("text")) == answers + 1  # the cancellation is not answered twice


async def _inbox(wa: WhatsAppSide) -> list[tuple[str, str]]:
    async with wa.sessions() as session:
        return [(i.kind, i.text) for i in await session.scalars(select(InboxItem))]


async def test_a_message_that_keeps_failing_is_parked_and_the_admins_told(
    wa: WhatsAppSide, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(self: Desk, message: InboundMessage) -> list[DialogReply]:
        raise RuntimeError("a bug met an unusual message")

    monkeypatch.setattr(Desk, "from_client", broken)
    assert wa.messengers.inbound is not None

    assert (await wa.post(text(WA_ID, "boom"))).status_code == 200
    for _ in range(4):  # retried 5 s, 15 s, 45 s, 135 s later
        wa.clock.advance(timedelta(minutes=3))
        await wa.messengers.inbound.idle()

    assert "failed 5 times; set aside" in caplog.text
    async with wa.sessions() as session:
        [row] = await session.scalars(select(InboundUpdate))
    assert (row.status, row.attempts) == (InboundStatus.PARKED, 5)
    assert row.last_error == "RuntimeError: a bug met an unusual message"
    [alert] = wa.bot_api.texts(ADMIN_ID)
    assert "could not be handled after 5 attempts and was set aside" in alert
    assert "showup inbox-queue --retry 1" in alert
    backlog = await wa.messengers.inbound.backlog()
    assert (backlog.waiting, backlog.parked) == (0, 1)


async def test_malformed_parts_are_skipped_and_good_messages_next_to_them_kept(
    wa: WhatsAppSide,
) -> None:
    appointment_id = await _book(wa)
    good = text(WA_ID, "Lo siento, no podré ir")
    value = good["entry"][0]["changes"][0]["value"]
    value["messages"] = [
        {"from": "not-a-number", "id": "wamid.BAD1", "type": "text", "text": {"body": "x"}},
        {"type": "text"},  # no sender, no id
        {"from": WA_ID, "id": "wamid.ODD", "type": "reaction", "reaction": {"emoji": "👍"}},
        *value["messages"],
    ]
    value["statuses"] = [{"status": "read"}]  # no message id

    response = await wa.post(good)
    not_an_object = await wa.post([1, 2, 3])
    broken = await wa.http.post(
        "/webhooks/whatsapp", content=b"{oops", headers=signed_headers(b"{oops")
    )

    assert response.status_code == 200
    assert (not_an_object.status_code, broken.status_code) == (400, 400)
    assert await _status(wa, appointment_id) is AppointmentStatus.CANCELLED
    async with wa.sessions() as session:
        kinds = [item.kind for item in await session.scalars(select(InboxItem))]
    assert kinds == ["other"]  # the reaction went to a human; the broken parts to nobody
