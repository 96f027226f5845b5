"""Admin texts: a deposit shows its currency; Russian names never need a case ending."""

from __future__ import annotations

from decimal import Decimal

from bot.admin.board import booking_extras
from bot.admin.texts import AdminTexts
from db.models import Appointment


def test_a_deposit_shows_the_salons_currency_in_the_readers_language() -> None:
    appointment = Appointment(deposit_due=Decimal("9.00"), double_price=False, discount=None)
    [extra] = booking_extras(appointment, currency="RUB")
    assert extra == ("deposit", "9.00 RUB")
    assert AdminTexts("ru").note(extra) == "💰 предоплата 9,00\xa0₽"
    assert AdminTexts("en").note(("deposit", "9.00 EUR")) == "💰 deposit €9.00"


def test_russian_admin_texts_put_names_after_a_colon() -> None:
    t = AdminTexts("ru")
    assert t("reply.ok", name="Анна", channel="telegram") == "✓ Доставлено: Анна, telegram."
    assert t("reply.failed", name="Анна", channel="whatsapp", error="таймаут") == (
        "✗ Не доставлено: Анна, whatsapp: таймаут"
    )
    assert t(
        "relay.from", title="💬 Сообщение", name="Анна", phone=" +79001234567", channel="telegram"
    ) == ("💬 Сообщение: Анна +79001234567 · telegram")
    assert t("relay.reply", name="Анна") == (
        "↩️ Ответьте на это сообщение, и ответ получит клиент: Анна."
    )
