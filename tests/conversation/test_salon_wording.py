"""How the default scripts read in a salon: names without case endings, the salon's clock, no
greeting by phone number (in plain text and in WhatsApp templates)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.conversation.render import MessageContext, addressable_name
from bot.conversation.scripts import sample_context
from bot.conversation.templates import WhatsAppTemplates
from bot.domain.reminders import Script
from tests.fakes.scripts import SCRIPTS_DIR, script_book

LOTUS = dataclasses.replace(
    sample_context("ru"),
    salon_name="Лотос",
    client_name="Анна",
    starts_at=datetime(2026, 11, 23, 22, 37, tzinfo=UTC),  # 01:37 on the 24th in Moscow
    zone=ZoneInfo("Europe/Moscow"),
)


def test_russian_scripts_never_decline_a_name() -> None:
    book = script_book("ru")
    heard = book.render_step("heard_from", locale="ru", variables={"salon_name": "Лотос"})
    assert heard.endswith("Как вы узнали о салоне «Лотос» и почему выбрали нас?")
    confirmation = book.render(script=Script.BOOKING_CONFIRMATION, context=LOTUS).text
    assert confirmation.startswith(
        "Вы записаны, Анна: Haircut, мастер Vitaly, 24 ноября (вторник) в 01:37, салон «Лотос»."
    )
    message, _ = book.render_named(
        "admin_message", locale="ru", variables={"salon_name": "Лотос", "text": "Ждём!"}
    )
    assert message.startswith("Сообщение из салона «Лотос»:\nЖдём!")


def test_each_language_writes_the_time_its_own_way() -> None:
    """17:00 in Russian, Spanish and Turkish, 5:00 PM in English, whatever the salon's own
    language: a 12-hour "AM" inside a Russian sentence reads as a mistake."""
    english = dataclasses.replace(LOTUS, locale="en", client_name="Ben")
    text = script_book("ru").render(script=Script.BOOKING_CONFIRMATION, context=english).text
    assert text.startswith(
        "You're booked, Ben: Haircut with Vitaly, Tuesday, November 24 at 1:37\u202fAM. "
        "See you at “Лотос”!"
    )
    russian = dataclasses.replace(LOTUS, locale="ru", client_name="Олег")
    in_english_salon = script_book("en").render(script=Script.REMINDER_LIGHT, context=russian)
    assert in_english_salon.text.endswith("в 01:37 🙂")
    spanish = dataclasses.replace(LOTUS, locale="es", client_name="Ana")
    assert "1:37" in script_book("en").render(script=Script.REMINDER_LIGHT, context=spanish).text
    assert "AM" not in script_book("en").render(script=Script.REMINDER_LIGHT, context=spanish).text


def test_a_name_that_is_only_a_phone_number_is_not_used_to_greet() -> None:
    assert addressable_name("+7 (900) 999-88-77") == ""
    assert addressable_name("+79009998877") == ""
    assert addressable_name("Анна 2") == "Анна 2"
    book = script_book("ru")
    nameless: MessageContext = dataclasses.replace(LOTUS, client_name="")
    ru = book.render(script=Script.REMINDER_ASK, context=nameless).text
    assert ru.startswith("Здравствуйте! Напоминаем о записи: Haircut, мастер Vitaly,")
    en = book.render(
        script=Script.REMINDER_ASK, context=dataclasses.replace(nameless, locale="en")
    )
    assert en.text.startswith("Hi! A reminder: Haircut with Vitaly,")


def test_whatsapp_has_a_nameless_variant_and_keeps_the_named_template() -> None:
    book = script_book("ru")
    templates = WhatsAppTemplates.load(book, SCRIPTS_DIR)
    named = templates.message("reminder_ask", "ru", book.variables(context=LOTUS, locale="ru"))
    assert (named.name, named.body[0], named.fallback) == ("showup_reminder_ask", "Анна", None)

    nameless = dataclasses.replace(LOTUS, client_name="")
    message = templates.message(
        "reminder_ask", "ru", book.variables(context=nameless, locale="ru")
    )
    assert message.name == "showup_reminder_ask_no_client_name"
    assert message.body[0] == "Haircut"
    assert message.fallback is not None
    assert message.fallback.name == "showup_reminder_ask"
    spec = templates.spec("reminder_ask", "ru", frozenset({"no_client_name"}))
    assert spec.body.startswith("Здравствуйте! Напоминаем о записи: {{1}}, мастер {{2}}")
