"""The waitlist's scripts: the offer tells the hold only when there is one, asks to move the
booking for "anything earlier?", and has WhatsApp templates for outside the 24-hour window."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.conversation.render import MessageContext
from bot.conversation.templates import WhatsAppTemplates
from bot.domain.reminders import Script
from tests.fakes.scripts import SCRIPTS_DIR, script_book

OFFER = MessageContext(
    appointment_id=12,
    version=1,
    client_name="Lucía",
    locale="es",
    salon_name="Bella",
    service="Corte",
    staff="Marta",
    starts_at=datetime(2026, 11, 24, 14, tzinfo=UTC),
    zone=ZoneInfo("Europe/Madrid"),
    hold=timedelta(minutes=15),
)


def test_the_offer_in_spanish_with_the_hold_and_without() -> None:
    book = script_book("es")
    held = book.render(script=Script.WAITLIST_OFFER, context=OFFER)
    assert held.text == (
        "¡Hola, Lucía! Buenas noticias: se ha liberado una hora que esperabas: Corte con Marta, "
        "el martes 24 de noviembre a las 15:00.\n"
        "Te la guardamos durante 15 minutos. ¿Te la reservamos?"
    )
    assert [(b.label, b.intent, b.appointment_id, b.version) for b in held.buttons] == [
        ("Sí, la quiero", "waitlist_accept", 12, 1),
        ("No, gracias", "waitlist_decline", 12, 1),
    ]
    broadcast = book.render(
        script=Script.WAITLIST_OFFER, context=dataclasses.replace(OFFER, hold=None, moving=True)
    )
    assert broadcast.text.endswith("a las 15:00.\n¿Cambiamos tu cita a esa hora?")


def test_whatsapp_templates_of_the_offer() -> None:
    book = script_book("es")
    templates = WhatsAppTemplates.load(book, SCRIPTS_DIR)
    assert templates.optional_parts("waitlist_offer", "es") >= {"hold", "moving"}
    message = templates.message("waitlist_offer", "es", book.variables(context=OFFER, locale="es"))
    assert message.name == "showup_waitlist_offer_hold"
    assert message.quick_replies == 2
    assert message.fallback is not None
    assert message.fallback.name == "showup_waitlist_offer"
    spec = templates.spec("waitlist_offer", "es", frozenset({"hold"}))
    assert "Te la guardamos durante {{" in spec.body
    assert [intent for intent, _ in spec.buttons] == ["waitlist_accept", "waitlist_decline"]
    assert templates.spec("waitlist_gone", "tr").name == "showup_waitlist_gone"
