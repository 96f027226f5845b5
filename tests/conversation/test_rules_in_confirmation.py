"""The first booking confirmation of a client who never saw the rules carries their short
form and an "I agree" button, in every language and in the WhatsApp template; the policy
script tells the grace after the asking reminder."""

from __future__ import annotations

import dataclasses
import logging
import shutil
from datetime import timedelta
from functools import cache
from pathlib import Path

import pytest

from bot.conversation.scripts import ScriptBook, sample_context
from bot.conversation.templates import WhatsAppTemplates
from bot.domain.locales import SUPPORTED_LOCALES
from bot.domain.policy import AttendanceRules
from bot.domain.reminders import Script
from tests.fakes.scripts import SCRIPTS_DIR, script_book

DAY = timedelta(hours=24)
SHORT_RULES = {
    "en": ("Our rules, in short", "I agree"),
    "ru": ("Коротко о правилах", "Принимаю"),
    "es": ("Nuestras normas, en breve", "Acepto"),
    "tr": ("Kısaca kurallarımız", "Kabul ediyorum"),
}
GRACE_LINE = {
    "en": "no later than 2 hours after it is never a late one",
    "ru": "не позже чем через 2 часа после него никогда не считается поздней",
    "es": "como máximo 2 horas después de recibirlo, no es una cancelación tardía",
    "tr": "en geç 2 saat sonra yapılan iptal asla geç iptal sayılmaz",
}


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_the_confirmation_has_the_rules_and_i_agree_only_when_not_shown(locale: str) -> None:
    book = script_book()
    heading, label = SHORT_RULES[locale]
    context = sample_context(locale)
    with_rules = book.render(
        script=Script.BOOKING_CONFIRMATION, context=dataclasses.replace(context, rules=True)
    )
    plain = book.render(script=Script.BOOKING_CONFIRMATION, context=context)
    assert heading in with_rules.text
    assert [(b.label, b.intent, b.appointment_id) for b in with_rules.buttons] == [
        (label, "agree", 1)
    ]
    assert with_rules.text.startswith(plain.text)
    assert heading not in plain.text
    assert plain.buttons == ()


@cache
def _without_grace() -> ScriptBook:
    return ScriptBook.load(
        SCRIPTS_DIR,
        default_locale="en",
        late_window=DAY,
        rules=AttendanceRules(late_cancel_grace=timedelta(0)),
    )


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_the_policy_tells_the_grace_after_the_reminder(locale: str) -> None:
    on = script_book()
    text, _ = on.render_named("policy", locale=locale, variables=on.policy_variables(locale))
    assert GRACE_LINE[locale] in text
    off = _without_grace()
    text, _ = off.render_named("policy", locale=locale, variables=off.policy_variables(locale))
    assert GRACE_LINE[locale] not in text
    assert "\n\n" not in text  # no empty line where the grace was


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_the_whatsapp_template_has_a_variant_with_the_rules(locale: str) -> None:
    templates = WhatsAppTemplates.load(script_book(), SCRIPTS_DIR)
    plain = templates.spec("booking_confirmation", locale)
    rules = templates.spec("booking_confirmation", locale, frozenset({"rules"}))
    assert "rules" in plain.optional
    assert plain.buttons == ()
    assert SHORT_RULES[locale][0] not in plain.body
    assert rules.name == "showup_booking_confirmation_rules"
    assert rules.buttons == (("agree", SHORT_RULES[locale][1]),)
    assert SHORT_RULES[locale][0] in rules.body
    book = script_book()
    variables = book.variables(
        context=dataclasses.replace(sample_context(locale), rules=True), locale=locale
    )
    message = templates.message("booking_confirmation", locale, variables)
    assert message.name == "showup_booking_confirmation_rules"
    assert message.fallback is not None
    assert message.fallback.name == "showup_booking_confirmation"
    assert (message.quick_replies, message.fallback.quick_replies) == (1, 0)  # no "I agree"


def test_a_salon_copy_without_the_agree_button_still_loads(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A copy of the scripts made before the rules went with the confirmation."""
    scripts = tmp_path / "scripts"
    shutil.copytree(SCRIPTS_DIR, scripts)
    (scripts / "en" / "booking_confirmation.yaml").write_text(
        "text: |-\n  Booked, {{ client_name }}!\n", encoding="utf-8"
    )
    with caplog.at_level(logging.WARNING):
        book = ScriptBook.load(scripts, default_locale="en", late_window=DAY)
    assert "booking_confirmation.yaml has no 'agree' button" in caplog.text
    rendered = book.render(
        script=Script.BOOKING_CONFIRMATION,
        context=dataclasses.replace(sample_context("en"), rules=True),
    )
    assert (rendered.text, rendered.buttons) == ("Booked, Anna!", ())
